// A small, strict JSON reader for the flat objects of a JWT header and claims
// set. It validates a whole document against RFC 8259 (including UTF-8 and
// nested values, which it checks but does not keep) and extracts only the
// top-level string and number members. Callers that need the nested claims
// hand the same text to a full JSON library.
//
// Why not a JSON library: crypto/ links nothing but OpenSSL, libsodium and
// libxcrypt, and token verification should not depend on a parser that is
// lenient about duplicates or trailing bytes.
//
// A JsonScan is a plain value: not safe to Parse into from several threads,
// safe to read from many once parsed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gh::crypto {

class JsonScan {
 public:
  enum class Type { kString, kNumber, kTrue, kFalse, kNull, kObject, kArray };

  // Nesting deeper than this is rejected so that hostile input cannot exhaust
  // the stack.
  static constexpr int kMaxDepth = 32;

  // Parses `text` as exactly one JSON object, optionally surrounded by
  // whitespace. Returns false on any syntax error, invalid UTF-8, lone
  // surrogate escape, a repeated top-level name (RFC 7515 allows rejecting
  // those, and accepting them lets two parsers disagree on a claim), nesting
  // deeper than kMaxDepth, or trailing bytes. On false the scan is empty.
  bool Parse(std::string_view text);

  bool Has(std::string_view name) const { return Find(name) != nullptr; }
  // Returns true and sets *type if `name` is a top-level member.
  bool GetType(std::string_view name, Type* type) const;
  // Returns true and sets *out to the unescaped value if `name` is a
  // top-level string member.
  bool GetString(std::string_view name, std::string* out) const;
  // Returns true and sets *out if `name` is a top-level number whose value,
  // truncated toward zero, fits in int64 (RFC 7519 NumericDate may carry a
  // fraction).
  bool GetInt64(std::string_view name, int64_t* out) const;

  size_t size() const { return members_.size(); }

 private:
  struct Member {
    std::string name;
    Type type;
    std::string value;  // unescaped text of a string; the literal of a number
  };
  const Member* Find(std::string_view name) const;

  std::vector<Member> members_;
};

// `text` as a JSON string literal, quotes included. REQUIRES: valid UTF-8.
std::string JsonQuote(std::string_view text);

}  // namespace gh::crypto
