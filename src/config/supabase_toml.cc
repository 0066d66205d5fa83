// The Supabase CLI's supabase/config.toml read as the GoTrue names the CLI
// hands its auth container (`supabase start`): auth.jwt_expiry is
// GOTRUE_JWT_EXP, auth.email.enable_confirmations is the inverse of
// GOTRUE_MAILER_AUTOCONFIRM, and so on. gotrue_env.cc then maps those names to
// our settings, so the file and the environment read the same way.
#include <algorithm>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "config/gotrue_env.h"
#include "config/provider_settings.h"

namespace gh::config::internal {
namespace {

struct Simple {
  const char* key;  // under [auth]
  const char* name;
  bool invert = false;
};

// One-to-one keys, as the CLI's auth container environment sets them.
constexpr Simple kSimple[] = {
    {"site_url", "GOTRUE_SITE_URL"},
    {"additional_redirect_urls", "GOTRUE_URI_ALLOW_LIST"},
    {"jwt_expiry", "GOTRUE_JWT_EXP"},
    {"jwt_secret", "GOTRUE_JWT_SECRET"},
    {"jwt_issuer", "GOTRUE_JWT_ISSUER"},
    {"enable_signup", "GOTRUE_DISABLE_SIGNUP", true},
    {"enable_anonymous_sign_ins", "GOTRUE_EXTERNAL_ANONYMOUS_USERS_ENABLED"},
    {"enable_manual_linking", "GOTRUE_SECURITY_MANUAL_LINKING_ENABLED"},
    {"minimum_password_length", "GOTRUE_PASSWORD_MIN_LENGTH"},
    {"password_requirements", "GOTRUE_PASSWORD_REQUIRED_CHARACTERS"},
    {"enable_refresh_token_rotation", "GOTRUE_SECURITY_REFRESH_TOKEN_ROTATION_ENABLED"},
    {"refresh_token_reuse_interval", "GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL"},
    {"rate_limit.email_sent", "GOTRUE_RATE_LIMIT_EMAIL_SENT"},
    {"rate_limit.sms_sent", "GOTRUE_RATE_LIMIT_SMS_SENT"},
    {"rate_limit.anonymous_users", "GOTRUE_RATE_LIMIT_ANONYMOUS_USERS"},
    {"rate_limit.token_refresh", "GOTRUE_RATE_LIMIT_TOKEN_REFRESH"},
    {"rate_limit.sign_in_sign_ups", "GOTRUE_RATE_LIMIT_OTP"},
    {"rate_limit.token_verifications", "GOTRUE_RATE_LIMIT_VERIFY"},
    {"rate_limit.web3", "GOTRUE_RATE_LIMIT_WEB3"},
    {"email.enable_signup", "GOTRUE_EXTERNAL_EMAIL_ENABLED"},
    {"email.double_confirm_changes", "GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED"},
    {"email.enable_confirmations", "GOTRUE_MAILER_AUTOCONFIRM", true},
    {"email.secure_password_change", "GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_REAUTHENTICATION"},
    {"email.max_frequency", "GOTRUE_SMTP_MAX_FREQUENCY"},
    {"email.otp_length", "GOTRUE_MAILER_OTP_LENGTH"},
    {"email.otp_expiry", "GOTRUE_MAILER_OTP_EXP"},
    {"sms.enable_signup", "GOTRUE_EXTERNAL_PHONE_ENABLED"},
    {"sms.enable_confirmations", "GOTRUE_SMS_AUTOCONFIRM", true},
    {"sms.template", "GOTRUE_SMS_TEMPLATE"},
    {"sms.max_frequency", "GOTRUE_SMS_MAX_FREQUENCY"},
    {"mfa.max_enrolled_factors", "GOTRUE_MFA_MAX_ENROLLED_FACTORS"},
    {"mfa.totp.enroll_enabled", "GOTRUE_MFA_TOTP_ENROLL_ENABLED"},
    {"mfa.totp.verify_enabled", "GOTRUE_MFA_TOTP_VERIFY_ENABLED"},
    {"mfa.phone.enroll_enabled", "GOTRUE_MFA_PHONE_ENROLL_ENABLED"},
    {"mfa.phone.verify_enabled", "GOTRUE_MFA_PHONE_VERIFY_ENABLED"},
    {"mfa.web_authn.enroll_enabled", "GOTRUE_MFA_WEB_AUTHN_ENROLL_ENABLED"},
    {"mfa.web_authn.verify_enabled", "GOTRUE_MFA_WEB_AUTHN_VERIFY_ENABLED"},
    {"sessions.timebox", "GOTRUE_SESSIONS_TIMEBOX"},
    {"sessions.inactivity_timeout", "GOTRUE_SESSIONS_INACTIVITY_TIMEOUT"},
};

// [auth.sms.<provider>] fields, as GOTRUE_SMS_<PROVIDER>_<FIELD>.
// In the CLI's order: the first enabled one is used.
const std::vector<std::pair<std::string, std::vector<std::string>>>& SmsProviders() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> kProviders = {
      {"twilio", {"account_sid", "message_service_sid", "auth_token"}},
      {"twilio_verify", {"account_sid", "message_service_sid", "auth_token"}},
      {"messagebird", {"originator", "access_key"}},
      {"textlocal", {"sender", "api_key"}},
      {"vonage", {"from", "api_key", "api_secret"}}};
  return kProviders;
}

// Tables the CLI has that stand for features Gatehouse lacks.
constexpr std::pair<const char*, const char*> kLacking[] = {
    {"hook.", "Gatehouse has no GoTrue auth hooks"},
    {"captcha.", "Gatehouse has no CAPTCHA check"},
    {"third_party.", "Gatehouse does not accept other issuers' tokens"},
    {"web3.", "Gatehouse has no web3 sign-in"},
    {"oauth_server.", "Gatehouse is no OAuth server"},
    {"email.template.", "mail templates are files (email_templates_path)"},
    {"email.notification.", "Gatehouse sends no notification mails"},
    {"mfa.phone.", "Gatehouse has no phone second factor"},
};

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::toupper);
  return s;
}

