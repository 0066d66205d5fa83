// auth::EmailKit: what every email flow shares. It issues single-use tickets and
// codes (CSPRNG, stored only as hashes), has the request's LinkStyle write the
// links that spend them, renders and sends mail through notify::Mailer, and
// throttles mail per address.
//
// Tickets ("<type>:<random>", 256 bits) are stored as SHA-256. Six-digit codes
// are stored as HMAC-SHA-256 under a server key kept in the store, so a leaked
// database does not give the codes away by trying all million of them.
//
// The per-address throttle (resend cooldown and hourly cap) is counted by a
// HitCounter (send_budget.h): in this process, or shared by every instance
// through the store. It applies the same to known and unknown addresses, so
// its answers reveal nothing.
//
// Thread-safe; calls block on the store and the mailer and belong on a worker.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "auth/address_proof.h"
#include "auth/hooks.h"
#include "auth/links.h"
#include "auth/send_budget.h"
#include "auth/user_options.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/task_queue.h"
#include "core/types.h"
#include "notify/mailer.h"
#include "notify/templates.h"
#include "store/store.h"

namespace gh::auth {

// Code purposes (the store's one_time_codes.purpose).
namespace purpose {
inline constexpr std::string_view kEmailVerify = "email-verify";
inline constexpr std::string_view kMagicLink = "magic-link";
inline constexpr std::string_view kEmailOtp = "email-otp";
inline constexpr std::string_view kPasswordReset = "password-reset";
inline constexpr std::string_view kEmailChange = "email-change";
inline constexpr std::string_view kReauthentication = "reauthentication";
}  // namespace purpose

// The mailed ticket of each LinkKind: the purpose its row is stored under and
// the prefix that names its kind inside the ticket ("<prefix>:<random>"), so a
// ticket alone says which flow spends it.
struct TicketKind {
  LinkKind kind;
  std::string_view purpose;
  std::string_view prefix;
};
const TicketKind& TicketKindOf(LinkKind kind);
// The kind `ticket` names by its prefix; null when it names none.
const TicketKind* TicketKindOfTicket(std::string_view ticket);

// The settings of the email flows, which they read through their EmailKit.
// Defaults are the settings' defaults.
struct EmailOptions {
  int64_t email_code_ttl_seconds = 600;
  int email_code_max_attempts = 5;
  int email_resend_cooldown_seconds = 60;
  int email_per_address_per_hour = 10;
  bool email_passwordless_enabled = false;
  bool email_otp_enabled = false;
  bool signup_disabled = false;
  bool password_change_signs_out = true;
  bool password_change_requires_reauthentication = false;
  int64_t reauthentication_max_session_age_seconds = 86400;
  ProofPolicy proof;
  NewUserPolicy users;
  bool operator==(const EmailOptions&) const = default;
};

class EmailKit {
 public:
  // `code_key` is the instance-shared HMAC key for short codes.
  // `options` must outlive the kit and its flows (it is read at each call).
  EmailKit(store::Store& store, const core::Clock& clock, const EmailOptions& options,
           notify::Mailer& mailer, const notify::Templates& templates, std::string code_key);
  EmailKit(const EmailKit&) = delete;
  EmailKit& operator=(const EmailKit&) = delete;

  // Counts one mail to `address`. Errors: too-many-requests (retry_after_seconds
  // set) inside the resend cooldown or beyond the hourly cap (a refusal never
  // moves either window), and the counter's own (service-unavailable).
  core::Result<void> Throttle(const std::string& address);
  // Where Throttle counts; unset = in this process.
  // REQUIRES: `counter` outlives this kit; set before serving.
  void SetSendCounter(HitCounter* counter) { sends_ = counter; }

  // Issues a ticket "<prefix>:<random>" of `kind` for `user` sent to
  // `recipient`, consuming any open ticket of the same kind for that recipient
  // first.
  core::Result<std::string> IssueTicket(LinkKind kind, const core::User& user,
                                        const std::string& recipient,
                                        const std::string& data_json = "{}");
  // IssueTicket, and the link that spends the ticket written in `links`' style,
  // leading on to `redirect_to`. When the style mails a code too
  // (LinkStyle::MailsCode) a six-digit code for the same ticket comes with it:
  // its keyed hash is kept in the ticket's row (data_json "code_hash"), so the
  // link and the code are one credential and spending either spends both.
  struct MailedLink {
    std::string link;
    std::string code;  // empty unless the style mails one
  };
  core::Result<MailedLink> IssueLink(LinkKind kind, const LinkStyle& links, const core::User& user,
                                     const std::string& recipient, std::string_view redirect_to);
  // The template variables of a MailedLink: link, code (when one) and redirectTo.
  static notify::TemplateVars LinkVars(const MailedLink& mailed, const std::string& redirect);
  // The code hash IssueLink kept in a ticket row; empty when the ticket has no code.
  static std::string MailedCodeHash(const core::OneTimeCode& row);
  // Issues a six-digit code the same way.
  core::Result<std::string> IssueCode(std::string_view purpose, const core::User& user,
                                      const std::string& recipient);
  // The stored hashes of a ticket and of a code.
  static std::string TicketHash(std::string_view ticket);

