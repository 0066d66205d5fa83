#include "core/text.h"

#include <gtest/gtest.h>

#include "core/clock.h"

namespace gh::core {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_EQ(Utf8Length("caf\xC3\xA9"), 4u);
}

TEST(Utf8, RejectsMalformedText) {
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("a\x80z"));            // stray continuation
}

TEST(NormalizeEmail, TrimsAndLowerCases) {
  EXPECT_EQ(NormalizeEmail("  Foo.Bar@Example.COM "), "foo.bar@example.com");
  EXPECT_FALSE(NormalizeEmail("j\xC3\xBCrgen@m\xC3\xBCnchen.de").has_value());  // ASCII only
  EXPECT_EQ(NormalizeEmail("a+tag@x.io"), "a+tag@x.io");
}

TEST(NormalizeEmail, RejectsImplausibleAddresses) {
  for (const char* bad :
       {"", "   ", "no-at-sign", "@x.io", "a@", "a@b", "a@@b.io", "a@b@c.io", "a b@c.io", "a@b..io",
        "a@.b.io", ".a@b.io", "a.@b.io", "a..b@c.io", "<a>@b.io", "a\n@b.io", "a\x01@b.io"}) {
    EXPECT_FALSE(NormalizeEmail(bad).has_value()) << bad;
  }
  EXPECT_FALSE(NormalizeEmail(std::string(65, 'a') + "@b.io").has_value());
  EXPECT_FALSE(NormalizeEmail("a@" + std::string(260, 'b') + ".io").has_value());
  EXPECT_FALSE(NormalizeEmail("\xFF@b.io").has_value());
}

TEST(CleanText, ReplacesInvalidSequencesAndCutsBetweenCharacters) {
  EXPECT_EQ(CleanText("Mozilla/5.0 (X11)", 512), "Mozilla/5.0 (X11)");
  EXPECT_EQ(CleanText("a\xFF\xFE"
                      "b",
                      512),
            "a\xEF\xBF\xBD\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(CleanText("x\xC0\xAFy", 512), "x\xEF\xBF\xBD\xEF\xBF\xBDy");  // overlong '/'
  EXPECT_EQ(CleanText("\xED\xA0\x80", 512), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(CleanText("a\nb\x01\x7F", 512),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD\xEF\xBF\xBD");
  // 511 ASCII bytes then a 2-byte character: the character does not fit whole.
  std::string ua = std::string(511, 'a') + "\xC3\xA9";
  EXPECT_EQ(CleanText(ua, 512), std::string(511, 'a'));
  std::string emoji = std::string(510, 'b') + "\xF0\x9F\x98\x80";
  EXPECT_EQ(CleanText(emoji, 512), std::string(510, 'b'));
  EXPECT_EQ(CleanText(std::string(600, 'c'), 512).size(), 512u);
  for (const std::string& s : {ua, emoji, std::string("\xE6\xBC\xA2\xE5\xAD"), std::string("\xFF")})
    EXPECT_TRUE(IsValidUtf8(CleanText(s, 512)));
}

TEST(EscapeForLog, OneLineOfPrintableAscii) {
  EXPECT_EQ(EscapeForLog("GET /v1/x"), "GET /v1/x");
  EXPECT_EQ(EscapeForLog("a\nINFO forged\r\n"), "a\\x0aINFO forged\\x0d\\x0a");
  EXPECT_EQ(EscapeForLog("\xFF\\"), "\\xff\\x5c");
  EXPECT_EQ(EscapeForLog(std::string_view("\0x", 2)), "\\x00x");
}

TEST(Clock, FormatsRfc3339WithMillis) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(1'700'000'000'123), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59.999Z");
}

TEST(Clock, ManualClockMoves) {
  ManualClock clock(1000);
  clock.AdvanceSeconds(2);
  EXPECT_EQ(clock.NowMillis(), 3000);
  EXPECT_EQ(clock.NowSeconds(), 3);
}

}  // namespace
}  // namespace gh::core
