#include "auth/hooks.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "core/clock.h"
#include "crypto/random.h"

namespace gh::auth {

using nlohmann::json;

namespace {

core::Error Failed(std::string_view name, const std::string& what) {
  return core::Error(core::errc::kHookFailed, "The " + std::string(name) + " hook " + what);
}

json ObjectOr(const std::string& text) {
  json parsed = json::parse(text, nullptr, false);
  return parsed.is_object() ? parsed : json::object();
}

json OptTime(const std::optional<core::UnixMillis>& t) {
  return t ? json(core::FormatRfc3339(*t)) : json(nullptr);
}

// What the user-created hooks get besides the user (GoTrue's metadata).
json EventMetadata(std::string_view name) {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return {{"uuid", crypto::RandomUuid()},
          {"time", core::FormatRfc3339(now)},
          {"name", std::string(name)}};
}

// One required claim: `check` says whether the value has the right type.
struct RequiredClaim {
  const char* name;
  const char* type;  // for the message
  bool (*check)(const json&);
};

bool IsString(const json& v) { return v.is_string(); }
bool IsInteger(const json& v) { return v.is_number_integer() || v.is_number_unsigned(); }
bool IsBool(const json& v) { return v.is_boolean(); }
bool IsAudience(const json& v) {
  if (v.is_string()) return true;
  if (!v.is_array()) return false;
  for (const json& item : v)
    if (!item.is_string()) return false;
  return true;
}

// GoTrue's required claims of a customised access token, in its order.
constexpr RequiredClaim kRequiredClaims[] = {
    {"aud", "a string or a list of strings", IsAudience},
    {"exp", "an integer", IsInteger},
    {"iat", "an integer", IsInteger},
    {"sub", "a string", IsString},
    {"email", "a string", IsString},
    {"phone", "a string", IsString},
    {"role", "a string", IsString},
    {"aal", "a string", IsString},
    {"session_id", "a string", IsString},
    {"is_anonymous", "a boolean", IsBool},
};

}  // namespace

bool HookOptions::any() const {
  return custom_access_token.enabled || before_user_created.enabled || after_user_created.enabled ||
         send_sms.enabled || send_email.enabled || password_verification_attempt.enabled ||
         mfa_verification_attempt.enabled;
}

Hooks::Hooks(const HookOptions& options, notify::WebhookSender& sender)
    : options_(options), sender_(sender) {}

json HookUserJson(const core::User& user) {
  return {
      {"id", user.id},
      {"aud", "authenticated"},
      {"role", "authenticated"},
      {"email", user.email.value_or("")},
      {"phone", user.phone_number ? user.phone_number->substr(user.phone_number->rfind('+') == 0)
                                  : std::string()},
      {"email_confirmed_at", OptTime(user.email_confirmed_at)},
      {"phone_confirmed_at", OptTime(user.phone_confirmed_at)},
      {"app_metadata", ObjectOr(user.app_metadata_json)},
      {"user_metadata", ObjectOr(user.metadata_json)},
      {"is_anonymous", user.is_anonymous},
      {"created_at", core::FormatRfc3339(user.created_at)},
      {"updated_at", core::FormatRfc3339(user.updated_at)},
  };
}

core::Result<json> ReadHookAnswer(std::string_view name, long status, std::string_view body) {
  json answer = json::object();
  const bool empty = body.find_first_not_of(" \t\r\n") == std::string_view::npos;
  if (!empty) answer = json::parse(body, nullptr, false);
  if (answer.is_object()) {
    auto error = answer.find("error");
    if (error != answer.end() && error->is_object()) {
      std::string message = error->value("message", "");
      if (message.empty()) message = "The " + std::string(name) + " hook refused the request";
      return core::Error(core::errc::kHookRefused, std::move(message));
    }
  }
  if (status / 100 != 2) return Failed(name, "answered HTTP " + std::to_string(status));
  if (!answer.is_object()) return Failed(name, "answered something that is not a JSON object");
  return answer;
}

core::Result<json> CheckAccessTokenAnswer(const json& answer) {
  constexpr std::string_view kName = "custom access token";
  auto claims = answer.find("claims");
  if (claims == answer.end()) return Failed(kName, "answered without \"claims\"");
  if (!claims->is_object()) return Failed(kName, "answered \"claims\" that is not an object");
  for (const RequiredClaim& c : kRequiredClaims) {
    auto v = claims->find(c.name);
    if (v == claims->end())
      return Failed(kName,
                    "answered claims without the required claim \"" + std::string(c.name) + "\"");
    if (!c.check(*v))
      return Failed(kName, "answered claim \"" + std::string(c.name) + "\" that is not " + c.type);
  }
  if (auto amr = claims->find("amr"); amr != claims->end() && !amr->is_array())
    return Failed(kName, "answered claim \"amr\" that is not a list");
  return *claims;
}

core::Result<HookDecision> ReadHookDecision(std::string_view name, const json& answer) {
  HookDecision d;
  auto decision = answer.find("decision");
  if (decision == answer.end() || !decision->is_string())
    return Failed(name, "answered without a \"decision\"");
  const std::string& text = decision->get_ref<const std::string&>();
  if (text != "reject" && text != "continue")
    return Failed(name, "answered decision \"" + text + "\" (expected reject or continue)");
  d.reject = text == "reject";
  if (auto m = answer.find("message"); m != answer.end() && m->is_string())
    d.message = m->get<std::string>();
  if (auto l = answer.find("should_logout_user"); l != answer.end() && l->is_boolean())
    d.should_logout_user = l->get<bool>();
  return d;
}

core::Result<json> Hooks::Call(const HookEndpoint& hook, std::string_view name,
                               const json& payload) const {
  auto answer = sender_.Post(notify::WebhookTarget{hook.uri, hook.secrets},
                             payload.dump(-1, ' ', false, json::error_handler_t::replace));
  if (!answer) {
    spdlog::warn("{} hook: {}", name, answer.error().message);
    return answer.error();
  }
  auto read = ReadHookAnswer(name, answer->status, answer->body);
  if (!read && !read.error().Is(core::errc::kHookRefused))
    spdlog::warn("{} hook: {}", name, read.error().message);
  return read;
}

core::Result<std::string> Hooks::CustomizeAccessToken(std::string_view user_id,
                                                      const std::string& claims_json,
                                                      std::string_view method) const {
  json payload = {{"user_id", std::string(user_id)},
                  {"claims", json::parse(claims_json, nullptr, false)},
                  {"authentication_method", std::string(method)}};
  auto answer = Call(options_.custom_access_token, "custom access token", payload);
  if (!answer) return answer.error();
  auto claims = CheckAccessTokenAnswer(*answer);
  if (!claims) {
    spdlog::warn("custom access token hook: {}", claims.error().message);
    return claims.error();
  }
  return claims->dump();
}

core::Result<void> Hooks::BeforeUserCreated(const core::User& user) const {
  if (!options_.before_user_created.enabled) return core::Ok();
  json payload = {{"metadata", EventMetadata("before-user-created")}, {"user", HookUserJson(user)}};
  if (auto r = Call(options_.before_user_created, "before user created", payload); !r)
    return r.error();
  return core::Ok();
}

core::Result<void> Hooks::AfterUserCreated(const core::User& user) const {
  if (!options_.after_user_created.enabled) return core::Ok();
  json payload = {{"metadata", EventMetadata("after-user-created")}, {"user", HookUserJson(user)}};
  if (auto r = Call(options_.after_user_created, "after user created", payload); !r)
    return r.error();
  return core::Ok();
}

core::Result<void> Hooks::SendSms(const core::User& user, std::string_view otp) const {
  json payload = {{"user", HookUserJson(user)}, {"sms", {{"otp", std::string(otp)}}}};
  if (auto r = Call(options_.send_sms, "send sms", payload); !r) return r.error();
  return core::Ok();
}

core::Result<void> Hooks::SendEmail(const core::User& user, const EmailHookData& d) const {
  json payload = {{"user", HookUserJson(user)},
                  {"email_data",
                   {{"token", d.token},
                    {"token_hash", d.token_hash},
                    {"redirect_to", d.redirect_to},
                    {"email_action_type", d.email_action_type},
                    {"site_url", d.site_url},
                    {"token_new", d.token_new},
                    {"token_hash_new", d.token_hash_new}}}};
  if (auto r = Call(options_.send_email, "send email", payload); !r) return r.error();
  return core::Ok();
}

core::Result<HookDecision> Hooks::PasswordVerificationAttempt(std::string_view user_id,
                                                              bool valid) const {
  if (!options_.password_verification_attempt.enabled) return HookDecision{};
  constexpr std::string_view kName = "password verification attempt";
  json payload = {{"user_id", std::string(user_id)}, {"valid", valid}};
  auto answer = Call(options_.password_verification_attempt, kName, payload);
  if (!answer) return answer.error();
  return ReadHookDecision(kName, *answer);
}

core::Result<HookDecision> Hooks::MfaVerificationAttempt(std::string_view user_id,
                                                         std::string_view factor_id,
                                                         std::string_view factor_type,
                                                         bool valid) const {
  if (!options_.mfa_verification_attempt.enabled) return HookDecision{};
  constexpr std::string_view kName = "MFA verification attempt";
  json payload = {{"factor_id", std::string(factor_id)},
                  {"factor_type", std::string(factor_type)},
                  {"user_id", std::string(user_id)},
                  {"valid", valid}};
  auto answer = Call(options_.mfa_verification_attempt, kName, payload);
  if (!answer) return answer.error();
  return ReadHookDecision(kName, *answer);
}

}  // namespace gh::auth
