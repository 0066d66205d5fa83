// Small text checks shared by the flows and the API facades: UTF-8 validity and
// cleaning, log escaping, email normalisation and syntax. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gh::core {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view s);

// `s` made safe to store and show: each byte that does not start a well-formed
// UTF-8 sequence, and each control character (C0, DEL), becomes U+FFFD; the
// result is cut to at most `max_bytes` between two characters, never inside
// one. For text taken from request headers (user agent, forwarded address):
// PostgreSQL refuses invalid UTF-8 outright.
std::string CleanText(std::string_view s, size_t max_bytes);

// `s` for one log line: printable ASCII kept, every other byte (newlines,
// control characters, invalid UTF-8, all non-ASCII) and '\' written as \xNN,
// so that text from a request can never start a line of its own.
std::string EscapeForLog(std::string_view s);

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
