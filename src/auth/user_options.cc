#include "auth/user_options.h"

#include <algorithm>

#include "core/text.h"
#include "crypto/random.h"

namespace gh::auth {
namespace {

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// `*` matches any run of characters except '/' and '.'.
bool WildcardMatch(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern[0] == '*') {
    for (size_t i = 0; i <= text.size(); ++i) {
      if (WildcardMatch(pattern.substr(1), text.substr(i))) return true;
      if (i < text.size() && (text[i] == '/' || text[i] == '.')) break;
    }
    return false;
  }
  return !text.empty() && pattern[0] == text[0] && WildcardMatch(pattern.substr(1), text.substr(1));
}

// `url` equals `allowed` or continues it at a path, query or fragment boundary.
bool PrefixAllowed(const std::string& allowed, const std::string& url) {
  std::string base = allowed;
  while (!base.empty() && base.back() == '/') base.pop_back();
  for (size_t cut = 0; cut <= url.size(); ++cut) {
    if (cut < url.size() && url[cut] != '/' && url[cut] != '?' && url[cut] != '#') continue;
    if (WildcardMatch(base, std::string_view(url).substr(0, cut))) return true;
  }
  return false;
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

bool IsRedirectAllowed(const config::Config& config, const std::string& url) {
  if (url.empty() || url.size() > 2048 || !core::IsValidUtf8(url)) return false;
  for (unsigned char c : url)
    if (c <= 0x20 || c == 0x7F) return false;
  if (PrefixAllowed(config.client_url, url)) return true;
  for (const auto& allowed : config.allowed_redirect_urls)
    if (PrefixAllowed(allowed, url)) return true;
  return false;
}

void PromoteAnonymous(const config::Config& config, core::User& user) {
  user.is_anonymous = false;
  user.default_role = config.default_role;
  user.roles = config.allowed_roles;
}

core::User NewUser(const config::Config& config, core::UnixMillis now) {
  core::User u;
  u.id = crypto::RandomUuid();
  u.created_at = now;
  u.updated_at = now;
  u.locale = config.default_locale;
  u.default_role = config.default_role;
  u.roles = config.allowed_roles;
  return u;
}

core::Result<void> ApplySignUpOptions(const config::Config& config, const SignUpOptions& options,
                                      core::User& user) {
  if (options.allowed_roles) {
    for (const auto& role : *options.allowed_roles)
      if (!Contains(config.allowed_roles, role))
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
    if (!Contains(config.allowed_locales, *options.locale))
      return core::Error(core::errc::kLocaleNotAllowed, "Locale not allowed");
    user.locale = *options.locale;
  }
  if (options.display_name) {
    if (!DisplayNameOk(*options.display_name))
      return core::Error(core::errc::kInvalidRequest,
                         "displayName must be at most 32 characters, without & / : < > \" ; = or "
                         "control characters");
    user.display_name = *options.display_name;
  }
  if (options.metadata_json) user.metadata_json = *options.metadata_json;
  if (options.redirect_to && !IsRedirectAllowed(config, *options.redirect_to))
    return core::Error(core::errc::kRedirectNotAllowed, "The value of redirectTo is not allowed");
  return core::Ok();
}

}  // namespace gh::auth
