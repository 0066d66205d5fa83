#include "crypto/password.h"

#include <crypt.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace gh::crypto {
namespace {

// The minimum Argon2id cost, so the tests stay fast.
PasswordHashParams FastParams() {
  PasswordHashParams p;
  p.ops_limit = 1;
  p.mem_limit_bytes = 8 * 1024;
  return p;
}

// From the OpenBSD bcrypt regression tests; checked against libxcrypt.
constexpr char kBcryptUU[] = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";

std::string MakeBcrypt(const char* prefix, const std::string& password) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  EXPECT_NE(crypt_gensalt_rn(prefix, 4, nullptr, 0, setting, sizeof setting), nullptr);
  auto data = std::make_unique<crypt_data>();
  const char* out = crypt_r(password.c_str(), setting, data.get());
  EXPECT_NE(out, nullptr);
  return out ? std::string(out) : std::string();
}

TEST(PasswordHasherTest, Argon2idHashAndVerify) {
  PasswordHasher hasher(FastParams());
  std::string hash = hasher.Hash("correct horse battery staple");
  ASSERT_TRUE(hash.starts_with("$argon2id$")) << hash;
  PasswordCheck check = hasher.Verify("correct horse battery staple", hash);
  EXPECT_TRUE(check.ok);
  EXPECT_FALSE(check.needs_rehash);
  EXPECT_FALSE(hasher.Verify("correct horse battery stapler", hash).ok);
  EXPECT_FALSE(hasher.Verify("", hash).ok);
  EXPECT_NE(hasher.Hash("same"), hasher.Hash("same"));  // random salt
}

TEST(PasswordHasherTest, DefaultParamsAreOwasp) {
  PasswordHasher hasher;
  std::string hash = hasher.Hash("pässwörd");
  EXPECT_NE(hash.find("$m=19456,t=2,p=1$"), std::string::npos) << hash;
  PasswordCheck check = hasher.Verify("pässwörd", hash);
  EXPECT_TRUE(check.ok);
  EXPECT_FALSE(check.needs_rehash);
}

TEST(PasswordHasherTest, WeakerArgon2idNeedsRehash) {
  std::string weak = PasswordHasher(FastParams()).Hash("pw");
  PasswordHashParams stronger = FastParams();
  stronger.ops_limit = 3;
  PasswordCheck check = PasswordHasher(stronger).Verify("pw", weak);
  EXPECT_TRUE(check.ok);
  EXPECT_TRUE(check.needs_rehash);
  EXPECT_FALSE(PasswordHasher(stronger).Verify("PW", weak).needs_rehash);
}

TEST(PasswordHasherTest, EmbeddedNulIsPartOfArgon2Password) {
  PasswordHasher hasher(FastParams());
  std::string pw("ab\0cd", 5);
  std::string hash = hasher.Hash(pw);
  EXPECT_TRUE(hasher.Verify(pw, hash).ok);
  EXPECT_FALSE(hasher.Verify("ab", hash).ok);
}

TEST(PasswordHasherTest, KnownBcryptVector) {
  PasswordHasher hasher(FastParams());
  PasswordCheck check = hasher.Verify("U*U", kBcryptUU);
  EXPECT_TRUE(check.ok);
  EXPECT_TRUE(check.needs_rehash);
  EXPECT_FALSE(hasher.Verify("U*V", kBcryptUU).ok);
  // $2b$ and $2y$ differ from $2a$ only for long or 8-bit passwords.
  std::string b = kBcryptUU;
  b[2] = 'b';
  EXPECT_TRUE(hasher.Verify("U*U", b).ok);
  b[2] = 'y';
  EXPECT_TRUE(hasher.Verify("U*U", b).ok);
  b[2] = 'x';  // the broken pre-2011 variant is not accepted
  EXPECT_FALSE(hasher.Verify("U*U", b).ok);
}

TEST(PasswordHasherTest, GeneratedBcryptHashes) {
  PasswordHasher hasher(FastParams());
  for (const char* prefix : {"$2b$", "$2y$", "$2a$"}) {
    std::string hash = MakeBcrypt(prefix, "hunter2");
    ASSERT_TRUE(hash.starts_with(prefix)) << hash;
    PasswordCheck check = hasher.Verify("hunter2", hash);
    EXPECT_TRUE(check.ok) << hash;
    EXPECT_TRUE(check.needs_rehash);
    check = hasher.Verify("hunter3", hash);
    EXPECT_FALSE(check.ok);
    EXPECT_FALSE(check.needs_rehash);
    // crypt_r would stop at the NUL and compare "hunter2" only.
    EXPECT_FALSE(hasher.Verify(std::string("hunter2\0x", 9), hash).ok);
  }
}

TEST(PasswordHasherTest, UnknownFormatsNeverMatch) {
  PasswordHasher hasher(FastParams());
  std::string argon = hasher.Hash("pw");
  std::string bcrypt_short(kBcryptUU);
  bcrypt_short.pop_back();
  for (const std::string& hash :
       {std::string(), std::string("pw"), std::string("$1$abc$def"),
        std::string("$5$rounds=1000$salt$hash"), std::string("$argon2i$") + argon.substr(10),
        std::string("$argon2id$"), argon.substr(0, argon.size() - 5), argon + "AAAA",
        std::string(200, 'a'), bcrypt_short, std::string("*0"), std::string("$2b$")}) {
    PasswordCheck check = hasher.Verify("pw", hash);
    EXPECT_FALSE(check.ok) << hash;
    EXPECT_FALSE(check.needs_rehash) << hash;
  }
}

TEST(PasswordHasherTest, DummyHashIsStableAndNeverMatchesCommonPasswords) {
  PasswordHasher hasher(FastParams());
  const std::string& dummy = hasher.DummyHash();
  EXPECT_TRUE(dummy.starts_with("$argon2id$"));
  EXPECT_EQ(&dummy, &hasher.DummyHash());
  EXPECT_EQ(&dummy, &PasswordHasher(FastParams()).DummyHash());
  EXPECT_FALSE(hasher.Verify("", dummy).ok);
  EXPECT_FALSE(hasher.Verify("password", dummy).ok);
  // It uses this hasher's cost, so checking it takes as long as a real hash.
  EXPECT_NE(dummy.find("$m=8,t=1,p=1$"), std::string::npos) << dummy;
}

TEST(PasswordHasherTest, DummyHashIsThreadSafe) {
  PasswordHashParams params = FastParams();
  params.ops_limit = 2;  // a parameter set no other test has used
  PasswordHasher hasher(params);
  std::vector<const std::string*> seen(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] { seen[i] = &hasher.DummyHash(); });
  }
  for (auto& t : threads) t.join();
  for (const std::string* s : seen) EXPECT_EQ(s, seen[0]);
}

}  // namespace
}  // namespace gh::crypto
