#include "net/url.h"

#include <curl/curl.h>
#include <idn2.h>
#include <libpsl.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "core/text.h"

namespace gh::net {
namespace {

core::Error Refused(std::string why) {
  return core::Error(core::errc::kInvalidRequest, "URL refused: " + std::move(why));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t at = s.find(sep, start);
    out.emplace_back(
        s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

// WHATWG's "ends in a number": a host whose last label is all digits or 0x-hex
// is read as an IPv4 address, in any of its decimal, octal or hex shorthands.
bool EndsInNumber(const std::vector<std::string>& labels) {
  const std::string& last = labels.back();
  if (!last.empty() && std::all_of(last.begin(), last.end(), IsDigit)) return true;
  if (last.size() >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X'))
    return std::all_of(last.begin() + 2, last.end(), IsHex);
  return false;
}

// Four decimal numbers 0-255 without leading zeros: the one IPv4 spelling every
// parser reads alike.
bool CanonicalIpv4(const std::vector<std::string>& labels) {
  if (labels.size() != 4) return false;
  for (const std::string& l : labels) {
    if (l.empty() || l.size() > 3 || !std::all_of(l.begin(), l.end(), IsDigit)) return false;
    if (l.size() > 1 && l[0] == '0') return false;
    if (std::stoi(l) > 255) return false;
  }
  return true;
}

// An IPv6 address is one "label": it never matches a wildcard.
std::vector<std::string> HostLabels(const std::string& host) {
  if (!host.empty() && host[0] == '[') return {host};
  return Split(host, '.');
}

bool HostLabelChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '-' || c == '_'; }

// One label of an international host name as its A-label, through UTS #46
// non-transitional processing (what browsers do). Refused when the label maps to
// anything but an "xn--" label: a dot-like character would split it, and a
// label that turns into plain ASCII (full-width letters or digits) is not the
// host it looks like.
core::Result<std::string> ToALabel(const std::string& label) {
  char* out = nullptr;
  int rc = idn2_to_ascii_8z(label.c_str(), &out, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
  if (rc != IDN2_OK)
    return Refused("international host label not valid IDNA: " + std::string(idn2_strerror(rc)));
  std::string a = Lower(out);
  idn2_free(out);
  if (a.rfind("xn--", 0) != 0 || a.find('.') != std::string::npos)
    return Refused("the host has characters IDNA turns into ASCII or dots");
  return a;
}

struct CurlUrl {
  CURLU* u = curl_url();
  ~CurlUrl() { curl_url_cleanup(u); }
  std::optional<std::string> Get(CURLUPart part, unsigned flags = 0) const {
    char* v = nullptr;
    if (curl_url_get(u, part, &v, flags) != CURLUE_OK || v == nullptr) return std::nullopt;
    std::string s(v);
    curl_free(v);
    return s;
  }
};

// A path segment a browser treats as "." or ".." although it is percent-encoded
// (%2e, .%2E, ...): after our check the browser would still climb a level.
bool HasEncodedDotSegment(std::string_view path) {
  for (const std::string& seg : Split(path, '/')) {
    if (seg.find('%') == std::string::npos) continue;
    std::string decoded;
    for (size_t i = 0; i < seg.size(); ++i) {
      if (seg[i] == '%' && i + 2 < seg.size() && seg[i + 1] == '2' &&
          (seg[i + 2] == 'e' || seg[i + 2] == 'E')) {
        decoded.push_back('.');
        i += 2;
      } else {
        decoded.push_back(seg[i]);
      }
    }
    if (decoded == "." || decoded == "..") return true;
  }
  return false;
}

// True when `domain` is on the Public Suffix List (com, co.uk, github.io, ...):
// a wildcard label right above it would allow everybody's site. Only listed
// suffixes count, so a private name (*.localhost, *.corp) stays usable.
bool IsPublicSuffix(const std::string& domain) {
  static const psl_ctx_t* const psl = [] {
    const psl_ctx_t* latest = psl_latest(nullptr);  // the system's list, else the built-in one
    return latest != nullptr ? latest : psl_builtin();
  }();
  return psl != nullptr &&
         psl_is_public_suffix2(psl, domain.c_str(), PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
}

}  // namespace

core::Result<Url> ParseUrl(std::string_view text) {
  if (text.empty() || text.size() > 8192) return Refused("empty or too long");
  if (!core::IsValidUtf8(text)) return Refused("not UTF-8");
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    // Browsers strip tabs and newlines and read '\' as '/': what they fetch would
    // not be what we checked.
    if (c <= 0x20 || c == 0x7F) return Refused("spaces or control characters");
    if (c == '\\') return Refused("backslash");
  }

  // Our own split of scheme and authority, to compare with libcurl's reading.
  size_t sep = text.find("://");
  if (sep == std::string_view::npos || sep == 0) return Refused("no scheme://host");
  std::string_view scheme = text.substr(0, sep);
  if (!IsAlpha(scheme[0]) || !std::all_of(scheme.begin(), scheme.end(), [](char c) {
        return IsAlpha(c) || IsDigit(c) || c == '+' || c == '-' || c == '.';
      }))
    return Refused("bad scheme");
  std::string_view rest = text.substr(sep + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) return Refused("userinfo in the URL");
  if (authority.find('%') != std::string_view::npos) return Refused("percent-encoding in the host");
  std::string_view host_raw = authority;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return Refused("unclosed IPv6 address");
    host_raw = authority.substr(0, close + 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after[0] != ':') return Refused("junk after the IPv6 address");
  } else if (size_t colon = authority.find(':'); colon != std::string_view::npos) {
    host_raw = authority.substr(0, colon);
    std::string_view port = authority.substr(colon + 1);
    if (!std::all_of(port.begin(), port.end(), IsDigit)) return Refused("bad port");
  }
  if (host_raw.empty()) return Refused("empty host");

  CurlUrl cu;
  if (cu.u == nullptr) return Refused("out of memory");
  const std::string owned(text);
  if (curl_url_set(cu.u, CURLUPART_URL, owned.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
    return Refused("not a URL");
  auto c_scheme = cu.Get(CURLUPART_SCHEME);
  auto c_host = cu.Get(CURLUPART_HOST);
  if (!c_scheme || !c_host) return Refused("not a URL");
  if (cu.Get(CURLUPART_USER) || cu.Get(CURLUPART_PASSWORD)) return Refused("userinfo in the URL");

  Url url;
  url.scheme = Lower(*c_scheme);
  if (url.scheme != Lower(scheme)) return Refused("scheme read differently");

  if (host_raw[0] == '[') {
    if (Lower(*c_host) != Lower(host_raw)) return Refused("IPv6 address read differently");
    url.host = Lower(host_raw);
  } else {
    std::vector<std::string> labels = Split(host_raw, '.');
    if (labels.back().empty()) return Refused("trailing dot in the host");
    for (const std::string& l : labels)
      if (l.empty()) return Refused("empty label in the host");
    if (IsAscii(host_raw)) {
      for (const std::string& l : labels)
        if (!std::all_of(l.begin(), l.end(), HostLabelChar)) return Refused("bad host character");
      if (EndsInNumber(labels) && !CanonicalIpv4(labels))
        return Refused("IPv4 address not written as four decimal numbers");
      // libcurl normalises some spellings (IPv4 shorthands, %-escapes); the host
      // must be the one written.
      if (Lower(*c_host) != Lower(host_raw)) return Refused("host read differently");
      url.host = Lower(host_raw);
    } else {
      if (*c_host != host_raw) return Refused("host read differently");
      std::string host;
      for (const std::string& l : labels) {
        std::string a;
        if (IsAscii(l)) {
          if (!std::all_of(l.begin(), l.end(), HostLabelChar)) return Refused("bad host character");
          a = Lower(l);
        } else {
          auto converted = ToALabel(l);
          if (!converted) return converted.error();
          a = std::move(*converted);
        }
        if (!host.empty()) host.push_back('.');
        host += a;
      }
      if (EndsInNumber(Split(host, '.'))) return Refused("host reads as an IPv4 address");
      url.host = std::move(host);
    }
  }

  if (auto port = cu.Get(CURLUPART_PORT, CURLU_DEFAULT_PORT)) {
    if (port->empty() || port->size() > 5 || !std::all_of(port->begin(), port->end(), IsDigit))
      return Refused("bad port");
    url.port = std::stoi(*port);
  }
  url.path = cu.Get(CURLUPART_PATH).value_or("/");
  if (HasEncodedDotSegment(url.path)) return Refused("percent-encoded dot segment in the path");
  url.query = cu.Get(CURLUPART_QUERY).value_or("");
  url.fragment = cu.Get(CURLUPART_FRAGMENT).value_or("");
  return url;
}

core::Result<UrlPattern> UrlPattern::Parse(std::string_view pattern) {
  std::string text(pattern);
  size_t sep = text.find("://");
  if (sep == std::string::npos) return Refused("no scheme://host");
  size_t host_end = text.find_first_of("/?#", sep + 3);
  if (host_end == std::string::npos) host_end = text.size();
  std::string host_part = text.substr(sep + 3, host_end - sep - 3);
  std::string path_part = text.substr(host_end);
  // "/x/**" allows what "/x" allows: the URLs at or below /x. A final "/*" is
  // read the same way (it used to mean one segment below; the host is the same).
  if (path_part.size() >= 3 && path_part.compare(path_part.size() - 3, 3, "/**") == 0)
    path_part.resize(path_part.size() - 2);
  else if (path_part.size() >= 2 && path_part.compare(path_part.size() - 2, 2, "/*") == 0)
    path_part.resize(path_part.size() - 1);
  if (path_part.find('*') != std::string::npos)
    return Refused("'*' is allowed in the host only (and a final /**)");
  if (path_part.find_first_of("?#") != std::string::npos)
    return Refused("a pattern has no query or fragment");

  // The wildcard labels as written; the rest is checked by parsing a copy with
  // every '*' read as a letter.
  std::string host_name = host_part;
  if (host_name.find(']') == std::string::npos && host_name.find(':') != std::string::npos)
    host_name.resize(host_name.find(':'));
  std::vector<std::string> raw_labels = Split(host_name, '.');
  bool has_wildcard = host_name.find('*') != std::string::npos;
  if (has_wildcard) {
    if (!IsAscii(host_name) || host_name.find('[') != std::string::npos)
      return Refused("'*' only in ASCII host names");
    if (raw_labels.back().find('*') != std::string::npos)
      return Refused("'*' in the top-level domain");
  }
  std::string probe = text.substr(0, sep + 3) + host_part + path_part;
  std::replace(probe.begin(), probe.end(), '*', 'x');
  auto url = ParseUrl(probe);
  if (!url) return url.error();
  if (!url->query.empty() || !url->fragment.empty())
    return Refused("a pattern has no query or fragment");

  UrlPattern p;
  p.scheme_ = url->scheme;
  p.port_ = url->port;
  p.labels_ = HostLabels(url->host);
  if (has_wildcard) {
    if (p.labels_.size() != raw_labels.size() || CanonicalIpv4(p.labels_))
      return Refused("'*' in an IP address");
    std::string above;  // the labels right of the last wildcard label
    for (size_t i = 0; i < raw_labels.size(); ++i) {
      if (raw_labels[i].find('*') != std::string::npos) {
        p.labels_[i] = Lower(raw_labels[i]);
        above.clear();
      } else {
        above += (above.empty() ? "" : ".") + p.labels_[i];
      }
    }
    if (IsPublicSuffix(above))
      return Refused("'*' right above the public suffix \"" + above + "\" would allow any site");
  }
  p.path_prefix_ = url->path;
  while (!p.path_prefix_.empty() && p.path_prefix_.back() == '/') p.path_prefix_.pop_back();
  return p;
}

namespace {

// '*' matches one or more characters of the label.
bool LabelMatches(std::string_view pattern, std::string_view label) {
  if (pattern.empty()) return label.empty();
  if (pattern[0] == '*') {
    for (size_t n = 1; n <= label.size(); ++n)
      if (LabelMatches(pattern.substr(1), label.substr(n))) return true;
    return false;
  }
  return !label.empty() && pattern[0] == label[0] &&
         LabelMatches(pattern.substr(1), label.substr(1));
}

}  // namespace

bool UrlPattern::Matches(const Url& url) const {
  if (url.scheme != scheme_ || url.port != port_) return false;
  std::vector<std::string> labels = HostLabels(url.host);
  if (labels.size() != labels_.size()) return false;
  for (size_t i = 0; i < labels.size(); ++i)
    if (!LabelMatches(labels_[i], labels[i])) return false;
  if (path_prefix_.empty()) return true;
  if (!url.path.starts_with(path_prefix_)) return false;
  return url.path.size() == path_prefix_.size() || url.path[path_prefix_.size()] == '/';
}

}  // namespace gh::net
