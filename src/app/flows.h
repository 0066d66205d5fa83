// app::Flows: every flow of the server, built once from the settings over one
// store, whatever dialects serve them. A dialect takes the flows it needs from
// here (by reference) for its handlers; none builds or wires a flow itself.
//
// Each part only refers to parts declared above it, so the reverse of the
// declaration order is a safe destruction order. Not thread-safe to build;
// the flows themselves are safe to share between handler threads once built.
#pragma once

#include <memory>

#include "app/email.h"
#include "app/flow_options.h"
#include "auth/account.h"
#include "auth/admin.h"
#include "auth/anonymous.h"
#include "auth/api_keys.h"
#include "auth/attempt_limiter.h"
#include "auth/breached_passwords.h"
#include "auth/device_sessions.h"
#include "auth/hooked_store.h"
#include "auth/hooks.h"
#include "auth/mfa.h"
#include "auth/oauth.h"
#include "auth/passkeys.h"
#include "auth/password.h"
#include "auth/personal_access_tokens.h"
#include "auth/send_budget.h"
#include "auth/sessions.h"
#include "auth/sms.h"
#include "auth/tokens.h"
#include "config/config.h"
#include "core/clock.h"
#include "crypto/jwt.h"
#include "crypto/password.h"
#include "notify/sms/sms_sender.h"
#include "notify/webhook.h"
#include "oauth/provider.h"
#include "store/store.h"

namespace gh::app {

struct Flows {
  // What each flow reads at each call (FlowOptionsFrom).
  FlowOptions options;
  // The app's auth hooks; all three null while every hook is off. With a
  // user-created hook on, the flows below get `hooked_store` as their store.
  std::unique_ptr<notify::WebhookSender> webhooks;
  std::unique_ptr<auth::Hooks> hooks;
  std::unique_ptr<auth::HookedStore> hooked_store;
  crypto::PasswordHasher hasher;
  std::unique_ptr<auth::BreachedPasswords> breached;  // null unless password_hibp_enabled
  std::unique_ptr<auth::AttemptLimiter> attempts;     // null unless account_guess_limit_per_hour
  // The hourly cap over `attempts` counted for every instance (PostgreSQL); null otherwise.
  std::unique_ptr<auth::AttemptLimiter> shared_attempts;
  // Where the SMS and mail budgets count: null = in each flow's process (SQLite).
  std::unique_ptr<auth::HitCounter> send_counter;
  std::unique_ptr<auth::TokenService> tokens;
  std::unique_ptr<auth::SessionService> sessions;
  std::unique_ptr<auth::PasswordFlow> password;
  std::unique_ptr<auth::AccountService> accounts;
  std::unique_ptr<auth::AnonymousFlow> anonymous;
  std::unique_ptr<auth::MfaFlow> mfa;
  std::unique_ptr<auth::PasskeyFlow> passkeys;
  std::unique_ptr<auth::PatFlow> pats;
  std::unique_ptr<useragent::Parser> user_agents;  // rules read on first use
  std::unique_ptr<auth::DeviceSessions> devices;
  std::unique_ptr<auth::ApiKeys> api_keys;  // Supabase's anon / service_role keys
  std::unique_ptr<auth::AdminFlow> admin;
  std::unique_ptr<notify::SmsSender> sms_sender;
  std::unique_ptr<auth::SmsFlow> sms;
  std::unique_ptr<oauth::Catalogue> catalogue;  // null when no provider is enabled
  std::unique_ptr<auth::OAuthFlow> oauth;
  // Last: its mail queue is stopped (queued mails sent) before the flows above go.
  std::unique_ptr<EmailFlows> email;
};

// Builds every flow. `config`, `store` and `clock` must outlive the result (key
// reloads and the MFA flow still read the config); `keys` is the ring to start
// signing with (LoadKeyRing). `metrics`, when set, counts the mails and text
// messages sent (and must outlive the result).
// Errors, fit for the terminal: the store's (instance secrets are kept there),
// an SMS or OAuth provider whose settings cannot work, a bad sms_test_numbers.
core::Result<std::unique_ptr<Flows>> BuildFlows(const config::Config& config, store::Store& store,
                                                const core::Clock& clock,
                                                std::shared_ptr<const crypto::KeyRing> keys,
                                                Metrics* metrics = nullptr);

}  // namespace gh::app
