#include "auth/email_links.h"

namespace gh::auth {
EmailLinkFlow::EmailLinkFlow(EmailKit& kit, EmailVerificationFlow& verification,
                             PasswordlessEmailFlow& passwordless, PasswordResetFlow& reset,
                             EmailChangeFlow& change)
    : kit_(kit),
      verification_(verification),
      passwordless_(passwordless),
      reset_(reset),
      change_(change) {}

core::Result<LinkOutcome> EmailLinkFlow::Redeem(const std::string& ticket,
                                                const core::ClientInfo& client) {
  const core::Error invalid(core::errc::kInvalidTicket, "Invalid or expired ticket");
  if (ticket.size() > 512) return invalid;
  const TicketKind* kind = TicketKindOfTicket(ticket);
  if (!kind) return invalid;

  const core::UnixMillis now = kit_.clock().NowMillis();
  auto found = kit_.store().codes().FindByHash(kind->purpose, EmailKit::TicketHash(ticket));
  if (!found) return found.error();
  if (!found->has_value() || (*found)->expires_at <= now) return invalid;
  const core::OneTimeCode code = **found;
  auto won = kit_.store().codes().Consume(code.id, now);
  if (!won) return won.error();
  if (!*won) return invalid;

  LinkOutcome out;
  out.kind = kind->kind;
  core::Result<SignInOutcome> session = invalid;
  if (kind->kind == LinkKind::kEmailChange) {
    auto user = change_.Complete(code);
    if (!user) return user.error();
    return out;
  }
  if (kind->kind == LinkKind::kEmailVerify) session = verification_.Complete(code, client);
  if (kind->kind == LinkKind::kMagicLink) session = passwordless_.Complete(code, client);
  if (kind->kind == LinkKind::kPasswordReset) session = reset_.Complete(code, client);
  if (!session) return session.error();
  out.session = std::move(session->session);
  out.mfa = std::move(session->mfa);
  return out;
}

}  // namespace gh::auth
