#include "app/flows.h"

#include <algorithm>

#include "app/counting_senders.h"
#include "app/keys.h"
#include "app/shared_limits.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "net/http_client.h"
#include "oauth/http_client.h"

namespace gh::app {
namespace {

notify::SmsProviderSettings SmsSettingsFrom(const config::Config& c) {
  notify::SmsProviderSettings s;
  s.provider = c.sms_provider;
  s.account_sid = c.sms_account_sid;
  s.auth_token = c.sms_auth_token;
  s.from = c.sms_from;
  s.whatsapp_from = c.sms_whatsapp_from;
  s.base_url = c.sms_base_url;
  s.timeout_seconds = c.sms_timeout_seconds;
  return s;
}

// The password corner: hashing, the breach check and the per-account guess
// budget the other guessable flows share.
void BuildPassword(const config::Config& config, store::Store& store, const core::Clock& clock,
                   Flows& f) {
  f.password =
      std::make_unique<auth::PasswordFlow>(store, clock, f.options.password, f.hasher, *f.sessions);
  if (config.password_hibp_enabled) {
    f.breached = std::make_unique<auth::BreachedPasswords>(
        net::MakeCurlHttpClient(config.password_hibp_timeout_seconds, core::errc::kUnavailable),
        config.password_hibp_url);
    f.password->SetBreachedPasswords(f.breached.get());
  }
  if (config.account_guess_limit_per_hour > 0) {
    auth::AttemptPolicy policy;
    policy.max_failures_per_hour = config.account_guess_limit_per_hour;
    policy.free_failures = config.account_guess_free_failures;
    policy.max_backoff_seconds = config.account_guess_backoff_max_seconds;
    f.attempts = std::make_unique<auth::InProcessAttemptLimiter>(clock, policy);
    f.shared_attempts = SharedAttemptLimiterFor(config, store, clock, *f.attempts);
    f.password->SetAttemptLimiter(f.shared_attempts ? f.shared_attempts.get() : f.attempts.get());
  }
}

core::Result<void> BuildSms(const config::Config& config, store::Store& store,
                            const core::Clock& clock, Flows& f, Metrics* metrics) {
  auto sender = notify::MakeSmsSender(SmsSettingsFrom(config));
  if (!sender) return sender.error();
  if (auto numbers = auth::ParseTestNumbers(config.sms_test_numbers); !numbers)
    return numbers.error();
  f.sms_sender = std::move(*sender);
  if (metrics)
    f.sms_sender = std::make_unique<CountingSmsSender>(std::move(f.sms_sender), *metrics);
  auto key = store.GetOrInsertSecret("sms-code-key", crypto::HexEncode(crypto::RandomBytes(32)));
  if (!key) return key.error();
  f.sms = std::make_unique<auth::SmsFlow>(store, clock, f.options.sms, f.hasher, *f.sessions,
                                          *f.password, *f.sms_sender, *key);
  f.sms->SetAttemptLimiter(&f.password->attempt_limiter());
  if (f.send_counter) f.sms->SetSendCounter(f.send_counter.get());
  return core::Ok();
}

// Social / OIDC sign-in. A provider whose settings cannot work is a start-up
// error, not a sign-in that fails later. Without any, the flow still answers
// (disabled-endpoint), as the spec's clients expect. Provider tokens are sealed
// under the same key material as TOTP secrets.
core::Result<void> BuildOAuth(const config::Config& config, store::Store& store,
                              const core::Clock& clock, const std::string& seal_key, Flows& f) {
  const bool any_provider =
      std::any_of(config.oauth_providers.begin(), config.oauth_providers.end(),
                  [](const config::OAuthProvider& o) { return o.enabled; });
  if (any_provider) {
    auto catalogue = oauth::Catalogue::Create(
        config, clock, oauth::MakeCurlHttpClient(config.oauth_http_timeout_seconds));
    if (!catalogue)
      return core::Error(catalogue.error().code, "OAuth providers: " + catalogue.error().message);
    f.catalogue = std::move(*catalogue);
  }
  f.oauth = std::make_unique<auth::OAuthFlow>(store, clock, f.options.oauth, *f.tokens, *f.sessions,
                                              f.catalogue.get(), seal_key);
  return core::Ok();
}

// The hooks' client, when any hook is on; and the store every flow then uses:
// the hooked one while a user-created hook is on, so that every way a user is
// created asks the app.
store::Store& BuildHooks(const config::Config& config, store::Store& store, Flows& f) {
  const auth::HookOptions& h = f.options.hooks;
  if (!h.any()) return store;
  f.webhooks = notify::MakeWebhookSender(
      net::MakeCurlHttpClient(config.hook_timeout_seconds, core::errc::kHookTimeout),
      notify::WebhookPolicy{config.hook_max_attempts, config.hook_retry_budget_seconds});
  f.hooks = std::make_unique<auth::Hooks>(h, *f.webhooks);
  if (!h.before_user_created.enabled && !h.after_user_created.enabled) return store;
  f.hooked_store = std::make_unique<auth::HookedStore>(store, *f.hooks);
  return *f.hooked_store;
}

// Hands the hooks to the flows that call them.
void WireHooks(Flows& f) {
  if (!f.hooks) return;
  f.sessions->SetHooks(f.hooks.get());
  f.password->SetHooks(f.hooks.get());
  f.mfa->SetHooks(f.hooks.get());
  f.sms->SetHooks(f.hooks.get());
  f.email->kit->SetHooks(f.hooks.get());
}

}  // namespace

core::Result<std::unique_ptr<Flows>> BuildFlows(const config::Config& config,
                                                store::Store& given_store, const core::Clock& clock,
                                                std::shared_ptr<const crypto::KeyRing> keys,
                                                Metrics* metrics) {
  auto f = std::make_unique<Flows>();
  f->options = FlowOptionsFrom(config);
  store::Store& store = BuildHooks(config, given_store, *f);
  auto derivation_key = store.GetOrInsertSecret("refresh-token-derivation",
                                                crypto::HexEncode(crypto::RandomBytes(32)));
  if (!derivation_key) return derivation_key.error();
  f->tokens = std::make_unique<auth::TokenService>(
      f->options.tokens, clock, std::move(keys),
      [&config, &given_store] { return ReloadKeyRing(config, given_store); });
  f->sessions = std::make_unique<auth::SessionService>(store, clock, f->options.sessions, config,
                                                       *f->tokens, *derivation_key);
  f->send_counter = SendCounterFor(config, store);
  BuildPassword(config, store, clock, *f);
  f->accounts = std::make_unique<auth::AccountService>(store, clock);
  f->anonymous = std::make_unique<auth::AnonymousFlow>(store, clock, f->options.anonymous,
                                                       f->hasher, *f->sessions, *f->password);
  auto mfa_key = MfaKeyMaterial(config, store);
  if (!mfa_key) return mfa_key.error();
  f->mfa = std::make_unique<auth::MfaFlow>(store, clock, f->options.mfa, *f->sessions, *mfa_key);
  f->passkeys =
      std::make_unique<auth::PasskeyFlow>(store, clock, f->options.passkeys, *f->sessions);
  f->mfa->SetPasskeys(f->passkeys.get());  // webauthn factors are passkeys
  f->pats = std::make_unique<auth::PatFlow>(store, clock, f->options.pats, *f->sessions);
  f->user_agents = std::make_unique<useragent::Parser>(config.user_agent_rules_file);
  f->devices = std::make_unique<auth::DeviceSessions>(store, clock, *f->sessions, *f->user_agents);
  f->api_keys = std::make_unique<auth::ApiKeys>(*f->tokens, clock);
  f->admin = std::make_unique<auth::AdminFlow>(store, clock, f->hasher, *f->password, *f->sessions,
                                               *f->devices, f->options.password.users);
  auto email = BuildEmail(config, f->options.email, store, clock, f->hasher, *f->sessions,
                          *f->password, *f->anonymous, *f->passkeys, metrics);
  if (!email) return email.error();
  f->email = std::move(*email);
  if (f->send_counter) f->email->kit->SetSendCounter(f->send_counter.get());
  if (auto r = BuildSms(config, store, clock, *f, metrics); !r) return r.error();
  if (auto r = BuildOAuth(config, store, clock, *mfa_key, *f); !r) return r.error();
  WireHooks(*f);
  return f;
}

}  // namespace gh::app