class Reader {
 public:
  Reader(const std::string& path, const std::map<std::string, std::string>& env,
         std::map<std::string, std::string>* names, std::map<std::string, std::string>* sources,
         ForeignReport* report)
      : path_(path), env_(env), names_(names), sources_(sources), report_(report) {}

  // The CLI replaces a whole value env(NAME) by the variable's value; an
  // unset variable leaves the text as written.
  std::string Resolve(const std::string& key, std::string v) {
    if (v.size() > 5 && v.starts_with("env(") && v.back() == ')') {
      std::string var = v.substr(4, v.size() - 5);
      if (auto it = env_.find(var); it != env_.end() && !it->second.empty()) return it->second;
      Ignore(key, var + " is not set, so the value stays \"" + v + "\" as the CLI leaves it");
    }
    return v;
  }

  std::optional<std::string> Text(const std::string& key, const toml::node& n) {
    if (n.is_string()) return Resolve(key, *n.value<std::string>());
    if (n.is_boolean()) return *n.value<bool>() ? "true" : "false";
    if (n.is_integer()) return std::to_string(*n.value<int64_t>());
    if (n.is_floating_point()) {
      std::ostringstream o;
      o << *n.value<double>();
      return o.str();
    }
    if (const toml::array* a = n.as_array()) {
      std::vector<std::string> items;
      for (const auto& el : *a) {
        auto t = Text(key, el);
        if (!t) return std::nullopt;
        items.push_back(*t);
      }
      return JoinList(items);
    }
    return std::nullopt;
  }

  void Set(const std::string& key, const std::string& name, std::string value) {
    (*names_)[name] = std::move(value);
    (*sources_)[name] = key;
  }
  void Ignore(const std::string& key, const std::string& why) {
    if (report_) report_->ignored.push_back(key + ": ignored: " + why);
  }

