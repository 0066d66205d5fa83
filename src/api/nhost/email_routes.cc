// The email route table.
#include "api/nhost/email_routes.h"

#include <algorithm>

#include "api/nhost/endpoints.h"
#include "api/nhost/sets_password.h"

namespace gh::api::nhost {

void RegisterEmailRoutes(http::Router& router, const Deps& deps, const EmailDeps& email,
                         const std::string& prefix) {
  const config::Config& c = deps.config;
  http::RouteOptions sending;          // each call may send a mail: an hourly budget per IP
  sending.lane = http::Lane::kRemote;  // waits on the SMTP server
  sending.rate_limit_per_minute = c.rate_limit_email_per_hour / 60.0;
  sending.rate_limit_burst = std::min(c.rate_limit_email_per_hour, 10);
  http::RouteOptions guessing;  // codes and tickets: the sign-in budget per IP
  guessing.rate_limit_per_minute = c.rate_limit_signin_per_minute;
  guessing.rate_limit_burst = c.rate_limit_signin_burst;
  http::RouteOptions hashing = guessing;  // sets a password
  hashing.lane = http::Lane::kHashing;

  router.Add("POST", prefix + "/signin/passwordless/email", SignInPasswordlessEmail(deps, email),
             sending);
  router.Add("POST", prefix + "/signin/otp/email", SignInOtpEmail(deps, email), sending);
  router.Add("POST", prefix + "/signin/otp/email/verify", VerifyOtpEmail(deps, email), guessing);
  router.Add("GET", prefix + "/verify", VerifyLinkGet(deps, email, prefix), guessing);
  router.Add("POST", prefix + "/verify", VerifyLinkPost(deps, email), guessing);
  router.Add("POST", prefix + "/user/password/reset", ResetPassword(deps, email), sending);
  router.Add("POST", prefix + "/user/password", ChangePassword(deps, email),
             SetsPasswordRoute(deps, hashing));
  router.Add("POST", prefix + "/user/email/change", ChangeEmail(deps, email), sending);
  router.Add("POST", prefix + "/user/email/send-verification-email",
             SendVerificationEmail(deps, email), sending);
}

}  // namespace gh::api::nhost
