#include "auth/address_proof.h"

#include "auth/app_metadata.h"
#include "auth/audit.h"
#include "auth/user_options.h"

namespace gh::auth {

ProofEffect ApplyAddressProof(const ProofPolicy& policy, ProvenChannel channel, ProofKind kind,
                              core::User& user, core::UnixMillis now) {
  ProofEffect effect;
  std::optional<core::UnixMillis>& confirmed =
      channel == ProvenChannel::kEmail ? user.email_confirmed_at : user.phone_confirmed_at;
  const bool required = channel == ProvenChannel::kEmail ? policy.email_verification_required
                                                         : policy.phone_verification_required;
  // A password is proven once any address of the account was: whoever set it
  // later could sign in, so it was theirs to set (a change needs a session).
  const bool password_unproven =
      user.password_hash.has_value() && !user.email_verified() && !user.phone_number_verified();
  if (!confirmed) {
    confirmed = now;
    effect.changed = true;
  }
  if (required && password_unproven && kind == ProofKind::kPossessionOnly) {
    user.password_hash.reset();
    effect.password_dropped = true;
    effect.changed = true;
  }
  effect.end_sessions = effect.password_dropped || user.is_anonymous;
  effect.changed = effect.changed || effect.end_sessions;
  return effect;
}

core::Result<ProofEffect> ProveAddress(store::Store& store, const core::Clock& clock,
                                       const ProofPolicy& proof, const NewUserPolicy& users,
                                       ProvenChannel channel, ProofKind kind, core::User& user,
                                       std::string_view reason) {
  const core::UnixMillis now = clock.NowMillis();
  ProofEffect effect = ApplyAddressProof(proof, channel, kind, user, now);
  if (user.is_anonymous)
    PromoteAnonymous(users, user,
                     channel == ProvenChannel::kEmail ? kProviderEmail : kProviderPhone);
  if (!effect.changed) return effect;
  user.updated_at = now;
  if (auto r = store.users().Update(user); !r) return r.error();
  if (effect.end_sessions) {
    if (auto r = store.sessions().RevokeAllForUser(user.id, reason, now); !r) return r.error();
  }
  if (effect.password_dropped)
    RecordAudit(store, now, "unproven-password-dropped", user.id, {},
                std::string(R"({"reason":")") + std::string(reason) + "\"}");
  return effect;
}

}  // namespace gh::auth
