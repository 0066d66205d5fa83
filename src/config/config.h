// config::Config: every setting of Gatehouse as one plain struct, with a
// default that works on a laptop. config/settings.cc holds the table that names
// each setting (TOML key, GATEHOUSE_* variable, AUTH_* aliases), documents it and
// validates it; docs/configuration.md is generated from that table.
//
// A Config is a value: load it once at start, then share it read-only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gh::config {

// One auth hook (docs/hooks.md): on or off, its http(s) endpoint, and the
// Standard Webhooks secrets it is signed with ("v1,whsec_<base64>", several
// separated by '|' while rotating).
struct HookSettings {
  bool enabled = false;
  std::string uri;
  std::string secrets;
  bool operator==(const HookSettings&) const = default;
};

// One OAuth 2.0 / OpenID Connect provider a user may sign in with. The built-in
// kinds know their endpoints; the *_url fields override them (self-hosted
// providers, and the tests' local identity provider).
struct OAuthProvider {
  std::string name;  // path segment: google, apple, ..., or a generic OIDC provider's own name
  std::string kind;  // google | apple | facebook | twitter | github | discord | oidc
  bool enabled = false;
  std::string client_id;
  std::string client_secret;           // Apple: unused (see apple_*)
  std::vector<std::string> scopes;     // empty = the kind's defaults
  std::vector<std::string> audiences;  // further `aud` values accepted for ID tokens
  std::string issuer;                  // oidc: discovery base; google/apple: expected iss
  std::string authorize_url;
  std::string token_url;
  std::string userinfo_url;  // the profile endpoint (GitHub: .../user; emails at +"/emails")
  std::string jwks_url;
  std::string apple_team_id;
  std::string apple_key_id;
  std::string apple_private_key;  // the .p8 PEM (ES256)
};

struct Config {
  // --- server
  // Refuse to start (and `config check` fails) on the settings UnsafeSettings
  // names, instead of a warning at start.
  bool production = false;
  std::string host = "0.0.0.0";
  int port = 4000;
  std::string public_url = "http://localhost:4000";  // where Gatehouse is reached
  // True when no public_url was given: Load derived it from host and port, and
  // `serve` puts the port it actually bound into it (port = 0).
  bool public_url_from_listen = true;
  std::string client_url = "http://localhost:3000";  // the app; default redirect target
  std::string gotrue_mount = "/auth/v1";             // the GoTrue dialect's path; "" = off
  std::string admin_secret;  // x-hasura-admin-secret for the admin API; "" = not accepted
  std::vector<std::string> allowed_redirect_urls;  // besides client_url; wildcards allowed
  std::vector<std::string> cors_allowed_origins = {"*"};
  bool trust_proxy = false;                  // behind one proxy: the rightmost X-Forwarded-For hop
  std::vector<std::string> trusted_proxies;  // CIDRs of our proxies (hops skipped from the right)
  int trusted_proxy_hops = 0;                // proxies in front; 0 = 1 when trust_proxy is on
  std::string client_ip_header;              // header naming the client; empty = X-Forwarded-For
  int io_threads = 1;
  int worker_threads = 8;
  int hash_threads = 0;          // 0 = number of cores
  int hash_queue_limit = 16;     // queued sign-ins beyond this are refused with 429
  int remote_threads = 8;        // requests waiting on a provider (OAuth, SMS, SMTP)
  int remote_queue_limit = 256;  // beyond this such requests get 503 at once
  int64_t body_limit_bytes = 1 << 20;
  int request_timeout_seconds = 30;
  int idle_timeout_seconds = 60;
  int max_connections = 10000;       // 0 = as many as open-file limits allow
  int max_connections_per_ip = 256;  // per TCP peer; 0 = none; trusted proxies exempt
  int connection_fd_reserve = 64;    // descriptors kept free for the store, files, calls out
  std::string log_level = "info";
  bool access_log = true;
  bool access_log_json = false;
  // uap-core's rules for the sessions list's parsed user agents.
  std::string user_agent_rules_file = "/usr/share/uap-core/regexes.yaml";
  // GET /metrics (Prometheus text) on a listener of its own: "[host:]port",
  // loopback when no host is given; "" = not on a listener of its own.
  std::string metrics_listen;
  // GET /metrics on the main listener for `Authorization: Bearer <token>`
  // ("" = not there); with metrics_listen, also asked for there.
  std::string metrics_token;

