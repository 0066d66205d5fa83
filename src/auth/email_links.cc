#include "auth/email_links.h"

namespace gh::auth {
namespace {

struct Kind {
  std::string_view prefix;
  std::string_view purpose;
  std::string_view type;
};

constexpr Kind kKinds[] = {
    {"verifyEmail", purpose::kEmailVerify, ticket_type::kEmailVerify},
    {"passwordlessEmail", purpose::kMagicLink, ticket_type::kMagicLink},
    {"passwordReset", purpose::kPasswordReset, ticket_type::kPasswordReset},
    {"emailConfirmChange", purpose::kEmailChange, ticket_type::kEmailChange},
};

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
                                                const core::ClientInfo& client) {
  const core::Error invalid(core::errc::kInvalidTicket, "Invalid or expired ticket");
  size_t colon = ticket.find(':');
  if (colon == std::string::npos || ticket.size() > 512) return invalid;
  std::string_view prefix = std::string_view(ticket).substr(0, colon);
  const Kind* kind = nullptr;
  for (const Kind& k : kKinds)
    if (k.prefix == prefix) kind = &k;
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
  out.type = std::string(kind->type);
  core::Result<SignInOutcome> session = invalid;
  if (kind->purpose == purpose::kEmailChange) {
    auto user = change_.Complete(code);
    if (!user) return user.error();
    return out;
  }
  if (kind->purpose == purpose::kEmailVerify) session = verification_.Complete(code, client);
  if (kind->purpose == purpose::kMagicLink) session = passwordless_.Complete(code, client);
  if (kind->purpose == purpose::kPasswordReset) session = reset_.Complete(code, client);
  if (!session) return session.error();
  out.session = std::move(session->session);
  out.mfa = std::move(session->mfa);
  return out;
}

}  // namespace gh::auth
