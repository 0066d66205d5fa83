// The native dialect (Nhost auth v1, mounted at /v1): request parsing and
// response shapes of openapi/native.yaml over the flows.
//
// Each endpoint group lives in its own file (signup.cc, signin.cc, token.cc,
// user.cc, system.cc); this header is what the composition root calls.
#pragma once

#include <string>

#include "api/nhost/errors.h"
#include "auth/account.h"
#include "auth/anonymous.h"
#include "auth/device_sessions.h"
#include "auth/links.h"
#include "auth/mfa.h"
#include "auth/oauth.h"
#include "auth/passkeys.h"
#include "auth/password.h"
#include "auth/personal_access_tokens.h"
#include "auth/sessions.h"
#include "auth/sms.h"
#include "auth/tokens.h"
#include "auth/user_options.h"
#include "config/config.h"
#include "http/route_classes.h"
#include "http/server.h"

namespace gh::api::nhost {

// The native dialect's second factor: a first-factor sign-in of a user with a
// verified factor answers an MFA ticket instead of a session, which
// POST /mfa/totp (MfaFlow::SignInTotp) trades for an aal2 session.
inline constexpr auth::SecondFactorPolicy kSecondFactorPolicy = auth::SecondFactorPolicy::kTicket;

// Everything the native endpoints call. Owned by the composition root, which
// outlives the router.
struct Deps {
  const config::Config& config;
  auth::PasswordFlow& password;
  auth::SessionService& sessions;
  auth::TokenService& tokens;
  auth::AccountService& accounts;
  auth::AnonymousFlow& anonymous;
  auth::MfaFlow& mfa;
  auth::PatFlow& pats;
  // How this dialect's links look (NativeLinks): every request that may mail a
  // link or start an OAuth sign-in hands it to the flow.
  const auth::LinkStyle& links;
  // The redirect rules the flows check, for targets this dialect checks itself.
  const auth::RedirectRules& redirects;
  // Phone sign-in and phone change (sms.cc); null = those routes are not served.
  auth::SmsFlow* sms = nullptr;
  // Social / OIDC sign-in and linking (provider*.cc); null = not served.
  auth::OAuthFlow* oauth = nullptr;
  // Passkeys (webauthn.cc); null = those routes are not served.
  auth::PasskeyFlow* passkeys = nullptr;
  // The signed-in user's sessions list (user_sessions.cc); null = not served.
  auth::DeviceSessions* devices = nullptr;
};

// Adds every native route under `prefix` (normally "/v1"), each with its class
// from `classes` (lane and rate limit).
void RegisterRoutes(http::Router& router, const Deps& deps, const http::RouteClasses& classes,
                    const std::string& prefix = "/v1");

}  // namespace gh::api::nhost
