#include "core/percent_encoding.h"

namespace gh::core {

std::string PercentEncode(std::string_view s, std::string_view also_unreserved) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    // Spelled out rather than std::isalnum, which follows the C locale.
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~' ||
                      also_unreserved.find(static_cast<char>(c)) != std::string_view::npos;
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace gh::core
