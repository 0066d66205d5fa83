// Password hashing: Argon2id (libsodium) for every new hash; bcrypt hashes
// imported from GoTrue / Nhost ($2a$, $2b$, $2y$) are verified with libxcrypt
// and reported as needing a rehash, so the flow upgrades them on sign-in.
//
// Hashing is deliberately slow (tens of milliseconds); callers run it on the
// bounded hash pool, never on a socket thread. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace gh::crypto {

struct PasswordHashParams {
  // OWASP's Argon2id recommendation: m=19 MiB, t=2, p=1.
  unsigned long long ops_limit = 2;
  size_t mem_limit_bytes = 19 * 1024 * 1024;
};

struct PasswordCheck {
  bool ok = false;            // the password matches
  bool needs_rehash = false;  // ok, but the hash is bcrypt or weaker params than current
};

class PasswordHasher {
 public:
  explicit PasswordHasher(PasswordHashParams params = {}) : params_(params) {}

  // Returns a "$argon2id$..." string. Never fails except on memory exhaustion,
  // where it returns an empty string.
  std::string Hash(std::string_view password) const;
  // Verifies against an Argon2id or bcrypt hash. Unknown formats never match.
  PasswordCheck Verify(std::string_view password, std::string_view hash) const;
  // A hash of a random password, used to spend the same time on unknown users
  // (so response time does not tell whether an email is registered).
  const std::string& DummyHash() const;

 private:
  PasswordHashParams params_;
};

}  // namespace gh::crypto
