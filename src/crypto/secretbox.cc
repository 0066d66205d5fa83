#include "crypto/secretbox.h"

#include <sodium.h>

#include "crypto/hash.h"
#include "crypto/sodium_init.h"

namespace gh::crypto {
namespace {
constexpr std::string_view kPrefix = "v1.";
}  // namespace

static_assert(crypto_secretbox_KEYBYTES == 32);

SecretBox::SecretBox(std::string_view key_material) {
  EnsureSodiumInitialized();
  key_ = HmacSha256("gatehouse secretbox v1", key_material);
}

std::string SecretBox::Seal(std::string_view plaintext) const {
  std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        nonce, reinterpret_cast<const unsigned char*>(key_.data()));
  return std::string(kPrefix) + Base64UrlEncode(out);
}

bool SecretBox::Open(std::string_view sealed, std::string* plaintext) const {
  if (sealed.substr(0, kPrefix.size()) != kPrefix) return false;
  std::string raw;
  if (!Base64UrlDecode(sealed.substr(kPrefix.size()), &raw)) return false;
  if (raw.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) return false;
  const auto* nonce = reinterpret_cast<const unsigned char*>(raw.data());
  const size_t cipher_len = raw.size() - crypto_secretbox_NONCEBYTES;
  plaintext->assign(cipher_len - crypto_secretbox_MACBYTES, '\0');
  return crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plaintext->data()),
                                    nonce + crypto_secretbox_NONCEBYTES, cipher_len, nonce,
                                    reinterpret_cast<const unsigned char*>(key_.data())) == 0;
}

}  // namespace gh::crypto
