// SecretBox: authenticated symmetric encryption of small secrets at rest (TOTP
// secrets), with libsodium's crypto_secretbox (XSalsa20-Poly1305) and a random
// nonce per message.
//
// Immutable after construction; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace gh::crypto {

class SecretBox {
 public:
  // Derives the 32-byte key from `key_material` (any text, at least 32
  // characters of randomness recommended) with SHA-256 under a fixed label.
  explicit SecretBox(std::string_view key_material);

  // "v1." + base64url(nonce || ciphertext). Never empty.
  std::string Seal(std::string_view plaintext) const;
  // Returns false when `sealed` is malformed or was not sealed with this key.
  bool Open(std::string_view sealed, std::string* plaintext) const;

  // The derived key, for keyed hashes of other secrets (recovery codes).
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

}  // namespace gh::crypto
