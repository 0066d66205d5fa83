#include "auth/account.h"

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

core::Result<UserProfile> AccountService::Describe(core::User user) {
  UserProfile p;
  auto identities = store_.identities().ListForUser(user.id);
  if (!identities) return identities.error();
  auto factors = store_.factors().ListForUser(user.id);
  if (!factors) return factors.error();
  p.user = std::move(user);
  p.identities = std::move(*identities);
  p.factors = std::move(*factors);
  return p;
}

}  // namespace gh::auth
