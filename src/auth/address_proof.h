// auth::ProveAddress: the one rule for what proving an email address or a phone
// number does to the account that holds it (account pre-registration takeover).
//
// Anyone may sign up with an address they do not own and choose a password; with
// verification required that password cannot sign in until the address is
// proven. When the address's owner later proves it by a method that never saw
// that password (a magic link, an email or SMS code, a password-reset link, a
// provider's verified email), keeping the password would hand the account to
// whoever chose it. So the password goes, and with it every session the account
// had. The sign-up's own confirmation (the verification mail sent for that
// password, the code sent by a phone + password sign-up) confirms the password
// it was sent for: the person who follows it accepts that sign-up, and the
// password stays.
//
// An anonymous account promoted by a proof loses its sessions too: they were
// made before anyone proved the address, and whoever holds them must not keep a
// verified account (deanonymize with a stranger's address).
//
// Without verification required for the channel the operator accepts unproven
// addresses: passwords are usable at once, and a proof changes only the flag.
//
// Thread-safe: no state of its own; it writes through the store.
#pragma once

#include <string_view>

#include "auth/user_options.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/types.h"
#include "store/store.h"

namespace gh::auth {

enum class ProvenChannel { kEmail, kPhone };

enum class ProofKind {
  kConfirmsPassword,  // the sign-up's own mail or code: the password set with it stays
  kPossessionOnly,    // magic link, email / SMS code, reset link, provider's verified email
};

// The email_verification_required and phone_verification_required settings.
struct ProofPolicy {
  bool email_verification_required = true;
  bool phone_verification_required = true;
  bool operator==(const ProofPolicy&) const = default;
};

// What ApplyAddressProof changed in the user.
struct ProofEffect {
  bool changed = false;           // the user must be written back
  bool password_dropped = false;  // an unproven password went
  bool end_sessions = false;      // every session the account already had must end
};

// Marks `channel` of `user` proven at `now` (an address already proven keeps
// its first confirmation time) and applies the rule above to `user` in memory.
// Does not promote an anonymous user, but reports that its sessions must end.
// Pure.
ProofEffect ApplyAddressProof(const ProofPolicy& policy, ProvenChannel channel, ProofKind kind,
                              core::User& user, core::UnixMillis now);

// ApplyAddressProof under `proof`; an anonymous user becomes a real one
// (PromoteAnonymous under `users`); then writes the user (when changed) and revokes the
// sessions the rule ends, with `reason` in the revocation and the audit log.
// Call before starting the session the proof signs in to. On success `user`
// holds what was written. Errors: the store's.
core::Result<ProofEffect> ProveAddress(store::Store& store, const core::Clock& clock,
                                       const ProofPolicy& proof, const NewUserPolicy& users,
                                       ProvenChannel channel, ProofKind kind, core::User& user,
                                       std::string_view reason);

}  // namespace gh::auth