  // --- storage
  std::string database_url = "sqlite://./data/gatehouse.db";
  int database_pool_size = 8;
  std::string database_schema = "auth";  // PostgreSQL only

  // --- tokens
  std::string jwt_algorithm = "ES256";  // HS256 when jwt_secret is set
  std::string jwt_secret;               // shared secret for HS256 (>= 32 bytes)
  std::string
      jwt_keys;  // JSON array of JWKs (GoTrue's JWT_KEYS): they sign and verify, not the store's
  std::string jwt_issuer = "gatehouse";
  std::string jwt_audience = "authenticated";
  std::string jwt_claims_namespace = "https://hasura.io/jwt/claims";
  // How often a running server rereads the signing keys from the store (rotations,
  // retirements and removals done by `gatehouse keys` or another instance).
  int64_t signing_keys_reload_seconds = 60;
  int64_t access_token_ttl_seconds = 900;
  int64_t refresh_token_ttl_seconds = 30LL * 24 * 3600;
  int64_t refresh_token_reuse_grace_seconds = 10;
  // POST /token/verify also checks the token's session is live (one read);
  // off, it checks only the token, as a JWT library would.
  bool token_verify_checks_session = false;
  // The longest expiry a personal access token may be given (POST /v1/pat).
  int64_t pat_max_ttl_days = 365;

  // --- users and sign-up
  bool signup_disabled = false;
  std::string default_role = "user";
  std::vector<std::string> allowed_roles = {"user", "me"};
  std::string default_locale = "en";
  std::vector<std::string> allowed_locales = {"en"};
  int password_min_length = 9;
  int password_max_length = 128;
  bool password_hibp_enabled = false;  // refuse passwords found in breaches (HIBP range API)
  std::string password_hibp_url = "https://api.pwnedpasswords.com";  // GET <url>/range/<prefix>
  int password_hibp_timeout_seconds = 2;  // beyond it the password is accepted (fail open)
  bool email_signin_enabled = true;       // email + password sign-up and sign-in

  // --- anonymous users
  bool anonymous_signin_enabled = false;
  std::string anonymous_role = "anonymous";
  int anonymous_prune_after_days = 0;  // 0 = keep; else delete unconverted ones this old

  // --- phone: SMS / WhatsApp codes, phone + password, phone change
  bool sms_passwordless_enabled = false;    // POST /v1/signin/passwordless/sms
  bool phone_password_enabled = false;      // POST /v1/signup|signin/phone-password
  bool phone_verification_required = true;  // phone+password sign-in needs a verified number
  std::string sms_provider = "log";  // log | twilio | twilio-verify | messagebird | vonage | ...
  std::string sms_account_sid;       // Twilio account SID / Vonage API key
  std::string sms_auth_token;        // provider secret / access key / hook signing secret
  std::string sms_from;              // sender number, name, Messaging/Verify service SID
  std::string sms_whatsapp_from;     // WhatsApp sender (Twilio); empty = sms_from
  std::string sms_base_url;          // provider API root override; the http-hook URL
  int sms_timeout_seconds = 10;
  std::string sms_template = "{code} is your {app} code. It expires in {minutes} minutes.";
  std::string sms_app_name = "Gatehouse";
  std::string sms_default_region;  // ISO country for numbers without "+"; empty = require "+"
  int sms_code_length = 6;
  int64_t sms_code_ttl_seconds = 300;
  int sms_code_max_attempts = 5;
  int sms_resend_cooldown_seconds = 60;  // per number
  int sms_per_number_per_hour = 5;
  int sms_budget_per_hour = 1000;             // every message of this instance; 0 = no limit
  int rate_limit_sms_per_hour = 30;           // code-sending requests per client IP
  std::vector<std::string> sms_test_numbers;  // "+15550001111:123456": fixed code, nothing sent

  // --- abuse protection (per client IP)
  int rate_limit_signin_per_minute = 30;  // sign-in and sign-up attempts
  int rate_limit_signin_burst = 10;
  int rate_limit_token_per_minute = 600;  // token refresh / verify
  int rate_limit_token_burst = 100;
  int rate_limit_anonymous_per_hour = 30;  // anonymous sign-ins

