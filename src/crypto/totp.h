// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP), base32 secrets
// (RFC 4648) and the otpauth:// URI authenticator apps read from a QR code.
//
// Pure functions over caller-owned bytes; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gh::crypto {

enum class TotpHash { kSha1, kSha256, kSha512 };

// RFC 4648 base32, upper case, without '=' padding.
std::string Base32Encode(std::string_view bytes);
// Accepts upper or lower case, ignores '=' padding, spaces and '-'. Returns
// false on any other character or on non-zero trailing bits beyond a byte.
bool Base32Decode(std::string_view text, std::string* out);

// The time step of `unix_seconds`: floor(unix_seconds / period).
int64_t TotpStep(int64_t unix_seconds, int period_seconds = 30);

// HOTP value of `key` at `counter`, as exactly `digits` decimal digits
// (6..8). RFC 4226 with dynamic truncation; RFC 6238 allows SHA-256/512.
std::string Hotp(std::string_view key, int64_t counter, int digits = 6,
                 TotpHash hash = TotpHash::kSha1);

// The time step in [step - window, step + window] whose 6-digit SHA-1 code
// equals `code`, if any. Every candidate is compared in constant time.
std::optional<int64_t> MatchTotp(std::string_view key, std::string_view code, int64_t step,
                                 int window = 1);

// otpauth://totp/<issuer>:<account>?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30
// with the label and parameters percent-encoded.
std::string TotpUri(std::string_view issuer, std::string_view account,
                    std::string_view secret_base32);

}  // namespace gh::crypto
