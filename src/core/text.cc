#include "core/text.h"

#include <algorithm>
#include <cstdint>

namespace gh::core {

namespace {

// Length of the well-formed UTF-8 sequence starting at s[i], or 0 when the
// bytes there are not one (overlong, surrogate, beyond U+10FFFF, cut short).
size_t SequenceAt(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t len = 0;
  uint32_t cp = 0;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
    return 0;  // overlong
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t len = SequenceAt(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string CleanText(std::string_view s, size_t max_bytes) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  out.reserve(std::min(s.size(), max_bytes));
  for (size_t i = 0; i < s.size();) {
    size_t len = SequenceAt(s, i);
    auto c = static_cast<unsigned char>(s[i]);
    std::string_view piece =
        len == 0 || (len == 1 && (c < 0x20 || c == 0x7F)) ? kReplacement : s.substr(i, len);
    i += len == 0 ? 1 : len;
    if (out.size() + piece.size() > max_bytes) break;  // cut between characters
    out += piece;
  }
  return out;
}

std::string EscapeForLog(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out.push_back(ch);
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

size_t Utf8Length(std::string_view s) {
  size_t count = 0;
  for (char ch : s)
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++count;
  return count;
}

std::optional<std::string> NormalizeEmail(std::string_view raw) {
  size_t b = raw.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return std::nullopt;
  size_t e = raw.find_last_not_of(" \t\r\n");
  std::string email(raw.substr(b, e - b + 1));
  if (email.size() > 254 || !IsValidUtf8(email)) return std::nullopt;
  size_t at = email.find('@');
  if (at == std::string::npos || at == 0 || at > 64 || email.find('@', at + 1) != std::string::npos)
    return std::nullopt;
  for (char& ch : email) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7F) return std::nullopt;  // whitespace, control, non-ASCII
    if (c == '<' || c == '>' || c == '(' || c == ')' || c == ',' || c == ';' || c == '\\' ||
        c == '"' || c == '[' || c == ']')
      return std::nullopt;  // would need quoting; not accepted
    if (c >= 'A' && c <= 'Z') ch = static_cast<char>(c - 'A' + 'a');
  }
  std::string_view domain = std::string_view(email).substr(at + 1);
  if (domain.find('.') == std::string_view::npos) return std::nullopt;
  size_t start = 0;
  while (start <= domain.size()) {  // every label non-empty
    size_t dot = domain.find('.', start);
    if (dot == std::string_view::npos) dot = domain.size();
    if (dot == start) return std::nullopt;
    start = dot + 1;
  }
  std::string_view local = std::string_view(email).substr(0, at);
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
    return std::nullopt;
  return email;
}

}  // namespace gh::core
