// auth::Hooks: the app's own HTTP endpoints that the flows call at fixed points,
// as GoTrue's auth hooks are called (same names, payloads and answers), whichever
// dialect the request came in through:
//
//   custom access token    every access token (sign-in, refresh, step-up): the
//                          app gets {user_id, claims, authentication_method} and
//                          answers {claims}, which are signed instead. Fails
//                          closed: no answer, no token.
//   before user created    may refuse a new user ({"error": {...}}).
//   after user created     told of a new user.
//   send sms / send email  the app delivers the code or link itself; our SMS
//                          provider and mailer are not used.
//   password / MFA         told of every check ({user_id, valid, ...}); may
//   verification attempt   answer {"decision": "reject", "message"}.
//
// A hook answers 2xx with its JSON (204 / empty for the hooks that need none).
// An answer carrying {"error": {"http_code", "message"}} is a refusal
// (hook-refused, the hook's message); any other non-2xx answer, or an answer
// not of the hook's shape, is hook-failed naming what is wrong; no answer is
// hook-timeout. Transport, signing and retries are notify::WebhookSender's.
//
// Thread-safe (holds only its options and the sender). Calls block on the
// app's endpoint: the routes of flows that call an enabled hook run on the
// remote lane (app::RouteClassesFrom).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "core/error.h"
#include "core/types.h"
#include "notify/webhook.h"

namespace gh::auth {

// One hook: switched on, where it is, what it is signed with.
struct HookEndpoint {
  bool enabled = false;
  std::string uri;
  std::string secrets;  // "v1,whsec_<base64>", several separated by '|'
  bool operator==(const HookEndpoint&) const = default;
};

// Every hook. Defaults are the settings' defaults (all off).
struct HookOptions {
  HookEndpoint custom_access_token;
  HookEndpoint before_user_created;
  HookEndpoint after_user_created;
  HookEndpoint send_sms;
  HookEndpoint send_email;
  HookEndpoint password_verification_attempt;
  HookEndpoint mfa_verification_attempt;
  bool any() const;
  bool operator==(const HookOptions&) const = default;
};

// GoTrue's email_data of the send-email hook.
struct EmailHookData {
  std::string token;       // the six-digit code, when the mail carries one
  std::string token_hash;  // what the mailed link carries (its ticket)
  std::string redirect_to;
  std::string email_action_type;  // signup, recovery, magiclink, email_change, ...
  std::string site_url;
  std::string token_new;  // email change: the code for the new address
  std::string token_hash_new;
};

// What a verification attempt hook decided.
struct HookDecision {
  bool reject = false;
  std::string message;
  bool should_logout_user = false;
};

class Hooks {
 public:
  // `options` and `sender` must outlive the hooks.
  Hooks(const HookOptions& options, notify::WebhookSender& sender);
  Hooks(const Hooks&) = delete;
  Hooks& operator=(const Hooks&) = delete;

  const HookOptions& options() const { return options_; }

  // The claims (a JSON object, as text) the app wants in the access token of
  // `user_id` issued after `method` ("password", "otp", "token_refresh", ...).
  // REQUIRES: options().custom_access_token.enabled. Errors: hook-timeout,
  // hook-refused, hook-failed (naming the missing or mistyped claim).
  core::Result<std::string> CustomizeAccessToken(std::string_view user_id,
                                                 const std::string& claims_json,
                                                 std::string_view method) const;
  // Ok when the hook is off or lets `user` be created. Errors: hook-refused,
  // hook-timeout, hook-failed.
  core::Result<void> BeforeUserCreated(const core::User& user) const;
  // Tells the hook (when on) of `user`. Errors as BeforeUserCreated.
  core::Result<void> AfterUserCreated(const core::User& user) const;
  // REQUIRES: the hook is on. Errors: hook-refused, hook-timeout, hook-failed.
  core::Result<void> SendSms(const core::User& user, std::string_view otp) const;
  core::Result<void> SendEmail(const core::User& user, const EmailHookData& data) const;
  // The hook's decision; "continue" when the hook is off.
  core::Result<HookDecision> PasswordVerificationAttempt(std::string_view user_id,
                                                         bool valid) const;
  core::Result<HookDecision> MfaVerificationAttempt(std::string_view user_id,
                                                    std::string_view factor_id,
                                                    std::string_view factor_type, bool valid) const;

 private:
  // Posts `payload` to `hook` and returns the answer's JSON (an empty object
  // for an empty answer). `name` is the hook's, for messages.
  core::Result<nlohmann::json> Call(const HookEndpoint& hook, std::string_view name,
                                    const nlohmann::json& payload) const;

  const HookOptions& options_;
  notify::WebhookSender& sender_;
};

// The user as GoTrue's hook payloads show it (id, aud, role, email, phone,
// confirmation times, metadata, is_anonymous, times).
nlohmann::json HookUserJson(const core::User& user);

// Reads a hook's answer: Ok(json) for a 2xx answer without an error member
// (empty body = {}); hook-refused with the hook's message when it carries
// {"error": {"message"}}; hook-failed for any other status or a body that is
// not a JSON object.
core::Result<nlohmann::json> ReadHookAnswer(std::string_view name, long status,
                                            std::string_view body);

// The claims of a custom access token answer ({"claims": {...}}), checked for
// the claims every token must have with their types (aud, exp, iat, sub,
// email, phone, role, aal, session_id, is_anonymous). Errors: hook-failed
// naming the first claim missing or of the wrong type.
core::Result<nlohmann::json> CheckAccessTokenAnswer(const nlohmann::json& answer);

// The verification hooks' answer: {"decision": "reject"|"continue", "message",
// "should_logout_user"}. Errors: hook-failed for another decision.
core::Result<HookDecision> ReadHookDecision(std::string_view name, const nlohmann::json& answer);

}  // namespace gh::auth
