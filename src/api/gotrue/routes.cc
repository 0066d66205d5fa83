// The GoTrue route table: which endpoint runs on which lane, with which rate
// limit. The classes are the native dialect's (app::RouteClassesFrom) and the
// routes that run a flow the native dialect also serves spend the same named
// budget (http::budget), so a client is counted once whichever dialect it calls.
#include "api/gotrue/admin.h"
#include "api/gotrue/endpoints.h"
#include "api/gotrue/gotrue.h"

namespace gh::api::gotrue {

void RegisterRoutes(http::Router& router, const Deps& deps, const http::RouteClasses& classes,
                    const std::string& prefix) {
  const http::RouteClasses& c = classes;
  namespace budget = http::budget;
  // One path, several flows: the request picks its route (and so its lane
  // and budget) before any handler runs.
  router.AddWhen("POST", prefix + "/signup", "no email or phone: anonymous", IsAnonymousSignUp,
                 SignUpAnonymous(deps), http::Spending(c.anonymous, budget::kAnonymousSignIn));
  router.Add("POST", prefix + "/signup", SignUp(deps),
             http::Spending(c.sets_password, budget::kPasswordSignUp));
  const std::string token = prefix + "/token";
  router.AddWhenQuery("POST", token, "grant_type", "password", TokenPassword(deps),
                      http::Spending(c.hashing, budget::kPasswordSignIn));
  router.AddWhenQuery("POST", token, "grant_type", "refresh_token", TokenRefresh(deps),
                      http::Spending(c.token, budget::kRefresh));
  router.AddWhenQuery("POST", token, "grant_type", "web3", Web3Disabled(deps), c.plain);
  // Social and OIDC sign-in (external.cc, token_oauth.cc, identities.cc), on the
  // classes of their native twins: each start and callback may reach a
  // provider, and states, codes and ID tokens are things to guess.
  if (deps.oauth) {
    router.AddWhenQuery("POST", token, "grant_type", "pkce", TokenPkce(deps), c.remote);
    router.AddWhenQuery("POST", token, "grant_type", "id_token", TokenIdToken(deps), c.remote);
    router.Add("GET", prefix + "/authorize", Authorize(deps), c.remote);
    // A browser lands on the callback with whatever the provider sent: the
    // handler answers a redirect for any bytes.
    http::RouteOptions callback = c.remote;
    callback.opaque_query = true;
    router.Add("GET", prefix + "/callback", CallbackGet(deps), callback);
    router.Add("POST", prefix + "/callback", CallbackPost(deps), callback);
    router.Add("GET", prefix + "/user/identities/authorize", LinkIdentity(deps), c.remote);
    router.Add("DELETE", prefix + "/user/identities/{identityId}", UnlinkIdentity(deps), c.token);
  }
  router.Add("POST", token, TokenUnsupported(deps), c.guessing);
  router.Add("POST", prefix + "/logout", Logout(deps), http::Spending(c.token, budget::kSignOut));
  router.Add("GET", prefix + "/user", GetUser(deps), http::Spending(c.token, budget::kUser));
  // Not served: answered as GoTrue with SAML switched off answers.
  router.Add("POST", prefix + "/sso", SamlDisabled(deps), c.plain);
  router.Add("GET", prefix + "/saml/metadata", SamlDisabled(deps), c.plain);
  router.Add("POST", prefix + "/saml/acs", SamlDisabled(deps), c.plain);
  router.Add("GET", prefix + "/admin/sso/providers", SamlDisabled(deps), c.plain);
  router.Add("POST", prefix + "/admin/sso/providers", SamlDisabled(deps), c.plain);
  // Codes and links by phone and by mail: the body picks the flow, so the
  // route (its lane and budget) too.
  const std::string otp = prefix + "/otp";
  router.AddWhen("POST", otp, "a phone number", IsPhoneOtp, Otp(deps),
                 http::Spending(c.sending_sms, budget::kSmsSignInCode));
  router.Add("POST", otp, Otp(deps), http::Spending(c.sending_email, budget::kEmailSignInLink));
  router.Add("POST", prefix + "/magiclink", MagicLink(deps),
             http::Spending(c.sending_email, budget::kEmailSignInLink));
  const std::string verify = prefix + "/verify";
  router.AddWhen("POST", verify, "type phone_change", IsPhoneChangeVerify, Verify(deps),
                 http::Spending(c.guessing, budget::kPhoneChangeCheck));
  router.AddWhen("POST", verify, "type sms", IsPhoneVerify, Verify(deps),
                 http::Spending(c.guessing, budget::kSmsSignInCheck));
  router.AddWhen("POST", verify, "a token hash", IsTokenHashVerify, Verify(deps),
                 http::Spending(c.guessing, budget::kEmailLinkCheck));
  router.Add("POST", verify, Verify(deps), http::Spending(c.guessing, budget::kEmailCodeCheck));
  // A browser lands here from a mail with whatever the link carries.
  http::RouteOptions link = http::Spending(c.guessing, budget::kEmailLinkCheck);
  link.opaque_query = true;
  router.Add("GET", verify, VerifyLink(deps), link);
  router.Add("POST", prefix + "/recover", Recover(deps),
             http::Spending(c.sending_email, budget::kPasswordReset));
  const std::string resend = prefix + "/resend";
  router.AddWhen("POST", resend, "type sms or phone_change", IsPhoneResend, Resend(deps),
                 http::Spending(c.sending_sms, budget::kSmsSignInCode));
  router.AddWhen("POST", resend, "type email_change", IsEmailChangeResend, Resend(deps),
                 http::Spending(c.sending_email, budget::kEmailChange));
  router.Add("POST", resend, Resend(deps),
             http::Spending(c.sending_email, budget::kVerificationResend));
  router.Add("GET", prefix + "/reauthenticate", Reauthenticate(deps),
             http::Spending(c.sending_email, budget::kPasswordChange));
  // PUT /user: each member its flow's class and budget, a password first.
  const std::string user = prefix + "/user";
  router.AddWhen("PUT", user, "a password", IsPasswordUpdate, UpdateUser(deps),
                 http::Spending(c.sets_password, budget::kPasswordChange));
  router.AddWhen("PUT", user, "an email", IsEmailUpdate, UpdateUser(deps),
                 http::Spending(c.sending_email, budget::kEmailChange));
  router.AddWhen("PUT", user, "a phone number", IsPhoneUpdate, UpdateUser(deps),
                 http::Spending(c.sending_sms, budget::kPhoneChangeCode));
  router.Add("PUT", user, UpdateUser(deps), http::Spending(c.token, budget::kUser));
  router.Add("GET", prefix + "/health", Health(deps), c.plain);
  router.Add("GET", prefix + "/settings", Settings(deps), c.plain);
  router.Add("GET", prefix + "/.well-known/jwks.json", Jwks(deps), c.plain);
  router.Add("GET", prefix + "/openapi.json", OpenApi(deps), c.plain);
  // Second factors (factors.cc): codes are guessable, so the guessing class;
  // enrolment and verification spend the budgets of their native twins.
  const std::string factor = prefix + "/factors/{factorId}";
  router.Add("POST", prefix + "/factors", EnrollFactor(deps),
             http::Spending(c.guessing, budget::kMfaEnroll));
  router.Add("POST", factor + "/challenge", ChallengeFactor(deps), c.guessing);
  router.Add("POST", factor + "/verify", VerifyFactor(deps),
             http::Spending(c.guessing, budget::kMfaCode));
  router.Add("DELETE", factor, UnenrollFactor(deps), c.guessing);
  // The admin API (admin.cc): /admin/users and below.
  RegisterAdminRoutes(router, deps, classes, prefix);
}

}  // namespace gh::api::gotrue
