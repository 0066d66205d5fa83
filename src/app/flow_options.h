// app::FlowOptions: every flow's Options, made from the settings in one place
// (FlowOptionsFrom). A flow reads its own struct by reference, so Flows keeps
// this alive as long as the flows; none of them sees the whole Config.
//
// Plain data; read-only (and so safe to share) once built.
#pragma once

#include "auth/anonymous.h"
#include "auth/email_common.h"
#include "auth/hooks.h"
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

namespace gh::app {

struct FlowOptions {
  auth::TokenOptions tokens;
  auth::SessionOptions sessions;
  auth::PasswordOptions password;
  auth::AnonymousOptions anonymous;
  auth::EmailOptions email;  // the EmailKit's, for every email flow
  auth::SmsOptions sms;
  auth::OAuthOptions oauth;
  auth::MfaOptions mfa;
  auth::PasskeyOptions passkeys;
  auth::PatOptions pats;
  auth::HookOptions hooks;  // the app's auth hooks (all off by default)
  // The redirect rules, for a dialect that checks a target itself (the native
  // /verify link).
  auth::RedirectRules redirects;
  bool operator==(const FlowOptions&) const = default;
};

// Each flow's options from the settings. A default Config makes default
// options (tests/unit/app/flow_options_test.cc), so the unit tests of a flow
// may start from its default-constructed Options. Pure.
FlowOptions FlowOptionsFrom(const config::Config& config);

}  // namespace gh::app
