#include "crypto/json_scan.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace gh::crypto {

namespace {

// A recursive-descent validator over one buffer. Every method advances `pos_`
// past what it accepted and returns false at the first violation.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ == text_.size(); }

  void SkipWhitespace() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  bool Consume(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  // Reads a string literal; `out` may be null when the value is not kept.
  bool ReadString(std::string* out) {
    if (!Consume('"')) return false;
    while (pos_ < text_.size()) {
      unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return false;  // control characters must be escaped
      if (c == '\\') {
        ++pos_;
        if (!ReadEscape(out)) return false;
      } else if (c < 0x80) {
        if (out) out->push_back(static_cast<char>(c));
        ++pos_;
      } else if (!ReadUtf8Sequence(out)) {
        return false;
      }
    }
    return false;  // unterminated
  }

  // Reads a number literal into `out` (the literal text) if not null.
  bool ReadNumber(std::string* out) {
    size_t start = pos_;
    Consume('-');
    if (Consume('0')) {
      // A leading zero stands alone: "01" is not JSON.
    } else if (!ReadDigits()) {
      return false;
    }
    if (Consume('.') && !ReadDigits()) return false;
    if (Consume('e') || Consume('E')) {
      if (!Consume('+')) Consume('-');
      if (!ReadDigits()) return false;
    }
    if (out) out->assign(text_.substr(start, pos_ - start));
    return true;
  }

  bool ReadLiteral(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  // Validates any value; `depth` counts the containers already open.
  bool SkipValue(int depth) {
    switch (Peek()) {
      case '"':
        return ReadString(nullptr);
      case '{':
        return SkipContainer('{', '}', depth);
      case '[':
        return SkipContainer('[', ']', depth);
      case 't':
        return ReadLiteral("true");
      case 'f':
        return ReadLiteral("false");
      case 'n':
        return ReadLiteral("null");
      default:
        return ReadNumber(nullptr);
    }
  }

 private:
  bool ReadDigits() {
    size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  bool ReadHex4(uint32_t* value) {
    if (text_.size() - pos_ < 4) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return false;
      }
    }
    *value = v;
    return true;
  }

  // After a backslash.
  bool ReadEscape(std::string* out) {
    if (pos_ >= text_.size()) return false;
    char c = text_[pos_++];
    char plain;
    switch (c) {
      case '"':
        plain = '"';
        break;
      case '\\':
        plain = '\\';
        break;
      case '/':
        plain = '/';
        break;
      case 'b':
        plain = '\b';
        break;
      case 'f':
        plain = '\f';
        break;
      case 'n':
        plain = '\n';
        break;
      case 'r':
        plain = '\r';
        break;
      case 't':
        plain = '\t';
        break;
      case 'u':
        return ReadUnicodeEscape(out);
      default:
        return false;
    }
    if (out) out->push_back(plain);
    return true;
  }

  // After "\u". Surrogates must come as a proper pair, since a lone one has
  // no UTF-8 encoding.
  bool ReadUnicodeEscape(std::string* out) {
    uint32_t cp;
    if (!ReadHex4(&cp)) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return false;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      uint32_t low;
      if (!ReadLiteral("\\u") || !ReadHex4(&low)) return false;
      if (low < 0xDC00 || low > 0xDFFF) return false;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    if (out) AppendUtf8(cp, out);
    return true;
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  // One multi-byte UTF-8 character (RFC 3629): no overlong forms, no
  // surrogates, nothing above U+10FFFF.
  bool ReadUtf8Sequence(std::string* out) {
    auto byte = [&](size_t i) { return static_cast<unsigned char>(text_[pos_ + i]); };
    unsigned char lead = byte(0);
    size_t len;
    uint32_t cp;
    if (lead >= 0xC2 && lead <= 0xDF) {
      len = 2;
      cp = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      len = 3;
      cp = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      len = 4;
      cp = lead & 0x07;
    } else {
      return false;
    }
    if (text_.size() - pos_ < len) return false;
    for (size_t i = 1; i < len; ++i) {
      if ((byte(i) & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (byte(i) & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    if (out) out->append(text_.substr(pos_, len));
    pos_ += len;
    return true;
  }

  bool SkipContainer(char open, char close, int depth) {
    if (depth + 1 > JsonScan::kMaxDepth) return false;
    if (!Consume(open)) return false;
    SkipWhitespace();
    if (Consume(close)) return true;
    while (true) {
      if (open == '{') {
        if (!ReadString(nullptr)) return false;
        SkipWhitespace();
        if (!Consume(':')) return false;
        SkipWhitespace();
      }
      if (!SkipValue(depth + 1)) return false;
      SkipWhitespace();
      if (Consume(close)) return true;
      if (!Consume(',')) return false;
      SkipWhitespace();
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

bool JsonScan::Parse(std::string_view text) {
  members_.clear();
  Reader r(text);
  std::vector<Member> members;
  r.SkipWhitespace();
  if (!r.Consume('{')) return false;
  r.SkipWhitespace();
  if (!r.Consume('}')) {
    while (true) {
      Member m;
      if (!r.ReadString(&m.name)) return false;
      r.SkipWhitespace();
      if (!r.Consume(':')) return false;
      r.SkipWhitespace();
      bool ok;
      switch (r.Peek()) {
        case '"':
          m.type = Type::kString;
          ok = r.ReadString(&m.value);
          break;
        case '{':
          m.type = Type::kObject;
          ok = r.SkipValue(1);
          break;
        case '[':
          m.type = Type::kArray;
          ok = r.SkipValue(1);
          break;
        case 't':
          m.type = Type::kTrue;
          ok = r.ReadLiteral("true");
          break;
        case 'f':
          m.type = Type::kFalse;
          ok = r.ReadLiteral("false");
          break;
        case 'n':
          m.type = Type::kNull;
          ok = r.ReadLiteral("null");
          break;
        default:
          m.type = Type::kNumber;
          ok = r.ReadNumber(&m.value);
      }
      if (!ok) return false;
      members.push_back(std::move(m));
      r.SkipWhitespace();
      if (r.Consume('}')) break;
      if (!r.Consume(',')) return false;
      r.SkipWhitespace();
    }
  }
  r.SkipWhitespace();
  if (!r.AtEnd()) return false;
  // Sorting, not pairwise comparison: a JWT header is read before its
  // signature is checked, so a quadratic check would hand anyone a cheap way
  // to burn CPU with thousands of members.
  std::vector<std::string_view> names;
  names.reserve(members.size());
  for (const Member& m : members) names.push_back(m.name);
  std::sort(names.begin(), names.end());
  if (std::adjacent_find(names.begin(), names.end()) != names.end()) return false;
  members_ = std::move(members);
  return true;
}

const JsonScan::Member* JsonScan::Find(std::string_view name) const {
  for (const Member& m : members_) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

bool JsonScan::GetType(std::string_view name, Type* type) const {
  const Member* m = Find(name);
  if (m == nullptr) return false;
  *type = m->type;
  return true;
}

bool JsonScan::GetString(std::string_view name, std::string* out) const {
  const Member* m = Find(name);
  if (m == nullptr || m->type != Type::kString) return false;
  *out = m->value;
  return true;
}

bool JsonScan::GetInt64(std::string_view name, int64_t* out) const {
  const Member* m = Find(name);
  if (m == nullptr || m->type != Type::kNumber) return false;
  const char* begin = m->value.data();
  const char* end = begin + m->value.size();
  if (m->value.find_first_of(".eE") == std::string::npos) {
    int64_t v;
    auto [ptr, ec] = std::from_chars(begin, end, v);
    if (ec != std::errc() || ptr != end) return false;
    *out = v;
    return true;
  }
  double d;
  auto [ptr, ec] = std::from_chars(begin, end, d);
  if (ec != std::errc() || ptr != end || !std::isfinite(d)) return false;
  d = std::trunc(d);
  // 2^63 is exactly representable; anything at or beyond it does not fit.
  if (d >= 9223372036854775808.0 || d < -9223372036854775808.0) return false;
  *out = static_cast<int64_t>(d);
  return true;
}

std::string JsonQuote(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (c < 0x20) {
          out.append("\\u00");
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace gh::crypto
