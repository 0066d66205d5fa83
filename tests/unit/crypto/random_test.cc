#include "crypto/random.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "crypto/hash.h"

namespace gh::crypto {
namespace {

TEST(RandomBytesTest, LengthAndDistinct) {
  EXPECT_EQ(RandomBytes(0).size(), 0u);
  EXPECT_EQ(RandomBytes(1).size(), 1u);
  EXPECT_EQ(RandomBytes(64).size(), 64u);
  EXPECT_NE(RandomBytes(32), RandomBytes(32));
}

TEST(RandomUuidTest, FormatAndVersionBits) {
  const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  std::set<char> variants;
  for (int i = 0; i < 1000; ++i) {
    std::string id = RandomUuid();
    ASSERT_TRUE(std::regex_match(id, uuid)) << id;
    variants.insert(id[19]);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(variants.size(), 4u);  // all of 8, 9, a, b occur
}

TEST(RandomTokenTest, Base64UrlOfRequestedBytes) {
  std::string token = RandomToken();
  EXPECT_EQ(token.size(), 43u);  // 32 bytes, unpadded
  std::string raw;
  ASSERT_TRUE(Base64UrlDecode(token, &raw));
  EXPECT_EQ(raw.size(), 32u);
  EXPECT_EQ(RandomToken(16).size(), 22u);
  EXPECT_NE(RandomToken(), RandomToken());
}

TEST(RandomDigitsTest, LengthAndCharset) {
  EXPECT_EQ(RandomDigits(0), "");
  for (size_t n : {1, 6, 8, 40}) {
    std::string d = RandomDigits(n);
    EXPECT_EQ(d.size(), n);
    EXPECT_EQ(d.find_first_not_of("0123456789"), std::string::npos) << d;
  }
}

TEST(RandomDigitsTest, RoughlyUniform) {
  // 200,000 digits: each count is ~20,000 with a standard deviation of ~134,
  // so +-1,000 (over 7 sigma) should never fail by chance, while a modulo
  // bias from reducing bytes (256 % 10 = 6, +17% for digits 0-5) would.
  const size_t kDigits = 200000;
  std::string d = RandomDigits(kDigits);
  int counts[10] = {0};
  for (char c : d) counts[c - '0']++;
  for (int i = 0; i < 10; ++i) {
    EXPECT_NEAR(counts[i], 20000, 1000) << "digit " << i;
  }
}

}  // namespace
}  // namespace gh::crypto
