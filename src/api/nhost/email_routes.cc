// The email route table; the route classes are built once in app/.
#include "api/nhost/email_routes.h"

#include "api/nhost/endpoints.h"

namespace gh::api::nhost {

void RegisterEmailRoutes(http::Router& router, const Deps& deps, const EmailDeps& email,
                         const http::RouteClasses& classes, const std::string& prefix) {
  const http::RouteClasses& c = classes;
  router.Add("POST", prefix + "/signin/passwordless/email", SignInPasswordlessEmail(deps, email),
             c.sending_email);
  router.Add("POST", prefix + "/signin/otp/email", SignInOtpEmail(deps, email), c.sending_email);
  router.Add("POST", prefix + "/signin/otp/email/verify", VerifyOtpEmail(deps, email), c.guessing);
  router.Add("GET", prefix + "/verify", VerifyLinkGet(deps, email, prefix), c.guessing);
  router.Add("POST", prefix + "/verify", VerifyLinkPost(deps, email), c.guessing);
  router.Add("POST", prefix + "/user/password/reset", ResetPassword(deps, email), c.sending_email);
  router.Add("POST", prefix + "/user/password", ChangePassword(deps, email), c.sets_password);
  router.Add("POST", prefix + "/user/email/change", ChangeEmail(deps, email), c.sending_email);
  router.Add("POST", prefix + "/user/email/send-verification-email",
             SendVerificationEmail(deps, email), c.sending_email);
}

}  // namespace gh::api::nhost
