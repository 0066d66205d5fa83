// MfaFlow's factors by id: enrolment, listing, challenges, verification with
// the step-up of the caller's session, and unenrolment (see mfa.h). The code
// checks, lock-out and single-use steps are the ones in mfa.cc.

#include <nlohmann/json.hpp>

#include "auth/account.h"
#include "auth/audit.h"
#include "auth/mfa.h"
#include "crypto/hash.h"
#include "crypto/random.h"

namespace gh::auth {
namespace {

constexpr std::string_view kChallengePurpose = "mfa-challenge";
constexpr std::string_view kTotpType = "totp";

core::Error FactorNotFound() {
  return core::Error(core::errc::kMfaFactorNotFound, "No such MFA factor or challenge");
}

bool AnyVerified(const std::vector<core::MfaFactor>& factors) {
  for (const core::MfaFactor& f : factors)
    if (f.verified()) return true;
  return false;
}

const core::MfaFactor* FindIn(const std::vector<core::MfaFactor>& factors, std::string_view id) {
  for (const core::MfaFactor& f : factors)
    if (f.id == id) return &f;
  return nullptr;
}

std::string StringMember(const nlohmann::json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string()) return std::string();
  return j[key].get<std::string>();
}

}  // namespace

core::Result<FactorEnrolment> MfaFlow::EnrollTotp(const EnrollTotpRequest& req) {
  auto user = LoadEnrollingUser(req.caller.user_id);
  if (!user) return user.error();
  auto factors = UserFactors(store_, user->id);
  if (!factors) return factors.error();
  if (AnyVerified(*factors) && req.caller.aal != "aal2")
    return core::Error(core::errc::kInsufficientAal,
                       "A session that passed a second factor (aal2) may enrol another");
  for (const core::MfaFactor& f : *factors) {
    if (!req.friendly_name.empty() && f.friendly_name == req.friendly_name)
      return core::Error(core::errc::kMfaFactorNameConflict,
                         "A factor with this friendly name already exists");
  }
  if (static_cast<int>(factors->size()) >= options_.max_factors)
    return core::Error(core::errc::kTooManyMfaFactors,
                       "Too many factors enrolled; unenrol one to continue");
  auto enrolment = CreateTotpFactor(*user, req.friendly_name, req.issuer);
  if (!enrolment) return enrolment.error();
  Audit("mfa-enroll", user->id, req.caller.client);
  return enrolment;
}

core::MfaFactor PasskeyAsFactor(const core::WebauthnCredential& p) {
  core::MfaFactor f;
  f.id = p.id;
  f.user_id = p.user_id;
  f.type = "webauthn";
  f.friendly_name = p.nickname;
  f.created_at = p.created_at;
  f.updated_at = p.last_used_at.value_or(p.created_at);
  f.verified_at = p.created_at;  // a passkey is stored once its registration verified
  f.last_challenged_at = p.last_used_at;
  return f;
}

core::Result<std::vector<core::MfaFactor>> UserFactors(store::Store& store,
                                                       std::string_view user_id) {
  auto factors = store.factors().ListForUser(user_id);
  if (!factors) return factors.error();
  for (core::MfaFactor& f : *factors) f.secret_encrypted.reset();
  auto passkeys = store.passkeys().ListForUser(user_id);
  if (!passkeys) return passkeys.error();
  for (const core::WebauthnCredential& p : *passkeys) factors->push_back(PasskeyAsFactor(p));
  return factors;
}

core::Result<std::vector<core::MfaFactor>> MfaFlow::ListFactors(std::string_view user_id) {
  return UserFactors(store_, user_id);
}

core::Result<FactorChallenge> MfaFlow::Challenge(const ChallengeRequest& req) {
  auto found = store_.factors().Find(req.factor_id);
  if (!found) return found.error();
  if (!found->has_value() || (*found)->user_id != req.caller.user_id) return FactorNotFound();
  core::MfaFactor factor = **found;

  const core::UnixMillis now = clock_.NowMillis();
  FactorChallenge out;
  out.id = crypto::RandomUuid();
  out.factor_id = factor.id;
  out.factor_type = factor.type;
  out.expires_at = now + int64_t{options_.ticket_ttl_seconds} * 1000;

  core::OneTimeCode code;
  code.id = out.id;
  code.user_id = factor.user_id;
  code.purpose = std::string(kChallengePurpose);
  code.recipient = factor.id;
  code.code_hash = crypto::Sha256Hex(out.id);
  code.data_json =
      nlohmann::json{{"factor_id", factor.id}, {"session_id", req.caller.session_id}}.dump();
  code.created_at = now;
  code.expires_at = out.expires_at;
  if (auto r = store_.codes().Insert(code); !r) return r.error();
  factor.last_challenged_at = now;
  if (auto r = store_.factors().Update(factor); !r) return r.error();
  return out;
}

