#include "config/provider_settings.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace gh::config::internal {
namespace {

struct BuiltIn {
  const char* name;  // also the kind
  const char* label;
  bool id_tokens;  // issues ID tokens: issuer, audiences and jwks_url apply
};
constexpr BuiltIn kBuiltIns[] = {{"google", "Google", true},      {"apple", "Apple", true},
                                 {"facebook", "Facebook", false}, {"twitter", "X (Twitter)", false},
                                 {"github", "GitHub", false},     {"discord", "Discord", false}};

// One field of a provider's settings, shared by the built-in and the generic
// OIDC forms so both read the same way.
struct ProviderField {
  const char* key;  // TOML key inside the provider's table; upper-cased in env names
  const char* doc;
  const char* oidc_doc = nullptr;  // the generic OIDC wording, when it differs
  std::string OAuthProvider::*text = nullptr;
  std::vector<std::string> OAuthProvider::*list = nullptr;
  bool OAuthProvider::*flag = nullptr;
  bool secret = false;
  bool apple_only = false;
  bool nhost_alias = false;    // AUTH_PROVIDER_<NAME>_<FIELD>
  bool oidc = true;            // also a generic OIDC field
  bool id_token_only = false;  // only for kinds that issue ID tokens
};

const std::vector<ProviderField>& Fields() {
  using P = OAuthProvider;
  static const std::vector<ProviderField> fields = {
      {.key = "enabled",
       .doc = "offer sign-in with it",
       .flag = &P::enabled,
       .nhost_alias = true,
       .oidc = false},
      {.key = "issuer",
       .doc = "expected `iss` of its ID tokens (empty = the provider's own)",
       .oidc_doc = "issuer URL (required); discovery at "
                   "`<issuer>/.well-known/openid-configuration`",
       .text = &P::issuer,
       .id_token_only = true},
      {.key = "client_id",
       .doc = "OAuth client id (Apple: the Services ID)",
       .oidc_doc = "OAuth client id",
       .text = &P::client_id,
       .nhost_alias = true},
      {.key = "client_secret",
       .doc = "OAuth client secret (unused by Apple)",
       .oidc_doc = "OAuth client secret",
       .text = &P::client_secret,
       .secret = true,
       .nhost_alias = true},
      {.key = "scopes",
       .doc = "comma-separated scopes (empty = the provider's defaults)",
       .list = &P::scopes},
      {.key = "audiences",
       .doc = "comma-separated further `aud` values accepted in ID tokens (native app client ids)",
       .list = &P::audiences,
       .id_token_only = true},
      {.key = "authorize_url", .doc = "authorization endpoint override", .text = &P::authorize_url},
      {.key = "token_url", .doc = "token endpoint override", .text = &P::token_url},
      {.key = "userinfo_url",
       .doc = "profile endpoint override (the full URL)",
       .text = &P::userinfo_url},
      {.key = "jwks_url",
       .doc = "JWKS endpoint override",
       .text = &P::jwks_url,
       .id_token_only = true},
      {.key = "team_id",
       .doc = "Apple developer team id",
       .text = &P::apple_team_id,
       .apple_only = true,
       .nhost_alias = true,
       .oidc = false},
      {.key = "key_id",
       .doc = "id of the Sign in with Apple key",
       .text = &P::apple_key_id,
       .apple_only = true,
       .nhost_alias = true,
       .oidc = false},
      {.key = "private_key",
       .doc = "the .p8 key (PEM; `\\n` escapes accepted)",
       .text = &P::apple_private_key,
       .secret = true,
       .apple_only = true,
       .nhost_alias = true,
       .oidc = false},
  };
  return fields;
}

std::string Upper(std::string s) {
  for (char& c : s)
    c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool IsBuiltIn(std::string_view name) {
  return std::any_of(std::begin(kBuiltIns), std::end(kBuiltIns),
                     [&](const BuiltIn& b) { return name == b.name; });
}

std::optional<std::string> CheckOidcName(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (!ok) return "generic OIDC provider name \"" + name + "\" must be lower-case [a-z0-9-]";
  if (IsBuiltIn(name)) return "\"" + name + "\" is a built-in provider, not a generic OIDC one";
  return std::nullopt;
}

OAuthProvider& EntryFor(Config& c, const std::string& name, const std::string& kind) {
  for (OAuthProvider& p : c.oauth_providers) {
    if (p.name == name) return p;
  }
  OAuthProvider p;
  p.name = name;
  p.kind = kind;
  p.enabled = kind == "oidc";  // a generic provider is enabled by being declared
  c.oauth_providers.push_back(std::move(p));
  return c.oauth_providers.back();
}

const OAuthProvider* FindEntry(const Config& c, std::string_view name) {
  for (const OAuthProvider& p : c.oauth_providers) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::optional<std::string> SetField(OAuthProvider& p, const ProviderField& f,
                                    std::string_view text) {
  if (f.flag) {
    auto b = ParseBool(text);
    if (!b) return "expected true or false, got \"" + Trim(text) + "\"";
    p.*f.flag = *b;
  } else if (f.list) {
    p.*f.list = SplitList(text);
  } else {
    p.*f.text = Trim(text);
  }
  return std::nullopt;
}

std::string GetField(const OAuthProvider* p, const ProviderField& f) {
  if (f.flag) return p && p->*f.flag ? "true" : "false";
  if (!p) return {};
  return f.list ? JoinList(p->*f.list) : p->*f.text;
}

const ProviderField* FindField(const std::string& key) {
  for (const ProviderField& f : Fields()) {
    if (key == f.key && f.oidc) return &f;
  }
  return nullptr;
}

}  // namespace

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string item = Trim(text.substr(start, comma - start));
    if (!item.empty()) out.push_back(std::move(item));
    start = comma + 1;
  }
  return out;
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += ",";
    out += i;
  }
  return out;
}

