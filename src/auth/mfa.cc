#include "auth/mfa.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "auth/account.h"
#include "auth/audit.h"
#include "crypto/hash.h"
#include "crypto/qr_png.h"
#include "crypto/random.h"
#include "crypto/totp.h"

namespace gh::auth {
namespace {

constexpr std::string_view kTicketPurpose = "mfa-ticket";
constexpr std::string_view kTicketPrefix = "mfaTotp:";
constexpr std::string_view kTotp = "totp";
constexpr std::string_view kPortablePrefix = "t1:";

core::Error InvalidTicket() {
  return core::Error(core::errc::kInvalidTicket, "Invalid or expired MFA ticket");
}
core::Error InvalidTotp() { return core::Error(core::errc::kInvalidTotp, "Invalid TOTP code"); }

bool IsSixDigits(std::string_view s) {
  if (s.size() != 6) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// Lower case without spaces and dashes, so "ABCDE-FGHIJ" matches "abcdefghij".
std::string NormalizeRecoveryCode(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

}  // namespace

bool MfaRequired(const core::User& user) { return user.verified_mfa_type.has_value(); }

MfaOptions MfaOptions::From(const config::Config& config) {
  MfaOptions o;
  o.enabled = config.mfa_enabled;
  o.totp_issuer = config.mfa_totp_issuer;
  o.max_failures = config.mfa_max_failures;
  o.lockout_seconds = config.mfa_lockout_seconds;
  o.ticket_ttl_seconds = config.mfa_ticket_ttl_seconds;
  o.max_factors = config.mfa_max_factors;
  o.webauthn_enroll_enabled = config.mfa_webauthn_enroll_enabled;
  o.webauthn_verify_enabled = config.mfa_webauthn_verify_enabled;
  return o;
}

std::vector<const core::MfaFactor*> VerifiedTotp(const std::vector<core::MfaFactor>& factors) {
  std::vector<const core::MfaFactor*> out;
  for (const core::MfaFactor& f : factors)
    if (f.type == kTotp && f.verified()) out.push_back(&f);
  return out;
}

const core::MfaFactor* PrimaryTotp(const std::vector<core::MfaFactor>& factors) {
  for (const core::MfaFactor& f : factors)  // oldest first
    if (f.type == kTotp && f.verified()) return &f;
  return nullptr;
}

std::string RecoveryCodeHash(std::string_view totp_key, std::string_view user_id,
                             std::string_view code) {
  const std::string key = crypto::HmacSha256(totp_key, "gatehouse recovery codes");
  std::string message(user_id);
  message += ':';
  message += NormalizeRecoveryCode(code);
  return std::string(kPortablePrefix) + crypto::HexEncode(crypto::HmacSha256(key, message));
}

bool IsPortableRecoveryHash(std::string_view hash) { return hash.starts_with(kPortablePrefix); }

core::Result<MfaChallenge> IssueMfaTicket(store::Store& store, const core::Clock& clock,
                                          int ttl_seconds, const core::User& user,
                                          std::string_view first_factor) {
  std::string ticket = std::string(kTicketPrefix) + crypto::RandomUuid();
  core::OneTimeCode code;
  code.id = crypto::RandomUuid();
  code.user_id = user.id;
  code.purpose = std::string(kTicketPurpose);
  code.recipient = user.id;
  code.code_hash = crypto::Sha256Hex(ticket);  // 122 random bits: no key needed
  code.data_json = nlohmann::json{{"amr", first_factor}}.dump();
  code.created_at = clock.NowMillis();
  code.expires_at = code.created_at + int64_t{ttl_seconds} * 1000;
  if (auto r = store.codes().Insert(code); !r) return r.error();
  return MfaChallenge{std::move(ticket)};
}

MfaFlow::MfaFlow(store::Store& store, const core::Clock& clock, MfaOptions options,
                 SessionService& sessions, std::string_view key_material)
    : store_(store),
      clock_(clock),
      options_(std::move(options)),
      sessions_(sessions),
      box_(key_material) {}

void MfaFlow::Audit(std::string type, const std::string& user_id,
                    const core::ClientInfo& client) const {
  RecordAudit(store_, clock_.NowMillis(), type, user_id, client);
}

std::string MfaFlow::LegacyRecoveryCodeHash(std::string_view user_id, std::string_view code) const {
  std::string message(user_id);
  message += ':';
  message += NormalizeRecoveryCode(code);
  return crypto::HexEncode(crypto::HmacSha256(box_.key(), message));
}

core::Result<std::string> MfaFlow::OpenSecret(const core::MfaFactor& factor) const {
  std::string secret;
  if (factor.secret_encrypted && box_.Open(*factor.secret_encrypted, &secret)) return secret;
  if (factor.secret_encrypted) {
    // Moved from another store without its key (an export older than the
    // clear-text secret), or mfa_encryption_key changed. The user cannot fix
    // this; an operator can, so the log says what to restore.
    spdlog::error(
        "mfa: the TOTP secret of user {} cannot be decrypted with this server's key (factor "
        "{}; mfa_encryption_key, or the generated one in the store); restore the key it was "
        "sealed with, or delete the user's factor so that they enrol again",
        factor.user_id, factor.id);
  }
  return core::Error(core::errc::kNoTotpSecret,
                     "The second factor of this account cannot be checked on this server; "
                     "contact its administrator");
}

core::Result<core::User> MfaFlow::LoadUser(std::string_view user_id) {
  auto found = store_.users().FindById(user_id);
  if (!found) return found.error();
  if (!found->has_value()) return core::Error(core::errc::kUserNotFound, "User not found");
  return **found;
}

core::Result<std::vector<core::MfaFactor>> MfaFlow::LoadFactors(std::string_view user_id) {
  return store_.factors().ListForUser(user_id);
}

core::Result<void> MfaFlow::CheckLockout(const std::string& user_id) {
  const int64_t window = int64_t{options_.lockout_seconds} * 1000;
  auto failures = store_.mfa().RecentFailures(user_id, clock_.NowMillis(), window);
  if (!failures) return failures.error();
  if (*failures >= options_.max_failures) {
    return core::Error(core::errc::kTooManyRequests, "Too many wrong codes; try again later",
                       options_.lockout_seconds);
  }
  return core::Ok();
}

core::Result<MfaFlow::Factor> MfaFlow::CheckCode(
    const std::string& user_id, const std::vector<const core::MfaFactor*>& candidates,
    std::string_view code, const core::MfaFactor* recovery_key_factor) {
  if (auto r = CheckLockout(user_id); !r) return r.error();
  const core::UnixMillis now = clock_.NowMillis();
  const bool any_secret = std::any_of(candidates.begin(), candidates.end(),
                                      [](const core::MfaFactor* f) { return f->secret_encrypted; });
  if (IsSixDigits(code) && any_secret) {
    std::optional<core::Error> unreadable;
    for (const core::MfaFactor* f : candidates) {
      if (!f->secret_encrypted) continue;
      auto secret = OpenSecret(*f);
      if (!secret) {
        unreadable = secret.error();
        continue;
      }
      auto step = crypto::MatchTotp(*secret, code, crypto::TotpStep(now / 1000));
      if (!step) continue;
      auto fresh = store_.mfa().MarkTotpStepUsed(user_id, *step, now);
      if (!fresh) return fresh.error();
      if (*fresh) {
        (void)store_.mfa().ClearFailures(user_id);
        return Factor::kTotp;
      }
      break;  // a replayed code counts as a wrong one
    }
    if (unreadable && candidates.size() == 1) return *unreadable;
  } else if (recovery_key_factor != nullptr && !code.empty()) {
    auto secret = OpenSecret(*recovery_key_factor);
    if (!secret) return secret.error();
    auto used =
        store_.mfa().UseRecoveryCode(user_id, RecoveryCodeHash(*secret, user_id, code), now);
    if (used && !*used)
      used = store_.mfa().UseRecoveryCode(user_id, LegacyRecoveryCodeHash(user_id, code), now);
    if (!used) return used.error();
    if (*used) {
      (void)store_.mfa().ClearFailures(user_id);
      return Factor::kRecovery;
    }
  }
  auto counted = store_.mfa().RecordFailure(user_id, now, int64_t{options_.lockout_seconds} * 1000);
  if (!counted) return counted.error();
  return InvalidTotp();
}

core::Result<std::vector<std::string>> MfaFlow::NewRecoveryCodes(
    const std::string& user_id, const core::MfaFactor& key_factor) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  auto secret = OpenSecret(key_factor);
  if (!secret) return secret.error();
  std::vector<std::string> codes, hashes;
  for (int i = 0; i < kRecoveryCodeCount; ++i) {
    std::string bytes = crypto::RandomBytes(10);
    std::string code;
    for (size_t j = 0; j < bytes.size(); ++j) {
      if (j == 5) code += '-';
      code += kAlphabet[static_cast<unsigned char>(bytes[j]) & 31];  // 256 % 32 == 0: unbiased
    }
    hashes.push_back(RecoveryCodeHash(*secret, user_id, code));
    codes.push_back(std::move(code));
  }
  if (auto r = store_.mfa().ReplaceRecoveryCodes(user_id, hashes, clock_.NowMillis()); !r)
    return r.error();
  return codes;
}

core::Result<FactorEnrolment> MfaFlow::CreateTotpFactor(const core::User& user,
                                                        std::string friendly_name,
                                                        std::string_view issuer) {
  FactorEnrolment out;
  const std::string key = crypto::RandomBytes(20);  // 160 bits, as RFC 4226 advises
  out.totp.secret = crypto::Base32Encode(key);
  const std::string account = user.email.value_or(user.id);
  out.totp.uri = crypto::TotpUri(issuer.empty() ? options_.totp_issuer : std::string(issuer),
                                 account, out.totp.secret);
  out.totp.image_url = crypto::QrPngDataUrl(out.totp.uri);
  if (out.totp.image_url.empty())
    return core::Error(core::errc::kInternal, "Could not draw the QR code");
  core::MfaFactor& f = out.factor;
  f.id = crypto::RandomUuid();
  f.user_id = user.id;
  f.type = std::string(kTotp);
  f.friendly_name = std::move(friendly_name);
  f.secret_encrypted = box_.Seal(key);  // the raw key, not its base32 text
  f.created_at = clock_.NowMillis();
  f.updated_at = f.created_at;
  if (auto r = store_.factors().Create(f); !r) return r.error();
  f.secret_encrypted.reset();
  return out;
}

core::Result<core::User> MfaFlow::LoadEnrollingUser(std::string_view user_id) {
  auto user = LoadUser(user_id);
  if (!user) return user.error();
  if (user->is_anonymous)
    return core::Error(core::errc::kForbiddenAnonymous, "Anonymous users cannot use MFA");
  if (!options_.enabled)
    return core::Error(core::errc::kDisabledMfaTotp, "TOTP second factor is disabled");
  return user;
}

core::Result<TotpEnrolment> MfaFlow::GenerateTotp(std::string_view user_id) {
  auto user = LoadEnrollingUser(user_id);
  if (!user) return user.error();
  auto factors = LoadFactors(user->id);
  if (!factors) return factors.error();
  if (PrimaryTotp(*factors) != nullptr)
    return core::Error(core::errc::kTotpAlreadyActive, "TOTP is already active");
  for (const core::MfaFactor& f : *factors) {  // the enrolment this one replaces
    if (f.type != kTotp || f.verified()) continue;
    if (auto r = store_.factors().Delete(f.id); !r) return r.error();
  }
  auto enrolment = CreateTotpFactor(*user, "", "");
  if (!enrolment) return enrolment.error();
  return std::move(enrolment->totp);
}

core::Result<std::vector<std::string>> MfaFlow::ChangeMfa(const ChangeMfaRequest& req) {
  auto user = LoadUser(req.user_id);
  if (!user) return user.error();
  if (user->is_anonymous)
    return core::Error(core::errc::kForbiddenAnonymous, "Anonymous users cannot use MFA");
  auto factors = LoadFactors(user->id);
  if (!factors) return factors.error();
  const core::MfaFactor* primary = PrimaryTotp(*factors);

  if (req.active_mfa_type == kTotp) {
    if (!options_.enabled)
      return core::Error(core::errc::kDisabledMfaTotp, "TOTP second factor is disabled");
    if (primary != nullptr)
      return core::Error(core::errc::kTotpAlreadyActive, "TOTP is already active");
    const core::MfaFactor* pending = nullptr;  // the newest enrolment
    for (const core::MfaFactor& f : *factors)
      if (f.type == kTotp && !f.verified() && f.secret_encrypted) pending = &f;
    if (pending == nullptr)
      return core::Error(core::errc::kNoTotpSecret,
                         "No TOTP secret: call GET /mfa/totp/generate first");
    auto factor = CheckCode(user->id, {pending}, req.code, nullptr);
    if (!factor) return factor.error();
    core::MfaFactor verified = *pending;
    verified.verified_at = clock_.NowMillis();
    verified.updated_at = *verified.verified_at;
    if (auto r = store_.factors().Update(verified); !r) return r.error();
    for (const core::MfaFactor& f : *factors) {
      if (f.type != kTotp || f.verified() || f.id == verified.id) continue;
      if (auto r = store_.factors().Delete(f.id); !r) return r.error();
    }
    Audit("mfa-totp-on", user->id, {});
    return NewRecoveryCodes(user->id, verified);
  }
  if (req.active_mfa_type.empty()) {
    if (primary == nullptr)
      return core::Error(core::errc::kMfaTypeNotFound, "No second factor is active");
    auto factor = CheckCode(user->id, VerifiedTotp(*factors), req.code, nullptr);
    if (!factor) return factor.error();
    for (const core::MfaFactor& f : *factors) {
      if (f.type != kTotp) continue;
      if (auto r = store_.factors().Delete(f.id); !r) return r.error();
    }
    if (auto r = store_.mfa().ReplaceRecoveryCodes(user->id, {}, clock_.NowMillis()); !r)
      return r.error();
    Audit("mfa-totp-off", user->id, {});
    return std::vector<std::string>();
  }
  return core::Error(core::errc::kMfaTypeNotFound, "Unknown MFA type");
}

core::Result<SessionGrant> MfaFlow::SignInTotp(const MfaTotpSignIn& req) {
  if (req.ticket.rfind(kTicketPrefix, 0) != 0) return InvalidTicket();
  auto found = store_.codes().FindByHash(kTicketPurpose, crypto::Sha256Hex(req.ticket));
  if (!found) return found.error();
  if (!found->has_value()) return InvalidTicket();
  const core::OneTimeCode ticket = **found;
  if (ticket.expires_at <= clock_.NowMillis() || !ticket.user_id) return InvalidTicket();

  auto user = LoadUser(*ticket.user_id);
  if (!user) return user.error().Is(core::errc::kUserNotFound) ? InvalidTicket() : user.error();
  if (auto active = RequireActive(*user, clock_.NowMillis()); !active) return active.error();
  auto factors = LoadFactors(user->id);
  if (!factors) return factors.error();
  const core::MfaFactor* primary = PrimaryTotp(*factors);
  if (primary == nullptr) return InvalidTicket();  // TOTP was turned off meanwhile
  auto factor = CheckCode(user->id, VerifiedTotp(*factors), req.otp, primary);
  if (!factor) {
    if (factor.error().Is(core::errc::kInvalidTotp)) {
      auto attempts = store_.codes().RecordFailedAttempt(ticket.id);
      if (attempts.ok() && *attempts >= kMfaTicketMaxAttempts)
        (void)store_.codes().Consume(ticket.id, clock_.NowMillis());  // burnt
      Audit("signin-mfa-failed", user->id, req.client);
    }
    return factor.error();
  }
  auto consumed = store_.codes().Consume(ticket.id, clock_.NowMillis());
  if (!consumed) return consumed.error();
  if (!*consumed) return InvalidTicket();  // a concurrent request used it first

  std::string amr = "password";
  auto data = nlohmann::json::parse(ticket.data_json, nullptr, /*allow_exceptions=*/false);
  if (data.is_object() && data.contains("amr") && data["amr"].is_string())
    amr = data["amr"].get<std::string>();
  amr += *factor == Factor::kTotp ? ",totp" : ",recovery";
  Audit(*factor == Factor::kTotp ? "signin-mfa" : "signin-mfa-recovery", user->id, req.client);
  return sessions_.Start(*user, req.client, amr, "aal2");
}

core::Result<std::vector<std::string>> MfaFlow::RegenerateRecoveryCodes(
    const RecoveryCodesRequest& req) {
  auto user = LoadUser(req.user_id);
  if (!user) return user.error();
  if (user->is_anonymous)
    return core::Error(core::errc::kForbiddenAnonymous, "Anonymous users cannot use MFA");
  auto factors = LoadFactors(user->id);
  if (!factors) return factors.error();
  const core::MfaFactor* primary = PrimaryTotp(*factors);
  if (primary == nullptr) return core::Error(core::errc::kMfaTypeNotFound, "TOTP is not active");
  if (req.aal != "aal2" || !req.code.empty()) {
    if (req.code.empty())
      return core::Error(core::errc::kInvalidTotp,
                         "A current TOTP code is required without a two-factor session");
    auto factor = CheckCode(user->id, VerifiedTotp(*factors), req.code, nullptr);
    if (!factor) return factor.error();
  }
  Audit("mfa-recovery-codes", user->id, {});
  return NewRecoveryCodes(user->id, *primary);
}

}  // namespace gh::auth
