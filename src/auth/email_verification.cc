#include "auth/email_verification.h"

#include "auth/account.h"
#include "core/text.h"

namespace gh::auth {

EmailVerificationFlow::EmailVerificationFlow(EmailKit& kit, SessionService& sessions)
    : kit_(kit), sessions_(sessions) {}

core::Result<void> EmailVerificationFlow::Mail(const core::User& user, const std::string& redirect,
                                               const LinkStyle& links) {
  const std::string& to = *user.email;
  auto link = kit_.IssueLink(LinkKind::kEmailVerify, links, user, to, redirect);
  if (!link) return link.error();
  if (auto r = kit_.Send("email-verify", to, user, EmailKit::LinkVars(*link, redirect)); !r) {
    kit_.Withdraw(purpose::kEmailVerify, to);
    return r.error();
  }
  return core::Ok();
}

core::Result<void> EmailVerificationFlow::SendForNewUser(
    const core::User& user, const std::optional<std::string>& redirect_to, const LinkStyle& links) {
  if (!user.email) return core::Ok();
  auto redirect = kit_.RedirectTarget(redirect_to);
  if (!redirect) return redirect.error();
  (void)kit_.Throttle(*user.email);  // counts toward the resend cooldown
  return Mail(user, *redirect, links);
}

core::Result<void> EmailVerificationFlow::Resend(const std::string& raw_email,
                                                 const std::optional<std::string>& redirect_to,
                                                 const LinkStyle& links) {
  auto mail = kit_.PrepareAddressedMail(raw_email, redirect_to, links);
  if (!mail) return mail.error();
  // Unknown, verified or disabled: the same answer as a sent mail.
  return kit_.MailAccountLater(
      std::move(*mail), "email-verify",
      [this](const core::User& user, const EmailKit::AddressedMail& m) -> core::Result<void> {
        if (user.email_verified() || user.blocked(kit_.clock().NowMillis())) return core::Ok();
        return Mail(user, m.redirect, *m.links);
      });
}

core::Result<SignInOutcome> EmailVerificationFlow::Complete(const core::OneTimeCode& code,
                                                            const core::ClientInfo& client,
                                                            const SecondFactorPolicy* policy) {
  auto user = kit_.ProveMailbox(code);
  if (!user) return user.error();
  return sessions_.StartOrChallenge(*user, client, "email", policy);
}

}  // namespace gh::auth
