// The auth hook settings (docs/hooks.md), apart from settings.cc because they
// are seven alike groups: hook_<name>_enabled, _uri and _secrets for each hook
// in kHookNames, plus the validation of each group.
//
// Internal to config/: settings.cc calls these while loading. Pure functions.
#pragma once

#include <string>
#include <vector>

#include "config/settings.h"

namespace gh::config::internal {

// One hook's group: its name in setting keys and GoTrue's names
// (GOTRUE_HOOK_<UPPER NAME>_*), what it does, and its member of Config.
struct HookName {
  const char* key;  // "custom_access_token"
  const char* doc;
  HookSettings Config::*member;
};
const std::vector<HookName>& HookNames();

// Appends the hooks' settings to `table`.
void AddHookSettings(std::vector<Setting>* table);

// Problems of the hooks' settings: an enabled hook without an http(s) URI (a
// GoTrue `pg-functions:` URI is named as not served) or without secrets of
// the form v1,whsec_<base64>. Never quotes a secret.
std::vector<std::string> ValidateHooks(const Config& config);

}  // namespace gh::config::internal
