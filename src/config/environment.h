// What Load does with the environment beyond the settings table: Nhost's
// AUTH_SERVER_URL (which ends in /v1) read as our public_url.
//
// Internal to config/. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace gh::config::internal {

// "https://host/v1" or "https://host/v1/" -> "https://host"; any other text
// unchanged.
std::string StripApiVersionSuffix(std::string_view url);

}  // namespace gh::config::internal