  // Reads [auth], flattened to dotted keys below it.
  void Auth(const std::map<std::string, const toml::node*>& flat) {
    std::set<std::string> used;
    auto get = [&](const std::string& k) -> const toml::node* {
      auto it = flat.find(k);
      return it == flat.end() ? nullptr : it->second;
    };
    auto flag = [&](const std::string& k, bool fallback) {
      const toml::node* n = get(k);
      used.insert(k);
      return n && n->is_boolean() ? *n->value<bool>() : fallback;
    };
    for (const Simple& s : kSimple) {
      const toml::node* n = get(s.key);
      if (!n) continue;
      used.insert(s.key);
      const std::string key = std::string("auth.") + s.key;
      auto text = Text(key, *n);
      if (!text) {
        problems.push_back(path_ + ": " + key + ": unsupported value type");
        continue;
      }
      if (s.invert) {
        auto b = ParseBool(*text);
        if (!b) {
          problems.push_back(path_ + ": " + key + ": expected true or false");
          continue;
        }
        text = *b ? "false" : "true";
      }
      Set(key, s.name, *text);
    }
    if (const toml::node* n = get("signing_keys_path")) {
      used.insert("signing_keys_path");
      SigningKeys(n->value<std::string>().value_or(""));
    }
    used.insert("enabled");
    // [auth.email.smtp]: the CLI uses it when present and not switched off.
    bool smtp = std::any_of(flat.begin(), flat.end(),
                            [](const auto& e) { return e.first.starts_with("email.smtp."); });
    if (smtp && flag("email.smtp.enabled", true)) {
      for (const char* f : {"host", "port", "user", "pass", "admin_email", "sender_name"})
        Field("email.smtp." + std::string(f), "GOTRUE_SMTP_" + Upper(f), flat, &used);
    } else if (smtp) {
      Ignore("auth.email.smtp", "enabled = false");
    }
    // [auth.sms.test_otp]: number = "code".
    std::vector<std::string> otps;
    for (const auto& [k, n] : flat) {
      if (!k.starts_with("sms.test_otp.")) continue;
      used.insert(k);
      if (auto t = Text("auth." + k, *n)) otps.push_back(k.substr(13) + ":" + *t);
    }
    if (!otps.empty()) Set("auth.sms.test_otp", "GOTRUE_SMS_TEST_OTP", JoinList(otps));
    // The first enabled [auth.sms.<provider>] sends, as the CLI picks it.
    bool have_sms = false;
    for (const auto& [provider, fields] : SmsProviders()) {
      const std::string pre = "sms." + provider + ".";
      if (!get(pre + "enabled") && std::none_of(fields.begin(), fields.end(), [&](const auto& f) {
            return get(pre + f) != nullptr;
          }))
        continue;
      const bool enabled = flag(pre + "enabled", false);
      if (!enabled || have_sms) {
        for (const auto& f : fields) used.insert(pre + f);
        Ignore("auth.sms." + provider,
               enabled ? "another SMS provider is enabled first" : "enabled = false");
        continue;
      }
      have_sms = true;
      Set("auth.sms." + provider, "GOTRUE_SMS_PROVIDER", provider);
      for (const auto& f : fields)
        Field(pre + f, "GOTRUE_SMS_" + Upper(provider) + "_" + Upper(f), flat, &used);
    }
    // [auth.external.<provider>]
    std::set<std::string> providers;
    for (const auto& [k, n] : flat) {
      (void)n;
      if (k.starts_with("external.") && k.find('.', 9) != std::string::npos)
        providers.insert(k.substr(9, k.find('.', 9) - 9));
    }
    for (const std::string& p : providers) {
      const std::string pre = "external." + p + ".";
      if (!flag(pre + "enabled", false)) {
        for (const auto& [k, n] : flat)
          if (k.starts_with(pre)) used.insert(k);
        Ignore("auth.external." + p, "enabled = false");
        continue;
      }
      const std::string env_pre = "GOTRUE_EXTERNAL_" + Upper(p) + "_";
      Set("auth." + pre + "enabled", env_pre + "ENABLED", "true");
      for (const char* f :
           {"client_id", "secret", "redirect_uri", "url", "skip_nonce_check", "email_optional"}) {
        const toml::node* n = get(pre + f);
        if (!n) continue;
        auto text = Text("auth." + pre + f, *n);
        used.insert(pre + f);
        if (text && text->empty()) continue;  // the CLI leaves empty ones unset too
        Field(pre + f, env_pre + Upper(f), flat, &used);
      }
    }
    for (const auto& [k, n] : flat) {
      (void)n;
      if (used.count(k)) continue;
      std::string why = "not a Supabase auth setting Gatehouse knows";
      for (const auto& [prefix, reason] : kLacking)
        if (k.starts_with(prefix)) why = reason;
      Ignore("auth." + k, why);
    }
  }

