#include "api/gotrue/errors.h"

#include "api/common/json_body.h"

namespace gh::api::gotrue {

namespace {

struct Row {
  std::string_view code;
  int status;
  std::string_view error_code;
  // GoTrue's own wording, for codes apps match messages on; empty = the flow's.
  std::string_view message;
};

// One row per code of core/error.h: the status and error_code GoTrue answers
// for the same situation (supabase/auth's apierrors), its message where it has
// a fixed one.
constexpr Row kTable[] = {
    // The request itself.
    {core::errc::kInvalidRequest, 400, "validation_failed", ""},
    {core::errc::kDefaultRoleNotAllowed, 400, "validation_failed", ""},
    {core::errc::kRoleNotAllowed, 400, "validation_failed", ""},
    {core::errc::kLocaleNotAllowed, 400, "validation_failed", ""},
    {core::errc::kRedirectNotAllowed, 400, "validation_failed", ""},
    {core::errc::kPasswordTooShort, 422, "weak_password", ""},
    {core::errc::kPasswordInHibpDatabase, 422, "weak_password", ""},
    {core::errc::kUserNotAnonymous, 422, "validation_failed", ""},
    {core::errc::kUserNotFound, 404, "user_not_found", "User not found"},
    {core::errc::kNoTotpSecret, 422, "validation_failed", ""},
    {core::errc::kMfaTypeNotFound, 422, "validation_failed", ""},
    {core::errc::kTotpAlreadyActive, 422, "mfa_verified_factor_exists", ""},
    // Second factors.
    {core::errc::kMfaFactorNotFound, 404, "mfa_factor_not_found", "Factor not found"},
    {core::errc::kMfaFactorNameConflict, 422, "mfa_factor_name_conflict", ""},
    {core::errc::kTooManyMfaFactors, 422, "too_many_enrolled_mfa_factors", ""},
    {core::errc::kMfaChallengeExpired, 422, "mfa_challenge_expired", ""},
    {core::errc::kInvalidTotp, 422, "mfa_verification_failed", "Invalid TOTP code entered"},
    {core::errc::kDisabledMfaTotp, 422, "mfa_totp_verify_not_enabled", ""},
    {core::errc::kInsufficientAal, 403, "insufficient_aal", ""},
    // Passkeys: no GoTrue route raises these yet (the GoTrue webauthn factor comes later).
    {core::errc::kInvalidWebauthn, 422, "mfa_verification_failed", ""},
    {core::errc::kWebauthnCredentialNotFound, 404, "mfa_factor_not_found", "Factor not found"},
    // Codes and links.
    {core::errc::kInvalidOtp, 403, "otp_expired", "Token has expired or is invalid"},
    {core::errc::kInvalidTicket, 403, "otp_expired", "Email link is invalid or has expired"},
    {core::errc::kReauthenticationNeeded, 400, "reauthentication_needed",
     "Password update requires reauthentication"},
    {core::errc::kInvalidReauthentication, 422, "reauthentication_not_valid",
     "Nonce has expired or is invalid"},
    {core::errc::kSamePassword, 422, "same_password",
     "New password should be different from the old password."},
    {core::errc::kCannotSendSms, 500, "sms_send_failed", ""},
    // Auth hooks: GoTrue answers a hook's own error with unexpected_failure and
    // the hook's message, a hook that never answers with hook_timeout, a
    // rejected MFA attempt with mfa_verification_rejected.
    {core::errc::kHookRefused, 403, "unexpected_failure", ""},
    {core::errc::kMfaVerificationRejected, 403, "mfa_verification_rejected", ""},
    {core::errc::kHookTimeout, 500, "hook_timeout", ""},
    {core::errc::kHookFailed, 500, "unexpected_failure", ""},
    // OAuth.
    {core::errc::kInvalidState, 400, "bad_oauth_state", "OAuth state is invalid"},
    {core::errc::kOAuthTokenExchangeFailed, 400, "bad_oauth_callback", ""},
    {core::errc::kOAuthProfileFetchFailed, 400, "bad_oauth_callback", ""},
    {core::errc::kOAuthProviderError, 400, "bad_oauth_callback", ""},
    {core::errc::kGrantExpired, 422, "flow_state_expired",
     "The sign-in code has expired; start the sign-in again"},
    {core::errc::kBadCodeVerifier, 400, "bad_code_verifier",
     "The code verifier does not match the code challenge of this sign-in"},
    // Linking identities while signed in.
    {core::errc::kManualLinkingDisabled, 404, "manual_linking_disabled",
     "Linking identities is switched off"},
    {core::errc::kIdentityNotFound, 422, "identity_not_found", "No such identity on this account"},
    {core::errc::kLastIdentity, 422, "single_identity_not_deletable",
     "The account would have no way left to sign in"},
    {core::errc::kIdentityLinkedElsewhere, 422, "identity_already_exists",
     "This identity is linked to another account"},
    // Who the caller is.
    {core::errc::kInvalidEmailPassword, 400, "invalid_credentials", "Invalid login credentials"},
    {core::errc::kInvalidRefreshToken, 400, "refresh_token_not_found",
     "Invalid Refresh Token: Refresh Token Not Found"},
    {core::errc::kRefreshTokenReused, 400, "refresh_token_already_used",
     "Invalid Refresh Token: Already Used"},
    // Personal access tokens are native only; should a GoTrue route raise these,
    // a token that signs in to nothing is a wrong credential, and an unknown
    // token id is GoTrue's plain 404.
    {core::errc::kInvalidPat, 400, "invalid_credentials", ""},
    {core::errc::kPatNotFound, 404, "not_found", ""},
    {core::errc::kUserSessionNotFound, 404, "not_found", ""},  // ours: a user's session by id
    {core::errc::kUnverifiedUser, 400, "email_not_confirmed", "Email not confirmed"},
    {core::errc::kDisabledUser, 400, "user_banned", "User is banned"},
    {core::errc::kUnauthenticated, 401, "no_authorization",
     "This endpoint requires a Bearer token"},
    {core::errc::kInvalidToken, 403, "bad_jwt", ""},
    {core::errc::kSessionNotFound, 403, "session_not_found",
     "Session from session_id claim in JWT does not exist"},
    // Allowed to nobody, or not to this kind of user.
    {core::errc::kSignupDisabled, 422, "signup_disabled", "Signups not allowed for this instance"},
    {core::errc::kForbiddenAnonymous, 403, "not_admin", ""},
    {core::errc::kDisabledEndpoint, 422, "provider_disabled", ""},
    // Conflicts.
    {core::errc::kEmailAlreadyInUse, 422, "user_already_exists", "User already registered"},
    {core::errc::kPhoneAlreadyInUse, 422, "phone_exists",
     "A user with this phone number has already been registered"},
    // Raised by the server around a handler.
    {core::errc::kNotFound, 404, "not_found", ""},
    {core::errc::kMethodNotAllowed, 405, "method_not_allowed", ""},
    {core::errc::kPayloadTooLarge, 413, "request_too_large", ""},
    {core::errc::kHeadersTooLarge, 431, "request_too_large", ""},
    {core::errc::kTooManyRequests, 429, "over_request_rate_limit", ""},
    {core::errc::kOverloaded, 429, "over_request_rate_limit", ""},
    {core::errc::kUnavailable, 503, "unexpected_failure", ""},
    {core::errc::kInternal, 500, "unexpected_failure", ""},
};

const Row* Find(std::string_view code) {
  for (const Row& row : kTable) {
    if (row.code == code) return &row;
  }
  return nullptr;
}

// The API version GoTrue introduced the {code: <error_code>, message} body with.
constexpr std::string_view kVersion20240101 = "2024-01-01";

bool WantsNamedCodes(const http::Request& request) {
  std::string_view v = request.Header("x-supabase-api-version");
  // Versions are dates (YYYY-MM-DD): later ones compare greater as text.
  return v.size() == kVersion20240101.size() && v >= kVersion20240101;
}

}  // namespace

bool HasRow(std::string_view code) { return Find(code) != nullptr; }

Problem Translate(const core::Error& error) {
  Problem p;
  p.retry_after_seconds = error.retry_after_seconds;
  const Row* row = Find(error.code);
  if (!row) {
    p.status = 400;
    p.error_code = "validation_failed";
    p.message = error.message;
    return p;
  }
  p.status = row->status;
  p.error_code = std::string(row->error_code);
  p.message = row->message.empty() ? error.message : std::string(row->message);
  if (error.code == core::errc::kPasswordTooShort) p.weak_password_reason = "length";
  if (error.code == core::errc::kPasswordInHibpDatabase) p.weak_password_reason = "pwned";
  if (error.code == core::errc::kInvalidToken)
    p.message = "invalid JWT: unable to parse or verify signature, " + error.message;
  return p;
}

Problem TranslateDisabled(const core::Error& error, std::string_view code,
                          std::string_view message) {
  Problem p = Translate(error);
  if (error.code != core::errc::kDisabledEndpoint) return p;
  p.error_code = std::string(code);
  if (!message.empty()) p.message = std::string(message);
  return p;
}

http::Response Render(const http::Request& request, const Problem& p) {
  Json body;
  const bool named = WantsNamedCodes(request);
  if (named) {
    body = {{"code", p.error_code}, {"message", p.message}};
  } else {
    body = {{"code", p.status}, {"error_code", p.error_code}, {"msg", p.message}};
  }
  if (!p.weak_password_reason.empty())
    body["weak_password"] = {{"reasons", Json::array({p.weak_password_reason})}};
  // Invalid UTF-8 that slipped into a message is replaced, not thrown at the worker.
  http::Response r =
      http::Response::Json(p.status, body.dump(-1, ' ', false, Json::error_handler_t::replace));
  r.headers.emplace_back("x-sb-error-code", p.error_code);
  // supabase-js reads the body's shape from the version the answer names.
  if (named) r.headers.emplace_back("X-Supabase-Api-Version", std::string(kVersion20240101));
  if (p.retry_after_seconds > 0)
    r.headers.emplace_back("Retry-After", std::to_string(p.retry_after_seconds));
  return r;
}

http::Response RenderOAuthError(int status, std::string_view error, std::string_view description) {
  Json body = {{"error", error}, {"error_description", description}};
  return http::Response::Json(status, body.dump(-1, ' ', false, Json::error_handler_t::replace));
}

http::Response ErrorResponse(const http::Request& request, const core::Error& error) {
  return Render(request, Translate(error));
}

http::Response RenderError(const http::Request& request, const core::Error& error) {
  return ErrorResponse(request, error);
}

}  // namespace gh::api::gotrue
