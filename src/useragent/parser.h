// useragent::Parser: turns a User-Agent header into the parsed form that a
// sessions list shows (browser, engine, OS, device, CPU), with the rules of
// the uap-core project (Debian's `uap-core`, regexes.yaml) applied as its
// specification says: the lists are tried in order, the first match wins,
// and a rule's *_replacement fields, with $1..$9 standing for its groups,
// override the groups. uap-core knows no engine, device type or CPU; those
// are derived in parser.cc from its results and from tokens of the string.
//
// The rule file (~1000 regular expressions) is read and compiled on the first
// Parse, not at construction, so a server that never lists sessions never
// pays for it. A missing or broken file is logged once and every parse then
// answers the raw string with empty fields: the server runs without it.
// Results are kept in a bounded LRU cache keyed by the exact string, since a
// user's devices come back in every listing.
//
// Thread-safe: Parse and ParseRules may be called from any thread at once
// (the compiled rules are immutable once built, each call matches with its
// own thread's scratch space, the cache is under a mutex).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace gh::useragent {

// The parsed form, in Agnost's shape; "" wherever nothing is known.
struct ParsedUserAgent {
  std::string ua;  // the string as given
  struct Browser {
    std::string name, version, major;
    bool operator==(const Browser&) const = default;
  } browser;
  struct Engine {
    std::string name, version;
    bool operator==(const Engine&) const = default;
  } engine;
  struct Os {
    std::string name, version;
    bool operator==(const Os&) const = default;
  } os;
  struct Device {
    std::string model, type, vendor;  // type: mobile, tablet, desktop, wearable, ...
    bool operator==(const Device&) const = default;
  } device;
  struct Cpu {
    std::string architecture;  // amd64, ia32, arm64, arm
    bool operator==(const Cpu&) const = default;
  } cpu;
  bool operator==(const ParsedUserAgent&) const = default;
};

// uap-core's own result (its specification's "Parser Output"): families are
// "Other" when no rule matched; an unset field is nullopt.
struct UapResult {
  struct Agent {
    std::string family = "Other";
    std::optional<std::string> major, minor, patch, patch_minor;
  };
  Agent ua;
  Agent os;
  struct Device {
    std::string family = "Other";
    std::optional<std::string> brand, model;
  } device;
};

class Parser {
 public:
  // `rules_path` names uap-core's regexes.yaml; `cache_capacity` bounds the
  // number of cached results (at least 1).
  explicit Parser(std::string rules_path, size_t cache_capacity = 1024);
  ~Parser();
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  // The parsed form of `user_agent` (at most the first 1024 bytes are read).
  ParsedUserAgent Parse(std::string_view user_agent);
  // uap-core's result for `user_agent`, uncached; what Parse builds on.
  UapResult ParseRules(std::string_view user_agent);
  // True once the rules are loaded (loads them if not yet tried); false when
  // the file could not be read or compiled (why: LoadError()).
  bool RulesLoaded();
  std::string LoadError();

 private:
  struct Rules;
  struct Cache;
  const Rules* EnsureRules();

  const std::string rules_path_;
  std::unique_ptr<Rules> rules_;
  std::unique_ptr<Cache> cache_;
  struct Once;
  std::unique_ptr<Once> once_;
};

// The derivations Parse adds to uap-core's result, exposed for tests.
ParsedUserAgent Derive(std::string_view user_agent, const UapResult& uap);

}  // namespace gh::useragent
