// Small text checks shared by the flows and the API facades: UTF-8 validity,
// email normalisation and syntax. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gh::core {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Number of code points in well-formed UTF-8 text.
size_t Utf8Length(std::string_view s);

// The canonical form of an email address: surrounding whitespace trimmed and
// ASCII letters lower-cased (the whole address, so "Foo@Example.com" and
// "foo@example.com" are one account). Addresses are ASCII, as the native spec's
// `format: email` and plain SMTP require. Returns nullopt when the address is not
// plausible: not ASCII, longer than 254 bytes, not exactly one '@', an empty or
// over-long (> 64 bytes) local part, a domain without a dot or with an empty
// label, or any whitespace or control character.
std::optional<std::string> NormalizeEmail(std::string_view raw);

}  // namespace gh::core
