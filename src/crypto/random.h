// Randomness from the operating system's CSPRNG (libsodium's randombytes).
// Every function is thread-safe.
#pragma once

#include <cstddef>
#include <string>

namespace gh::crypto {

// `n` random bytes.
std::string RandomBytes(size_t n);
// A version-4 UUID in lower-case text form (122 random bits).
std::string RandomUuid();
// `n` random bytes encoded as unpadded base64url.
std::string RandomToken(size_t n = 32);
// `n` decimal digits, uniformly distributed (no modulo bias).
std::string RandomDigits(size_t n);

}  // namespace gh::crypto
