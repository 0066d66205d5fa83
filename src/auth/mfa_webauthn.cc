// MfaFlow's webauthn factors (see mfa.h): a pending factor row until its
// registration verifies, the user's passkey after. The WebAuthn rules are
// PasskeyFlow's (its factor ceremonies); this file keeps the factor rules that
// every factor type shares: enrolment needs aal2 once a factor is verified,
// friendly names are unique, the number of factors is bounded, and the first
// verification ends the sessions that never saw the factor.
#include "auth/account.h"
#include "auth/audit.h"
#include "auth/mfa.h"
#include "crypto/random.h"

namespace gh::auth {
namespace {

constexpr std::string_view kWebauthn = "webauthn";

core::Error FactorNotFound() {
  return core::Error(core::errc::kMfaFactorNotFound, "No such MFA factor or challenge");
}

core::Error Disabled(std::string_view what) {
  return core::Error(core::errc::kDisabledEndpoint,
                     std::string("WebAuthn factor ") + std::string(what) + " is disabled");
}

const core::MfaFactor* FindWebauthn(const std::vector<core::MfaFactor>& factors,
                                    std::string_view id) {
  for (const core::MfaFactor& f : factors)
    if (f.id == id && f.type == kWebauthn) return &f;
  return nullptr;
}

}  // namespace

core::Result<void> MfaFlow::CheckWebauthnRelyingParty(
    const std::optional<std::string>& rp_id,
    const std::optional<std::vector<std::string>>& origins) const {
  if (passkeys_ == nullptr) return Disabled("verification");
  return passkeys_->CheckRelyingParty(rp_id, origins);
}

core::Result<core::MfaFactor> MfaFlow::EnrollWebauthn(const EnrollWebauthnRequest& req) {
  if (!options_.webauthn_enroll_enabled || passkeys_ == nullptr) return Disabled("enrolment");
  auto user = LoadUser(req.caller.user_id);
  if (!user) return user.error();
  if (user->is_anonymous)
    return core::Error(core::errc::kForbiddenAnonymous, "Anonymous users cannot use MFA");
  auto factors = UserFactors(store_, user->id);
  if (!factors) return factors.error();
  bool any_verified = false;
  for (const core::MfaFactor& f : *factors) {
    any_verified = any_verified || f.verified();
    if (!req.friendly_name.empty() && f.friendly_name == req.friendly_name)
      return core::Error(core::errc::kMfaFactorNameConflict,
                         "A factor with this friendly name already exists");
  }
  if (any_verified && req.caller.aal != "aal2")
    return core::Error(core::errc::kInsufficientAal,
                       "A session that passed a second factor (aal2) may enrol another");
  if (static_cast<int>(factors->size()) >= options_.max_factors)
    return core::Error(core::errc::kTooManyMfaFactors,
                       "Too many factors enrolled; unenrol one to continue");
  core::MfaFactor f;
  f.id = crypto::RandomUuid();
  f.user_id = user->id;
  f.type = std::string(kWebauthn);
  f.friendly_name = req.friendly_name;
  f.created_at = clock_.NowMillis();
  f.updated_at = f.created_at;
  if (auto r = store_.factors().Create(f); !r) return r.error();
  Audit("mfa-enroll", user->id, req.caller.client);
  return f;
}

core::Result<WebauthnFactorChallenge> MfaFlow::ChallengeWebauthn(const ChallengeRequest& req) {
  if (!options_.webauthn_verify_enabled || passkeys_ == nullptr) return Disabled("verification");
  auto factors = UserFactors(store_, req.caller.user_id);
  if (!factors) return factors.error();
  const core::MfaFactor* factor = FindWebauthn(*factors, req.factor_id);
  if (factor == nullptr) return FactorNotFound();
  const FactorBinding binding{req.caller.user_id, factor->id, req.caller.session_id};
  WebauthnFactorChallenge out;
  out.challenge.factor_id = factor->id;
  out.challenge.factor_type = factor->type;
  FactorCeremony ceremony;
  if (factor->verified()) {
    auto started = passkeys_->StartFactorAssertion(binding);
    if (!started) return started.error();
    ceremony = std::move(started->first);
    out.request = std::move(started->second);
  } else {
    auto started = passkeys_->StartFactorRegistration(binding);
    if (!started) return started.error();
    ceremony = std::move(started->first);
    out.create = std::move(started->second);
    core::MfaFactor pending = *factor;
    pending.last_challenged_at = clock_.NowMillis();
    if (auto r = store_.factors().Update(pending); !r) return r.error();
  }
  out.challenge.id = std::move(ceremony.challenge_id);
  out.challenge.expires_at = ceremony.expires_at;
  return out;
}

core::Result<StepUpGrant> MfaFlow::VerifyWebauthn(const VerifyWebauthnRequest& req) {
  if (!options_.webauthn_verify_enabled || passkeys_ == nullptr) return Disabled("verification");
  auto user = LoadUser(req.caller.user_id);
  if (!user) return user.error();
  if (auto active = RequireActive(*user, clock_.NowMillis()); !active) return active.error();
  auto factors = UserFactors(store_, user->id);
  if (!factors) return factors.error();
  const core::MfaFactor* factor = FindWebauthn(*factors, req.factor_id);
  if (factor == nullptr) return FactorNotFound();
  const FactorBinding binding{user->id, factor->id, req.caller.session_id};

  StepUpGrant out;
  if (factor->verified()) {
    if (!req.asserted)
      return core::Error(core::errc::kInvalidRequest,
                         "A verified WebAuthn factor is verified with an assertion (request)");
    auto used = passkeys_->FinishFactorAssertion(binding, req.challenge_id, *req.asserted);
    if (!used) {
      Audit("mfa-verify-failed", user->id, req.caller.client);
      return used.error();
    }
    out.factor = PasskeyAsFactor(*used);
  } else {
    if (!req.created)
      return core::Error(core::errc::kInvalidRequest,
                         "An unverified WebAuthn factor is verified with a registration (create)");
    auto stored = passkeys_->FinishFactorRegistration(binding, req.challenge_id, *req.created,
                                                      factor->friendly_name);
    if (!stored) {
      Audit("mfa-verify-failed", user->id, req.caller.client);
      return stored.error();
    }
    // The passkey now is the factor: the pending row and the other pending
    // webauthn enrolments (attempts at this one) go; sessions that never saw
    // the factor end, as at a TOTP enrolment.
    for (const core::MfaFactor& f : *factors) {
      if (f.type != kWebauthn || f.verified()) continue;
      if (auto r = store_.factors().Delete(f.id); !r) return r.error();
    }
    if (auto r = store_.sessions().RevokeAllForUser(user->id, "mfa-enrolled", clock_.NowMillis(),
                                                    req.caller.session_id);
        !r)
      return r.error();
    out.factor = PasskeyAsFactor(*stored);
    out.newly_verified = true;
  }
  auto grant = sessions_.StepUp(*user, req.caller.session_id, kWebauthn);
  if (!grant) return grant.error();
  out.session = std::move(*grant);
  Audit(out.newly_verified ? "mfa-enrolled" : "mfa-step-up", user->id, req.caller.client);
  return out;
}

}  // namespace gh::auth
