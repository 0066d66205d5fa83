// The environment beyond the settings table: the Nhost server URL alias, the
// listen-derived public URL and the check for variables nothing reads.
#include "config/environment.h"

#include <algorithm>
#include <set>

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
