#include "auth/account.h"

#include <nlohmann/json.hpp>

#include "auth/app_metadata.h"
#include "auth/mfa.h"

namespace gh::auth {

core::Result<void> RequireActive(const core::User& user, core::UnixMillis now) {
  if (user.blocked(now)) return core::Error(core::errc::kDisabledUser, "User is disabled");
  return core::Ok();
}

core::Result<core::User> AccountService::Get(std::string_view user_id) {
  auto found = store_.users().FindById(user_id);
  if (!found) return found.error();
  if (!found->has_value()) return core::Error(core::errc::kInvalidToken, "User no longer exists");
  if (auto active = RequireActive(**found, clock_.NowMillis()); !active) return active.error();
  return std::move(**found);
}

core::Result<core::User> AccountService::MergeMetadata(std::string_view user_id,
                                                       std::string_view updates_json) {
  auto updates = nlohmann::json::parse(updates_json, nullptr, /*allow_exceptions=*/false);
  if (!updates.is_object())
    return core::Error(core::errc::kInvalidRequest, "The metadata must be a JSON object");
  auto user = Get(user_id);
  if (!user) return user.error();
  auto merged = nlohmann::json::parse(user->metadata_json, nullptr, /*allow_exceptions=*/false);
  if (!merged.is_object()) merged = nlohmann::json::object();
  for (auto it = updates.begin(); it != updates.end(); ++it) {
    if (it->is_null()) {
      merged.erase(it.key());
    } else {
      merged[it.key()] = *it;
    }
  }
  std::string text = merged.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > kMaxMetadataBytes)
    return core::Error(core::errc::kInvalidRequest, "The metadata is too large");
  if (text == user->metadata_json) return user;
  user->metadata_json = std::move(text);
  user->updated_at = clock_.NowMillis();
  if (auto r = store_.users().Update(*user); !r) return r.error();
  return user;
}

core::Result<UserProfile> AccountService::Describe(core::User user) {
  UserProfile p;
  // Most users sign in by address alone: what the row already says spares
  // the identities read.
  if (HasProviderIdentity(user)) {
    auto identities = store_.identities().ListForUser(user.id);
    if (!identities) return identities.error();
    p.identities = std::move(*identities);
  }
  // Factors are always read: passkeys (webauthn factors, auth/mfa.h) and
  // pending webauthn factors have no summary on the user row.
  auto factors = UserFactors(store_, user.id);
  if (!factors) return factors.error();
  p.factors = std::move(*factors);
  p.user = std::move(user);
  return p;
}

}  // namespace gh::auth
