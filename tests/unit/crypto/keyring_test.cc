// KeyRing construction, hostile input, interoperability and concurrency.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "crypto/hash.h"
#include "crypto/jwt.h"
#include "crypto/keys.h"
#include "crypto/random.h"

namespace gh::crypto {
namespace {

constexpr int64_t kNow = 1'700'000'000;

core::SigningKeyRecord NewKey(std::string_view alg) {
  auto key = GenerateSigningKey(alg, kNow * 1000);
  EXPECT_TRUE(key.ok());
  return key.ok() ? key.value() : core::SigningKeyRecord{};
}

std::string CreateError(std::vector<core::SigningKeyRecord> keys) {
  auto ring = KeyRing::Create(keys);
  if (ring.ok()) return "ok";
  EXPECT_EQ(ring.error().code, core::errc::kInvalidRequest);
  return ring.error().message;
}

std::string Pem(std::string_view label, std::string_view der) {
  std::string b64 = Base64Encode(der);
  std::string pem = "-----BEGIN " + std::string(label) + "-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
  return pem + "-----END " + std::string(label) + "-----\n";
}

TEST(GenerateSigningKeyTest, ProducesPemOrSecret) {
  auto es = NewKey("ES256");
  EXPECT_TRUE(es.private_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
  EXPECT_TRUE(es.public_pem.starts_with("-----BEGIN PUBLIC KEY-----"));
  EXPECT_EQ(es.created_at, kNow * 1000);
  EXPECT_FALSE(es.retired_at.has_value());
  auto hs = NewKey("HS256");
  EXPECT_TRUE(hs.public_pem.empty());
  std::string secret;
  ASSERT_TRUE(Base64UrlDecode(hs.private_pem, &secret));
  EXPECT_EQ(secret.size(), 32u);
  EXPECT_NE(NewKey("EdDSA").kid, NewKey("EdDSA").kid);
  for (const char* bad : {"none", "HS512", "es256", "", "RS384"}) {
    auto r = GenerateSigningKey(bad, 0);
    EXPECT_FALSE(r.ok()) << bad;
  }
}

TEST(KeyRingCreateTest, RejectsBadKeyRecords) {
  EXPECT_EQ(CreateError({}), "no active signing key");
  auto es = NewKey("ES256");
  auto retired = es;
  retired.retired_at = 1;
  EXPECT_EQ(CreateError({retired}), "no active signing key");

  auto bad_pem = NewKey("ES256");
  bad_pem.private_pem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
  std::string msg = CreateError({bad_pem});
  EXPECT_NE(msg.find(bad_pem.kid), std::string::npos) << msg;

  auto mislabeled = NewKey("ES256");
  mislabeled.algorithm = "RS256";
  EXPECT_NE(CreateError({mislabeled}).find("RS256 needs an RSA key"), std::string::npos);
  auto ed_as_es = NewKey("EdDSA");
  ed_as_es.algorithm = "ES256";
  EXPECT_NE(CreateError({ed_as_es}).find("P-256"), std::string::npos);

  auto mismatched = NewKey("ES256");
  mismatched.public_pem = NewKey("ES256").public_pem;
  EXPECT_NE(CreateError({mismatched}).find("does not match"), std::string::npos);

  auto unknown_alg = NewKey("ES256");
  unknown_alg.algorithm = "none";
  EXPECT_NE(CreateError({unknown_alg}).find("unsupported algorithm"), std::string::npos);

  auto dup = NewKey("HS256");
  EXPECT_NE(CreateError({dup, dup}).find("duplicate kid"), std::string::npos);
  auto no_kid = NewKey("HS256");
  no_kid.kid.clear();
  EXPECT_NE(CreateError({no_kid}).find("kid is empty"), std::string::npos);

  auto short_secret = NewKey("HS256");
  short_secret.private_pem = Base64UrlEncode(std::string(31, 'k'));
  EXPECT_NE(CreateError({short_secret}).find("shorter than 32"), std::string::npos);
  short_secret.private_pem = "not base64!";
  EXPECT_NE(CreateError({short_secret}).find("not base64url"), std::string::npos);
}

TEST(KeyRingCreateTest, PublicOnlyKeysVerifyButCannotSign) {
  auto active = NewKey("ES256");
  auto old_key = NewKey("RS256");
  auto old_ring = KeyRing::Create({old_key});
  ASSERT_TRUE(old_ring.ok());
  std::string token = (*old_ring)->Sign(R"({"exp":1800000000})");

  auto public_only = old_key;
  public_only.private_pem.clear();
  public_only.retired_at = 1;
  auto ring = KeyRing::Create({active, public_only});
  ASSERT_TRUE(ring.ok()) << ring.error().message;
  EXPECT_TRUE((*ring)->Verify(token, kNow).ok());
  EXPECT_NE((*ring)->JwksJson().find(old_key.kid), std::string::npos);

  public_only.retired_at.reset();
  EXPECT_NE(CreateError({public_only}).find("no private key"), std::string::npos);
}

TEST(KeyRingVerifyTest, GarbageNeverVerifiesOrCrashes) {
  auto ring = KeyRing::Create({NewKey("ES256")});
  ASSERT_TRUE(ring.ok());
  const KeyRing& r = **ring;
  std::string good = r.Sign(R"({"exp":1800000000})");
  std::string header = good.substr(0, good.find('.'));
  const std::vector<std::string> garbage = {
      "",
      ".",
      "..",
      "...",
      "a",
      "a.b",
      "a.b.c",
      "a.b.c.d",
      good + ".",
      "." + good,
      good + "x",
      good.substr(0, good.size() - 1),
      good + "==",
      header,
      header + ".",
      header + "..",
      header + ".e30.",
      header + "." + Base64UrlEncode("not json") + ".AAAA",
      Base64UrlEncode("{") + ".e30.AAAA",
      Base64UrlEncode("[]") + ".e30.AAAA",
      Base64UrlEncode(R"({"alg":256})") + ".e30.AAAA",
      Base64UrlEncode(R"({"alg":"ES256","alg":"ES256"})") + ".e30.AAAA",
      Base64UrlEncode(R"({"kid":"x"})") + ".e30.AAAA",
      std::string("\0\0.\0.\0", 6),
      std::string(1 << 20, 'A'),
      std::string(1 << 20, '.'),
      std::string(20000, 'A') + "." + std::string(20000, 'A') + ".AAAA",
  };
  for (const std::string& token : garbage) {
    auto v = r.Verify(token, kNow);
    EXPECT_FALSE(v.ok()) << token.substr(0, 80);
    if (!v.ok()) {
      EXPECT_EQ(v.error().code, core::errc::kInvalidToken);
    }
  }
  // Random bytes and random base64url-with-dots strings.
  for (int i = 0; i < 2000; ++i) {
    std::string bytes = RandomBytes(i % 300);
    EXPECT_FALSE(r.Verify(bytes, kNow).ok());
    std::string b64 = Base64UrlEncode(bytes);
    for (size_t j = 0; j < b64.size(); j += 1 + (bytes.empty() ? 0 : bytes[0] & 31)) b64[j] = '.';
    EXPECT_FALSE(r.Verify(b64, kNow).ok());
  }
}

// RFC 8037 appendix A: the Ed25519 key and signature, to show that our
// EdDSA and key encoding interoperate with other implementations.
TEST(InteropTest, Rfc8037Ed25519Example) {
  std::string d, x;
  ASSERT_TRUE(Base64UrlDecode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A", &d));
  ASSERT_TRUE(Base64UrlDecode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", &x));
  const std::string pkcs8_prefix("\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x70\x04\x22\x04\x20",
                                 16);
  const std::string spki_prefix("\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00", 12);
  core::SigningKeyRecord key;
  key.kid = "rfc8037";
  key.algorithm = "EdDSA";
  key.private_pem = Pem("PRIVATE KEY", pkcs8_prefix + d);
  key.public_pem = Pem("PUBLIC KEY", spki_prefix + x);
  auto ring = KeyRing::Create({key});
  ASSERT_TRUE(ring.ok()) << ring.error().message;
  EXPECT_NE((*ring)->JwksJson().find(R"("x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")"),
            std::string::npos);

  const std::string input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
  const std::string sig =
      "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
  // The signature checks out (no kid: the active key); the payload is plain
  // text, not claims, so verification stops right after it.
  auto v = (*ring)->Verify(input + "." + sig, kNow);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().message, "malformed claims");

  bool has_private = false;
  std::string why;
  PkeyPtr pkey = LoadAsymmetricKey(JwsAlg::kEdDSA, key.private_pem, "", &has_private, &why);
  ASSERT_TRUE(pkey) << why;
  EXPECT_EQ(Base64UrlEncode(AsymmetricSign(JwsAlg::kEdDSA, pkey.get(), input)), sig);
}

TEST(KeyRingConcurrencyTest, SignAndVerifyFromManyThreads) {
  auto es = NewKey("ES256");
  auto ed = NewKey("EdDSA");
  ed.retired_at = 1;
  auto ring = KeyRing::Create({es, ed, NewKey("HS256")});
  ASSERT_TRUE(ring.ok());
  std::shared_ptr<const KeyRing> shared = *ring;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        std::string claims =
            R"({"sub":")" + std::to_string(t * 1000 + i) + R"(","exp":1800000000})";
        auto v = shared->Verify(shared->Sign(claims), kNow);
        if (!v.ok() || v->payload_json != claims) failures++;
        if (shared->Verify(RandomToken(40), kNow).ok()) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace gh::crypto