  // --- guesses per account / code recipient, from any IP (auth/attempt_limiter.h)
  int account_guess_limit_per_hour = 100;      // 0 = no per-account limit
  int account_guess_free_failures = 5;         // before the back-off starts
  int account_guess_backoff_max_seconds = 60;  // doubling from 1 s up to this

  // --- second factor (TOTP)
  bool mfa_enabled = true;                    // POST /v1/user/mfa may turn TOTP on
  std::string mfa_totp_issuer = "Gatehouse";  // shown by authenticator apps
  std::string mfa_encryption_key;             // empty = generated once, kept in the store
  int mfa_max_failures = 10;                  // wrong codes per user before the lock-out
  int mfa_lockout_seconds = 900;              // the window those failures are counted in
  int mfa_ticket_ttl_seconds = 300;           // MFA tickets from a first-factor sign-in
  int mfa_max_factors = 10;                   // second factors per user, verified or not
  bool mfa_webauthn_enroll_enabled = false;   // POST /auth/v1/factors may enrol a passkey
  bool mfa_webauthn_verify_enabled = false;   // webauthn factors may be challenged and verified

  // Passkeys (WebAuthn), /v1/signup/webauthn and friends.
  bool webauthn_enabled = false;
  std::string webauthn_rp_id;  // empty = the host of the first origin
  std::string webauthn_rp_name = "Gatehouse";
  std::vector<std::string> webauthn_rp_origins;  // exact origins the ceremonies may come from
  int webauthn_challenge_seconds = 300;
  std::string webauthn_user_verification = "preferred";
  int webauthn_max_credentials = 10;

  // --- email flows (verification, magic link, email code, reset, change)
  bool email_verification_required = true;  // sign-in needs a verified address
  bool email_passwordless_enabled = false;  // magic link
  bool email_otp_enabled = false;           // 6-digit code by mail
  bool email_verify_confirm_page = true;    // GET /verify from a browser shows a confirm button
  int64_t email_code_ttl_seconds = 600;     // codes and links
  int email_code_max_attempts = 5;          // wrong tries before a code is burnt
  int email_resend_cooldown_seconds = 60;   // per address
  int email_per_address_per_hour = 10;      // mails per address per hour
  int rate_limit_email_per_hour = 60;       // mail-sending requests per client IP
  bool password_change_signs_out = true;    // other sessions end on reset / change
  bool password_change_requires_reauthentication = false;    // a mailed nonce for old sessions
  int64_t reauthentication_max_session_age_seconds = 86400;  // younger sessions need none
  std::string email_templates_path;                          // override folder; empty = built-in

  // --- OAuth / OIDC social sign-in
  std::vector<OAuthProvider> oauth_providers;  // built-in kinds and generic OIDC ones
  bool oauth_link_verified_email = true;  // a verified provider email joins the existing account
  bool oauth_state_cookie = true;         // the state only works in the browser that started
  bool manual_linking_enabled = true;     // signed-in users link and unlink providers
  int oauth_request_ttl_seconds = 600;    // from the redirect to the provider to the callback
  int oauth_grant_ttl_seconds = 60;       // one-time grant codes handed to the app
  int oauth_http_timeout_seconds = 10;    // each call to a provider

  // --- auth hooks (auth/hooks.h): the app's own endpoints, GoTrue's HTTP hooks
  HookSettings hook_custom_access_token;
  HookSettings hook_before_user_created;
  HookSettings hook_after_user_created;
  HookSettings hook_send_sms;
  HookSettings hook_send_email;
  HookSettings hook_password_verification_attempt;
  HookSettings hook_mfa_verification_attempt;
  int hook_timeout_seconds = 5;        // each call (GoTrue's HTTP hook timeout)
  int hook_max_attempts = 3;           // calls, the first included, on 429 / 503
  int hook_retry_budget_seconds = 10;  // all of one hook's attempts and waits

  // --- SMTP (no host = the development mailer that prints mail to the log)
  std::string smtp_host;
  int smtp_port = 587;
  std::string smtp_user;
  std::string smtp_pass;
  std::string smtp_secure = "starttls";  // none | starttls | tls
  std::string smtp_sender = "gatehouse@localhost";
  std::string smtp_sender_name = "Gatehouse";
  int smtp_timeout_seconds = 10;
  int smtp_retries = 2;
};

}  // namespace gh::config
