#include "auth/password_reset.h"

#include <spdlog/spdlog.h>

#include "auth/account.h"
#include "auth/audit.h"
#include "core/text.h"
#include "crypto/hash.h"

namespace gh::auth {
namespace {

core::Error InvalidTicket() {
  return core::Error(core::errc::kInvalidTicket, "Invalid or expired ticket");
}

}  // namespace

PasswordResetFlow::PasswordResetFlow(EmailKit& kit, SessionService& sessions,
                                     const crypto::PasswordHasher& hasher,
                                     const PasswordFlow& policy)
    : kit_(kit), sessions_(sessions), hasher_(hasher), policy_(policy) {}

core::Result<void> PasswordResetFlow::RequestReset(const std::string& raw_email,
                                                   const std::optional<std::string>& redirect_to,
                                                   const LinkStyle& links) {
  auto mail = kit_.PrepareAddressedMail(raw_email, redirect_to, links);
  if (!mail) return mail.error();
  return kit_.MailAccountLater(
      std::move(*mail), "password-reset",
      [this](const core::User& user, const EmailKit::AddressedMail& m) -> core::Result<void> {
        if (user.blocked(kit_.clock().NowMillis())) return core::Ok();
        auto link = kit_.IssueLink(LinkKind::kPasswordReset, *m.links, user, m.email, m.redirect);
        if (!link) return link.error();
        if (auto s =
                kit_.Send("password-reset", m.email, user, EmailKit::LinkVars(*link, m.redirect));
            !s) {
          kit_.Withdraw(purpose::kPasswordReset, m.email);
          return s.error();
        }
        return core::Ok();
      });
}

core::Result<void> PasswordResetFlow::SetPassword(core::User user, const std::string& new_password,
                                                  const std::string& keep_session_id) {
  std::string hash = hasher_.Hash(new_password);
  if (hash.empty())
    return core::Error(core::errc::kOverloaded, "Out of memory while hashing; try again", 1);
  const core::UnixMillis now = kit_.clock().NowMillis();
  user.password_hash = std::move(hash);
  user.updated_at = now;
  if (auto r = kit_.store().users().Update(user); !r) return r.error();
  if (kit_.options().password_change_signs_out) {
    auto n =
        kit_.store().sessions().RevokeAllForUser(user.id, "password-changed", now, keep_session_id);
    if (!n)
      spdlog::warn("password of {} changed but sessions not revoked: {}", user.id,
                   n.error().message);
  }
  RecordAudit(kit_.store(), now, keep_session_id.empty() ? "password-reset" : "password-change",
              user.id);
  return core::Ok();
}

core::Result<void> PasswordResetFlow::ResetWithTicket(const std::string& ticket,
                                                      const std::string& new_password) {
  if (auto r = policy_.CheckPasswordPolicy(new_password); !r) return r.error();
  store::OneTimeCodes& codes = kit_.store().codes();
  const core::UnixMillis now = kit_.clock().NowMillis();
  auto found = codes.FindByHash(purpose::kPasswordReset, EmailKit::TicketHash(ticket));
  if (!found) return found.error();
  if (!found->has_value() || (*found)->expires_at <= now || !(*found)->user_id)
    return InvalidTicket();
  const core::OneTimeCode code = **found;
  auto user = kit_.store().users().FindById(*code.user_id);
  if (!user) return user.error();
  if (!user->has_value() || (*user)->email != code.recipient) return InvalidTicket();
  if (auto active = RequireActive(**user, now); !active) return active.error();
  auto won = codes.Consume(code.id, now);
  if (!won) return won.error();
  if (!*won) return InvalidTicket();
  core::User u = **user;
  if (!u.email_confirmed_at) u.email_confirmed_at = now;  // the ticket came through the mailbox
  return SetPassword(std::move(u), new_password, "");
}

core::Result<void> PasswordResetFlow::Change(const std::string& user_id,
                                             const std::string& session_id,
                                             const std::string& new_password) {
  return Change(PasswordChange{user_id, session_id, new_password, std::nullopt, false});
}

core::Result<void> PasswordResetFlow::Change(const PasswordChange& change) {
  if (auto r = policy_.CheckPasswordPolicy(change.new_password); !r) return r.error();
  auto user = kit_.store().users().FindById(change.user_id);
  if (!user) return user.error();
  if (!user->has_value()) return core::Error(core::errc::kInvalidToken, "User not found");
  if (auto active = RequireActive(**user, kit_.clock().NowMillis()); !active) return active.error();
  if ((*user)->is_anonymous)
    return core::Error(core::errc::kForbiddenAnonymous, "Anonymous users cannot set a password");
  if (auto r = CheckReauthentication(**user, change); !r) return r.error();
  if (change.refuse_same && (*user)->password_hash && !(*user)->password_hash->empty() &&
      hasher_.Verify(change.new_password, *(*user)->password_hash).ok)
    return core::Error(core::errc::kSamePassword,
                       "The new password must differ from the current one");
  // A token without a session id still keeps nothing else alive: fall back to
  // revoking all but a non-existent session.
  return SetPassword(**user, change.new_password,
                     change.session_id.empty() ? "-" : change.session_id);
}

core::Result<void> PasswordResetFlow::CheckReauthentication(const core::User& user,
                                                            const PasswordChange& change) {
  const EmailOptions& o = kit_.options();
  if (!o.password_change_requires_reauthentication) return core::Ok();
  const core::UnixMillis now = kit_.clock().NowMillis();
  if (!change.session_id.empty()) {
    auto session = kit_.store().sessions().Find(change.session_id);
    if (!session) return session.error();
    if (session->has_value() &&
        now - (*session)->created_at < o.reauthentication_max_session_age_seconds * 1000)
      return core::Ok();  // signed in recently: that was the proof
  }
  if (!change.nonce || change.nonce->empty())
    return core::Error(core::errc::kReauthenticationNeeded,
                       "Changing the password needs reauthentication");
  const core::Error invalid(core::errc::kInvalidReauthentication,
                            "The reauthentication code is wrong or expired");
  if (!user.email) return invalid;
  store::OneTimeCodes& codes = kit_.store().codes();
  auto latest = codes.FindLatest(purpose::kReauthentication, *user.email);
  if (!latest) return latest.error();
  if (!latest->has_value()) return invalid;
  const core::OneTimeCode& code = **latest;
  if (code.user_id != user.id || code.expires_at <= now ||
      code.attempts >= o.email_code_max_attempts)
    return invalid;
  if (!crypto::ConstantTimeEquals(kit_.CodeHash(*user.email, *change.nonce), code.code_hash)) {
    auto tries = codes.RecordFailedAttempt(code.id);
    if (!tries) return tries.error();
    if (*tries >= o.email_code_max_attempts) (void)codes.Consume(code.id, now);
    return invalid;
  }
  auto won = codes.Consume(code.id, now);
  if (!won) return won.error();
  if (!*won) return invalid;
  return core::Ok();
}

core::Result<void> PasswordResetFlow::SendReauthentication(const std::string& user_id) {
  auto found = kit_.store().users().FindById(user_id);
  if (!found) return found.error();
  if (!found->has_value()) return core::Error(core::errc::kInvalidToken, "User not found");
  const core::User& user = **found;
  if (auto active = RequireActive(user, kit_.clock().NowMillis()); !active) return active.error();
  if (!user.email)
    return core::Error(core::errc::kInvalidRequest,
                       "Reauthentication needs an email address on the account");
  if (auto r = kit_.Throttle(*user.email); !r) return r.error();
  auto code = kit_.IssueCode(purpose::kReauthentication, user, *user.email);
  if (!code) return code.error();
  if (auto s =
          kit_.Send("reauthentication", *user.email, user, {{notify::placeholder::kCode, *code}});
      !s) {
    kit_.Withdraw(purpose::kReauthentication, *user.email);
    return s.error();
  }
  return core::Ok();
}

core::Result<SignInOutcome> PasswordResetFlow::Complete(const core::OneTimeCode& code,
                                                        const core::ClientInfo& client,
                                                        const SecondFactorPolicy* policy) {
  auto user = kit_.ProveMailbox(code);
  if (!user) return user.error();
  return sessions_.StartOrChallenge(*user, client, "email", policy);
}

}  // namespace gh::auth
