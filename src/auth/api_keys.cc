#include "auth/api_keys.h"

#include <nlohmann/json.hpp>

#include "crypto/json_scan.h"

namespace gh::auth {

core::Result<std::string> ApiKeys::Role(std::string_view token) const {
  const int64_t now = clock_.NowSeconds();
  // The ring reloads when due (signing_keys_reload_seconds); an unknown kid
  // does not force a reload here, so forged kids cannot drive store reads.
  auto verified = tokens_.CurrentKeyRing()->VerifyApiKey(token, now);
  if (!verified) return verified.error();
  crypto::JsonScan claims;
  std::string role;
  if (!claims.Parse(verified->payload_json) || !claims.GetString("role", &role) || role.empty())
    return core::Error(core::errc::kInvalidToken, "API key has no role");
  return role;
}

std::string ApiKeys::Mint(const crypto::KeyRing& ring, std::string_view role, int64_t now_seconds,
                          int64_t ttl_seconds) {
  nlohmann::json claims = {{"iss", "supabase"}, {"role", role}, {"iat", now_seconds}};
  if (ttl_seconds > 0) claims["exp"] = now_seconds + ttl_seconds;
  return ring.Sign(claims.dump());
}

}  // namespace gh::auth