  std::vector<std::string> problems;

 private:
  void Field(const std::string& k, const std::string& name,
             const std::map<std::string, const toml::node*>& flat, std::set<std::string>* used) {
    used->insert(k);
    auto it = flat.find(k);
    if (it == flat.end()) return;
    auto text = Text("auth." + k, *it->second);
    if (!text) {
      problems.push_back(path_ + ": auth." + k + ": unsupported value type");
      return;
    }
    Set("auth." + k, name, *text);
  }

  // signing_keys_path is relative to the config file's folder, as the CLI
  // resolves it (supabase/signing_keys.json).
  void SigningKeys(const std::string& p) {
    if (p.empty()) return;
    std::string file = p;
    if (file.front() != '/') {
      size_t slash = path_.rfind('/');
      file = (slash == std::string::npos ? std::string(".") : path_.substr(0, slash)) + "/" + file;
    }
    std::ifstream in(file);
    if (!in) {
      problems.push_back(path_ + ": auth.signing_keys_path: cannot read " + file);
      return;
    }
    std::stringstream text;
    text << in.rdbuf();
    Set("auth.signing_keys_path", "GOTRUE_JWT_KEYS", text.str());
  }

  const std::string& path_;
  const std::map<std::string, std::string>& env_;
  std::map<std::string, std::string>* names_;
  std::map<std::string, std::string>* sources_;
  ForeignReport* report_;
};

void Flatten(const toml::table& tbl, const std::string& prefix,
             std::map<std::string, const toml::node*>* out) {
  for (const auto& [key, node] : tbl) {
    std::string k = prefix + std::string(key.str());
    if (const toml::table* sub = node.as_table()) {
      Flatten(*sub, k + ".", out);
    } else {
      (*out)[k] = &node;
    }
  }
}

}  // namespace

bool IsSupabaseToml(const toml::table& doc) {
  return doc.contains("project_id") || (doc["auth"].is_table());
}

std::vector<std::string> SupabaseTomlEnvironment(const toml::table& doc, const std::string& path,
                                                 const std::map<std::string, std::string>& env,
                                                 std::map<std::string, std::string>* names,
                                                 std::map<std::string, std::string>* sources,
                                                 ForeignReport* report) {
  Reader r(path, env, names, sources, report);
  std::vector<std::string> others;
  for (const auto& [key, node] : doc) {
    std::string k(key.str());
    if (k == "auth" && node.is_table()) {
      std::map<std::string, const toml::node*> flat;
      Flatten(*node.as_table(), "", &flat);
      r.Auth(flat);
    } else if (k == "api" && node.is_table() && (*node.as_table())["external_url"].is_string()) {
      r.Set(
          "api.external_url", "API_EXTERNAL_URL",
          r.Resolve("api.external_url", *(*node.as_table())["external_url"].value<std::string>()));
      others.push_back("[api] (apart from external_url)");
    } else {
      others.push_back(node.is_table() ? "[" + k + "]" : k);
    }
  }
  if (!others.empty() && report)
    report->ignored.push_back(path + ": " + JoinList(others) +
                              ": ignored: not auth settings (only [auth] and api.external_url "
                              "are read)");
  return std::move(r.problems);
}

}  // namespace gh::config::internal
