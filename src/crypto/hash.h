// Hashes, MACs, encodings and the constant-time compare. Pure functions,
// thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace gh::crypto {

// Raw 32-byte SHA-256 digest.
std::string Sha256(std::string_view data);
// Lower-case hex of the SHA-256 digest (64 characters).
std::string Sha256Hex(std::string_view data);
// Upper-case hex of the SHA-1 digest (40 characters). Only for interfaces that
// name SHA-1 (the Have I Been Pwned range API); never to protect anything.
std::string Sha1HexUpper(std::string_view data);
// Raw 32-byte HMAC-SHA-256.
std::string HmacSha256(std::string_view key, std::string_view data);

// Compares in time that depends only on the lengths, never on the contents.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

std::string HexEncode(std::string_view bytes);
std::string Base64UrlEncode(std::string_view bytes);  // unpadded
// Accepts padded or unpadded base64url; returns false on any invalid character.
bool Base64UrlDecode(std::string_view text, std::string* out);
std::string Base64Encode(std::string_view bytes);  // standard, padded

// Formats 16 bytes as a version-4 UUID (sets the version and variant bits).
// REQUIRES: bytes.size() >= 16.
std::string FormatUuidV4(std::string_view bytes);

}  // namespace gh::crypto
