// The OAuth / OpenID Connect provider settings, apart from settings.cc because
// they are not one Config member each: every built-in provider (google, apple,
// facebook, twitter, github, discord) has the same fields under
// GATEHOUSE_PROVIDER_<NAME>_<FIELD> (TOML `[provider.<name>]`), and generic
// OIDC providers are named at run time by GATEHOUSE_OIDC_PROVIDERS and read
// from GATEHOUSE_OIDC_<NAME>_<FIELD> (TOML `[oidc.<name>]`).
//
// Internal to config/: settings.cc calls these while loading. Pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/settings.h"

namespace gh::config::internal {

// Text helpers shared with settings.cc.
std::string Trim(std::string_view s);
std::vector<std::string> SplitList(std::string_view text);  // comma-separated, trimmed
std::string JoinList(const std::vector<std::string>& items);
// true/1/yes/on or false/0/no/off/empty; nullopt otherwise.
std::optional<bool> ParseBool(std::string_view text);

// Appends the built-in providers' settings and `oidc_providers` to `table`.
void AddProviderSettings(std::vector<Setting>* table);

// Sets field `field` (the TOML key: issuer, client_id, ...) of the generic
// OIDC provider `name` from a TOML `[oidc.<name>]` table, declaring the
// provider when it is new. Returns an error message on a bad name or field.
std::optional<std::string> SetOidcField(Config& config, const std::string& name,
                                        const std::string& field, std::string_view text);

// Reads GATEHOUSE_OIDC_<NAME>_<FIELD> for every declared generic provider.
// Returns one problem per bad value, naming the variable.
std::vector<std::string> ApplyOidcEnvironment(Config& config,
                                              const std::map<std::string, std::string>& env);

// One readable line per provider setting that cannot work (an enabled
// provider without client_id, Apple without its key, OIDC without issuer).
std::vector<std::string> ValidateProviders(const Config& config);

// The docs section on generic OIDC providers (their settings are dynamic).
std::string RenderOidcMarkdown();
// The generic OIDC providers' settings as keys "oidc.<name>.<field>", secrets masked.
std::vector<DescribedSetting> DescribeOidc(const Config& config);

}  // namespace gh::config::internal
