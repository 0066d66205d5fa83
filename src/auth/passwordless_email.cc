#include "auth/passwordless_email.h"

#include <spdlog/spdlog.h>

#include "auth/account.h"
#include "auth/address_proof.h"
#include "auth/app_metadata.h"
#include "auth/audit.h"
#include "core/text.h"
#include "crypto/hash.h"

namespace gh::auth {
namespace {

core::Error InvalidOtp() { return core::Error(core::errc::kInvalidOtp, "Invalid or expired code"); }

}  // namespace

PasswordlessEmailFlow::PasswordlessEmailFlow(EmailKit& kit, SessionService& sessions)
    : kit_(kit), sessions_(sessions) {}

core::Result<PasswordlessEmailFlow::Recipient> PasswordlessEmailFlow::Prepare(
    const PasswordlessEmailRequest& req, bool enabled) {
  if (!enabled)
    return core::Error(core::errc::kDisabledEndpoint, "This sign-in method is disabled");
  auto email = core::NormalizeEmail(req.email);
  if (!email) return core::Error(core::errc::kInvalidRequest, "Invalid email address");
  const EmailOptions& options = kit_.options();
  const core::UnixMillis now = kit_.clock().NowMillis();
  // Validate the options for every address, known or not: same answers.
  core::User fresh = NewUser(options.users, now);
  SetSignUpProvider(fresh, kProviderEmail);
  fresh.email = *email;
  if (auto r = ApplySignUpOptions(options.users, req.options, fresh); !r) return r.error();
  auto redirect = kit_.RedirectTarget(req.options.redirect_to);
  if (!redirect) return redirect.error();
  if (auto r = kit_.Throttle(*email); !r) return r.error();

  Recipient out;
  out.redirect = *redirect;
  auto found = kit_.store().users().FindByEmail(*email);
  if (!found) return found.error();
  if (found->has_value()) {
    if (!(*found)->blocked(now)) out.user = **found;
    return out;
  }
  if (options.signup_disabled || !req.create_user) return out;
  if (auto r = kit_.store().users().Create(fresh); !r) {
    if (r.error().Is(core::errc::kEmailAlreadyInUse)) return out;  // a parallel request won
    return r.error();
  }
  out.user = fresh;
  out.created = true;
  return out;
}

void PasswordlessEmailFlow::Undo(const Recipient& r, std::string_view purpose) {
  kit_.Withdraw(purpose, *r.user->email);
  if (r.created) {
    if (auto d = kit_.store().users().Delete(r.user->id); !d)
      spdlog::warn("could not delete user {} after a failed send: {}", r.user->id,
                   d.error().message);
  }
}

core::Result<void> PasswordlessEmailFlow::SendMagicLink(const PasswordlessEmailRequest& req) {
  if (req.links == nullptr) return NoLinkStyle();
  auto r = Prepare(req, kit_.options().email_passwordless_enabled);
  if (!r) return r.error();
  if (!r->user) return core::Ok();
  const core::User& user = *r->user;
  auto link = kit_.IssueLink(LinkKind::kMagicLink, *req.links, user, *user.email, r->redirect);
  if (!link) {
    Undo(*r, purpose::kMagicLink);
    return link.error();
  }
  if (auto s = kit_.Send("signin-passwordless", *user.email, user,
                         EmailKit::LinkVars(*link, r->redirect));
      !s) {
    Undo(*r, purpose::kMagicLink);
    return s.error();
  }
  if (r->created)
    NoticeEvent(kit_.store(), kit_.clock().NowMillis(), "signup-passwordless-email", user.id);
  return core::Ok();
}

core::Result<void> PasswordlessEmailFlow::SendCode(const PasswordlessEmailRequest& req) {
  auto r = Prepare(req, kit_.options().email_otp_enabled);
  if (!r) return r.error();
  if (!r->user) return core::Ok();
  const core::User& user = *r->user;
  auto code = kit_.IssueCode(purpose::kEmailOtp, user, *user.email);
  if (!code) {
    Undo(*r, purpose::kEmailOtp);
    return code.error();
  }
  if (auto s = kit_.Send("signin-otp", *user.email, user, {{notify::placeholder::kCode, *code}});
      !s) {
    Undo(*r, purpose::kEmailOtp);
    return s.error();
  }
  if (r->created)
    NoticeEvent(kit_.store(), kit_.clock().NowMillis(), "signup-passwordless-email", user.id);
  return core::Ok();
}

core::Result<SignInOutcome> PasswordlessEmailFlow::VerifyCode(const std::string& raw_email,
                                                              const std::string& otp,
                                                              const core::ClientInfo& client) {
  if (!kit_.options().email_otp_enabled)
    return core::Error(core::errc::kDisabledEndpoint, "This sign-in method is disabled");
  auto email = core::NormalizeEmail(raw_email);
  if (!email) return InvalidOtp();
  // Every guess counts, also against no code or a burnt one, so that asking
  // for a fresh code does not buy fresh guesses.
  const std::string attempt_key = "email-code:" + *email;
  if (auto admitted = limiter_->Begin(attempt_key); !admitted) return admitted.error();
  store::OneTimeCodes& codes = kit_.store().codes();
  const core::UnixMillis now = kit_.clock().NowMillis();
  auto latest = codes.FindLatest(purpose::kEmailOtp, *email);
  if (!latest) return latest.error();
  if (!latest->has_value()) return InvalidOtp();
  const core::OneTimeCode& code = **latest;
  if (code.expires_at <= now || code.attempts >= kit_.options().email_code_max_attempts)
    return InvalidOtp();
  if (!crypto::ConstantTimeEquals(kit_.CodeHash(*email, otp), code.code_hash)) {
    auto tries = codes.RecordFailedAttempt(code.id);
    if (!tries) return tries.error();
    if (*tries >= kit_.options().email_code_max_attempts) (void)codes.Consume(code.id, now);
    NoticeEvent(kit_.store(), now, "signin-email-otp-failed", code.user_id);
    return InvalidOtp();
  }
  limiter_->Succeeded(attempt_key);
  auto won = codes.Consume(code.id, now);
  if (!won) return won.error();
  if (!*won || !code.user_id) return InvalidOtp();  // used by a parallel request
  auto found = kit_.store().users().FindById(*code.user_id);
  if (!found) return found.error();
  if (!found->has_value() || (*found)->email != *email) return InvalidOtp();
  core::User user = **found;
  if (auto active = RequireActive(user, kit_.clock().NowMillis()); !active) return active.error();
  auto proven =
      ProveAddress(kit_.store(), kit_.clock(), kit_.options().proof, kit_.options().users,
                   ProvenChannel::kEmail, ProofKind::kPossessionOnly, user, "email-proven");
  if (!proven) return proven.error();
  auto outcome = sessions_.StartOrChallenge(user, client, "otp");
  if (outcome) NoticeEvent(kit_.store(), now, "signin-email-otp", user.id);
  return outcome;
}

core::Result<SignInOutcome> PasswordlessEmailFlow::Complete(const core::OneTimeCode& code,
                                                            const core::ClientInfo& client,
                                                            const SecondFactorPolicy* policy) {
  auto user = kit_.ProveMailbox(code);
  if (!user) return user.error();
  auto outcome = sessions_.StartOrChallenge(*user, client, "email", policy);
  if (outcome) NoticeEvent(kit_.store(), kit_.clock().NowMillis(), "signin-magic-link", user->id);
  return outcome;
}

}  // namespace gh::auth
