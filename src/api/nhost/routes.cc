// The native route table: which endpoint runs on which lane, with which rate
// limit. Handlers live in the file of their endpoint group.
#include "api/nhost/endpoints.h"
#include "api/nhost/nhost.h"
#include "api/nhost/sets_password.h"

#include <algorithm>

namespace gh::api::nhost {

void RegisterRoutes(http::Router& router, const Deps& deps, const std::string& prefix) {
  const config::Config& c = deps.config;
  http::RouteOptions hashing;  // sign-in and sign-up: password hashing, guessing
  hashing.lane = http::Lane::kHashing;
  hashing.rate_limit_per_minute = c.rate_limit_signin_per_minute;
  hashing.rate_limit_burst = c.rate_limit_signin_burst;
  http::RouteOptions token;  // refresh and verify
  token.rate_limit_per_minute = c.rate_limit_token_per_minute;
  token.rate_limit_burst = c.rate_limit_token_burst;
  http::RouteOptions plain;

  // Routes that set a password: on the remote lane while the breach check asks
  // its service (see sets_password.h).
  const http::RouteOptions sets_password = SetsPasswordRoute(deps, hashing);
  router.Add("POST", prefix + "/signup/email-password", SignUpEmailPassword(deps), sets_password);
  router.Add("POST", prefix + "/signin/email-password", SignInEmailPassword(deps), hashing);
  http::RouteOptions anonymous;  // creates a user per call: its own, hourly budget
  anonymous.rate_limit_per_minute = c.rate_limit_anonymous_per_hour / 60.0;
  anonymous.rate_limit_burst = std::min(c.rate_limit_anonymous_per_hour, 10);
  router.Add("POST", prefix + "/signin/anonymous", SignInAnonymous(deps), anonymous);
  router.Add("POST", prefix + "/user/deanonymize", DeanonymizeUser(deps), sets_password);
  http::RouteOptions mfa;  // second-factor codes: guessable, so the sign-in budget per IP
  mfa.rate_limit_per_minute = c.rate_limit_signin_per_minute;
  mfa.rate_limit_burst = c.rate_limit_signin_burst;
  router.Add("GET", prefix + "/mfa/totp/generate", GenerateTotp(deps), mfa);
  router.Add("POST", prefix + "/user/mfa", ChangeUserMfa(deps), mfa);
  router.Add("POST", prefix + "/signin/mfa/totp", SignInMfaTotp(deps), mfa);
  router.Add("POST", prefix + "/user/mfa/recovery-codes", RegenerateRecoveryCodes(deps), mfa);
  if (deps.sms) {
    http::RouteOptions sms;          // each call may cost a text message: an hourly budget per IP
    sms.lane = http::Lane::kRemote;  // waits on the SMS provider
    sms.rate_limit_per_minute = c.rate_limit_sms_per_hour / 60.0;
    sms.rate_limit_burst =  // a minute's worth, at least 5
        std::max(std::min(c.rate_limit_sms_per_hour, 5), c.rate_limit_sms_per_hour / 60);
    http::RouteOptions otp;  // guessable codes: the sign-in budget per IP
    otp.rate_limit_per_minute = c.rate_limit_signin_per_minute;
    otp.rate_limit_burst = c.rate_limit_signin_burst;
    router.Add("POST", prefix + "/signin/passwordless/sms", SignInPasswordlessSms(deps), sms);
    router.Add("POST", prefix + "/signin/passwordless/sms/otp", SignInPasswordlessSmsOtp(deps),
               otp);
    router.Add("POST", prefix + "/signup/phone-password", SignUpPhonePassword(deps), sets_password);
    router.Add("POST", prefix + "/signin/phone-password", SignInPhonePassword(deps), hashing);
    router.Add("POST", prefix + "/user/phone/change", ChangePhone(deps), sms);
    router.Add("POST", prefix + "/user/phone/change/verify", VerifyPhoneChange(deps), otp);
  }
  if (deps.oauth) {
    // Each start and callback reaches a provider, and states, grant codes and ID
    // tokens are things to guess: the sign-in budget per IP. The remote lane:
    // calls to a provider may block for up to oauth_http_timeout_seconds, and
    // must not hold the workers token refresh needs.
    http::RouteOptions oauth;
    oauth.lane = http::Lane::kRemote;
    oauth.rate_limit_per_minute = c.rate_limit_signin_per_minute;
    oauth.rate_limit_burst = c.rate_limit_signin_burst;
    const std::string p = prefix + "/signin/provider/{provider}";
    router.Add("GET", p, SignInProvider(deps), oauth);
    // A browser lands on the callback with whatever the provider sent: the
    // handler answers a redirect (invalid-state, ...) for any bytes.
    http::RouteOptions callback = oauth;
    callback.opaque_query = true;
    router.Add("GET", p + "/callback", SignInProviderCallbackGet(deps), callback);
    router.Add("POST", p + "/callback", SignInProviderCallbackPost(deps), callback);
    // A literal segment beats {provider}, and no provider route takes POST here.
    router.Add("POST", prefix + "/signin/provider/grant", SignInProviderGrant(deps), oauth);
    router.Add("POST", prefix + "/signin/idtoken", SignInIdToken(deps), oauth);
    router.Add("POST", prefix + "/link/idtoken", LinkIdToken(deps), oauth);
    router.Add("GET", prefix + "/user/providers", ListUserProviders(deps), token);
    router.Add("DELETE", prefix + "/user/providers/{provider}", UnlinkUserProvider(deps), token);
  }
  router.Add("POST", prefix + "/token", RefreshToken(deps), token);
  router.Add("POST", prefix + "/token/verify", VerifyToken(deps), token);
  router.Add("POST", prefix + "/signout", SignOut(deps), token);
  router.Add("GET", prefix + "/user", GetUser(deps), token);
  router.Add("GET", prefix + "/healthz", Healthz(deps), plain);
  router.Add("HEAD", prefix + "/healthz", Healthz(deps), plain);
  router.Add("GET", prefix + "/version", Version(deps), plain);
  router.Add("GET", prefix + "/.well-known/jwks.json", Jwks(deps), plain);
  router.Add("GET", prefix + "/openapi.json", OpenApi(deps), plain);
}

}  // namespace gh::api::nhost
