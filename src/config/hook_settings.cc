#include "config/hook_settings.h"

#include <algorithm>
#include <cctype>

#include "config/provider_settings.h"

namespace gh::config::internal {
namespace {

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::toupper);
  return s;
}

bool IsBase64(std::string_view s) {
  if (s.empty()) return false;
  while (!s.empty() && s.back() == '=') s.remove_suffix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '-' ||
           c == '_';
  });
}

}  // namespace

const std::vector<HookName>& HookNames() {
  static const std::vector<HookName> names = {
      {"custom_access_token",
       "custom access token hook: gets {user_id, claims, authentication_method} before every "
       "access token is signed (sign-in, refresh, step-up) and answers {claims}, which are signed "
       "instead; no answer means no token",
       &Config::hook_custom_access_token},
      {"before_user_created",
       "before user created hook: may refuse a new user (any way of signing up, the admin API "
       "too)",
       &Config::hook_before_user_created},
      {"after_user_created", "after user created hook: told of each new user",
       &Config::hook_after_user_created},
      {"send_sms",
       "send SMS hook: gets {user, sms: {otp}} and delivers the code itself; sms_provider is "
       "not used",
       &Config::hook_send_sms},
      {"send_email",
       "send email hook: gets {user, email_data} (code, link ticket, redirect, action type) and "
       "delivers the mail itself; the mailer is not used",
       &Config::hook_send_email},
      {"password_verification_attempt",
       "password verification attempt hook: told of each password checked at sign-in "
       "({user_id, valid}); may answer {decision: \"reject\", message}",
       &Config::hook_password_verification_attempt},
      {"mfa_verification_attempt",
       "MFA verification attempt hook: told of each second-factor code checked ({user_id, "
       "factor_id, factor_type, valid}); may answer {decision: \"reject\", message}",
       &Config::hook_mfa_verification_attempt},
  };
  return names;
}

void AddHookSettings(std::vector<Setting>* table) {
  for (const HookName& h : HookNames()) {
    const std::string base = std::string("hook_") + h.key;
    const std::string env = "GATEHOUSE_" + Upper(base);
    HookSettings Config::*m = h.member;
    Setting enabled;
    enabled.key = base + "_enabled";
    enabled.env = env + "_ENABLED";
    enabled.doc = "Call the " + std::string(h.doc) + ".";
    enabled.set = [m](Config& c, std::string_view t) -> std::optional<std::string> {
      auto b = ParseBool(t);
      if (!b) return "expected true or false, got \"" + Trim(t) + "\"";
      (c.*m).enabled = *b;
      return std::nullopt;
    };
    enabled.get = [m](const Config& c) { return std::string((c.*m).enabled ? "true" : "false"); };
    table->push_back(std::move(enabled));

    Setting uri;
    uri.key = base + "_uri";
    uri.env = env + "_URI";
    uri.doc = "The hook's http(s) endpoint (POSTed JSON, Standard Webhooks signed).";
    uri.set = [m](Config& c, std::string_view t) -> std::optional<std::string> {
      (c.*m).uri = Trim(t);
      return std::nullopt;
    };
    uri.get = [m](const Config& c) { return (c.*m).uri; };
    table->push_back(std::move(uri));

    Setting secrets;
    secrets.key = base + "_secrets";
    secrets.env = env + "_SECRETS";
    secrets.doc =
        "The hook's signing secrets, `v1,whsec_<base64 key>`; several separated by `|` are all "
        "signed with (rotation).";
    secrets.secret = true;
    secrets.set = [m](Config& c, std::string_view t) -> std::optional<std::string> {
      (c.*m).secrets = Trim(t);
      return std::nullopt;
    };
    secrets.get = [m](const Config& c) { return (c.*m).secrets; };
    table->push_back(std::move(secrets));
  }
}

std::vector<std::string> ValidateHooks(const Config& c) {
  std::vector<std::string> p;
  for (const HookName& h : HookNames()) {
    const HookSettings& s = c.*(h.member);
    if (!s.enabled) continue;
    const std::string base = std::string("hook_") + h.key;
    if (s.uri.rfind("pg-functions:", 0) == 0) {
      p.push_back(base +
                  "_uri: pg-functions: hooks (GoTrue's Postgres function hooks) are not served; "
                  "give the hook an http:// or https:// endpoint");
    } else if (s.uri.rfind("http://", 0) != 0 && s.uri.rfind("https://", 0) != 0) {
      p.push_back(base + "_uri must be an http:// or https:// URL while " + base +
                  "_enabled is on");
    }
    if (s.secrets.empty()) {
      p.push_back(base + "_secrets must be set (v1,whsec_<base64>) while " + base +
                  "_enabled is on");
      continue;
    }
    int position = 0;
    for (std::string_view rest = s.secrets;;) {
      ++position;
      const size_t bar = rest.find('|');
      std::string one = Trim(rest.substr(0, bar));
      std::string_view key = one;
      if (key.rfind("v1,", 0) == 0) key.remove_prefix(3);
      if (key.rfind("whsec_", 0) != 0 || !IsBase64(key.substr(6)))
        p.push_back(base + "_secrets: secret " + std::to_string(position) +
                    " is not of the form v1,whsec_<base64>");
      if (bar == std::string_view::npos) break;
      rest.remove_prefix(bar + 1);
    }
  }
  return p;
}

}  // namespace gh::config::internal
