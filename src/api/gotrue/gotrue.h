// The GoTrue dialect (supabase/auth's API, mounted at /auth/v1): request parsing
// and response shapes of openapi/gotrue.yaml over the same flows as the native
// dialect, so that @supabase/supabase-js works unchanged.
//
// Each endpoint group lives in its own file (signup.cc, token.cc, logout.cc,
// user.cc, system.cc, ...); endpoints.h declares the handlers, routes.cc says
// which route runs on which route class. This header is what the composition
// root (app::GoTrueDialect) fills.
#pragma once

#include <string>

#include "api/gotrue/errors.h"
#include "auth/account.h"
#include "auth/admin.h"
#include "auth/anonymous.h"
#include "auth/api_keys.h"
#include "auth/email_change.h"
#include "auth/email_links.h"
#include "auth/email_verification.h"
#include "auth/links.h"
#include "auth/mfa.h"
#include "auth/oauth.h"
#include "auth/password.h"
#include "auth/password_reset.h"
#include "auth/passwordless_email.h"
#include "auth/sessions.h"
#include "auth/sms.h"
#include "auth/tokens.h"
#include "auth/user_options.h"
#include "config/config.h"
#include "core/activity.h"
#include "http/route_classes.h"
#include "http/server.h"

namespace gh::api::gotrue {

// GoTrue's second factor: a first-factor sign-in always answers an aal1
// session; a user with a verified factor then steps it up to aal2 through
// POST /factors/{id}/challenge and /verify (MfaFlow::Challenge, Verify).
inline constexpr auth::SecondFactorPolicy kSecondFactorPolicy = auth::SecondFactorPolicy::kStepUp;

// Everything the GoTrue endpoints call. Owned by the composition root, which
// outlives the router.
struct Deps {
  const config::Config& config;
  auth::PasswordFlow& password;
  auth::SessionService& sessions;
  auth::TokenService& tokens;
  auth::AccountService& accounts;
  auth::AnonymousFlow& anonymous;
  auth::MfaFlow& mfa;
  auth::EmailVerificationFlow& verification;
  auth::PasswordlessEmailFlow& passwordless;
  auth::PasswordResetFlow& reset;
  auth::EmailChangeFlow& email_change;
  auth::EmailLinkFlow& email_links;
  // How this dialect's links look (GoTrueLinks): every request that may mail a
  // link or start an OAuth sign-in hands it to the flow.
  const auth::LinkStyle& links;
  const auth::RedirectRules& redirects;
  // Phone sign-in and phone change; null = those routes are not served.
  auth::SmsFlow* sms = nullptr;
  // Social / OIDC sign-in and linking; null = not served.
  auth::OAuthFlow* oauth = nullptr;
  // Admin group (admin*.cc): who is an operator, and what one may do.
  const auth::ApiKeys* api_keys = nullptr;
  auth::AdminFlow* admin = nullptr;
  // The last minutes' figures for GET /admin/stats; null = it answers none.
  const core::ActivityFigures* activity = nullptr;
};

// Adds every GoTrue route under `prefix` (normally "/auth/v1"), each with its
// class from `classes` (the same lanes and budgets as the native routes).
void RegisterRoutes(http::Router& router, const Deps& deps, const http::RouteClasses& classes,
                    const std::string& prefix);

}  // namespace gh::api::gotrue
