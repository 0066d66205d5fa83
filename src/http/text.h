// Small string helpers shared by the http layer: case-insensitive comparison,
// trimming and percent-decoding. Pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace gh::http {

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string ToLower(std::string_view s);
// Strips spaces and tabs at both ends.
std::string_view TrimSpaces(std::string_view s);
// Decodes %XX escapes; with `plus_as_space` also '+' (query strings, forms).
// A malformed escape ("%4", "%zz") is kept as is rather than rejected, the way
// browsers and most servers treat it.
std::string PercentDecode(std::string_view s, bool plus_as_space);

}  // namespace gh::http
