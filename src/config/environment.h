// What Load does with the environment beyond the settings table: Nhost's
// AUTH_SERVER_URL (which ends in /v1) read as our public_url, and Hasura's
// HASURA_GRAPHQL_JWT_SECRET read as the token settings it describes.
//
// Internal to config/. Pure functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace gh::config::internal {

// "https://host/v1" or "https://host/v1/" -> "https://host"; any other text
// unchanged.
std::string StripApiVersionSuffix(std::string_view url);

// Hasura's JWT setting, which an Nhost deployment hands hasura-auth too:
// {"type": "HS256", "key": "...", "claims_namespace"?, "issuer"?, "audience"?}.
// Fills jwt_secret, jwt_claims_namespace, jwt_issuer and jwt_audience from it,
// each only where no GATEHOUSE_* / AUTH_* variable of that setting is in `env`
// (those win, as over every alias). Returns problems: JSON that is not such an
// object, a type other than HS256 (Gatehouse signs asymmetric tokens with keys
// of its own, which Hasura reads from the JWKS), a jwt_secret set apart that
// differs from its key. No variable, no change.
std::vector<std::string> ApplyHasuraJwtSecret(Config& config,
                                              const std::map<std::string, std::string>& env);

}  // namespace gh::config::internal
