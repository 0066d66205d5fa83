// core::Error and core::Result<T>: the one error vocabulary of Gatehouse.
//
// Every flow returns Result<T>: either a value or an Error with a stable code
// (the strings of the native spec's ErrorResponse.error enum, plus a few of our
// own). Every code a flow, a store or the server raises is listed in errc below
// and nowhere else spelled out. Each API dialect owns a table from code to its
// own HTTP status and body (the native one is api/nhost/errors.cc); nothing
// below the api/ layer knows about HTTP statuses.
//
// Plain value types; safe to copy and to share between threads when not mutated.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace gh::core {

// Stable error codes. Adding one means adding its row to each dialect's table.
namespace errc {
inline constexpr std::string_view kInvalidRequest = "invalid-request";
inline constexpr std::string_view kInvalidEmailPassword = "invalid-email-password";
inline constexpr std::string_view kEmailAlreadyInUse = "email-already-in-use";
inline constexpr std::string_view kPhoneAlreadyInUse = "phone-already-in-use";
inline constexpr std::string_view kPasswordTooShort = "password-too-short";
inline constexpr std::string_view kPasswordInHibpDatabase = "password-in-hibp-database";
inline constexpr std::string_view kSignupDisabled = "signup-disabled";
inline constexpr std::string_view kDisabledUser = "disabled-user";
inline constexpr std::string_view kDisabledEndpoint = "disabled-endpoint";
inline constexpr std::string_view kUnverifiedUser = "unverified-user";
inline constexpr std::string_view kInvalidRefreshToken = "invalid-refresh-token";
inline constexpr std::string_view kInvalidToken = "invalid-token";  // bad access token
// A refresh token used again after its grace window: the session was revoked.
inline constexpr std::string_view kRefreshTokenReused = "refresh-token-reused";
// A valid access token whose session has ended (signed out, revoked, expired).
inline constexpr std::string_view kSessionNotFound = "session-not-found";
inline constexpr std::string_view kUnauthenticated = "unauthenticated-user";
inline constexpr std::string_view kDefaultRoleNotAllowed = "default-role-must-be-in-allowed-roles";
inline constexpr std::string_view kRoleNotAllowed = "role-not-allowed";
inline constexpr std::string_view kLocaleNotAllowed = "locale-not-allowed";
inline constexpr std::string_view kRedirectNotAllowed = "redirectTo-not-allowed";
inline constexpr std::string_view kForbiddenAnonymous = "forbidden-anonymous";
inline constexpr std::string_view kUserNotAnonymous = "user-not-anonymous";
inline constexpr std::string_view kUserNotFound = "user-not-found";
inline constexpr std::string_view kInvalidTicket = "invalid-ticket";
inline constexpr std::string_view kInvalidOtp = "invalid-otp";
// A signed-in password change needs a fresh reauthentication code (ours).
inline constexpr std::string_view kReauthenticationNeeded = "reauthentication-needed";
inline constexpr std::string_view kInvalidReauthentication = "invalid-reauthentication";
// The new password is the one the account already has (ours; GoTrue's same_password).
inline constexpr std::string_view kSamePassword = "same-password";
inline constexpr std::string_view kInvalidTotp = "invalid-totp";
inline constexpr std::string_view kDisabledMfaTotp = "disabled-mfa-totp";
inline constexpr std::string_view kNoTotpSecret = "no-totp-secret";
inline constexpr std::string_view kMfaTypeNotFound = "mfa-type-not-found";
inline constexpr std::string_view kTotpAlreadyActive = "totp-already-active";
// Second factors as records with ids (enrol, challenge, verify, unenrol).
inline constexpr std::string_view kMfaFactorNotFound = "mfa-factor-not-found";
inline constexpr std::string_view kMfaFactorNameConflict = "mfa-factor-name-conflict";
inline constexpr std::string_view kTooManyMfaFactors = "too-many-enrolled-mfa-factors";
inline constexpr std::string_view kMfaChallengeExpired = "mfa-challenge-expired";
// Personal access tokens: one that signs in to nothing (unknown, revoked or
// expired), and an id the caller has no token under (ours).
inline constexpr std::string_view kInvalidPat = "invalid-pat";
inline constexpr std::string_view kPatNotFound = "pat-not-found";
// The signed-in user has no live session with this id (the sessions list's
// revoke; another user's session gives the same answer). Ours.
inline constexpr std::string_view kUserSessionNotFound = "user-session-not-found";
// The session must have passed a second factor (aal2) for this.
inline constexpr std::string_view kInsufficientAal = "insufficient-aal";
// A passkey (WebAuthn) ceremony failed: the client data, authenticator
// data, attestation or signature does not check out, or the challenge is
// unknown, used or expired.
inline constexpr std::string_view kInvalidWebauthn = "invalid-webauthn";
// The signed-in user has no passkey with this id.
inline constexpr std::string_view kWebauthnCredentialNotFound = "webauthn-credential-not-found";
// The SMS provider did not take the message (unreachable, refused the number).
inline constexpr std::string_view kCannotSendSms = "cannot-send-sms";
// The app's auth hooks (auth/hooks.h): one answered with an error or a
// "reject" decision (its message is the hook's); one that gave no usable answer
// (unreachable, timed out, still busy after the retries); one whose answer is
// not what the hook must return (the message names the field).
inline constexpr std::string_view kHookRefused = "hook-refused";
inline constexpr std::string_view kHookTimeout = "hook-timeout";
inline constexpr std::string_view kHookFailed = "hook-failed";
// The MFA verification attempt hook rejected a second-factor code.
inline constexpr std::string_view kMfaVerificationRejected = "mfa-verification-rejected";
// OAuth / OIDC sign-in (the spec spells the exchange failure "echange").
inline constexpr std::string_view kInvalidState = "invalid-state";
inline constexpr std::string_view kOAuthTokenExchangeFailed = "oauth-token-echange-failed";
inline constexpr std::string_view kOAuthProfileFetchFailed = "oauth-profile-fetch-failed";
inline constexpr std::string_view kOAuthProviderError = "oauth-provider-error";
// A grant code whose lifetime is over (told apart from an unknown one), and a
// PKCE verifier that does not match the challenge the grant was issued for (ours).
inline constexpr std::string_view kGrantExpired = "grant-expired";
inline constexpr std::string_view kBadCodeVerifier = "bad-code-verifier";
// Linking and unlinking providers while signed in (ours): switched off
// (manual_linking_enabled), no such identity of the user, the account's last
// way in, an identity that belongs to another account.
inline constexpr std::string_view kManualLinkingDisabled = "manual-linking-disabled";
inline constexpr std::string_view kIdentityNotFound = "identity-not-found";
inline constexpr std::string_view kLastIdentity = "last-identity";
inline constexpr std::string_view kIdentityLinkedElsewhere = "identity-linked-elsewhere";
inline constexpr std::string_view kTooManyRequests = "too-many-requests";
inline constexpr std::string_view kOverloaded = "server-overloaded";     // hash pool full
inline constexpr std::string_view kUnavailable = "service-unavailable";  // store down
inline constexpr std::string_view kNotFound = "route-not-found";
inline constexpr std::string_view kMethodNotAllowed = "method-not-allowed";
inline constexpr std::string_view kPayloadTooLarge = "payload-too-large";
inline constexpr std::string_view kHeadersTooLarge = "headers-too-large";  // request line + headers
inline constexpr std::string_view kInternal = "internal-server-error";
}  // namespace errc

struct Error {
  std::string code;             // one of errc::*
  std::string message;          // readable, safe to show to an end user
  int retry_after_seconds = 0;  // > 0 for kTooManyRequests / kOverloaded / kUnavailable

  Error() = default;
  Error(std::string_view c, std::string m, int retry_after = 0)
      : code(c), message(std::move(m)), retry_after_seconds(retry_after) {}
  bool Is(std::string_view c) const { return code == c; }
};

// Result<T>: a T or an Error. Result<void> carries only success or an Error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok().
  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // REQUIRES: !ok().
  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

inline Result<void> Ok() { return Result<void>(); }

}  // namespace gh::core
