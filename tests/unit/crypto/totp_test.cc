#include "crypto/totp.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/hash.h"
#include "crypto/qr_png.h"
#include "crypto/secretbox.h"

namespace gh::crypto {
namespace {

TEST(Base32Test, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"f", "MY"},
      {"fo", "MZXQ"},
      {"foo", "MZXW6"},
      {"foob", "MZXW6YQ"},
      {"fooba", "MZXW6YTB"},
      {"foobar", "MZXW6YTBOI"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base32Encode(plain), encoded);
    std::string back;
    ASSERT_TRUE(Base32Decode(encoded, &back)) << encoded;
    EXPECT_EQ(back, plain);
  }
}

TEST(Base32Test, DecodeIsLenientAboutCaseAndPaddingButNotAlphabet) {
  std::string out;
  ASSERT_TRUE(Base32Decode("mzxw6ytboi======", &out));
  EXPECT_EQ(out, "foobar");
  ASSERT_TRUE(Base32Decode("MZXW 6YTB-OI", &out));
  EXPECT_EQ(out, "foobar");
  EXPECT_FALSE(Base32Decode("MZXW1", &out));  // '1' is not base32
  EXPECT_FALSE(Base32Decode("MZ0", &out));
}

TEST(HotpTest, Rfc4226Vectors) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Hotp("12345678901234567890", i), expected[i]) << i;
}

TEST(TotpTest, Rfc6238Vectors) {
  const std::string sha1 = "12345678901234567890";
  const std::string sha256 = "12345678901234567890123456789012";
  // The RFC's seeds repeat "1234567890" to the hash's block-friendly length.
  const std::string sha512 = "1234567890123456789012345678901234567890123456789012345678901234";
  struct Vector {
    int64_t time;
    const char* sha1;
    const char* sha256;
    const char* sha512;
  };
  const Vector vectors[] = {
      {59, "94287082", "46119246", "90693936"},
      {1111111109, "07081804", "68084774", "25091201"},
      {1111111111, "14050471", "67062674", "99943326"},
      {1234567890, "89005924", "91819424", "93441116"},
      {2000000000, "69279037", "90698825", "38618901"},
      {20000000000, "65353130", "77737706", "47863826"},
  };
  for (const Vector& v : vectors) {
    int64_t step = TotpStep(v.time);
    EXPECT_EQ(Hotp(sha1, step, 8, TotpHash::kSha1), v.sha1) << v.time;
    EXPECT_EQ(Hotp(sha256, step, 8, TotpHash::kSha256), v.sha256) << v.time;
    EXPECT_EQ(Hotp(sha512, step, 8, TotpHash::kSha512), v.sha512) << v.time;
  }
}

TEST(TotpTest, MatchAcceptsOneStepEitherSide) {
  const std::string key = "12345678901234567890";
  const int64_t step = TotpStep(1234567890);
  EXPECT_EQ(MatchTotp(key, Hotp(key, step), step), step);
  EXPECT_EQ(MatchTotp(key, Hotp(key, step - 1), step), step - 1);
  EXPECT_EQ(MatchTotp(key, Hotp(key, step + 1), step), step + 1);
  EXPECT_FALSE(MatchTotp(key, Hotp(key, step + 2), step).has_value());
  EXPECT_FALSE(MatchTotp(key, Hotp(key, step - 2), step).has_value());
  EXPECT_FALSE(MatchTotp(key, "12345", step).has_value());
  EXPECT_FALSE(MatchTotp(key, "", step).has_value());
}

TEST(TotpTest, UriHasTheFieldsAuthenticatorsRead) {
  EXPECT_EQ(TotpUri("My App", "a+b@example.com", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/My%20App:a%2Bb@example.com?secret=JBSWY3DPEHPK3PXP&issuer=My%20App"
            "&algorithm=SHA1&digits=6&period=30");
}

TEST(SecretBoxTest, RoundTripAndTamperDetection) {
  SecretBox box("a key of at least thirty-two characters!!");
  std::string sealed = box.Seal("secret bytes");
  EXPECT_EQ(sealed.rfind("v1.", 0), 0u);
  EXPECT_NE(sealed, box.Seal("secret bytes"));  // fresh nonce each time
  std::string out;
  ASSERT_TRUE(box.Open(sealed, &out));
  EXPECT_EQ(out, "secret bytes");

  std::string tampered = sealed;
  tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(box.Open(tampered, &out));
  EXPECT_FALSE(SecretBox("another key").Open(sealed, &out));
  EXPECT_FALSE(box.Open("v1.", &out));
  EXPECT_FALSE(box.Open("garbage", &out));
}

TEST(PngTest, ChecksumsMatchKnownValues) {
  EXPECT_EQ(Crc32("123456789"), 0xcbf43926u);
  EXPECT_EQ(Crc32("IEND"), 0xae426082u);
  EXPECT_EQ(Adler32("Wikipedia"), 0x11e60398u);
  EXPECT_EQ(Adler32(""), 1u);
}

uint32_t Be32(const std::string& s, size_t at) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
         static_cast<unsigned char>(s[at + 3]);
}

TEST(PngTest, ChunksAreWellFormed) {
  std::vector<bool> dark = {true, false, false, true, true, true, false, false, true};
  std::string png = EncodeBlackWhitePng(3, 3, dark);
  ASSERT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  size_t at = 8;
  std::vector<std::string> types;
  std::string idat;
  while (at < png.size()) {
    ASSERT_LE(at + 12, png.size());
    uint32_t len = Be32(png, at);
    std::string type = png.substr(at + 4, 4);
    std::string data = png.substr(at + 8, len);
    EXPECT_EQ(Be32(png, at + 8 + len), Crc32(type + data)) << type;
    if (type == "IHDR") {
      EXPECT_EQ(Be32(data, 0), 3u);
      EXPECT_EQ(Be32(data, 4), 3u);
      EXPECT_EQ(data[8], 1);  // bit depth
      EXPECT_EQ(data[9], 0);  // greyscale
    }
    if (type == "IDAT") idat = data;
    types.push_back(type);
    at += 12 + len;
  }
  EXPECT_EQ(types, (std::vector<std::string>{"IHDR", "IDAT", "IEND"}));
  // zlib header, one final stored block of 3 rows x (filter byte + 1 byte), Adler-32.
  ASSERT_EQ(idat.size(), 2u + 5u + 6u + 4u);
  EXPECT_EQ((static_cast<unsigned char>(idat[0]) * 256 + static_cast<unsigned char>(idat[1])) % 31,
            0);
  EXPECT_EQ(idat[2], 1);
  std::string raw = idat.substr(7, 6);
  // Row 0: dark, light, light -> bits 0,1,1 (1 = white) -> 0x60.
  EXPECT_EQ(raw, std::string("\x00\x60\x00\x00\x00\xc0", 6));
  EXPECT_EQ(Be32(idat, 13), Adler32(raw));
}

TEST(PngTest, QrDataUrl) {
  std::string url = QrPngDataUrl("otpauth://totp/Gatehouse:a@example.com?secret=JBSWY3DPEHPK3PXP");
  ASSERT_EQ(url.rfind("data:image/png;base64,", 0), 0u);
  EXPECT_GT(url.size(), 200u);
  EXPECT_LT(url.size(), 40'000u);
}

}  // namespace
}  // namespace gh::crypto
