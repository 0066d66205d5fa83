#include "crypto/hash.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/random.h"

namespace gh::crypto {
namespace {

std::string Hex(std::string_view s) { return HexEncode(s); }

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256("abc").size(), 32u);
  EXPECT_EQ(Hex(Sha256("abc")), Sha256Hex("abc"));
}

// RFC 4231, HMAC-SHA-256 results of test cases 1-4, 6 and 7.
TEST(HmacSha256Test, Rfc4231Vectors) {
  EXPECT_EQ(Hex(HmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(Hex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(Hex(HmacSha256(std::string(20, '\xaa'), std::string(50, '\xdd'))),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  std::string key4;
  for (int i = 1; i <= 25; ++i) key4.push_back(static_cast<char>(i));
  EXPECT_EQ(Hex(HmacSha256(key4, std::string(50, '\xcd'))),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
  const std::string long_key(131, '\xaa');  // longer than the block: hashed first
  EXPECT_EQ(Hex(HmacSha256(long_key, "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  EXPECT_EQ(Hex(HmacSha256(long_key,
                           "This is a test using a larger than block-size key and a larger "
                           "than block-size data. The key needs to be hashed before being "
                           "used by the HMAC algorithm.")),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST(ConstantTimeEqualsTest, ComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "Abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
  EXPECT_TRUE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(HexEncodeTest, LowerCase) {
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexEncode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
}

// RFC 4648 section 10.
TEST(Base64Test, Rfc4648Vectors) {
  const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* padded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  const char* unpadded[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(Base64Encode(plain[i]), padded[i]);
    EXPECT_EQ(Base64UrlEncode(plain[i]), unpadded[i]);
    std::string out = "junk";
    ASSERT_TRUE(Base64UrlDecode(unpadded[i], &out)) << unpadded[i];
    EXPECT_EQ(out, plain[i]);
    ASSERT_TRUE(Base64UrlDecode(padded[i], &out)) << padded[i];
    EXPECT_EQ(out, plain[i]);
  }
}

TEST(Base64Test, UrlAlphabet) {
  const std::string bytes("\xfb\xff\xbf", 3);
  EXPECT_EQ(Base64Encode(bytes), "+/+/");
  EXPECT_EQ(Base64UrlEncode(bytes), "-_-_");
  std::string out;
  ASSERT_TRUE(Base64UrlDecode("-_-_", &out));
  EXPECT_EQ(out, bytes);
}

TEST(Base64Test, RoundTripsRandomBytes) {
  for (size_t n = 0; n < 100; ++n) {
    std::string bytes = RandomBytes(n);
    std::string encoded = Base64UrlEncode(bytes);
    EXPECT_EQ(encoded.find_first_of("+/="), std::string::npos);
    std::string out;
    ASSERT_TRUE(Base64UrlDecode(encoded, &out));
    EXPECT_EQ(out, bytes);
  }
}

TEST(Base64Test, RejectsInvalidInput) {
  std::string out = "unchanged";
  for (const char* bad : {"Zm9v+", "Zm9/", "Zm 9v", "Zm9v\n", "Z", "Zm9vY", "Z===", "Zg=", "Zg=a",
                          "=Zg=", "Zm8==", "====", "Zg==Zg==", "Zh", "Zm9", "Zm\xc3\xa9"}) {
    EXPECT_FALSE(Base64UrlDecode(bad, &out)) << bad;
  }
  EXPECT_FALSE(Base64UrlDecode(std::string("Zm\0v", 4), &out));
  EXPECT_EQ(out, "unchanged");  // untouched on failure
}

TEST(FormatUuidV4Test, SetsVersionAndVariant) {
  EXPECT_EQ(FormatUuidV4(std::string(16, '\0')), "00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(FormatUuidV4(std::string(16, '\xff')), "ffffffff-ffff-4fff-bfff-ffffffffffff");
}

}  // namespace
}  // namespace gh::crypto
