#include "auth/email_common.h"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "auth/account.h"
#include "auth/address_proof.h"
#include "auth/user_options.h"
#include "core/text.h"
#include "crypto/hash.h"
#include "crypto/random.h"

namespace gh::auth {
namespace {

constexpr int64_t kHourMillis = 3600'000;

// The prefixes are part of every ticket mailed so far: changing one would
// break the links waiting in mailboxes.
constexpr TicketKind kTicketKinds[] = {
    {LinkKind::kEmailVerify, purpose::kEmailVerify, "verifyEmail"},
    {LinkKind::kMagicLink, purpose::kMagicLink, "passwordlessEmail"},
    {LinkKind::kPasswordReset, purpose::kPasswordReset, "passwordReset"},
    {LinkKind::kEmailChange, purpose::kEmailChange, "emailConfirmChange"},
};

}  // namespace

const TicketKind& TicketKindOf(LinkKind kind) {
  for (const TicketKind& k : kTicketKinds)
    if (k.kind == kind) return k;
  return kTicketKinds[0];  // unreachable: every LinkKind has a row
}

const TicketKind* TicketKindOfTicket(std::string_view ticket) {
  const size_t colon = ticket.find(':');
  if (colon == std::string_view::npos) return nullptr;
  for (const TicketKind& k : kTicketKinds)
    if (k.prefix == ticket.substr(0, colon)) return &k;
  return nullptr;
}

EmailKit::EmailKit(store::Store& store, const core::Clock& clock, const EmailOptions& options,
                   notify::Mailer& mailer, const notify::Templates& templates, std::string code_key)
    : store_(store),
      clock_(clock),
      options_(options),
      mailer_(mailer),
      templates_(templates),
      code_key_(std::move(code_key)) {}

core::Result<void> EmailKit::Throttle(const std::string& address) {
  const core::UnixMillis now = clock_.NowMillis();
  // One mail per cooldown: a budget of one hit per window of the cooldown.
  const int64_t cooldown = int64_t{options_.email_resend_cooldown_seconds} * 1000;
  if (cooldown > 0) {
    if (auto soon = SpendBudget(*sends_, "mail-cooldown:" + address, now, cooldown, 1,
                                "Please wait before asking for another email");
        !soon.ok()) {
      return soon;
    }
  }
  return SpendBudget(*sends_, "mail-address:" + address, now, kHourMillis,
                     options_.email_per_address_per_hour, "Too many emails to this address");
}

std::string EmailKit::TicketHash(std::string_view ticket) { return crypto::Sha256Hex(ticket); }

std::string EmailKit::CodeHash(std::string_view recipient, std::string_view code) const {
  std::string data(recipient);
  data += '\n';
  data += code;
  return crypto::HexEncode(crypto::HmacSha256(code_key_, data));
}

core::Result<std::string> EmailKit::IssueTicket(LinkKind kind, const core::User& user,
                                                const std::string& recipient,
                                                const std::string& data_json) {
  const TicketKind& k = TicketKindOf(kind);
  const core::UnixMillis now = clock_.NowMillis();
  if (auto r = store_.codes().ConsumeAll(k.purpose, recipient, now); !r) return r.error();
  std::string ticket = std::string(k.prefix) + ":" + crypto::RandomToken(32);
  core::OneTimeCode c;
  c.id = crypto::RandomUuid();
  c.user_id = user.id;
  c.purpose = std::string(k.purpose);
  c.recipient = recipient;
  c.code_hash = TicketHash(ticket);
  c.data_json = data_json;
  c.created_at = now;
  c.expires_at = now + options_.email_code_ttl_seconds * 1000;
  if (auto r = store_.codes().Insert(c); !r) return r.error();
  return ticket;
}

core::Result<EmailKit::MailedLink> EmailKit::IssueLink(LinkKind kind, const LinkStyle& links,
                                                       const core::User& user,
                                                       const std::string& recipient,
                                                       std::string_view redirect_to) {
  MailedLink out;
  std::string data = "{}";
  if (links.MailsCode()) {
    out.code = crypto::RandomDigits(6);
    data = nlohmann::json{{"code_hash", CodeHash(recipient, out.code)}}.dump();
  }
  auto ticket = IssueTicket(kind, user, recipient, data);
  if (!ticket) return ticket.error();
  out.link = links.VerifyLink(kind, *ticket, redirect_to);
  return out;
}

notify::TemplateVars EmailKit::LinkVars(const MailedLink& mailed, const std::string& redirect) {
  namespace ph = notify::placeholder;
  notify::TemplateVars vars{{ph::kLink, mailed.link}, {ph::kRedirectTo, redirect}};
  if (!mailed.code.empty()) vars.emplace(ph::kCode, mailed.code);
  return vars;
}

std::string EmailKit::MailedCodeHash(const core::OneTimeCode& row) {
  if (row.data_json.find("code_hash") == std::string::npos) return "";
  auto data = nlohmann::json::parse(row.data_json, nullptr, /*allow_exceptions=*/false);
  if (!data.is_object()) return "";
  auto it = data.find("code_hash");
  return it != data.end() && it->is_string() ? it->get<std::string>() : "";
}

core::Result<std::string> EmailKit::IssueCode(std::string_view purpose, const core::User& user,
                                              const std::string& recipient) {
  const core::UnixMillis now = clock_.NowMillis();
  if (auto r = store_.codes().ConsumeAll(purpose, recipient, now); !r) return r.error();
  std::string code = crypto::RandomDigits(6);
  core::OneTimeCode c;
  c.id = crypto::RandomUuid();
  c.user_id = user.id;
  c.purpose = std::string(purpose);
  c.recipient = recipient;
  c.code_hash = CodeHash(recipient, code);
  c.created_at = now;
  c.expires_at = now + options_.email_code_ttl_seconds * 1000;
  if (auto r = store_.codes().Insert(c); !r) return r.error();
  return code;
}

void EmailKit::Withdraw(std::string_view purpose, const std::string& recipient) {
  if (auto r = store_.codes().ConsumeAll(purpose, recipient, clock_.NowMillis()); !r)
    spdlog::warn("could not withdraw {} code after a failed send: {}", purpose, r.error().message);
}

core::Result<std::string> EmailKit::RedirectTarget(
    const std::optional<std::string>& requested) const {
  if (!requested || requested->empty()) return options_.users.redirects.client_url;
  if (!IsRedirectAllowed(options_.users.redirects, *requested))
    return core::Error(core::errc::kRedirectNotAllowed, "The redirect URL is not allowed");
  return *requested;
}

core::Result<EmailKit::AddressedMail> EmailKit::PrepareAddressedMail(
    const std::string& raw_email, const std::optional<std::string>& redirect_to,
    const LinkStyle& links) {
  auto email = core::NormalizeEmail(raw_email);
  if (!email) return core::Error(core::errc::kInvalidRequest, "Invalid email address");
  auto redirect = RedirectTarget(redirect_to);
  if (!redirect) return redirect.error();
  if (auto r = Throttle(*email); !r) return r.error();
  return AddressedMail{std::move(*email), std::move(*redirect), &links};
}

core::Result<void> EmailKit::MailAccountLater(AddressedMail mail, std::string_view what,
                                              AccountMail send) {
  auto task = [this, mail = std::move(mail), what = std::string(what), send = std::move(send)] {
    auto found = store_.users().FindByEmail(mail.email);
    if (!found) {
      spdlog::warn("{} mail not sent: {}", what, found.error().message);
      return;
    }
    if (!found->has_value()) return;
    if (auto r = send(**found, mail); !r)
      spdlog::warn("{} mail for user {} not sent: {}", what, (*found)->id, r.error().message);
  };
  if (!deferred_) {
    task();
    return core::Ok();
  }
  if (!deferred_->Post(std::move(task)))
    return core::Error(core::errc::kOverloaded, "Too many emails waiting to be sent; try again", 1);
  return core::Ok();
}

namespace {

// The user's *_sent_at that a mail template sets (User, core/types.h).
std::optional<core::SentMessage> SentMessageOf(std::string_view kind) {
  if (kind == "email-verify") return core::SentMessage::kConfirmation;
  if (kind == "password-reset") return core::SentMessage::kRecovery;
  if (kind == "email-confirm-change") return core::SentMessage::kEmailChange;
  if (kind == "reauthentication") return core::SentMessage::kReauthentication;
  return std::nullopt;
}

// GoTrue's email_action_type for a mail template.
std::string EmailActionType(std::string_view kind) {
  if (kind == "email-verify") return "signup";
  if (kind == "password-reset") return "recovery";
  if (kind == "signin-passwordless" || kind == "signin-otp") return "magiclink";
  if (kind == "email-confirm-change") return "email_change";
  if (kind == "email-changed-notice") return "email_changed_notification";
  std::string type(kind);
  std::replace(type.begin(), type.end(), '-', '_');
  return type;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The ticket a mailed link carries (its `token` or `ticket` query parameter,
// percent-decoded): what the link's verify endpoint takes.
std::string TicketOfLink(std::string_view link) {
  const size_t query = link.find('?');
  if (query == std::string_view::npos) return {};
  std::string_view rest = link.substr(query + 1);
  rest = rest.substr(0, rest.find('#'));
  while (!rest.empty()) {
    std::string_view pair = rest.substr(0, rest.find('&'));
    rest = pair.size() < rest.size() ? rest.substr(pair.size() + 1) : std::string_view();
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view name = pair.substr(0, eq);
    if (name != "token" && name != "ticket") continue;
    std::string out;
    const std::string_view value = pair.substr(eq + 1);
    for (size_t i = 0; i < value.size(); ++i) {
      const bool escape = value[i] == '%' && i + 2 < value.size();
      const int hi = escape ? HexValue(value[i + 1]) : -1;
      const int lo = escape ? HexValue(value[i + 2]) : -1;
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
      } else {
        out.push_back(value[i]);
      }
    }
    return out;
  }
  return {};
}

std::string VarOf(const notify::TemplateVars& vars, const char* name) {
  auto it = vars.find(name);
  return it == vars.end() ? std::string() : it->second;
}

}  // namespace

core::Result<void> EmailKit::SendByHook(std::string_view kind, const std::string& to,
                                        const core::User& user, const notify::TemplateVars& vars) {
  namespace ph = notify::placeholder;
  EmailHookData data;
  data.email_action_type = EmailActionType(kind);
  data.token = VarOf(vars, ph::kCode);
  data.token_hash = TicketOfLink(VarOf(vars, ph::kLink));
  data.redirect_to = VarOf(vars, ph::kRedirectTo);
  data.site_url = options_.users.redirects.client_url;
  core::User addressed = user;
  // The hook delivers to user.email: the address this mail is for (a new
  // address being confirmed is not the user's yet).
  addressed.email = to;
  return hooks_->SendEmail(addressed, data);
}

core::Result<void> EmailKit::Send(std::string_view kind, const std::string& to,
                                  const core::User& user, notify::TemplateVars vars) {
  if (hooks_ != nullptr && hooks_->options().send_email.enabled) {
    if (auto sent = SendByHook(kind, to, user, vars); !sent) return sent;
    MarkMailed(kind, user);
    return core::Ok();
  }
  vars.emplace(notify::placeholder::kDisplayName,
               user.display_name.empty() ? to : user.display_name);
  vars.emplace(notify::placeholder::kEmail, user.email.value_or(to));
  notify::RenderedMail r = templates_.Render(kind, user.locale, vars);
  notify::MailMessage m{to, std::move(r.subject), std::move(r.text), std::move(r.html),
                        std::string(kind)};
  if (auto sent = mailer_.Send(m); !sent) return sent;
  MarkMailed(kind, user);
  return core::Ok();
}

void EmailKit::MarkMailed(std::string_view kind, const core::User& user) {
  if (auto stamp = SentMessageOf(kind); stamp && !user.id.empty()) {
    // The mail is out whatever happens here: a failed stamp fails nothing.
    if (auto r = store_.users().MarkSent(user.id, *stamp, clock_.NowMillis()); !r)
      spdlog::warn("mail {} to user {} sent; recording when failed: {}", kind, user.id,
                   r.error().message);
  }
}

core::Result<core::User> EmailKit::ProveMailbox(const core::OneTimeCode& code) {
  const core::Error invalid(core::errc::kInvalidTicket, "Invalid or expired ticket");
  if (!code.user_id) return invalid;
  auto found = store_.users().FindById(*code.user_id);
  if (!found) return found.error();
  if (!found->has_value() || (*found)->email != code.recipient) return invalid;
  core::User user = **found;
  if (auto active = RequireActive(user, clock_.NowMillis()); !active) return active.error();
  // Only the verification mail was sent for the password the account holds.
  const ProofKind kind = code.purpose == purpose::kEmailVerify ? ProofKind::kConfirmsPassword
                                                               : ProofKind::kPossessionOnly;
  auto proven = ProveAddress(store_, clock_, options_.proof, options_.users, ProvenChannel::kEmail,
                             kind, user, "email-proven");
  if (!proven) return proven.error();
  return user;
}

}  // namespace gh::auth
