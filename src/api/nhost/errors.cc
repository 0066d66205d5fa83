#include "api/nhost/errors.h"
#include "api/nhost/native_codes.h"

#include <string>

#include "api/common/json_body.h"

namespace gh::api::nhost {

namespace {

struct Row {
  std::string_view code;
  int status;
};

// One row per code of core/error.h. The status is hasura-auth's for the same
// code unless the comment says otherwise (docs/api.md lists every difference).
constexpr Row kTable[] = {
    // The request itself: refused for its content.
    {core::errc::kInvalidRequest, 400},
    {core::errc::kDefaultRoleNotAllowed, 400},
    {core::errc::kRoleNotAllowed, 400},
    {core::errc::kLocaleNotAllowed, 400},
    {core::errc::kRedirectNotAllowed, 400},
    {core::errc::kPasswordTooShort, 400},
    {core::errc::kPasswordInHibpDatabase, 400},
    {core::errc::kUserNotAnonymous, 400},
    {core::errc::kUserNotFound, 400},
    {core::errc::kNoTotpSecret, 400},
    {core::errc::kMfaTypeNotFound, 400},
    {core::errc::kTotpAlreadyActive, 400},
    // Factor records: no native route raises these yet (ours).
    {core::errc::kMfaFactorNotFound, 400},
    {core::errc::kMfaFactorNameConflict, 400},
    {core::errc::kTooManyMfaFactors, 400},
    {core::errc::kMfaChallengeExpired, 400},
    {core::errc::kInvalidOtp, 400},
    // Ours: the reauthentication a signed-in password change may need, and a
    // new password equal to the old (GoTrue's rules, raised by the shared flow).
    {core::errc::kReauthenticationNeeded, 400},
    {core::errc::kInvalidReauthentication, 400},
    {core::errc::kSamePassword, 400},
    {core::errc::kWebauthnCredentialNotFound, 400},  // ours: DELETE /user/webauthn/{id}
    {core::errc::kPatNotFound, 404},          // ours: DELETE /pat/{id} of no token of the caller's
    {core::errc::kUserSessionNotFound, 404},  // ours: DELETE /user/sessions/{id}, likewise
    // OAuth sign-in. These mostly travel in the callback redirect; as JSON (the
    // start of a sign-in whose provider cannot be reached) hasura-auth says 400.
    {core::errc::kInvalidState, 400},
    {core::errc::kOAuthTokenExchangeFailed, 400},
    {core::errc::kOAuthProfileFetchFailed, 400},
    {core::errc::kOAuthProviderError, 400},
    // Ours; rendered as the native codes for the same situation (see ErrorResponse).
    {core::errc::kIdentityNotFound, 400},
    {core::errc::kLastIdentity, 400},
    {core::errc::kIdentityLinkedElsewhere, 400},
    {core::errc::kCannotSendSms, 400},
    // The app's auth hooks (ours: hasura-auth has none). A refusal is the
    // app's answer to the request; a hook that fails is the server's trouble.
    {core::errc::kHookRefused, 403},
    {core::errc::kMfaVerificationRejected, 401},
    {core::errc::kHookTimeout, 500},
    {core::errc::kHookFailed, 500},
    // Who the caller is: credentials, tickets and codes that do not prove it.
    {core::errc::kInvalidEmailPassword, 401},
    {core::errc::kInvalidRefreshToken, 401},
    {core::errc::kInvalidTicket, 401},
    {core::errc::kGrantExpired, 401},     // rendered as invalid-ticket
    {core::errc::kBadCodeVerifier, 401},  // likewise
    {core::errc::kInvalidPat, 401},
    {core::errc::kInvalidTotp, 401},
    {core::errc::kInvalidWebauthn, 401},  // ours: a passkey ceremony that does not check out
    {core::errc::kDisabledMfaTotp, 401},
    {core::errc::kUnverifiedUser, 401},
    {core::errc::kDisabledUser, 401},
    {core::errc::kUnauthenticated, 401},
    {core::errc::kInvalidToken, 401},        // rendered as unauthenticated-user, see ErrorResponse
    {core::errc::kSessionNotFound, 401},     // likewise
    {core::errc::kRefreshTokenReused, 401},  // rendered as invalid-refresh-token
    // Allowed to nobody, or not to this kind of user.
    {core::errc::kSignupDisabled, 403},
    {core::errc::kForbiddenAnonymous, 403},
    {core::errc::kInsufficientAal, 403},  // ours
    // A state the request conflicts with.
    {core::errc::kEmailAlreadyInUse, 409},
    {core::errc::kPhoneAlreadyInUse, 409},  // ours; the same status as a taken email
    {core::errc::kDisabledEndpoint, 409},
    {core::errc::kManualLinkingDisabled, 409},  // rendered as disabled-endpoint
    // Raised by the server itself, before or around a handler (ours, except 404).
    {core::errc::kNotFound, 404},
    {core::errc::kMethodNotAllowed, 405},
    {core::errc::kPayloadTooLarge, 413},
    {core::errc::kHeadersTooLarge, 431},
    {core::errc::kTooManyRequests, 429},
    {core::errc::kOverloaded, 429},
    {core::errc::kUnavailable, 503},
    {core::errc::kInternal, 500},
};

// Invalid UTF-8 that slipped into a message is replaced, not thrown at the worker.
std::string Dump(const Json& body) {
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

bool HasRow(std::string_view code) {
  for (const Row& row : kTable) {
    if (row.code == code) return true;
  }
  return false;
}

int StatusFor(std::string_view code) {
  for (const Row& row : kTable) {
    if (row.code == code) return row.status;
  }
  return 400;
}

std::string_view NativeOAuthCode(std::string_view code) {
  if (code == core::errc::kGrantExpired || code == core::errc::kBadCodeVerifier)
    return core::errc::kInvalidTicket;
  if (code == core::errc::kManualLinkingDisabled) return core::errc::kDisabledEndpoint;
  if (code == core::errc::kIdentityNotFound || code == core::errc::kLastIdentity ||
      code == core::errc::kIdentityLinkedElsewhere)
    return core::errc::kInvalidRequest;
  return code;
}

http::Response ErrorResponse(const core::Error& error) {
  const int status = StatusFor(error.code);
  // The native vocabulary has no code for a bad access token; a request carrying
  // one is simply not authenticated (the message says why).
  std::string_view code = error.code;
  if (code == core::errc::kInvalidToken || code == core::errc::kSessionNotFound)
    code = core::errc::kUnauthenticated;
  // Nhost has one code for every refresh token it refuses.
  if (code == core::errc::kRefreshTokenReused) code = core::errc::kInvalidRefreshToken;
  code = NativeOAuthCode(code);
  Json body = {{"status", status}, {"error", code}, {"message", error.message}};
  http::Response r = http::Response::Json(status, Dump(body));
  if (error.retry_after_seconds > 0)
    r.headers.emplace_back("Retry-After", std::to_string(error.retry_after_seconds));
  return r;
}

http::Response RenderError(const http::Request&, const core::Error& error) {
  return ErrorResponse(error);
}

}  // namespace gh::api::nhost
