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
