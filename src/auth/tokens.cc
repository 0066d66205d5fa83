#include "auth/tokens.h"

#include <nlohmann/json.hpp>

#include "crypto/hash.h"

namespace gh::auth {

using nlohmann::json;

TokenService::TokenService(const TokenOptions& options, const core::Clock& clock,
                           std::shared_ptr<const crypto::KeyRing> keys, KeyLoader reload)
    : options_(options),
      clock_(clock),
      keys_(std::move(keys)),
      reload_(std::move(reload)),
      // An unknown kid may be looked up at once (a sibling instance starting with
      // us may have made its own first key); the periodic reload is a minute away.
      last_reload_millis_(clock.NowMillis() - 1000) {}

bool TokenService::ReloadKeys() const {
  if (!reload_) return false;
  std::lock_guard guard(reload_mu_);
  last_reload_millis_ = clock_.NowMillis();
  auto ring = reload_();
  if (!ring) return false;
  std::lock_guard lock(mu_);
  keys_ = std::move(*ring);
  cache_.clear();  // a removed key's tokens must not stay verified
  return true;
}

void TokenService::ReloadIfDue() const {
  if (!reload_) return;
  bool due;
  {
    std::lock_guard guard(reload_mu_);
    due = clock_.NowMillis() - last_reload_millis_ >= options_.signing_keys_reload_seconds * 1000;
  }
  if (due) ReloadKeys();
}

std::shared_ptr<const crypto::KeyRing> TokenService::CurrentKeyRing() const {
  ReloadIfDue();
  return key_ring();
}

std::shared_ptr<const crypto::KeyRing> TokenService::key_ring() const {
  std::lock_guard lock(mu_);
  return keys_;
}

void TokenService::SetKeyRing(std::shared_ptr<const crypto::KeyRing> keys) {
  std::lock_guard lock(mu_);
  keys_ = std::move(keys);
}

std::string TokenService::Issue(const core::User& user, const core::SessionRecord& session) const {
  return SignClaims(ClaimsJson(user, session));
}

std::string TokenService::SignClaims(const std::string& claims_json) const {
  // Pick up a rotation done elsewhere (`gatehouse keys rotate`, another
  // instance), so every instance moves to the new signing key.
  ReloadIfDue();
  return key_ring()->Sign(claims_json);
}

std::string TokenService::ClaimsJson(const core::User& user,
                                     const core::SessionRecord& session) const {
  const int64_t now = clock_.NowSeconds();
  json roles = user.roles;
  json hasura = {
      {"x-hasura-user-id", user.id},
      {"x-hasura-default-role", user.default_role},
      {"x-hasura-allowed-roles", roles},
      {"x-hasura-user-is-anonymous", user.is_anonymous ? "true" : "false"},
  };
  json amr = json::array();
  size_t start = 0;
  while (start < session.amr.size()) {  // "password,totp" -> [{method, timestamp}, ...]
    size_t comma = session.amr.find(',', start);
    if (comma == std::string::npos) comma = session.amr.size();
    amr.push_back({{"method", session.amr.substr(start, comma - start)},
                   {"timestamp", session.created_at / 1000}});
    start = comma + 1;
  }
  json claims = {
      {"sub", user.id},
      {"iat", now},
      {"exp", now + options_.access_token_ttl_seconds},
      {"iss", options_.jwt_issuer},
      {"aud", options_.jwt_audience},
      // GoTrue's: every user's token says authenticated, anonymous users too
      // (is_anonymous tells them apart); "anon" is the role of the API key alone.
      {"role", "authenticated"},
      {"session_id", session.id},
      {"aal", session.aal},
      {"amr", amr},
      {"is_anonymous", user.is_anonymous},
      {"email", user.email.value_or("")},
      {"phone", user.phone_number.value_or("")},
      {options_.jwt_claims_namespace, hasura},
  };
  return claims.dump();
}

core::Result<AccessClaims> TokenService::Verify(std::string_view token) const {
  const int64_t now = clock_.NowSeconds();
  ReloadIfDue();  // a key removed elsewhere stops verifying within the interval
  std::string cache_key = crypto::Sha256(token);
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(cache_key);
    if (it != cache_.end()) {
      if (it->second.exp > now) return it->second;
      cache_.erase(it);
      return core::Error(core::errc::kInvalidToken, "access token expired");
    }
  }
  auto verified = key_ring()->Verify(token, now);
  if (!verified && reload_ && verified.error().message == crypto::kUnknownKid) {
    // Rate-limited so a flood of forged kids cannot turn into a flood of reads.
    bool due;
    {
      std::lock_guard guard(reload_mu_);
      due = clock_.NowMillis() - last_reload_millis_ >= 1000;
    }
    if (due && ReloadKeys()) verified = key_ring()->Verify(token, now);
  }
  if (!verified) return verified.error();
  AccessClaims claims;
  try {
    json payload = json::parse(verified->payload_json);
    if (payload.value("iss", "") != options_.jwt_issuer)
      return core::Error(core::errc::kInvalidToken, "access token has the wrong issuer");
    // Exactly the audience this server mints, as a string. A token for another
    // audience (another service holding the same HS256 secret, say), one
    // without `aud`, or one with a list (which we never mint) is not ours.
    auto aud = payload.find("aud");
    if (aud == payload.end() || !aud->is_string() ||
        aud->get_ref<const std::string&>() != options_.jwt_audience)
      return core::Error(core::errc::kInvalidToken, "access token has the wrong audience");
    claims.user_id = payload.at("sub").get<std::string>();
    claims.session_id = payload.value("session_id", "");
    // A custom access token hook may have dropped the Hasura claims: the
    // token's role stands in for the default role then.
    auto hasura = payload.find(options_.jwt_claims_namespace);
    claims.default_role = hasura != payload.end()
                              ? hasura->at("x-hasura-default-role").get<std::string>()
                              : payload.at("role").get<std::string>();
    claims.is_anonymous = payload.value("is_anonymous", false);
    claims.aal = payload.value("aal", "aal1");
    claims.exp = payload.at("exp").get<int64_t>();
  } catch (const json::exception&) {
    return core::Error(core::errc::kInvalidToken, "access token lacks required claims");
  }
  std::lock_guard lock(mu_);
  if (cache_.size() >= kCacheLimit) cache_.clear();
  cache_.emplace(std::move(cache_key), claims);
  return claims;
}

}  // namespace gh::auth
