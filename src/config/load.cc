// config::Load and config::Validate: settings read from a TOML file (ours, or
// the Supabase CLI's config.toml) and the environment (GATEHOUSE_*, Nhost's and
// GoTrue's names), over the table of settings.cc, then checked as a whole.
// Apart from settings.cc, which holds the table itself.
#include <toml++/toml.h>

#include <algorithm>
#include <functional>
#include <sstream>

#include "config/environment.h"
#include "config/gotrue_env.h"
#include "config/hook_settings.h"
#include "config/jwt_keys.h"
#include "config/provider_settings.h"
#include "config/settings.h"

namespace gh::config {
namespace {

using internal::JoinList;

// A TOML value as the text form the setters accept (arrays become comma lists).
std::optional<std::string> TomlText(const toml::node& node) {
  if (node.is_string()) return *node.value<std::string>();
  if (node.is_boolean()) return *node.value<bool>() ? "true" : "false";
  if (node.is_integer()) return std::to_string(*node.value<int64_t>());
  if (const toml::array* a = node.as_array()) {
    std::vector<std::string> items;
    for (const auto& el : *a) {
      auto t = TomlText(el);
      if (!t) return std::nullopt;
      items.push_back(*t);
    }
    return JoinList(items);
  }
  return std::nullopt;
}

}  // namespace

core::Result<Config> Load(const std::map<std::string, std::string>& env,
                          const std::string& toml_path) {
  return Load(env, toml_path, nullptr);
}

core::Result<Config> Load(const std::map<std::string, std::string>& env,
                          const std::string& toml_path, ForeignReport* report) {
  Config config;
  std::map<std::string, std::string> file_names, file_sources;  // a Supabase config.toml's
  std::vector<std::string> problems;
  const auto& table = Settings();
  bool public_url_given = false;

  if (!toml_path.empty()) {
    toml::table doc;
    try {
      doc = toml::parse_file(toml_path);
    } catch (const toml::parse_error& e) {
      std::ostringstream msg;
      msg << toml_path << ": " << e.description() << " (line " << e.source().begin.line << ")";
      return core::Error(core::errc::kInvalidRequest, msg.str());
    }
    if (internal::IsSupabaseToml(doc)) {
      for (auto& p : internal::SupabaseTomlEnvironment(doc, toml_path, env, &file_names,
                                                       &file_sources, report))
        problems.push_back(std::move(p));
      doc = toml::table();  // read as GoTrue names below, not as our keys
    }
    // Tables flatten to dotted keys: [provider.google] client_id = ... is
    // "provider.google.client_id", as is the dotted key itself.
    std::vector<std::pair<std::string, const toml::node*>> flat;
    std::function<void(const toml::table&, const std::string&)> flatten =
        [&](const toml::table& tbl, const std::string& prefix) {
          for (const auto& [key, node] : tbl) {
            std::string k = prefix + std::string(key.str());
            if (const toml::table* sub = node.as_table()) {
              flatten(*sub, k + ".");
            } else {
              flat.emplace_back(k, &node);
            }
          }
        };
    flatten(doc, "");
    for (const auto& entry : flat) {
      const std::string& k = entry.first;  // a named variable: lambdas below capture it
      auto text = TomlText(*entry.second);
      if (!text) {
        problems.push_back(toml_path + ": " + k + ": unsupported value type");
        continue;
      }
      // [oidc.<name>] tables declare generic OIDC providers by their own names.
      if (k.rfind("oidc.", 0) == 0 && std::count(k.begin(), k.end(), '.') == 2) {
        size_t dot = k.find('.', 5);
        if (auto err =
                internal::SetOidcField(config, k.substr(5, dot - 5), k.substr(dot + 1), *text)) {
          problems.push_back(toml_path + ": " + k + ": " + *err);
        }
        continue;
      }
      auto it =
          std::find_if(table.begin(), table.end(), [&](const Setting& s) { return s.key == k; });
      if (it == table.end()) {
        problems.push_back(toml_path + ": unknown setting \"" + k + "\"");
        continue;
      }
      if (auto err = it->set(config, *text)) problems.push_back(toml_path + ": " + k + ": " + *err);
      if (k == "public_url") public_url_given = true;
    }
  }

  for (const Setting& s : table) {
    // GATEHOUSE_* wins over an alias when both are set.
    std::vector<std::string> names = {s.env};
    names.insert(names.end(), s.aliases.begin(), s.aliases.end());
    for (const std::string& name : names) {
      auto it = env.find(name);
      if (it == env.end()) continue;
      std::string value = it->second;
      // Nhost's AUTH_SERVER_URL names the auth service's API root, /v1 included
      // (hasura-auth appends /verify to it); our public_url is the root above
      // /v1, which every link appends itself.
      if (name == "AUTH_SERVER_URL") value = internal::StripApiVersionSuffix(value);
      if (auto err = s.set(config, value)) problems.push_back(name + ": " + *err);
      if (s.key == "public_url") public_url_given = true;
      break;
    }
  }
  std::vector<std::string> gotrue_keys;
  for (auto& p : internal::ApplyGotrue(config, env, file_names, file_sources, report, &gotrue_keys))
    problems.push_back(std::move(p));
  if (std::count(gotrue_keys.begin(), gotrue_keys.end(), "public_url")) public_url_given = true;
  // Without a public_url, links point where this server listens (a wildcard
  // host means this machine), not at the default port's.
  config.public_url_from_listen = !public_url_given;
  if (!public_url_given) config.public_url = ListenUrl(config.host, config.port);
  // Generic OIDC providers are known only now, from the list just read.
  for (auto& p : internal::ApplyOidcEnvironment(config, env)) problems.push_back(std::move(p));
  for (auto& p : internal::ApplyHasuraJwtSecret(config, env)) problems.push_back(std::move(p));
  if (auto p = ApplyJwtKeys(config)) problems.push_back(std::move(*p));

  for (auto& p : Validate(config)) problems.push_back(std::move(p));
  if (!problems.empty()) {
    std::string msg = "invalid configuration:";
    for (const auto& p : problems) msg += "\n  " + p;
    return core::Error(core::errc::kInvalidRequest, msg);
  }
  return config;
}

std::vector<std::string> Validate(const Config& c) {
  std::vector<std::string> p;
  auto is_url = [](const std::string& u) {
    return u.rfind("http://", 0) == 0 || u.rfind("https://", 0) == 0;
  };
  if (!is_url(c.public_url)) p.push_back("public_url must start with http:// or https://");
  if (!is_url(c.client_url)) p.push_back("client_url must start with http:// or https://");
  if (!c.gotrue_mount.empty() && (c.gotrue_mount[0] != '/' || c.gotrue_mount.back() == '/' ||
                                  c.gotrue_mount == "/v1" || c.gotrue_mount.rfind("/v1/", 0) == 0))
    p.push_back("gotrue_mount must be a path such as /auth/v1, without a final slash, outside /v1");
  if ((c.jwt_keys.empty() ? c.jwt_algorithm == "HS256" : !c.jwt_secret.empty()) &&
      c.jwt_secret.size() < 32)
    p.push_back("jwt_secret must be at least 32 bytes for HS256");
  if (c.allowed_roles.empty()) p.push_back("allowed_roles must name at least one role");
  if (std::find(c.allowed_roles.begin(), c.allowed_roles.end(), c.default_role) ==
      c.allowed_roles.end())
    p.push_back("default_role \"" + c.default_role + "\" must be one of allowed_roles");
  if (std::find(c.allowed_locales.begin(), c.allowed_locales.end(), c.default_locale) ==
      c.allowed_locales.end())
    p.push_back("default_locale \"" + c.default_locale + "\" must be one of allowed_locales");
  for (const auto& l : c.allowed_locales)
    if (l.size() != 2) p.push_back("allowed_locales: \"" + l + "\" is not a two-letter locale");
  if (c.password_min_length > c.password_max_length)
    p.push_back("password_min_length must not exceed password_max_length");
  if (c.access_token_ttl_seconds >= c.refresh_token_ttl_seconds)
    p.push_back("access_token_ttl_seconds must be shorter than refresh_token_ttl_seconds");
  if (c.database_url.empty()) p.push_back("database_url must not be empty");
  if (!c.metrics_listen.empty() && !ParseListenAddress(c.metrics_listen))
    p.push_back(
        "metrics_listen must be [host:]port with a port from 1 to 65535, e.g. 127.0.0.1:9464");
  if (!c.metrics_token.empty() && c.metrics_token.size() < 16)
    p.push_back("metrics_token must be at least 16 bytes");
  if (c.anonymous_role.empty()) p.push_back("anonymous_role must not be empty");
  if (c.smtp_sender.find('@') == std::string::npos)
    p.push_back("smtp_sender must be an email address");
  if ((c.mfa_webauthn_enroll_enabled || c.mfa_webauthn_verify_enabled) &&
      c.webauthn_rp_origins.empty())
    p.push_back(
        "mfa_webauthn_enroll_enabled / mfa_webauthn_verify_enabled need webauthn_rp_origins");
  if (c.webauthn_enabled && c.webauthn_rp_origins.empty())
    p.push_back("webauthn_enabled needs webauthn_rp_origins (the origins of your app)");
  for (const auto& o : c.webauthn_rp_origins)
    if (!is_url(o) || o.find('/', o.find("//") + 2) != std::string::npos)
      p.push_back("webauthn_rp_origins: \"" + o + "\" is not an origin (scheme://host[:port])");
  for (auto& problem : internal::ValidateProviders(c)) p.push_back(std::move(problem));
  for (auto& problem : internal::ValidateHooks(c)) p.push_back(std::move(problem));
  if (c.production) {
    for (auto& unsafe : UnsafeSettings(c)) p.push_back("production = true: " + unsafe);
  }
  return p;
}

}  // namespace gh::config
