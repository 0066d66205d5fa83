// GoTrue's (supabase/auth's) setting names as aliases of ours: the GOTRUE_*
// environment a supabase/auth container gets (and the API_EXTERNAL_URL /
// SITE_URL names beside it), or a Supabase CLI supabase/config.toml given with
// --config, which stands for the same names. Each GoTrue name maps to the
// setting of ours that means the same, its value converted to our units
// (GOTRUE_JWT_EXP is seconds, GOTRUE_RATE_LIMIT_TOKEN_REFRESH is per 5 minutes,
// durations such as GOTRUE_SMS_MAX_FREQUENCY are Go durations); a name we have
// no counterpart for is reported, not faked.
//
// Precedence: GATEHOUSE_* wins over every alias. Two aliases of one setting
// (GOTRUE_SITE_URL and SITE_URL, or a GOTRUE_ and an AUTH_ name) that disagree
// are a configuration error naming both; agreeing ones are fine. The
// environment wins over the file.
//
// Pure functions apart from reading the files named; thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/error.h"

namespace gh::config {

// What Load did with the GoTrue names: for `config check` and the start log.
struct ForeignReport {
  std::vector<std::string> read;     // "GOTRUE_JWT_EXP -> access_token_ttl_seconds = 3600"
  std::vector<std::string> ignored;  // "GOTRUE_RATE_LIMIT_VERIFY: ignored: <why>"
};

// Load (settings.h), also filling `report` (may be null).
core::Result<Config> Load(const std::map<std::string, std::string>& env,
                          const std::string& toml_path, ForeignReport* report);

}  // namespace gh::config
