#include "auth/email_links.h"

#include <algorithm>
#include <vector>

#include "auth/audit.h"
#include "core/text.h"
#include "crypto/hash.h"

namespace gh::auth {
namespace {

core::Error InvalidTicket() {
  return core::Error(core::errc::kInvalidTicket, "Invalid or expired ticket");
}
core::Error InvalidOtp() { return core::Error(core::errc::kInvalidOtp, "Invalid or expired code"); }

bool Accepts(std::span<const LinkKind> kinds, LinkKind kind) {
  return kinds.empty() || std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

}  // namespace

EmailLinkFlow::EmailLinkFlow(EmailKit& kit, EmailVerificationFlow& verification,
                             PasswordlessEmailFlow& passwordless, PasswordResetFlow& reset,
                             EmailChangeFlow& change)
    : kit_(kit),
      verification_(verification),
      passwordless_(passwordless),
      reset_(reset),
      change_(change) {}

core::Result<LinkOutcome> EmailLinkFlow::Redeem(const std::string& ticket,
                                                const core::ClientInfo& client,
                                                std::span<const LinkKind> kinds,
                                                const SecondFactorPolicy* policy) {
  if (ticket.size() > 512) return InvalidTicket();
  const TicketKind* kind = TicketKindOfTicket(ticket);
  if (!kind || !Accepts(kinds, kind->kind)) return InvalidTicket();

  const core::UnixMillis now = kit_.clock().NowMillis();
  auto found = kit_.store().codes().FindByHash(kind->purpose, EmailKit::TicketHash(ticket));
  if (!found) return found.error();
  if (!found->has_value() || (*found)->expires_at <= now) return InvalidTicket();
  const core::OneTimeCode code = **found;
  auto won = kit_.store().codes().Consume(code.id, now);
  if (!won) return won.error();
  if (!*won) return InvalidTicket();
  return Spend(*kind, code, client, policy);
}

core::Result<LinkOutcome> EmailLinkFlow::RedeemCode(std::span<const LinkKind> kinds,
                                                    const std::string& raw_email,
                                                    const std::string& otp,
                                                    const core::ClientInfo& client,
                                                    const SecondFactorPolicy* policy) {
  auto email = core::NormalizeEmail(raw_email);
  if (!email || otp.empty() || otp.size() > 64) return InvalidOtp();
  // Every guess counts, also against no ticket, so that asking for a fresh
  // mail does not buy fresh guesses.
  const std::string attempt_key = "email-code:" + *email;
  if (auto admitted = limiter_->Begin(attempt_key); !admitted) return admitted.error();
  store::OneTimeCodes& codes = kit_.store().codes();
  const core::UnixMillis now = kit_.clock().NowMillis();
  const int max_attempts = kit_.options().email_code_max_attempts;
  const std::string guess = kit_.CodeHash(*email, otp);
  // The open ticket of each accepted kind; each is checked, so the time taken
  // does not say which kind matched.
  std::vector<std::pair<const TicketKind*, core::OneTimeCode>> open;
  for (LinkKind k : kinds) {
    const TicketKind& kind = TicketKindOf(k);
    auto latest = codes.FindLatest(kind.purpose, *email);
    if (!latest) return latest.error();
    if (!latest->has_value()) continue;
    const core::OneTimeCode& row = **latest;
    if (row.expires_at <= now || row.attempts >= max_attempts) continue;
    if (EmailKit::MailedCodeHash(row).empty()) continue;  // mailed without a code
    open.emplace_back(&kind, row);
  }
  const std::pair<const TicketKind*, core::OneTimeCode>* match = nullptr;
  for (const auto& candidate : open) {
    if (crypto::ConstantTimeEquals(guess, EmailKit::MailedCodeHash(candidate.second)))
      match = &candidate;
  }
  if (!match) {
    for (const auto& [kind, row] : open) {
      auto tries = codes.RecordFailedAttempt(row.id);
      if (!tries) return tries.error();
      if (*tries >= max_attempts) (void)codes.Consume(row.id, now);
    }
    NoticeEvent(kit_.store(), now, "signin-email-otp-failed",
                open.empty() ? std::nullopt : open.front().second.user_id);
    return InvalidOtp();
  }
  limiter_->Succeeded(attempt_key);
  auto won = codes.Consume(match->second.id, now);
  if (!won) return won.error();
  if (!*won) return InvalidOtp();  // spent by a parallel request (or its link)
  return Spend(*match->first, match->second, client, policy);
}

core::Result<LinkOutcome> EmailLinkFlow::Spend(const TicketKind& kind,
                                               const core::OneTimeCode& code,
                                               const core::ClientInfo& client,
                                               const SecondFactorPolicy* policy) {
  LinkOutcome out;
  out.kind = kind.kind;
  core::Result<SignInOutcome> session = InvalidTicket();
  if (kind.kind == LinkKind::kEmailChange) {
    auto user = change_.Complete(code);
    if (!user) return user.error();
    out.user = std::move(*user);
    return out;
  }
  if (kind.kind == LinkKind::kEmailVerify) session = verification_.Complete(code, client, policy);
  if (kind.kind == LinkKind::kMagicLink) session = passwordless_.Complete(code, client, policy);
  if (kind.kind == LinkKind::kPasswordReset) session = reset_.Complete(code, client, policy);
  if (!session) return session.error();
  out.session = std::move(session->session);
  out.mfa = std::move(session->mfa);
  out.user = std::move(session->user);
  return out;
}

}  // namespace gh::auth
