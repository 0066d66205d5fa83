// http::RouteClasses: the handful of route kinds every dialect's route table
// picks from. A route's class says which lane its handler runs on and which
// per-client-IP budget it spends, so two dialects serving the same flow (a
// password sign-in under /v1 and under /auth/v1) are limited alike. Built once
// from the settings by the composition root (app::RouteClassesFrom); a route
// table only chooses a class per route.
//
// Plain data; safe to share between threads once built.
#pragma once

#include <string>
#include <utility>

#include "http/message.h"

namespace gh::http {

struct RouteClasses {
  // Hashes a password (sign-in, and sign-up with the breach check off): the hash
  // lane, the sign-in budget.
  RouteOptions hashing;
  // Sets a new password: like `hashing`, but on the remote lane while the breach
  // check asks its service first (the handler then continues on the hash lane).
  RouteOptions sets_password;
  // Checks something guessable without hashing (email / SMS codes, MFA codes,
  // link tickets): the workers, the sign-in budget.
  RouteOptions guessing;
  // Refresh, verify, sign-out, reading the user: the workers, the token budget.
  RouteOptions token;
  // Creates an anonymous user per call: an hourly budget of its own.
  RouteOptions anonymous;
  // May send a mail: the remote lane (SMTP), the hourly email budget.
  RouteOptions sending_email;
  // May send a text message: the remote lane (the SMS provider), the hourly SMS budget.
  RouteOptions sending_sms;
  // Waits on an identity provider and carries guessable states and grants: the
  // remote lane, the sign-in budget.
  RouteOptions remote;
  // Health, version, keys, contract: the workers, no budget.
  RouteOptions plain;
};

// The budgets routes of both dialects share (Spending): one per flow a client
// can reach under either mount.
namespace budget {
inline constexpr char kPasswordSignIn[] = "password-sign-in";  // email or phone + password
inline constexpr char kPasswordSignUp[] = "password-sign-up";
inline constexpr char kAnonymousSignIn[] = "anonymous-sign-in";
inline constexpr char kRefresh[] = "refresh";
inline constexpr char kUser[] = "user";  // reading the signed-in user
inline constexpr char kSignOut[] = "sign-out";
// Second factors: making a new TOTP secret, and checking a second-factor code.
inline constexpr char kMfaEnroll[] = "mfa-enroll";
inline constexpr char kMfaCode[] = "mfa-code";
// Phone codes, under /v1 and /auth/v1.
inline constexpr char kSmsSignInCode[] = "sms-sign-in-code";    // sending one
inline constexpr char kSmsSignInCheck[] = "sms-sign-in-check";  // checking one
inline constexpr char kPhoneChangeCode[] = "phone-change-code";
inline constexpr char kPhoneChangeCheck[] = "phone-change-check";
inline constexpr char kAdmin[] = "admin";  // the admin API (guesses the admin secret)
// Mail, under /v1 and /auth/v1: sending a magic link (GoTrue's /otp with an
// email), checking a mailed code or following a mailed link, and the mails a
// client asks for by address or for its own account.
inline constexpr char kEmailSignInLink[] = "email-sign-in-link";
inline constexpr char kEmailCodeCheck[] = "email-code-check";
inline constexpr char kEmailLinkCheck[] = "email-link-check";
inline constexpr char kPasswordReset[] = "password-reset";
inline constexpr char kVerificationResend[] = "verification-resend";
inline constexpr char kEmailChange[] = "email-change";
inline constexpr char kPasswordChange[] = "password-change";
}  // namespace budget

// The class's name as metrics label it: "hashing", "sets_password", ...,
// "none" for kNone.
inline const char* RouteClassName(RouteClassId id) {
  static constexpr const char* kNames[kRouteClassCount] = {
      "none",      "hashing",       "sets_password", "guessing", "token",
      "anonymous", "sending_email", "sending_sms",   "remote",   "plain"};
  return kNames[static_cast<int>(id)];
}

// `options` spending the per-IP budget named `budget`, which every route naming
// it shares: the routes of two dialects that run the same flow (a password
// sign-in under /v1 and under /auth/v1) count one client once.
inline RouteOptions Spending(RouteOptions options, std::string budget) {
  options.budget = std::move(budget);
  return options;
}

}  // namespace gh::http
