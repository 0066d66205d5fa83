#include "crypto/password.h"

#include <crypt.h>
#include <sodium.h>

#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include "crypto/hash.h"
#include "crypto/random.h"
#include "crypto/sodium_init.h"

namespace gh::crypto {

namespace {

constexpr std::string_view kArgon2idPrefix = "$argon2id$";
constexpr size_t kBcryptHashLength = 60;  // "$2b$" + cost "NN$" + 53 characters

bool IsBcrypt(std::string_view hash) {
  return hash.size() == kBcryptHashLength &&
         (hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$"));
}

bool VerifyArgon2id(std::string_view password, std::string_view hash,
                    const PasswordHashParams& params, PasswordCheck* check) {
  // libsodium reads the hash as a C string; a longer one cannot be valid, and
  // copying guarantees the terminating NUL.
  if (hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string hash_z(hash);
  if (crypto_pwhash_str_verify(hash_z.c_str(), password.data(), password.size()) != 0) {
    return false;
  }
  check->ok = true;
  check->needs_rehash =
      crypto_pwhash_str_needs_rehash(hash_z.c_str(), params.ops_limit, params.mem_limit_bytes) != 0;
  return true;
}

bool VerifyBcrypt(std::string_view password, std::string_view hash) {
  // crypt_r takes C strings: a password with an embedded NUL would be cut
  // short and could match a hash of its prefix.
  if (password.find('\0') != std::string_view::npos) return false;
  std::string password_z(password);
  std::string hash_z(hash);
  // crypt_data is ~32 KiB: too big for the stack of a pool thread.
  auto data = std::make_unique<crypt_data>();
  const char* out = crypt_r(password_z.c_str(), hash_z.c_str(), data.get());
  bool ok = out != nullptr && ConstantTimeEquals(out, hash);
  sodium_memzero(data.get(), sizeof(crypt_data));
  return ok;
}

}  // namespace

std::string PasswordHasher::Hash(std::string_view password) const {
  EnsureSodiumInitialized();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), params_.ops_limit,
                        params_.mem_limit_bytes) != 0) {
    return std::string();  // out of memory
  }
  return std::string(out);
}

PasswordCheck PasswordHasher::Verify(std::string_view password, std::string_view hash) const {
  EnsureSodiumInitialized();
  PasswordCheck check;
  if (hash.starts_with(kArgon2idPrefix)) {
    VerifyArgon2id(password, hash, params_, &check);
  } else if (IsBcrypt(hash)) {
    // Any bcrypt hash is upgraded to Argon2id at the next successful sign-in.
    check.ok = VerifyBcrypt(password, hash);
    check.needs_rehash = check.ok;
  }
  return check;
}

const std::string& PasswordHasher::DummyHash() const {
  // One dummy per parameter set, so verifying against it costs the same as a
  // real hash made by this hasher. std::map nodes never move, so the returned
  // reference stays valid for the life of the process.
  static std::mutex mu;
  static std::map<std::pair<unsigned long long, size_t>, std::string> dummies;
  std::lock_guard<std::mutex> lock(mu);
  auto key = std::make_pair(params_.ops_limit, params_.mem_limit_bytes);
  auto it = dummies.find(key);
  if (it == dummies.end()) {
    it = dummies.emplace(key, Hash(RandomToken(32))).first;
  }
  return it->second;
}

}  // namespace gh::crypto
