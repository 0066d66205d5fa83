// auth::SmsFlow: everything that sends a code to a phone number and checks it:
// passwordless sign-in by SMS or WhatsApp code, phone + password sign-up and
// sign-in (native extensions), and changing a signed-in user's number.
//
// Codes: sms_code_length digits from the CSPRNG, stored only as an HMAC under a
// server key (shared by every instance through the store), single-use, expiring
// after sms_code_ttl_seconds, burnt after sms_code_max_attempts wrong tries. A
// provider that makes up its own codes (Twilio Verify) checks them instead; the
// stored row then only carries expiry, attempts and single use.
//
// Sending is guarded against SMS pumping: a resend cooldown per number (shared,
// through the store), an hourly cap per number and an hourly budget for all
// messages (counted by a HitCounter: in process, or shared by every instance
// through the store; see send_budget.h), plus the per-IP route limit of the
// api layer. Test numbers (config sms_test_numbers) accept a fixed code and are
// sent nothing. A provider failure is cannot-send-sms and leaves nothing
// stored: the code row (and a new user) is written only after the send.
//
// Thread-safe. Calls block on the store and the provider: worker threads only.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "auth/address_proof.h"
#include "auth/attempt_limiter.h"
#include "auth/password.h"
#include "auth/send_budget.h"
#include "auth/sessions.h"
#include "auth/user_options.h"
#include "core/clock.h"
#include "core/types.h"
#include "crypto/password.h"
#include "notify/sms/sms_sender.h"
#include "store/store.h"

namespace gh::auth {

struct SmsCodeRequest {
  std::string phone_number;  // as typed; normalised to E.164 here
  notify::SmsChannel channel = notify::SmsChannel::kSms;
  SignUpOptions options;  // for a user created by this request
  core::ClientInfo client;
  // False: an unknown number gets the same OK and no message, as while
  // sign-up is disabled (GoTrue's create_user).
  bool create_user = true;
};

struct SmsCodeSignIn {
  std::string phone_number;
  std::string otp;
  core::ClientInfo client;
  // What a user with a second factor gets (the requesting dialect's policy);
  // null = the SessionService's default.
  const SecondFactorPolicy* second_factor = nullptr;
};

struct PhonePasswordSignUp {
  std::string phone_number;
  std::string password;
  notify::SmsChannel channel = notify::SmsChannel::kSms;
  SignUpOptions options;
  core::ClientInfo client;
};

struct PhonePasswordSignIn {
  std::string phone_number;
  std::string password;
  core::ClientInfo client;
  // What a user with a second factor gets (the requesting dialect's policy);
  // null = the SessionService's default.
  const SecondFactorPolicy* second_factor = nullptr;
};

struct PhoneChangeRequest {
  std::string user_id;  // from the caller's access token
  std::string new_phone_number;
  notify::SmsChannel channel = notify::SmsChannel::kSms;
};

struct PhoneChangeVerify {
  // The user the change is for; empty = whoever the code was sent for (GoTrue's
  // /verify type phone_change comes without a user token: the code to the new
  // number is the proof).
  std::string user_id;
  std::string phone_number;  // the new number the code went to
  std::string otp;
};

// The settings SmsFlow reads. Defaults are the settings' defaults.
struct SmsOptions {
  bool sms_passwordless_enabled = false;
  bool phone_password_enabled = false;
  bool signup_disabled = false;
  std::string sms_template = "{code} is your {app} code. It expires in {minutes} minutes.";
  std::string sms_app_name = "Gatehouse";
  std::string sms_default_region;
  int sms_code_length = 6;
  int64_t sms_code_ttl_seconds = 300;
  int sms_code_max_attempts = 5;
  int sms_resend_cooldown_seconds = 60;
  int sms_per_number_per_hour = 5;
  int sms_budget_per_hour = 1000;
  std::vector<std::string> sms_test_numbers;  // "+number:code"; see ParseTestNumbers
  int password_max_length = 128;
  ProofPolicy proof;  // phone_verification_required too
  NewUserPolicy users;
  bool operator==(const SmsOptions&) const = default;
};

class SmsFlow {
 public:
  // `code_key` keys the stored code hashes (an instance-shared secret).
  // `options` must outlive the flow (it is read at each call; the test numbers
  // once, here).
  SmsFlow(store::Store& store, const core::Clock& clock, const SmsOptions& options,
          const crypto::PasswordHasher& hasher, SessionService& sessions,
          const PasswordFlow& passwords, notify::SmsSender& sender, std::string code_key);
  SmsFlow(const SmsFlow&) = delete;
  SmsFlow& operator=(const SmsFlow&) = delete;

