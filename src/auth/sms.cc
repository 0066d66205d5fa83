#include "auth/sms.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "auth/account.h"
#include "auth/address_proof.h"
#include "auth/app_metadata.h"
#include "auth/audit.h"
#include "auth/mfa.h"
#include "auth/phone.h"
#include "crypto/hash.h"
#include "crypto/random.h"

namespace gh::auth {
namespace {

constexpr const char* kSignInPurpose = "sms-otp";
constexpr const char* kChangePurpose = "phone-change";
// Marks a row whose code only the provider knows (Twilio Verify).
constexpr const char* kProviderChecked = "provider-checked";
// The data of the code a phone + password sign-up sends: following it confirms
// that password (see auth/address_proof.h).
constexpr std::string_view kConfirmsPasswordData = R"({"confirmsPassword":true})";

core::Error InvalidOtp() { return core::Error(core::errc::kInvalidOtp, "Invalid or expired OTP"); }

// "+1 (555) 000-1111" -> "+15550001111": how test numbers are matched, so that
// they need not be numbers libphonenumber calls valid.
std::string DigitsOnly(const std::string& s) {
  std::string out;
  for (char c : s)
    if ((c >= '0' && c <= '9') || (c == '+' && out.empty())) out += c;
  return out;
}

}  // namespace

core::Result<std::map<std::string, std::string>> ParseTestNumbers(
    const std::vector<std::string>& entries) {
  std::map<std::string, std::string> out;
  for (const std::string& entry : entries) {
    size_t colon = entry.rfind(':');
    std::string phone = colon == std::string::npos ? "" : DigitsOnly(entry.substr(0, colon));
    std::string code = colon == std::string::npos ? "" : entry.substr(colon + 1);
    bool digits = !code.empty() && code.find_first_not_of("0123456789") == std::string::npos;
    if (phone.size() < 4 || phone[0] != '+' || !digits || code.size() > 10)
      return core::Error(core::errc::kInvalidRequest,
                         "sms_test_numbers: \"" + entry + "\" is not +number:digits");
    out[phone] = code;
  }
  return out;
}

SmsFlow::SmsFlow(store::Store& store, const core::Clock& clock, const SmsOptions& options,
                 const crypto::PasswordHasher& hasher, SessionService& sessions,
                 const PasswordFlow& passwords, notify::SmsSender& sender, std::string code_key)
    : store_(store),
      clock_(clock),
      options_(options),
      hasher_(hasher),
      sessions_(sessions),
      passwords_(passwords),
      sender_(sender),
      code_key_(std::move(code_key)) {
  auto numbers = ParseTestNumbers(options.sms_test_numbers);
  if (numbers)
    test_numbers_ = std::move(*numbers);
  else
    spdlog::error("{}", numbers.error().message);  // the composition root refuses to start
}

core::Result<std::string> SmsFlow::Normalize(const std::string& input) const {
  if (!test_numbers_.empty()) {
    std::string digits = DigitsOnly(input);
    if (test_numbers_.count(digits)) return digits;
  }
  return NormalizePhone(input, options_.sms_default_region);
}

std::string SmsFlow::HashCode(const std::string& purpose, const std::string& phone,
                              const std::string& code) const {
  return crypto::HexEncode(crypto::HmacSha256(code_key_, purpose + "\n" + phone + "\n" + code));
}

std::string SmsFlow::Render(const std::string& code) const {
  std::string text = options_.sms_template;
  auto replace = [&text](const std::string& key, const std::string& value) {
    for (size_t at = text.find(key); at != std::string::npos;
         at = text.find(key, at + value.size()))
      text.replace(at, key.size(), value);
  };
  replace("{code}", code);
  replace("{app}", options_.sms_app_name);
  replace("{minutes}", std::to_string((options_.sms_code_ttl_seconds + 59) / 60));
  if (text.find(code) == std::string::npos) text += " " + code;  // a template without {code}
  return text;
}

void SmsFlow::Audit(std::string type, const std::optional<std::string>& user_id,
                    const core::ClientInfo& client) const {
  RecordAudit(store_, clock_.NowMillis(), type, user_id, client);
}

core::Result<void> SmsFlow::Admit(const std::string& phone) {
  const core::UnixMillis now = clock_.NowMillis();
  const int64_t hour = 3600 * 1000;
  if (auto per_number =
          SpendBudget(*sends_, "sms-number:" + phone, now, hour, options_.sms_per_number_per_hour,
                      "Too many codes sent to this number; try again later");
      !per_number.ok()) {
    return per_number;
  }
  auto all = SpendBudget(*sends_, "sms-budget", now, hour, options_.sms_budget_per_hour,
                         "Too many text messages are being sent; try again later");
  if (!all.ok() && all.error().code == core::errc::kTooManyRequests) {
    spdlog::warn("sms: hourly budget of {} messages used up; refusing sends for {} s",
                 options_.sms_budget_per_hour, all.error().retry_after_seconds);
  }
  return all;
}

core::Result<void> SmsFlow::SendByHook(const std::string& phone,
                                       const std::optional<std::string>& user_id,
                                       const std::string& code) {
  core::User user;
  if (user_id) {
    auto found = store_.users().FindById(*user_id);
    if (!found) return found.error();
    if (found->has_value()) user = **found;
  }
  // Where the code must go (a number being changed to is not the user's yet).
  user.phone_number = phone;
  return hooks_->SendSms(user, code);
}

core::Result<void> SmsFlow::Issue(const std::string& purpose, const std::string& phone,
                                  const std::optional<std::string>& user_id,
                                  notify::SmsChannel channel, const std::string& ip, bool deliver,
                                  std::string data_json) {
  const core::UnixMillis now = clock_.NowMillis();
  auto latest = store_.codes().FindLatest(purpose, phone);
  if (!latest) return latest.error();
  if (latest->has_value() && options_.sms_resend_cooldown_seconds > 0) {
    core::UnixMillis ready = (*latest)->created_at + options_.sms_resend_cooldown_seconds * 1000LL;
    if (now < ready)
      return core::Error(core::errc::kTooManyRequests,
                         "A code was just sent to this number; wait before asking again",
                         static_cast<int>((ready - now + 999) / 1000));
  }

  core::OneTimeCode row;
  row.id = crypto::RandomUuid();
  row.user_id = user_id;
  row.purpose = purpose;
  row.recipient = phone;
  row.data_json = std::move(data_json);
  row.created_at = now;
  row.expires_at = now + options_.sms_code_ttl_seconds * 1000;

  auto test = test_numbers_.find(phone);
  if (test != test_numbers_.end()) {
    row.code_hash = HashCode(purpose, phone, test->second);  // sends nothing, costs nothing
  } else {
    if (auto r = Admit(phone); !r) return r;
    if (!deliver) {
      row.code_hash = HashCode(purpose, phone, crypto::RandomToken(32));
      spdlog::info("sms: {} code withheld (disabled account or sign-up off) for {} (client {})",
                   purpose, phone.substr(0, phone.size() > 4 ? phone.size() - 4 : 0) + "****", ip);
    } else if (hooks_ != nullptr && hooks_->options().send_sms.enabled) {
      std::string code = crypto::RandomDigits(static_cast<size_t>(options_.sms_code_length));
      if (auto r = SendByHook(phone, user_id, code); !r) return r;
      row.code_hash = HashCode(purpose, phone, code);
    } else if (sender_.GeneratesCodes()) {
      if (auto r = sender_.StartVerification(phone, channel); !r) return r;
      row.code_hash = kProviderChecked;
    } else {
      std::string code = crypto::RandomDigits(static_cast<size_t>(options_.sms_code_length));
      if (auto r = sender_.Send(phone, Render(code), channel); !r) return r;
      row.code_hash = HashCode(purpose, phone, code);
    }
    if (deliver)
      spdlog::info("sms: {} code sent by {} over {} to {} (client {})", purpose, sender_.name(),
                   notify::ChannelName(channel),
                   phone.substr(0, phone.size() > 4 ? phone.size() - 4 : 0) + "****", ip);
  }
  // Only now, with the message accepted, does anything get stored: the new
  // code replaces any open one.
  if (auto r = store_.codes().ConsumeAll(purpose, phone, now); !r) return r;
  return store_.codes().Insert(row);
}

core::Result<core::OneTimeCode> SmsFlow::Check(const std::string& purpose, const std::string& phone,
                                               const std::string& otp) {
  if (otp.empty() || otp.size() > 10 || otp.find_first_not_of("0123456789") != std::string::npos)
    return InvalidOtp();
  // Every guess counts, also against no code or a burnt one: the attacker
  // cannot tell those apart, and a fresh code does not buy fresh guesses.
  const std::string attempt_key = "sms-code:" + phone;
  if (auto admitted = limiter_->Begin(attempt_key); !admitted) return admitted.error();
  const core::UnixMillis now = clock_.NowMillis();
  auto found = store_.codes().FindLatest(purpose, phone);
  if (!found) return found.error();
  if (!found->has_value()) return InvalidOtp();
  core::OneTimeCode row = **found;
  if (row.expires_at <= now || row.attempts >= options_.sms_code_max_attempts) return InvalidOtp();

  bool right = false;
  if (row.code_hash == kProviderChecked) {
    auto checked = sender_.CheckVerification(phone, otp);
    if (!checked) return checked.error();
    right = *checked;
  } else {
    right = crypto::ConstantTimeEquals(row.code_hash, HashCode(purpose, phone, otp));
  }
  if (!right) {
    auto attempts = store_.codes().RecordFailedAttempt(row.id);
    if (!attempts) return attempts.error();
    return InvalidOtp();
  }
  limiter_->Succeeded(attempt_key);
  auto consumed = store_.codes().Consume(row.id, now);
  if (!consumed) return consumed.error();
  if (!*consumed) return InvalidOtp();  // another request used it first
  return row;
}

core::Result<void> SmsFlow::SendSignInCode(const SmsCodeRequest& req) {
  if (!options_.sms_passwordless_enabled)
    return core::Error(core::errc::kDisabledEndpoint, "Sign-in by SMS is disabled");
  auto phone = Normalize(req.phone_number);
  if (!phone) return phone.error();
  // Options are checked for every number, known or not: same answers.
  core::User candidate = NewUser(options_.users, clock_.NowMillis());
  SetSignUpProvider(candidate, kProviderPhone);
  candidate.phone_number = *phone;
  candidate.display_name = *phone;
  if (auto r = ApplySignUpOptions(options_.users, req.options, candidate); !r) return r.error();
  auto found = store_.users().FindByPhone(*phone);
  if (!found) return found.error();
  std::optional<core::User> fresh;
  // A disabled account, and an unknown number while sign-up is off, answer as a
  // sent code does (cooldown and caps included) and get no message: the email
  // flows answer the same way, so neither tells a stranger which numbers have
  // (disabled) accounts.
  bool deliver = true;
  if (found->has_value()) {
    if ((*found)->blocked(clock_.NowMillis())) deliver = false;
  } else if (options_.signup_disabled || !req.create_user) {
    deliver = false;
  } else {
    fresh = std::move(candidate);
  }
  std::optional<std::string> user_id;
  if (found->has_value()) user_id = (*found)->id;
  if (auto r = Issue(kSignInPurpose, *phone, user_id, req.channel, req.client.ip, deliver); !r)
    return r;
  if (fresh) {
    auto created = store_.users().Create(*fresh);
    // A concurrent request for the same new number created the user first: fine.
    if (!created && created.error().code != core::errc::kPhoneAlreadyInUse) return created.error();
    if (created) Audit("signup-sms", fresh->id, req.client);
  }
  return core::Ok();
}

core::Result<SignInOutcome> SmsFlow::SignIn(const SmsCodeSignIn& req) {
  if (!options_.sms_passwordless_enabled && !options_.phone_password_enabled)
    return core::Error(core::errc::kDisabledEndpoint, "Sign-in by SMS is disabled");
  auto phone = Normalize(req.phone_number);
  if (!phone) return phone.error();
  auto code = Check(kSignInPurpose, *phone, req.otp);
  if (!code) {
    if (code.error().Is(core::errc::kInvalidOtp))
      Audit("signin-sms-failed", std::nullopt, req.client);
    return code.error();
  }
  auto found = store_.users().FindByPhone(*phone);
  if (!found) return found.error();
  if (!found->has_value()) return InvalidOtp();  // deleted since the code was sent
  core::User user = **found;
  if (auto active = RequireActive(user, clock_.NowMillis()); !active) return active.error();
  // Only the code a phone + password sign-up sent confirms the password it set.
  const ProofKind kind = code->data_json == kConfirmsPasswordData ? ProofKind::kConfirmsPassword
                                                                  : ProofKind::kPossessionOnly;
  auto proven = ProveAddress(store_, clock_, options_.proof, options_.users, ProvenChannel::kPhone,
                             kind, user, "phone-proven");
  if (!proven) return proven.error();
  Audit("signin-sms", user.id, req.client);
  return sessions_.StartOrChallenge(user, req.client, "sms", req.second_factor);
}

core::Result<SignInOutcome> SmsFlow::SignUpWithPassword(const PhonePasswordSignUp& req) {
  if (!options_.phone_password_enabled)
    return core::Error(core::errc::kDisabledEndpoint, "Phone + password sign-up is disabled");
  if (options_.signup_disabled)
    return core::Error(core::errc::kSignupDisabled, "Sign up is disabled");
  auto phone = Normalize(req.phone_number);
  if (!phone) return phone.error();
  if (auto r = passwords_.CheckPasswordPolicy(req.password); !r) return r.error();
  core::User user = NewUser(options_.users, clock_.NowMillis());
  SetSignUpProvider(user, kProviderPhone);
  user.phone_number = *phone;
  user.display_name = *phone;
  if (auto r = ApplySignUpOptions(options_.users, req.options, user); !r) return r.error();
  auto taken = store_.users().FindByPhone(*phone);
  if (!taken) return taken.error();
  if (taken->has_value())
    return core::Error(core::errc::kPhoneAlreadyInUse, "Phone number already in use");
  user.password_hash = hasher_.Hash(req.password);
  if (user.password_hash->empty())
    return core::Error(core::errc::kOverloaded, "Out of memory while hashing; try again", 1);

  SignInOutcome out;
  if (options_.proof.phone_verification_required) {
    // The code row names no user: the user is written only after the send.
    if (auto r = Issue(kSignInPurpose, *phone, std::nullopt, req.channel, req.client.ip,
                       /*deliver=*/true, std::string(kConfirmsPasswordData));
        !r)
      return r.error();
    if (auto r = store_.users().Create(user); !r) return r.error();
    Audit("signup-phone-password", user.id, req.client);
    out.user = user;
    return out;  // the session comes with the code (SignIn)
  }
  if (auto r = store_.users().Create(user); !r) return r.error();
  Audit("signup-phone-password", user.id, req.client);
  auto session = sessions_.Start(user, req.client, "password");
  if (!session) return session.error();
  out.user = user;
  out.session = std::move(*session);
  return out;
}

core::Result<SignInOutcome> SmsFlow::SignInWithPassword(const PhonePasswordSignIn& req) {
  if (!options_.phone_password_enabled)
    return core::Error(core::errc::kDisabledEndpoint, "Phone + password sign-in is disabled");
  auto wrong = [] {
    return core::Error(core::errc::kInvalidEmailPassword, "Incorrect phone number or password");
  };
  auto phone = Normalize(req.phone_number);
  if (!phone) return phone.error();
  if (req.password.size() > 4 * static_cast<size_t>(options_.password_max_length)) return wrong();
  const std::string attempt_key = "password:" + *phone;
  if (auto admitted = limiter_->Begin(attempt_key); !admitted) return admitted.error();
  auto found = store_.users().FindByPhone(*phone);
  if (!found) return found.error();
  if (!found->has_value() || !(*found)->password_hash) {
    (void)hasher_.Verify(req.password, hasher_.DummyHash());  // same time as a real check
    Audit("signin-failed", std::nullopt, req.client);
    return wrong();
  }
  core::User user = **found;
  if (!hasher_.Verify(req.password, *user.password_hash).ok) {
    Audit("signin-failed", user.id, req.client);
    return wrong();
  }
  limiter_->Succeeded(attempt_key);
  if (auto active = RequireActive(user, clock_.NowMillis()); !active) return active.error();
  if (options_.proof.phone_verification_required && !user.phone_number_verified())
    return core::Error(core::errc::kUnverifiedUser, "Phone number is not verified");
  Audit("signin-phone-password", user.id, req.client);
  return sessions_.StartOrChallenge(user, req.client, "password", req.second_factor);
}

core::Result<void> SmsFlow::RequestPhoneChange(const PhoneChangeRequest& req) {
  auto phone = Normalize(req.new_phone_number);
  if (!phone) return phone.error();
  auto user = store_.users().FindById(req.user_id);
  if (!user) return user.error();
  if (!user->has_value()) return core::Error(core::errc::kInvalidToken, "User no longer exists");
  if ((*user)->phone_number == *phone && (*user)->phone_number_verified())
    return core::Error(core::errc::kInvalidRequest, "This is already the user's phone number");
  auto taken = store_.users().FindByPhone(*phone);
  if (!taken) return taken.error();
  if (taken->has_value() && (*taken)->id != req.user_id)
    return core::Error(core::errc::kPhoneAlreadyInUse, "Phone number already in use");
  if (auto r = Issue(kChangePurpose, *phone, req.user_id, req.channel, ""); !r) return r;
  return store_.users().MarkSent(req.user_id, core::SentMessage::kPhoneChange, clock_.NowMillis());
}

core::Result<core::User> SmsFlow::VerifyPhoneChange(const PhoneChangeVerify& req) {
  auto phone = Normalize(req.phone_number);
  if (!phone) return phone.error();
  auto found = store_.codes().FindLatest(kChangePurpose, *phone);
  if (!found) return found.error();
  // The code must have been sent for this user: another user's pending change
  // to the same number is not ours to complete.
  const bool for_anyone = req.user_id.empty();
  if (!found->has_value() || (!for_anyone && (*found)->user_id != req.user_id)) return InvalidOtp();
  auto code = Check(kChangePurpose, *phone, req.otp);
  if (!code) return code.error();
  if (!for_anyone && code->user_id != req.user_id) return InvalidOtp();
  if (!code->user_id) return InvalidOtp();
  auto user = store_.users().FindById(*code->user_id);
  if (!user) return user.error();
  if (!user->has_value()) return core::Error(core::errc::kInvalidToken, "User no longer exists");
  core::User u = **user;
  u.phone_number = *phone;
  u.updated_at = clock_.NowMillis();
  u.phone_confirmed_at = u.updated_at;  // the code proved the new number just now
  AddProvider(u, kProviderPhone);
  if (auto r = store_.users().Update(u); !r) return r.error();  // unique index settles races
  RecordAudit(store_, u.updated_at, "phone-change", u.id);
  return u;
}

}  // namespace gh::auth
