#include "core/percent_encoding.h"

#include <gtest/gtest.h>

namespace gh::core {
namespace {

TEST(PercentEncode, KeepsUnreservedEncodesTheRest) {
  EXPECT_EQ(PercentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(PercentEncode("a b&c=d/e?f#g+h"), "a%20b%26c%3Dd%2Fe%3Ff%23g%2Bh");
  EXPECT_EQ(PercentEncode("ada@example.com"), "ada%40example.com");
  EXPECT_EQ(PercentEncode(std::string_view("\xc3\xa9\x00\xff", 4)), "%C3%A9%00%FF");
}

TEST(PercentEncode, ExtraUnreservedCharactersStay) {
  EXPECT_EQ(PercentEncode("Acme:ada@example.com", "@"), "Acme%3Aada@example.com");
}

}  // namespace
}  // namespace gh::core