  // Sends a sign-in code, creating the user (phone unverified) if the number is
  // new. A disabled account, or a new number while sign-up is disabled, gets
  // the same OK and no message (no enumeration, as the email flows). Errors:
  // disabled-endpoint, invalid-request (number), too-many-requests (cooldown,
  // hourly caps; retry_after_seconds set), cannot-send-sms, and those of
  // ApplySignUpOptions (checked for every number, known or not).
  core::Result<void> SendSignInCode(const SmsCodeRequest& request);
  // Checks the code and starts a session; the number becomes verified.
  // Errors: disabled-endpoint, invalid-request (number), invalid-otp (wrong,
  // expired, used, too many tries, no code sent), disabled-user, cannot-send-sms
  // (a provider that checks codes could not be reached).
  core::Result<SignInOutcome> SignIn(const SmsCodeSignIn& request);

  // Native extension. Creates a user with this number and password. With
  // phone_verification_required a code is sent (confirm it with SignIn) and no
  // session is returned; otherwise the number is taken as is and a session
  // starts. Errors: disabled-endpoint, invalid-request, password-too-short,
  // signup-disabled, phone-already-in-use, those of SendSignInCode's sending.
  core::Result<SignInOutcome> SignUpWithPassword(const PhonePasswordSignUp& request);
  // Errors: disabled-endpoint, invalid-request (number), invalid-phone-password
  // (unknown number or wrong password, same message), unverified-user (number
  // not confirmed while phone_verification_required), disabled-user.
  core::Result<SignInOutcome> SignInWithPassword(const PhonePasswordSignIn& request);

  // Sends a code to the new number of a signed-in user. Errors: invalid-request,
  // phone-already-in-use, too-many-requests, cannot-send-sms.
  core::Result<void> RequestPhoneChange(const PhoneChangeRequest& request);
  // Switches the user to the new number once the code sent there is right; the
  // number is verified. Errors: invalid-request, invalid-otp, phone-already-in-use.
  core::Result<core::User> VerifyPhoneChange(const PhoneChangeVerify& request);

  // Counts wrong codes per number ("sms-code:<phone>", sign-in and change
  // alike) and phone + password guesses ("password:<phone>"), from any IP;
  // beyond the budget these answer too-many-requests. Unset = no limit.
  // REQUIRES: `limiter` outlives this flow; set before use.
  void SetAttemptLimiter(AttemptLimiter* limiter) { limiter_ = limiter; }
  // Where the hourly caps are counted; unset = in this process.
  // REQUIRES: `counter` outlives this flow; set before use.
  void SetSendCounter(HitCounter* counter) { sends_ = counter; }
  // With the send SMS hook on, codes go to the app's hook ({user, sms: {otp}})
  // instead of the SMS provider. REQUIRES: set before serving; `hooks`
  // outlives the flow.
  void SetHooks(const Hooks* hooks) { hooks_ = hooks; }

 private:
  // Normalised number, or the test number as configured.
  core::Result<std::string> Normalize(const std::string& input) const;
  // Guards, sends and stores one code for (purpose, phone). With `deliver`
  // false nothing is sent and the stored code is one nobody knows: the number
  // meets the same cooldown and caps as one that got a message.
  // Sends `code` for `phone` through the send SMS hook, with the user when known.
  core::Result<void> SendByHook(const std::string& phone, const std::optional<std::string>& user_id,
                                const std::string& code);
  core::Result<void> Issue(const std::string& purpose, const std::string& phone,
                           const std::optional<std::string>& user_id, notify::SmsChannel channel,
                           const std::string& ip, bool deliver = true,
                           std::string data_json = "{}");
  // Checks and consumes the open code for (purpose, phone).
  core::Result<core::OneTimeCode> Check(const std::string& purpose, const std::string& phone,
                                        const std::string& otp);
  core::Result<void> Admit(const std::string& phone);  // hourly caps; counts one message
  std::string HashCode(const std::string& purpose, const std::string& phone,
                       const std::string& code) const;
  std::string Render(const std::string& code) const;
  void Audit(std::string type, const std::optional<std::string>& user_id,
             const core::ClientInfo& client) const;

  store::Store& store_;
  const core::Clock& clock_;
  const SmsOptions& options_;
  const crypto::PasswordHasher& hasher_;
  SessionService& sessions_;
  const PasswordFlow& passwords_;
  notify::SmsSender& sender_;
  const std::string code_key_;
  AttemptLimiter* limiter_ = &NoAttemptLimit::Instance();
  std::map<std::string, std::string> test_numbers_;  // E.164 -> fixed code

  InProcessHitCounter own_sends_;
  HitCounter* sends_ = &own_sends_;
  const Hooks* hooks_ = nullptr;
};

// Parses the sms_test_numbers setting ("+number:code" entries). Errors:
// invalid-request naming the bad entry.
core::Result<std::map<std::string, std::string>> ParseTestNumbers(
    const std::vector<std::string>& entries);

}  // namespace gh::auth
