#include "auth/user_options.h"

#include "auth/app_metadata.h"

#include <algorithm>

#include "core/text.h"
#include "crypto/random.h"
#include "net/url.h"

namespace gh::auth {
namespace {

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// `url` is allowed by the rule `rule` (client_url or an allowed_redirect_urls
// entry). Rules that do not parse never match; the composition root refuses to
// start with one (see app.cc).
bool RuleAllows(const std::string& rule, const net::Url& url) {
  auto pattern = net::UrlPattern::Parse(rule);
  return pattern && pattern->Matches(url);
}

bool DisplayNameOk(const std::string& name) {
  if (!core::IsValidUtf8(name) || core::Utf8Length(name) > 32) return false;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7F) return false;
    // Characters that could build markup or URLs when an app echoes the name.
    if (c == '&' || c == '/' || c == ':' || c == '<' || c == '>' || c == '"' || c == '\\' ||
        c == '`' || c == ';' || c == '=')
      return false;
  }
  return true;
}

}  // namespace

bool IsRedirectAllowed(const RedirectRules& rules, const std::string& url) {
  if (url.empty() || url.size() > 2048) return false;
  // Matched on the URL as a browser will read it, never on its text: a prefix
  // or wildcard over the text lets "https://evil%2ecom?.example.com" through.
  auto parsed = net::ParseUrl(url);
  if (!parsed) return false;
  if (RuleAllows(rules.client_url, *parsed)) return true;
  for (const auto& allowed : rules.allowed_redirect_urls)
    if (RuleAllows(allowed, *parsed)) return true;
  return false;
}

void PromoteAnonymous(const NewUserPolicy& policy, core::User& user, std::string_view method) {
  user.is_anonymous = false;
  RemoveProvider(user, kProviderAnonymous);
  AddProvider(user, method);
  user.default_role = policy.default_role;
  user.roles = policy.allowed_roles;
}

core::User NewUser(const NewUserPolicy& policy, core::UnixMillis now) {
  core::User u;
  u.id = crypto::RandomUuid();
  u.created_at = now;
  u.updated_at = now;
  u.locale = policy.default_locale;
  u.default_role = policy.default_role;
  u.roles = policy.allowed_roles;
  return u;
}

core::Result<void> ApplySignUpOptions(const NewUserPolicy& policy, const SignUpOptions& options,
                                      core::User& user) {
  if (options.allowed_roles) {
    for (const auto& role : *options.allowed_roles)
      if (!Contains(policy.allowed_roles, role))
        return core::Error(core::errc::kRoleNotAllowed, "Role not allowed: " + role);
    user.roles = *options.allowed_roles;
  }
  if (options.default_role) {
    user.default_role = *options.default_role;
  }
  if (!Contains(user.roles, user.default_role)) {
    return core::Error(core::errc::kDefaultRoleNotAllowed, "Default role must be in allowed roles");
  }
  if (options.locale) {
    if (!Contains(policy.allowed_locales, *options.locale))
      return core::Error(core::errc::kLocaleNotAllowed, "Locale not allowed");
    user.locale = *options.locale;
  }
  if (options.display_name) {
    if (!DisplayNameOk(*options.display_name))
      return core::Error(
          core::errc::kInvalidRequest,
          "the display name must be at most 32 characters, without & / : < > \" ; = or "
          "control characters");
    user.display_name = *options.display_name;
  }
  if (options.metadata_json) user.metadata_json = *options.metadata_json;
  if (options.redirect_to && !IsRedirectAllowed(policy.redirects, *options.redirect_to))
    return core::Error(core::errc::kRedirectNotAllowed, "The redirect URL is not allowed");
  return core::Ok();
}

}  // namespace gh::auth