std::optional<bool> ParseBool(std::string_view text) {
  std::string s = Trim(text);
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  if (s == "true" || s == "1" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "0" || s == "no" || s == "off" || s.empty()) return false;
  return std::nullopt;
}

void AddProviderSettings(std::vector<Setting>* table) {
  for (const BuiltIn& b : kBuiltIns) {
    std::string name = b.name;
    for (const ProviderField& f : Fields()) {
      if ((f.apple_only && name != "apple") || (f.id_token_only && !b.id_tokens)) continue;
      std::string upper_field = Upper(f.key);
      Setting s;
      s.key = "provider." + name + "." + f.key;
      s.env = "GATEHOUSE_PROVIDER_" + Upper(name) + "_" + upper_field;
      if (f.nhost_alias) s.aliases = {"AUTH_PROVIDER_" + Upper(name) + "_" + upper_field};
      s.doc = std::string(b.label) + ": " + f.doc + ".";
      s.secret = f.secret;
      const ProviderField* field = &f;
      s.set = [name, field](Config& c, std::string_view text) {
        return SetField(EntryFor(c, name, name), *field, text);
      };
      s.get = [name, field](const Config& c) { return GetField(FindEntry(c, name), *field); };
      table->push_back(std::move(s));
    }
  }
  Setting list;
  list.key = "oidc_providers";
  list.env = "GATEHOUSE_OIDC_PROVIDERS";
  list.doc =
      "Comma-separated names of generic OpenID Connect providers (lower-case `[a-z0-9-]`), each "
      "configured by the `GATEHOUSE_OIDC_<NAME>_*` settings below and enabled by being listed.";
  list.set = [](Config& c, std::string_view text) -> std::optional<std::string> {
    std::vector<std::string> names = SplitList(text);
    for (const std::string& n : names) {
      if (auto err = CheckOidcName(n)) return err;
    }
    // The list is the whole set: generic providers it does not name are dropped.
    std::erase_if(c.oauth_providers, [&](const OAuthProvider& p) {
      return p.kind == "oidc" && std::find(names.begin(), names.end(), p.name) == names.end();
    });
    for (const std::string& n : names) EntryFor(c, n, "oidc");
    return std::nullopt;
  };
  list.get = [](const Config& c) {
    std::vector<std::string> names;
    for (const OAuthProvider& p : c.oauth_providers)
      if (p.kind == "oidc") names.push_back(p.name);
    return JoinList(names);
  };
  table->push_back(std::move(list));
}

