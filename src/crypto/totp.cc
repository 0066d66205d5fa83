#include "crypto/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/percent_encoding.h"
#include "crypto/hash.h"

namespace gh::crypto {
namespace {

constexpr char kBase32Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

const EVP_MD* Md(TotpHash hash) {
  switch (hash) {
    case TotpHash::kSha256:
      return EVP_sha256();
    case TotpHash::kSha512:
      return EVP_sha512();
    case TotpHash::kSha1:
      break;
  }
  return EVP_sha1();
}

// otpauth labels keep '@' readable (authenticator apps show the label).
std::string PercentEncode(std::string_view s) { return core::PercentEncode(s, "@"); }

}  // namespace

std::string Base32Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out += kBase32Alphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kBase32Alphabet[(buffer << (5 - bits)) & 31];
  return out;
}

bool Base32Decode(std::string_view text, std::string* out) {
  out->clear();
  uint32_t buffer = 0;
  int bits = 0;
  for (char ch : text) {
    if (ch == '=' || ch == ' ' || ch == '-') continue;
    int v;
    if (ch >= 'A' && ch <= 'Z') {
      v = ch - 'A';
    } else if (ch >= 'a' && ch <= 'z') {
      v = ch - 'a';
    } else if (ch >= '2' && ch <= '7') {
      v = ch - '2' + 26;
    } else {
      return false;
    }
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out->push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  // Leftover bits must be zero padding (fewer than 5 of them).
  return (buffer & ((1u << bits) - 1)) == 0;
}

int64_t TotpStep(int64_t unix_seconds, int period_seconds) {
  if (unix_seconds < 0) return 0;
  return unix_seconds / period_seconds;
}

std::string Hotp(std::string_view key, int64_t counter, int digits, TotpHash hash) {
  unsigned char msg[8];
  for (int i = 7; i >= 0; --i) {
    msg[i] = static_cast<unsigned char>(counter & 0xff);
    counter >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(Md(hash), key.data(), static_cast<int>(key.size()), msg, sizeof msg, mac, &mac_len);
  int offset = mac[mac_len - 1] & 0x0f;
  uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) |
                    (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                    (static_cast<uint32_t>(mac[offset + 2]) << 8) | mac[offset + 3];
  uint32_t modulo = 1;
  for (int i = 0; i < digits; ++i) modulo *= 10;
  std::string code = std::to_string(binary % modulo);
  return std::string(static_cast<size_t>(digits) - code.size(), '0') + code;
}

std::optional<int64_t> MatchTotp(std::string_view key, std::string_view code, int64_t step,
                                 int window) {
  std::optional<int64_t> match;
  for (int64_t s = step - window; s <= step + window; ++s) {
    if (s < 0) continue;
    // No early exit: every candidate costs the same.
    if (ConstantTimeEquals(Hotp(key, s), code) && !match) match = s;
  }
  return match;
}

std::string TotpUri(std::string_view issuer, std::string_view account,
                    std::string_view secret_base32) {
  std::string uri = "otpauth://totp/";
  uri += PercentEncode(issuer);
  uri += ':';
  uri += PercentEncode(account);
  uri += "?secret=";
  uri += secret_base32;
  uri += "&issuer=";
  uri += PercentEncode(issuer);
  uri += "&algorithm=SHA1&digits=6&period=30";
  return uri;
}

}  // namespace gh::crypto