core::Result<StepUpGrant> MfaFlow::Verify(const VerifyRequest& req) {
  auto user = LoadUser(req.caller.user_id);
  if (!user) return user.error();
  if (auto active = RequireActive(*user, clock_.NowMillis()); !active) return active.error();

  auto found = store_.codes().FindByHash(kChallengePurpose, crypto::Sha256Hex(req.challenge_id));
  if (!found) return found.error();
  if (!found->has_value()) return FactorNotFound();
  const core::OneTimeCode challenge = **found;
  const auto data = nlohmann::json::parse(challenge.data_json, nullptr, false);
  if (challenge.user_id != user->id || StringMember(data, "factor_id") != req.factor_id ||
      StringMember(data, "session_id") != req.caller.session_id)
    return FactorNotFound();
  if (challenge.expires_at <= clock_.NowMillis()) {
    (void)store_.codes().Consume(challenge.id, clock_.NowMillis());
    return core::Error(core::errc::kMfaChallengeExpired,
                       "The MFA challenge has expired; create another");
  }
  auto factors = LoadFactors(user->id);
  if (!factors) return factors.error();
  const core::MfaFactor* factor = FindIn(*factors, req.factor_id);
  if (factor == nullptr || factor->type != kTotpType) return FactorNotFound();  // unenrolled

  auto checked = CheckCode(user->id, {factor}, req.code, nullptr);
  if (hooks_ != nullptr && hooks_->options().mfa_verification_attempt.enabled &&
      (checked.ok() || checked.error().Is(core::errc::kInvalidTotp))) {
    auto decision =
        hooks_->MfaVerificationAttempt(user->id, factor->id, factor->type, checked.ok());
    if (!decision) return decision.error();
    if (decision->reject) {
      if (decision->should_logout_user) (void)sessions_.SignOutAll(user->id);
      Audit("mfa-verify-failed", user->id, req.caller.client);
      return core::Error(
          core::errc::kMfaVerificationRejected,
          decision->message.empty() ? "The MFA verification was rejected" : decision->message);
    }
  }
  if (!checked) {
    if (checked.error().Is(core::errc::kInvalidTotp)) {
      auto attempts = store_.codes().RecordFailedAttempt(challenge.id);
      if (attempts.ok() && *attempts >= kMfaTicketMaxAttempts)
        (void)store_.codes().Consume(challenge.id, clock_.NowMillis());  // burnt
      Audit("mfa-verify-failed", user->id, req.caller.client);
    }
    return checked.error();
  }
  auto consumed = store_.codes().Consume(challenge.id, clock_.NowMillis());
  if (!consumed) return consumed.error();
  if (!*consumed) return FactorNotFound();  // a concurrent request used it first

  StepUpGrant out;
  out.factor = *factor;
  out.factor.secret_encrypted.reset();
  if (!factor->verified()) {
    // The first correct code finishes the enrolment. Other enrolments of the
    // same kind were attempts at this one; sessions that never saw the second
    // factor end, as they would after a password change.
    core::MfaFactor verified = *factor;
    verified.verified_at = clock_.NowMillis();
    verified.updated_at = *verified.verified_at;
    if (auto r = store_.factors().Update(verified); !r) return r.error();
    for (const core::MfaFactor& f : *factors) {
      if (f.type != factor->type || f.verified() || f.id == factor->id) continue;
      if (auto r = store_.factors().Delete(f.id); !r) return r.error();
    }
    if (auto r = store_.sessions().RevokeAllForUser(user->id, "mfa-enrolled", clock_.NowMillis(),
                                                    req.caller.session_id);
        !r)
      return r.error();
    out.factor.verified_at = verified.verified_at;
    out.factor.updated_at = verified.updated_at;
    out.newly_verified = true;
    auto reread = LoadUser(user->id);  // the summary now says so
    if (!reread) return reread.error();
    user = std::move(reread);
  }
  auto grant = sessions_.StepUp(*user, req.caller.session_id, factor->type);
  if (!grant) return grant.error();
  out.session = std::move(*grant);
  Audit(out.newly_verified ? "mfa-enrolled" : "mfa-step-up", user->id, req.caller.client);
  return out;
}

core::Result<std::string> MfaFlow::Unenroll(const UnenrollRequest& req) {
  auto factors = UserFactors(store_, req.caller.user_id);
  if (!factors) return factors.error();
  const core::MfaFactor* factor = FindIn(*factors, req.factor_id);
  if (factor == nullptr) return FactorNotFound();
  if (AnyVerified(*factors) && req.caller.aal != "aal2")
    return core::Error(core::errc::kInsufficientAal,
                       "A session that passed a second factor (aal2) may unenrol factors");
  if (factor->type == "webauthn" && factor->verified()) {  // a passkey
    auto gone = store_.passkeys().Delete(req.caller.user_id, factor->id);
    if (!gone) return gone.error();
    if (!*gone) return FactorNotFound();
    Audit("mfa-unenroll", req.caller.user_id, req.caller.client);
    return std::string(req.factor_id);
  }
  const core::MfaFactor* primary = PrimaryTotp(*factors);
  // Recovery codes are keyed by the first verified TOTP factor: they go with it.
  const bool drop_recovery = primary != nullptr && primary->id == factor->id;
  const std::string id = factor->id;
  auto deleted = store_.factors().Delete(id);
  if (!deleted) return deleted.error();
  if (!*deleted) return FactorNotFound();
  if (drop_recovery) {
    if (auto r = store_.mfa().ReplaceRecoveryCodes(req.caller.user_id, {}, clock_.NowMillis()); !r)
      return r.error();
  }
  Audit("mfa-unenroll", req.caller.user_id, req.caller.client);
  return id;
}

}  // namespace gh::auth
