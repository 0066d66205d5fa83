#include "crypto/json_scan.h"

#include <gtest/gtest.h>

#include <string>

namespace gh::crypto {
namespace {

TEST(JsonScanTest, ExtractsTopLevelMembers) {
  JsonScan scan;
  ASSERT_TRUE(
      scan.Parse(R"( {"sub":"u-1","exp":1700000000,"iat":-5,"admin":true,"x":null,"f":false,)"
                 R"("roles":["a",{"b":[1,2.5e3]}],"nested":{"sub":"other","exp":1}} )"));
  EXPECT_EQ(scan.size(), 8u);
  std::string s;
  ASSERT_TRUE(scan.GetString("sub", &s));
  EXPECT_EQ(s, "u-1");
  int64_t n = 0;
  ASSERT_TRUE(scan.GetInt64("exp", &n));
  EXPECT_EQ(n, 1700000000);
  ASSERT_TRUE(scan.GetInt64("iat", &n));
  EXPECT_EQ(n, -5);
  JsonScan::Type t;
  ASSERT_TRUE(scan.GetType("admin", &t));
  EXPECT_EQ(t, JsonScan::Type::kTrue);
  ASSERT_TRUE(scan.GetType("x", &t));
  EXPECT_EQ(t, JsonScan::Type::kNull);
  ASSERT_TRUE(scan.GetType("roles", &t));
  EXPECT_EQ(t, JsonScan::Type::kArray);
  ASSERT_TRUE(scan.GetType("nested", &t));
  EXPECT_EQ(t, JsonScan::Type::kObject);
  EXPECT_FALSE(scan.Has("missing"));
  EXPECT_FALSE(scan.GetString("exp", &s));  // wrong type
  EXPECT_FALSE(scan.GetInt64("sub", &n));
  EXPECT_FALSE(scan.GetString("nested", &s));
}

TEST(JsonScanTest, EmptyObjectAndWhitespace) {
  JsonScan scan;
  EXPECT_TRUE(scan.Parse("{}"));
  EXPECT_EQ(scan.size(), 0u);
  EXPECT_TRUE(scan.Parse(" \t\r\n{ \n\"a\" \t: \r\n1 }\n"));
  EXPECT_TRUE(scan.Has("a"));
}

TEST(JsonScanTest, UnescapesStrings) {
  JsonScan scan;
  ASSERT_TRUE(
      scan.Parse(R"({"s":"q\"b\\s\/n\nt\tr\rb\bf\f","u":"\u00e9\u20AC\ud83d\ude00","raw":"é€😀"})"));
  std::string s;
  ASSERT_TRUE(scan.GetString("s", &s));
  EXPECT_EQ(s, "q\"b\\s/n\nt\tr\rb\bf\f");
  ASSERT_TRUE(scan.GetString("u", &s));
  EXPECT_EQ(s, "é€😀");
  ASSERT_TRUE(scan.GetString("raw", &s));
  EXPECT_EQ(s, "é€😀");
  // Names are unescaped too.
  ASSERT_TRUE(scan.Parse(R"({"\u0073ub":"x"})"));
  EXPECT_TRUE(scan.Has("sub"));
}

TEST(JsonScanTest, NumbersAsInt64) {
  JsonScan scan;
  ASSERT_TRUE(scan.Parse(R"({"a":0,"b":-0,"c":1.9,"d":-1.9,"e":1.7e9,"f":17E+8,"g":5e-1,)"
                         R"("max":9223372036854775807,"min":-9223372036854775808,)"
                         R"("over":9223372036854775808,"big":1e19,"huge":1e400})"));
  int64_t n = 7;
  EXPECT_TRUE(scan.GetInt64("a", &n) && n == 0);
  EXPECT_TRUE(scan.GetInt64("b", &n) && n == 0);
  EXPECT_TRUE(scan.GetInt64("c", &n) && n == 1);
  EXPECT_TRUE(scan.GetInt64("d", &n) && n == -1);
  EXPECT_TRUE(scan.GetInt64("e", &n) && n == 1700000000);
  EXPECT_TRUE(scan.GetInt64("f", &n) && n == 1700000000);
  EXPECT_TRUE(scan.GetInt64("g", &n) && n == 0);
  EXPECT_TRUE(scan.GetInt64("max", &n) && n == INT64_MAX);
  EXPECT_TRUE(scan.GetInt64("min", &n) && n == INT64_MIN);
  EXPECT_FALSE(scan.GetInt64("over", &n));
  EXPECT_FALSE(scan.GetInt64("big", &n));
  EXPECT_FALSE(scan.GetInt64("huge", &n));
}

TEST(JsonScanTest, RejectsMalformedDocuments) {
  const char* bad[] = {
      "",
      " ",
      "[]",
      "\"x\"",
      "1",
      "null",
      "{",
      "}",
      "{}}",
      "{} x",
      "{}{}",
      "{\"a\"}",
      "{\"a\":}",
      "{\"a\" 1}",
      "{\"a\":1,}",
      "{,\"a\":1}",
      "{\"a\":1 \"b\":2}",
      "{a:1}",
      "{'a':1}",
      "{\"a\":'x'}",
      "{\"a\":01}",
      "{\"a\":1.}",
      "{\"a\":.5}",
      "{\"a\":-}",
      "{\"a\":+1}",
      "{\"a\":1e}",
      "{\"a\":0x10}",
      "{\"a\":NaN}",
      "{\"a\":Infinity}",
      "{\"a\":tru}",
      "{\"a\":True}",
      "{\"a\":nul}",
      "{\"a\":[1,]}",
      "{\"a\":[1 2]}",
      "{\"a\":{\"b\"}}",
      "{\"a\":{\"b\":1,}}",
      "{\"a\":\"unterminated}",
      "{\"a\":\"bad \\x escape\"}",
      "{\"a\":\"\\u12\"}",
      "{\"a\":\"\\u12G4\"}",
      "{\"a\":\"\\ud800\"}",         // lone high surrogate
      "{\"a\":\"\\udc00\"}",         // lone low surrogate
      "{\"a\":\"\\ud800\\u0041\"}",  // high surrogate + non-surrogate
      "{\"a\":\"tab\there\"}",       // raw control character
      "{\"a\":1} // comment",
      "{/* c */\"a\":1}",
      "{\"a\":1,\"a\":2}",                    // duplicate top-level name
      "{\"sub\":\"x\",\"s\\u0075b\":\"y\"}",  // duplicate after unescaping
  };
  for (const char* text : bad) {
    JsonScan scan;
    EXPECT_FALSE(scan.Parse(text)) << text;
    EXPECT_EQ(scan.size(), 0u);
  }
  JsonScan scan;
  EXPECT_FALSE(scan.Parse(std::string("{\"a\":\"x\0y\"}", 11)));  // raw NUL
  EXPECT_FALSE(scan.Parse(std::string("{\"a\":1}\0", 8)));        // trailing NUL
}

TEST(JsonScanTest, DuplicatesOnlyMatterAtTopLevel) {
  JsonScan scan;
  EXPECT_TRUE(scan.Parse(R"({"a":{"x":1,"x":2}})"));
}

TEST(JsonScanTest, RejectsInvalidUtf8) {
  const char* bad[] = {
      "{\"a\":\"\xc3\"}",              // truncated 2-byte sequence
      "{\"a\":\"\xc0\x80\"}",          // overlong NUL
      "{\"a\":\"\xe0\x80\xaf\"}",      // overlong '/'
      "{\"a\":\"\xed\xa0\x80\"}",      // UTF-16 surrogate encoded in UTF-8
      "{\"a\":\"\xf4\x90\x80\x80\"}",  // above U+10FFFF
      "{\"a\":\"\xf5\x80\x80\x80\"}",
      "{\"a\":\"\xff\"}",
      "{\"a\":\"\x80\"}",  // stray continuation byte
      "{\"\xe2\x82\":1}",  // bad name
  };
  for (const char* text : bad) {
    JsonScan scan;
    EXPECT_FALSE(scan.Parse(text)) << text;
  }
  JsonScan scan;
  EXPECT_TRUE(scan.Parse("{\"a\":\"\xf4\x8f\xbf\xbf\"}"));  // U+10FFFF is fine
}

TEST(JsonScanTest, LimitsNesting) {
  auto nested = [](int depth) {
    std::string inner(static_cast<size_t>(depth), '[');
    inner.append(static_cast<size_t>(depth), ']');
    return "{\"a\":" + inner + "}";
  };
  JsonScan scan;
  // The top-level object is one level, so kMaxDepth - 1 arrays fit.
  EXPECT_TRUE(scan.Parse(nested(JsonScan::kMaxDepth - 1)));
  EXPECT_FALSE(scan.Parse(nested(JsonScan::kMaxDepth)));
  EXPECT_FALSE(scan.Parse(nested(100000)));  // must not overflow the stack
  EXPECT_FALSE(scan.Parse("{\"a\":" + std::string(100000, '[')));
}

TEST(JsonScanTest, ManyMembersAndLateDuplicate) {
  std::string text = "{";
  for (int i = 0; i < 5000; ++i)
    text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  JsonScan scan;
  ASSERT_TRUE(scan.Parse(text + "\"last\":1}"));
  EXPECT_EQ(scan.size(), 5001u);
  int64_t n = 0;
  EXPECT_TRUE(scan.GetInt64("k4999", &n) && n == 4999);
  EXPECT_FALSE(scan.Parse(text + "\"k0\":1}"));
}

TEST(JsonScanTest, FailedParseClearsPreviousMembers) {
  JsonScan scan;
  ASSERT_TRUE(scan.Parse(R"({"a":1})"));
  EXPECT_FALSE(scan.Parse(R"({"a":1)"));
  EXPECT_FALSE(scan.Has("a"));
}

TEST(JsonQuoteTest, EscapesAndRoundTrips) {
  EXPECT_EQ(JsonQuote("plain"), "\"plain\"");
  EXPECT_EQ(JsonQuote("a\"b\\c\nd\x01"), "\"a\\\"b\\\\c\\nd\\u0001\"");
  const std::string tricky = "k\"}{\\\t\r\x1f é";
  JsonScan scan;
  ASSERT_TRUE(scan.Parse("{\"k\":" + JsonQuote(tricky) + "}"));
  std::string out;
  ASSERT_TRUE(scan.GetString("k", &out));
  EXPECT_EQ(out, tricky);
}

}  // namespace
}  // namespace gh::crypto
