// net::Url, net::ParseUrl and net::UrlPattern: absolute URLs read the way a browser
// will read them, and the allow-list rules they are checked against (redirect
// targets after sign-in carry a refresh token, so a rule must never let a URL
// through whose browser reading leaves the allowed host).
//
// Parsing is libcurl's URL API (curl_url) plus libidn2 for international host
// names, with a cross-check that the host as written IS the host the parser
// understood: anything a browser (WHATWG URL parser) could read differently from
// how it looks is refused instead of guessed at.
//
// Pure functions and immutable values; safe to use from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace gh::net {

struct Url {
  std::string scheme;    // lower-case
  std::string host;      // lower-case ASCII: LDH labels (IDNs as A-labels "xn--..."),
                         // a dotted-quad IPv4 address, or a bracketed IPv6 address
  int port = -1;         // explicit, else the scheme's default; -1 when it has none
  std::string path;      // dot segments removed; "/" at least for http(s)
  std::string query;     // without '?'
  std::string fragment;  // without '#'
};

// Parses "scheme://host[:port][/path][?query][#fragment]". Returns
// Error{invalid-request} saying why when `text` is not such a URL or is one a
// browser might read differently: not UTF-8, spaces or control characters,
// backslashes, userinfo ('@'), percent-encoding in the host, an empty host, a
// trailing dot, IPv4 written other than as four canonical decimal numbers
// (134744072, 0x08080808, 010.0.0.1), a dot-like character (U+3002 ...) or
// anything in an international host name that IDNA would turn into ASCII, and
// percent-encoded dot segments in the path.
core::Result<Url> ParseUrl(std::string_view text);

// An allow-list entry: a URL whose host labels may contain '*' (one or more
// characters within that one label, never a dot) and whose path may end in
// "/**" or "/*" (spelled-out "any path below"; a path matches below its segments
// anyway).
// Example: "https://*.example.com" allows https://app.example.com/anything but not
// https://example.com, https://a.b.example.com or http://app.example.com.
class UrlPattern {
 public:
  // Error{invalid-request} when `pattern` is not a URL ParseUrl accepts (with
  // '*' read as a letter), has a query or fragment, '*' outside the host, or
  // '*' in the last label (the top-level domain), right above a public suffix
  // (https://*.co.uk, https://*.github.io) or in an IP address.
  static core::Result<UrlPattern> Parse(std::string_view pattern);

  // True when `url` has the same scheme, the same (effective) port, a host with
  // as many labels each equal or matching its wildcard label, and a path equal
  // to the pattern's or below it at a '/' boundary.
  bool Matches(const Url& url) const;

 private:
  std::string scheme_;
  std::vector<std::string> labels_;  // lower-case; may contain '*'
  int port_ = -1;
  std::string path_prefix_;  // without a trailing '/'; "" = any path
};

}  // namespace gh::net
