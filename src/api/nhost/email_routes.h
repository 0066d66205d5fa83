// The native dialect's email endpoints: magic link, email code, /verify links,
// verification resend, password reset and change, email change.
//
// Kept apart from Deps so the email flows can be wired without touching every
// other endpoint group. Handlers live one file per group: email_signin.cc,
// verify_link.cc, user_password.cc, user_email.cc.
#pragma once

#include <string>

#include "api/common/json_body.h"
#include "api/nhost/nhost.h"
#include "auth/email_change.h"
#include "auth/email_links.h"
#include "auth/email_verification.h"
#include "auth/password_reset.h"
#include "auth/passwordless_email.h"

namespace gh::api::nhost {

// Owned by the composition root, which outlives the router.
struct EmailDeps {
  auth::EmailVerificationFlow& verification;
  auth::PasswordlessEmailFlow& passwordless;
  auth::PasswordResetFlow& reset;
  auth::EmailChangeFlow& change;
  auth::EmailLinkFlow& links;
};

// Adds the email routes under `prefix` (normally "/v1"). Every endpoint that
// sends mail is of class sending_email (rate_limit_email_per_hour per client IP).
void RegisterEmailRoutes(http::Router& router, const Deps& deps, const EmailDeps& email,
                         const http::RouteClasses& classes, const std::string& prefix = "/v1");

// email_signin.cc
http::Handler SignInPasswordlessEmail(const Deps& deps, const EmailDeps& email);
http::Handler SignInOtpEmail(const Deps& deps, const EmailDeps& email);
http::Handler VerifyOtpEmail(const Deps& deps, const EmailDeps& email);
// verify_link.cc
http::Handler VerifyLinkGet(const Deps& deps, const EmailDeps& email, std::string prefix);
http::Handler VerifyLinkPost(const Deps& deps, const EmailDeps& email);
// user_password.cc
http::Handler ResetPassword(const Deps& deps, const EmailDeps& email);
http::Handler ChangePassword(const Deps& deps, const EmailDeps& email);
// user_email.cc
// The spec's OptionsRedirectTo under "options": its redirectTo, if any.
core::Result<std::optional<std::string>> ParseRedirectOption(const Json& body);
// A body of exactly {email, options?: {redirectTo?}}, as the resend and
// reset endpoints take.
struct AddressRequest {
  std::string email;
  std::optional<std::string> redirect_to;
};
core::Result<AddressRequest> ParseAddressRequest(const http::Request& request);
http::Handler ChangeEmail(const Deps& deps, const EmailDeps& email);
http::Handler SendVerificationEmail(const Deps& deps, const EmailDeps& email);

}  // namespace gh::api::nhost