std::optional<std::string> SetOidcField(Config& config, const std::string& name,
                                        const std::string& field, std::string_view text) {
  if (auto err = CheckOidcName(name)) return err;
  const ProviderField* f = FindField(field);
  if (!f) return "unknown generic OIDC setting \"" + field + "\"";
  return SetField(EntryFor(config, name, "oidc"), *f, text);
}

std::vector<std::string> ApplyOidcEnvironment(Config& config,
                                              const std::map<std::string, std::string>& env) {
  std::vector<std::string> problems;
  for (OAuthProvider& p : config.oauth_providers) {
    if (p.kind != "oidc") continue;
    for (const ProviderField& f : Fields()) {
      if (!f.oidc) continue;
      std::string var = "GATEHOUSE_OIDC_" + Upper(p.name) + "_" + Upper(f.key);
      auto it = env.find(var);
      if (it == env.end()) continue;
      if (auto err = SetField(p, f, it->second)) problems.push_back(var + ": " + *err);
    }
  }
  return problems;
}

std::vector<std::string> ValidateProviders(const Config& c) {
  std::vector<std::string> p;
  for (const OAuthProvider& e : c.oauth_providers) {
    if (!e.enabled) continue;
    std::string who = "provider " + e.name + ": ";
    if (e.client_id.empty()) p.push_back(who + "client_id is required when enabled");
    if (e.kind == "apple" &&
        (e.apple_team_id.empty() || e.apple_key_id.empty() || e.apple_private_key.empty())) {
      p.push_back(who + "team_id, key_id and private_key are required when enabled");
    }
    if (e.kind == "oidc" && e.issuer.empty()) p.push_back(who + "issuer is required");
  }
  return p;
}

std::string RenderOidcMarkdown() {
  std::ostringstream out;
  out << "\n## Generic OpenID Connect providers\n\n"
         "Each name in `GATEHOUSE_OIDC_PROVIDERS` (or each `[oidc.<name>]` table of the TOML "
         "file) is one provider, reached at `/v1/signin/provider/<name>`. Its settings are read "
         "from the variables below, `<NAME>` being the name upper-cased with `-` as `_` "
         "(`corp-sso` -> `GATEHOUSE_OIDC_CORP_SSO_ISSUER`). Endpoints come from the issuer's "
         "discovery document unless overridden.\n\n"
         "| TOML key | environment | meaning |\n"
         "|---|---|---|\n";
  for (const ProviderField& f : Fields()) {
    if (!f.oidc) continue;
    const char* doc = f.oidc_doc ? f.oidc_doc : f.doc;
    out << "| `oidc.<name>." << f.key << "` | `GATEHOUSE_OIDC_<NAME>_" << Upper(f.key) << "` | "
        << static_cast<char>(std::toupper(static_cast<unsigned char>(doc[0]))) << (doc + 1)
        << ". |\n";
  }
  return out.str();
}

std::vector<DescribedSetting> DescribeOidc(const Config& config) {
  std::vector<DescribedSetting> out;
  for (const OAuthProvider& p : config.oauth_providers) {
    if (p.kind != "oidc") continue;
    for (const ProviderField& f : Fields()) {
      if (!f.oidc) continue;
      std::string v = GetField(&p, f);
      if (f.secret) v = MaskSecret(v);
      out.push_back({"oidc." + p.name + "." + f.key, std::move(v), f.secret});
    }
  }
  return out;
}

}  // namespace gh::config::internal

namespace gh::config {

bool IsBuiltInProvider(std::string_view name) {
  for (const internal::BuiltIn& b : internal::kBuiltIns)
    if (name == b.name) return true;
  return false;
}

}  // namespace gh::config
