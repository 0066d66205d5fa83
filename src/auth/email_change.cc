#include "auth/email_change.h"

#include <spdlog/spdlog.h>

#include "auth/account.h"
#include "auth/app_metadata.h"
#include "auth/audit.h"
#include "core/text.h"

namespace gh::auth {

EmailChangeFlow::EmailChangeFlow(EmailKit& kit) : kit_(kit) {}

core::Result<void> EmailChangeFlow::Request(const std::string& user_id,
                                            const std::string& raw_email,
                                            const std::optional<std::string>& redirect_to,
                                            const LinkStyle& links) {
  auto email = core::NormalizeEmail(raw_email);
  if (!email) return core::Error(core::errc::kInvalidRequest, "Invalid email address");
  auto redirect = kit_.RedirectTarget(redirect_to);
  if (!redirect) return redirect.error();
  store::Users& users = kit_.store().users();
  auto found = users.FindById(user_id);
  if (!found) return found.error();
  if (!found->has_value()) return core::Error(core::errc::kInvalidToken, "User not found");
  core::User user = **found;
  if (auto active = RequireActive(user, kit_.clock().NowMillis()); !active) return active.error();
  if (user.is_anonymous)
    return core::Error(core::errc::kForbiddenAnonymous, "Anonymous users cannot change email");
  auto taken = users.FindByEmail(*email);
  if (!taken) return taken.error();
  if (taken->has_value())
    return core::Error(core::errc::kEmailAlreadyInUse, "Email already in use");
  if (auto r = kit_.Throttle(*email); !r) return r.error();

  const std::optional<std::string> previous = user.new_email;
  user.new_email = *email;
  user.updated_at = kit_.clock().NowMillis();
  if (auto r = users.Update(user); !r) return r.error();
  auto sent = Mail(user, *email, *redirect, links);
  if (!sent) {  // nothing half-done: no open ticket, the pending address as before
    kit_.Withdraw(purpose::kEmailChange, *email);
    user.new_email = previous;
    (void)users.Update(user);
    return sent.error();
  }
  return core::Ok();
}

core::Result<void> EmailChangeFlow::Mail(const core::User& user, const std::string& new_email,
                                         const std::string& redirect, const LinkStyle& links) {
  auto link = kit_.IssueLink(LinkKind::kEmailChange, links, user, new_email, redirect);
  if (!link) return link.error();
  notify::TemplateVars vars = EmailKit::LinkVars(*link, redirect);
  vars.emplace(notify::placeholder::kNewEmail, new_email);
  return kit_.Send("email-confirm-change", new_email, user, std::move(vars));
}

core::Result<void> EmailChangeFlow::Resend(const std::string& raw_email,
                                           const std::optional<std::string>& redirect_to,
                                           const LinkStyle& links) {
  auto mail = kit_.PrepareAddressedMail(raw_email, redirect_to, links);
  if (!mail) return mail.error();
  // No account, or no pending change: the same answer as a sent mail.
  return kit_.MailAccountLater(
      std::move(*mail), "email-confirm-change",
      [this](const core::User& user, const EmailKit::AddressedMail& m) -> core::Result<void> {
        if (!user.new_email || user.blocked(kit_.clock().NowMillis())) return core::Ok();
        if (auto r = kit_.Throttle(*user.new_email); !r) return r.error();
        if (auto r = Mail(user, *user.new_email, m.redirect, *m.links); !r) {
          kit_.Withdraw(purpose::kEmailChange, *user.new_email);
          return r.error();
        }
        return core::Ok();
      });
}

core::Result<core::User> EmailChangeFlow::Complete(const core::OneTimeCode& code) {
  if (!code.user_id) return core::Error(core::errc::kInvalidTicket, "Invalid or expired ticket");
  store::Users& users = kit_.store().users();
  auto found = users.FindById(*code.user_id);
  if (!found) return found.error();
  if (!found->has_value() || (*found)->new_email != code.recipient)
    return core::Error(core::errc::kInvalidTicket, "Invalid or expired ticket");
  core::User user = **found;
  const std::optional<std::string> old_email = user.email;
  user.email = code.recipient;
  user.new_email.reset();
  user.updated_at = kit_.clock().NowMillis();
  user.email_confirmed_at = user.updated_at;  // the link proved the new address just now
  AddProvider(user, kProviderEmail);
  if (auto r = users.Update(user); !r) return r.error();
  RecordAudit(kit_.store(), user.updated_at, "email-change", user.id);
  if (old_email && *old_email != *user.email) {
    core::User as_before = user;
    as_before.email = old_email;
    if (auto r = kit_.Send("email-changed-notice", *old_email, as_before,
                           {{notify::placeholder::kNewEmail, *user.email}});
        !r)
      spdlog::warn("email of user {} changed; the notice to the old address failed", user.id);
  }
  return user;
}

}  // namespace gh::auth
