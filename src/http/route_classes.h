// http::RouteClasses: the handful of route kinds every dialect's route table
// picks from. A route's class says which lane its handler runs on and which
// per-client-IP budget it spends, so two dialects serving the same flow (a
// password sign-in under /v1 and under /auth/v1) are limited alike. Built once
// from the settings by the composition root (app::RouteClassesFrom); a route
// table only chooses a class per route.
//
// Plain data; safe to share between threads once built.
#pragma once

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

}  // namespace gh::http
