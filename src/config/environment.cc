// The environment beyond the settings table: the Nhost server URL alias, the
// listen-derived public URL and the check for variables nothing reads.
#include "config/environment.h"

#include <algorithm>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

extern char** environ;

#include "config/provider_settings.h"
#include "config/settings.h"

namespace gh::config {
namespace internal {

std::string StripApiVersionSuffix(std::string_view url) {
  std::string u = Trim(url);
  while (u.size() > 1 && u.back() == '/') u.pop_back();
  constexpr std::string_view kSuffix = "/v1";
  if (u.size() > kSuffix.size() && u.ends_with(kSuffix)) u.resize(u.size() - kSuffix.size());
  return u;
}

std::vector<std::string> ApplyHasuraJwtSecret(Config& config,
                                              const std::map<std::string, std::string>& env) {
  constexpr const char* kName = "HASURA_GRAPHQL_JWT_SECRET";
  auto it = env.find(kName);
  if (it == env.end() || Trim(it->second).empty()) return {};
  const std::string name(kName);
  auto parsed = nlohmann::json::parse(it->second, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object())
    return {name + ": not a JSON object like {\"type\":\"HS256\",\"key\":\"...\"}"};
  auto text = [&](const char* member) -> std::optional<std::string> {
    auto m = parsed.find(member);
    if (m == parsed.end() || !m->is_string()) return std::nullopt;
    return m->get<std::string>();
  };
  auto set_in_env = [&](std::initializer_list<const char*> names) {
    return std::any_of(names.begin(), names.end(),
                       [&](const char* n) { return env.count(n) != 0; });
  };
  std::optional<std::string> type = text("type");
  std::optional<std::string> key = text("key");
  if (!type || *type != "HS256")
    return {name + ": type " + (type ? "\"" + *type + "\"" : std::string("(none)")) +
            " is not supported: Gatehouse signs HS256 with a shared key (type HS256 with its "
            "key), or ES256 / RS256 with keys of its own, which Hasura then reads from "
            "<public_url>/v1/.well-known/jwks.json (its jwk_url); unset this variable then"};
  if (!key || key->empty()) return {name + ": type HS256 needs its \"key\""};
  std::vector<std::string> problems;
  if (set_in_env({"GATEHOUSE_JWT_SECRET", "AUTH_JWT_SECRET", "GOTRUE_JWT_SECRET"})) {
    if (config.jwt_secret != *key)
      problems.push_back(name +
                         ": its key differs from GATEHOUSE_JWT_SECRET / AUTH_JWT_SECRET / "
                         "GOTRUE_JWT_SECRET; "
                         "Hasura would refuse the tokens, set one of them");
  } else {
    config.jwt_secret = *key;
  }
  if (auto ns = text("claims_namespace"); ns && !set_in_env({"GATEHOUSE_JWT_CLAIMS_NAMESPACE"}))
    config.jwt_claims_namespace = *ns;
  if (auto iss = text("issuer"); iss && !set_in_env({"GATEHOUSE_JWT_ISSUER"}))
    config.jwt_issuer = *iss;
  if (auto aud = text("audience"); aud && !set_in_env({"GATEHOUSE_JWT_AUDIENCE"}))
    config.jwt_audience = *aud;
  return problems;
}

}  // namespace internal

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string_view::npos) env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return env;
}

std::string ListenUrl(std::string_view host, int port) {
  std::string h(host);
  if (h.empty() || h == "0.0.0.0" || h == "::" || h == "[::]") h = "localhost";
  if (h.find(':') != std::string::npos && h.front() != '[') h = "[" + h + "]";
  return "http://" + h + ":" + std::to_string(port);
}

std::optional<ListenAddress> ParseListenAddress(std::string_view text) {
  ListenAddress a{"127.0.0.1", 0};
  std::string_view port = text;
  size_t colon = text.rfind(':');
  if (colon != std::string_view::npos) {
    std::string_view host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
      host = host.substr(1, host.size() - 2);
    else if (host.find(':') != std::string_view::npos)
      return std::nullopt;  // an IPv6 host goes in brackets
    if (host.empty()) return std::nullopt;
    a.host = std::string(host);
  }
  if (port.empty() || port.size() > 5) return std::nullopt;
  for (char c : port)
    if (c < '0' || c > '9') return std::nullopt;
  a.port = std::stoi(std::string(port));
  if (a.port < 1 || a.port > 65535) return std::nullopt;
  return a;
}

namespace {

// Levenshtein distance, for "did you mean" on variable names (short strings).
size_t Distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::vector<std::string> UnknownEnvironment(const std::map<std::string, std::string>& env) {
  std::set<std::string> known;
  for (const Setting& s : Settings()) {
    known.insert(s.env);
    known.insert(s.aliases.begin(), s.aliases.end());
  }
  std::vector<std::string> out;
  for (const auto& [name, value] : env) {
    (void)value;
    const bool ours = name.starts_with("GATEHOUSE_");
    if (!ours && !name.starts_with("AUTH_")) continue;
    if (known.count(name) != 0) continue;
    // Generic OIDC providers' settings are named after providers listed at
    // run time; ApplyOidcEnvironment reads them.
    if (name.starts_with("GATEHOUSE_OIDC_")) continue;
    std::string best;
    size_t best_distance = 3;  // beyond two edits a suggestion is a guess
    for (const std::string& k : known) {
      size_t d = Distance(name, k);
      if (d < best_distance) best_distance = d, best = k;
    }
    std::string line = name + " is not a setting Gatehouse reads; it is ignored";
    if (!best.empty()) line += " (did you mean " + best + "?)";
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace gh::config
