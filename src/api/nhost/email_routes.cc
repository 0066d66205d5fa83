// The email route table; the route classes are built once in app/.
#include "api/nhost/email_routes.h"

#include "api/nhost/endpoints.h"

namespace gh::api::nhost {

void RegisterEmailRoutes(http::Router& router, const Deps& deps, const EmailDeps& email,
                         const http::RouteClasses& classes, const std::string& prefix) {
  const http::RouteClasses& c = classes;
  namespace budget = http::budget;
  // The budgets are shared with the GoTrue routes that run the same flow.
  router.Add("POST", prefix + "/signin/passwordless/email", SignInPasswordlessEmail(deps, email),
             http::Spending(c.sending_email, budget::kEmailSignInLink));
  router.Add("POST", prefix + "/signin/otp/email", SignInOtpEmail(deps, email), c.sending_email);
  router.Add("POST", prefix + "/signin/otp/email/verify", VerifyOtpEmail(deps, email),
             http::Spending(c.guessing, budget::kEmailCodeCheck));
  router.Add("GET", prefix + "/verify", VerifyLinkGet(deps, email, prefix),
             http::Spending(c.guessing, budget::kEmailLinkCheck));
  router.Add("POST", prefix + "/verify", VerifyLinkPost(deps, email),
             http::Spending(c.guessing, budget::kEmailLinkCheck));
  router.Add("POST", prefix + "/user/password/reset", ResetPassword(deps, email),
             http::Spending(c.sending_email, budget::kPasswordReset));
  router.Add("POST", prefix + "/user/password", ChangePassword(deps, email),
             http::Spending(c.sets_password, budget::kPasswordChange));
  router.Add("POST", prefix + "/user/email/change", ChangeEmail(deps, email),
             http::Spending(c.sending_email, budget::kEmailChange));
  router.Add("POST", prefix + "/user/email/send-verification-email",
             SendVerificationEmail(deps, email),
             http::Spending(c.sending_email, budget::kVerificationResend));
}

}  // namespace gh::api::nhost
