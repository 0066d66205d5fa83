#include "crypto/random.h"

#include <sodium.h>

#include <cstdlib>

#include "crypto/hash.h"
#include "crypto/sodium_init.h"

namespace gh::crypto {

void EnsureSodiumInitialized() {
  // A function-local static is initialised exactly once even under concurrent
  // first calls (C++11 magic statics).
  static const bool initialized = [] {
    if (sodium_init() < 0) std::abort();
    return true;
  }();
  (void)initialized;
}

std::string RandomBytes(size_t n) {
  EnsureSodiumInitialized();
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

std::string RandomUuid() { return FormatUuidV4(RandomBytes(16)); }

std::string RandomToken(size_t n) { return Base64UrlEncode(RandomBytes(n)); }

std::string RandomDigits(size_t n) {
  EnsureSodiumInitialized();
  std::string out(n, '0');
  // randombytes_uniform rejects out-of-range samples instead of reducing them
  // modulo 10, so every digit is equally likely.
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>('0' + randombytes_uniform(10));
  return out;
}

}  // namespace gh::crypto
