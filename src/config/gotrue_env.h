// Internal to config/: the table of GoTrue names (gotrue_rules.cc), applying
// it to a Config (gotrue_env.cc) and the Supabase CLI's config.toml read as
// the GoTrue names it stands for (supabase_toml.cc). See config/gotrue.h.
//
// Pure functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "config/gotrue.h"

namespace gh::config::internal {

// What a conversion made of a GoTrue value.
struct Converted {
  enum Kind { kValue, kSkip, kIgnore, kError } kind = kValue;
  std::string text;  // kValue: our text form; kIgnore / kError: why
};
using Conversion = Converted (*)(const std::string& value);

struct GotrueTarget {
  std::string key;  // our setting's TOML key
  Conversion convert;
  // Applied only while the setting still has its default (a value implied by
  // another, such as smtp_secure = tls for port 465).
  bool soft = false;
};

struct GotrueRule {
  std::string name;                   // GOTRUE_JWT_EXP; or a prefix ending in '_' when `prefix`
  std::vector<GotrueTarget> targets;  // empty: no counterpart
  std::string note;                   // units and meaning; why it is ignored
  bool prefix = false;
  // No counterpart, but this boolean value is what Gatehouse does anyway
  // (GOTRUE_SECURITY_REFRESH_TOKEN_ROTATION_ENABLED=true): read, not ignored.
  int agrees_when = -1;    // -1 none, 0 false, 1 true
  std::string sms_family;  // only read when GOTRUE_SMS_PROVIDER is this
};

// Every GoTrue name we know, in documentation order (exact names first, then
// prefixes).
const std::vector<GotrueRule>& GotrueRules();

// Reads the GoTrue names of `env`, then those of `file_env` (what a Supabase
// config.toml stands for; `file_sources` names the TOML key of each), into
// `config`. Returns problems; fills `report`; adds the keys it set to `set_keys`.
std::vector<std::string> ApplyGotrue(Config& config, const std::map<std::string, std::string>& env,
                                     const std::map<std::string, std::string>& file_env,
                                     const std::map<std::string, std::string>& file_sources,
                                     ForeignReport* report, std::vector<std::string>* set_keys);

// docs/configuration.md's section on GoTrue names.
std::string RenderGotrueMarkdown();

// True for a Supabase CLI config.toml (an [auth] table or project_id), which
// Load reads as GoTrue names instead of our keys.
bool IsSupabaseToml(const toml::table& doc);

// The GOTRUE_* names (and values) a Supabase config.toml's [auth] tables stand
// for, as the CLI hands them to its auth container, env(NAME) values resolved
// from `env`. `sources` gets the TOML key of each name; what the file holds
// that no name stands for goes to report->ignored. Returns problems (a value
// of the wrong type, an unreadable signing_keys_path).
std::vector<std::string> SupabaseTomlEnvironment(const toml::table& doc, const std::string& path,
                                                 const std::map<std::string, std::string>& env,
                                                 std::map<std::string, std::string>* names,
                                                 std::map<std::string, std::string>* sources,
                                                 ForeignReport* report);

}  // namespace gh::config::internal
