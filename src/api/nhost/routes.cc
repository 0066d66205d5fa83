// The native route table: which endpoint runs on which lane, with which rate
// limit (its route class, built once in app/). Handlers live in the file of
// their endpoint group.
#include "api/nhost/endpoints.h"
#include "api/nhost/nhost.h"

namespace gh::api::nhost {

void RegisterRoutes(http::Router& router, const Deps& deps, const http::RouteClasses& classes,
                    const std::string& prefix) {
  const http::RouteClasses& c = classes;
  // Routes that set a password start on the remote lane while the breach check
  // asks its service (see sets_password.h).
  router.Add("POST", prefix + "/signup/email-password", SignUpEmailPassword(deps),
             http::Spending(c.sets_password, http::budget::kPasswordSignUp));
  router.Add("POST", prefix + "/signin/email-password", SignInEmailPassword(deps),
             http::Spending(c.hashing, http::budget::kPasswordSignIn));
  router.Add("POST", prefix + "/signin/anonymous", SignInAnonymous(deps),
             http::Spending(c.anonymous, http::budget::kAnonymousSignIn));
  router.Add("POST", prefix + "/user/deanonymize", DeanonymizeUser(deps), c.sets_password);
  // Second-factor codes are guessable: the sign-in budget per IP.
  router.Add("GET", prefix + "/mfa/totp/generate", GenerateTotp(deps),
             http::Spending(c.guessing, http::budget::kMfaEnroll));
  router.Add("POST", prefix + "/user/mfa", ChangeUserMfa(deps),
             http::Spending(c.guessing, http::budget::kMfaCode));
  router.Add("POST", prefix + "/signin/mfa/totp", SignInMfaTotp(deps),
             http::Spending(c.guessing, http::budget::kMfaCode));
  router.Add("POST", prefix + "/user/mfa/recovery-codes", RegenerateRecoveryCodes(deps),
             http::Spending(c.guessing, http::budget::kMfaCode));
  // A token is a secret to guess; making, listing and revoking need a session.
  router.Add("POST", prefix + "/signin/pat", SignInPat(deps), c.guessing);
  router.Add("POST", prefix + "/pat", CreatePat(deps), c.token);
  router.Add("GET", prefix + "/pat", ListPats(deps), c.token);
  router.Add("DELETE", prefix + "/pat/{id}", RevokePat(deps), c.token);
  if (deps.devices) {
    router.Add("GET", prefix + "/user/sessions", ListUserSessions(deps), c.token);
    router.Add("DELETE", prefix + "/user/sessions", RevokeOtherUserSessions(deps), c.token);
    router.Add("DELETE", prefix + "/user/sessions/{id}", RevokeUserSession(deps), c.token);
  }
  if (deps.sms) {
    router.Add("POST", prefix + "/signin/passwordless/sms", SignInPasswordlessSms(deps),
               http::Spending(c.sending_sms, http::budget::kSmsSignInCode));
    router.Add("POST", prefix + "/signin/passwordless/sms/otp", SignInPasswordlessSmsOtp(deps),
               http::Spending(c.guessing, http::budget::kSmsSignInCheck));
    router.Add("POST", prefix + "/signup/phone-password", SignUpPhonePassword(deps),
               http::Spending(c.sets_password, http::budget::kPasswordSignUp));
    router.Add("POST", prefix + "/signin/phone-password", SignInPhonePassword(deps),
               http::Spending(c.hashing, http::budget::kPasswordSignIn));
    router.Add("POST", prefix + "/user/phone/change", ChangePhone(deps),
               http::Spending(c.sending_sms, http::budget::kPhoneChangeCode));
    router.Add("POST", prefix + "/user/phone/change/verify", VerifyPhoneChange(deps),
               http::Spending(c.guessing, http::budget::kPhoneChangeCheck));
  }
  if (deps.oauth) {
    // Each start and callback reaches a provider, and states, grant codes and ID
    // tokens are things to guess.
    const std::string p = prefix + "/signin/provider/{provider}";
    router.Add("GET", p, SignInProvider(deps), c.remote);
    // A browser lands on the callback with whatever the provider sent: the
    // handler answers a redirect (invalid-state, ...) for any bytes.
    http::RouteOptions callback = c.remote;
    callback.opaque_query = true;
    router.Add("GET", p + "/callback", SignInProviderCallbackGet(deps), callback);
    router.Add("POST", p + "/callback", SignInProviderCallbackPost(deps), callback);
    // A literal segment beats {provider}, and no provider route takes POST here.
    router.Add("POST", prefix + "/signin/provider/grant", SignInProviderGrant(deps), c.remote);
    router.Add("POST", prefix + "/signin/idtoken", SignInIdToken(deps), c.remote);
    router.Add("POST", prefix + "/link/idtoken", LinkIdToken(deps), c.remote);
    router.Add("GET", prefix + "/user/providers", ListUserProviders(deps), c.token);
    router.Add("DELETE", prefix + "/user/providers/{provider}", UnlinkUserProvider(deps), c.token);
  }
  if (deps.passkeys) {
    // Starts write a challenge row and verify steps check a signature: both
    // spend the guessing budget. The sign-up's verify may mail (verification).
    router.Add("POST", prefix + "/signup/webauthn", SignUpWebauthn(deps), c.guessing);
    router.Add("POST", prefix + "/signup/webauthn/verify", VerifySignUpWebauthn(deps),
               c.sending_email);
    router.Add("POST", prefix + "/signin/webauthn", SignInWebauthn(deps), c.guessing);
    router.Add("POST", prefix + "/signin/webauthn/verify", VerifySignInWebauthn(deps), c.guessing);
    router.Add("POST", prefix + "/user/webauthn/add", AddSecurityKey(deps), c.token);
    router.Add("POST", prefix + "/user/webauthn/verify", VerifyAddSecurityKey(deps), c.guessing);
    router.Add("POST", prefix + "/elevate/webauthn", ElevateWebauthn(deps), c.token);
    router.Add("POST", prefix + "/elevate/webauthn/verify", VerifyElevateWebauthn(deps),
               c.guessing);
    router.Add("GET", prefix + "/user/webauthn", ListSecurityKeys(deps), c.token);
    router.Add("DELETE", prefix + "/user/webauthn/{id}", RemoveSecurityKey(deps), c.token);
  }
  router.Add("POST", prefix + "/token", RefreshToken(deps),
             http::Spending(c.token, http::budget::kRefresh));
  router.Add("POST", prefix + "/token/verify", VerifyToken(deps), c.token);
  router.Add("POST", prefix + "/signout", SignOut(deps),
             http::Spending(c.token, http::budget::kSignOut));
  router.Add("GET", prefix + "/user", GetUser(deps), http::Spending(c.token, http::budget::kUser));
  router.Add("GET", prefix + "/healthz", Healthz(deps), c.plain);
  router.Add("HEAD", prefix + "/healthz", Healthz(deps), c.plain);
  router.Add("GET", prefix + "/version", Version(deps), c.plain);
  router.Add("GET", prefix + "/.well-known/jwks.json", Jwks(deps), c.plain);
  router.Add("GET", prefix + "/openapi.json", OpenApi(deps), c.plain);
}

}  // namespace gh::api::nhost