  // The user a redeemed link (or code) belongs to, its address now proven: the
  // code must still name the user's current email and the user be enabled; the
  // email is marked verified and a pending deanonymization completes.
  // Errors: invalid-ticket, disabled-user, store errors.
  core::Result<core::User> ProveMailbox(const core::OneTimeCode& code);
  std::string CodeHash(std::string_view recipient, std::string_view code) const;
  // Burns every open code of `purpose` for `recipient` (undo after a failed send).
  void Withdraw(std::string_view purpose, const std::string& recipient);

  // `requested` if allowed, client_url when absent. Errors: redirectTo-not-allowed.
  core::Result<std::string> RedirectTarget(const std::optional<std::string>& requested) const;

  // The first steps of a mail asked for by address (resend verification, reset):
  // the address normalised, the redirect target, and one mail counted against
  // the address (Throttle). They read no account, so they cost the same for
  // known and unknown addresses. `links` travels with the mail to whenever it
  // is sent. Errors, in that order: invalid-request, redirectTo-not-allowed,
  // too-many-requests.
  struct AddressedMail {
    std::string email;
    std::string redirect;
    const LinkStyle* links = nullptr;  // never null once prepared
  };
  core::Result<AddressedMail> PrepareAddressedMail(const std::string& raw_email,
                                                   const std::optional<std::string>& redirect_to,
                                                   const LinkStyle& links);

  // What to mail to the account of an AddressedMail; its error is logged.
  using AccountMail =
      std::function<core::Result<void>(const core::User& user, const AddressedMail& mail)>;
  // Finds the account with `mail.email` and runs `send` for it, after the
  // caller has answered: on the deferred queue (SetDeferredQueue), so the answer
  // takes the same path and time whether or not the account exists. No account,
  // nothing sent. Errors: overloaded when the queue is full (for every address
  // alike); failures of the lookup or of `send` are logged under `what`.
  core::Result<void> MailAccountLater(AddressedMail mail, std::string_view what, AccountMail send);
  // Where MailAccountLater runs its work; without one it runs at once (tests).
  // REQUIRES: set before serving; `queue` outlives this kit's use.
  void SetDeferredQueue(core::TaskQueue* queue) { deferred_ = queue; }
  // With the send email hook on, Send hands the mail's code, ticket and
  // redirect to the app's hook (GoTrue's email_data) instead of the mailer.
  // REQUIRES: set before serving; `hooks` outlives this kit.
  void SetHooks(const Hooks* hooks) { hooks_ = hooks; }

  // Renders template `kind` for `user` (locale, display name) plus `vars` and
  // sends it to `to` (or hands it to the send email hook); a verification, reset or email-change
  // mail then sets the user's confirmation_sent_at, recovery_sent_at or email_change_sent_at.
  // Errors: those of Mailer::Send.
  core::Result<void> Send(std::string_view kind, const std::string& to, const core::User& user,
                          notify::TemplateVars vars);

  store::Store& store() { return store_; }
  const core::Clock& clock() const { return clock_; }
  const EmailOptions& options() const { return options_; }

 private:
  // Send's two ways out, and what both record once the mail is out.
  core::Result<void> SendByHook(std::string_view kind, const std::string& to,
                                const core::User& user, const notify::TemplateVars& vars);
  void MarkMailed(std::string_view kind, const core::User& user);

  store::Store& store_;
  const core::Clock& clock_;
  const EmailOptions& options_;
  notify::Mailer& mailer_;
  const notify::Templates& templates_;
  const std::string code_key_;
  core::TaskQueue* deferred_ = nullptr;
  const Hooks* hooks_ = nullptr;
  InProcessHitCounter own_sends_;
  HitCounter* sends_ = &own_sends_;
};

}  // namespace gh::auth
