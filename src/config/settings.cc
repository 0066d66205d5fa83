#include "config/settings.h"

#include "config/environment.h"
#include "config/gotrue_env.h"
#include "config/hook_settings.h"
#include "config/jwt_keys.h"
#include "config/provider_settings.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <sstream>

namespace gh::config {
namespace {

using Setter = std::function<std::optional<std::string>(Config&, std::string_view)>;
using Getter = std::function<std::string(const Config&)>;

using internal::JoinList;
using internal::SplitList;
using internal::Trim;

// Typed accessors over Config members: each returns the (set, get) pair.
struct Field {
  Setter set;
  Getter get;
};

Field Str(std::string Config::*m) {
  return {[m](Config& c, std::string_view t) -> std::optional<std::string> {
            c.*m = Trim(t);
            return std::nullopt;
          },
          [m](const Config& c) { return c.*m; }};
}

template <typename Int>
Field Num(Int Config::*m, int64_t lo, int64_t hi) {
  return {[m, lo, hi](Config& c, std::string_view t) -> std::optional<std::string> {
            std::string s = Trim(t);
            int64_t v = 0;
            auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
            if (s.empty() || ec != std::errc() || p != s.data() + s.size())
              return "expected an integer, got \"" + s + "\"";
            if (v < lo || v > hi)
              return "must be between " + std::to_string(lo) + " and " + std::to_string(hi);
            c.*m = static_cast<Int>(v);
            return std::nullopt;
          },
          [m](const Config& c) { return std::to_string(c.*m); }};
}

Field Bool(bool Config::*m) {
  return {[m](Config& c, std::string_view t) -> std::optional<std::string> {
            auto b = internal::ParseBool(t);
            if (!b) return "expected true or false, got \"" + Trim(t) + "\"";
            c.*m = *b;
            return std::nullopt;
          },
          [m](const Config& c) { return std::string(c.*m ? "true" : "false"); }};
}

Field List(std::vector<std::string> Config::*m) {
  return {[m](Config& c, std::string_view t) -> std::optional<std::string> {
            c.*m = SplitList(t);
            return std::nullopt;
          },
          [m](const Config& c) { return JoinList(c.*m); }};
}

Field OneOf(std::string Config::*m, std::vector<std::string> allowed) {
  return {[m, allowed](Config& c, std::string_view t) -> std::optional<std::string> {
            std::string s = Trim(t);
            if (std::find(allowed.begin(), allowed.end(), s) == allowed.end())
              return "must be one of " + JoinList(allowed) + ", got \"" + s + "\"";
            c.*m = s;
            return std::nullopt;
          },
          [m](const Config& c) { return c.*m; }};
}

std::vector<Setting> BuildTable() {
  std::vector<Setting> t;
  auto add = [&t](std::string key, std::vector<std::string> aliases, Field f, std::string doc,
                  bool secret = false) {
    std::string env = "GATEHOUSE_" + key;
    std::transform(env.begin(), env.end(), env.begin(), ::toupper);
    t.push_back(Setting{std::move(key), std::move(env), std::move(aliases), std::move(doc),
                        std::move(f.set), std::move(f.get), secret});
  };
  // --- server
  add("production", {}, Bool(&Config::production),
      "Refuse to start, and fail `config check`, on settings unsafe outside a laptop (which "
      "otherwise only get a warning at start): `cors_allowed_origins` with `*`, a non-loopback "
      "`host` with an `http://` `public_url`, the development mailer (empty `smtp_host`), the "
      "`log` SMS provider.");
  add("host", {"AUTH_HOST"}, Str(&Config::host), "Address to listen on.");
  add("port", {"AUTH_PORT"}, Num(&Config::port, 0, 65535),
      "TCP port to listen on (0 = any free port).");
  add("public_url", {"AUTH_SERVER_URL"}, Str(&Config::public_url),
      "URL where clients reach Gatehouse (the root above `/v1`); used in mailed links, OAuth "
      "callback URLs and the confirm page. Unset = `http://<host>:<port>` of the listen address "
      "(`localhost` for a wildcard host); behind a proxy set it. The Nhost alias "
      "`AUTH_SERVER_URL` names the API root as Nhost does (`https://host/v1`): a final `/v1` is "
      "dropped.");
  add("client_url", {"AUTH_CLIENT_URL"}, Str(&Config::client_url),
      "URL of the app; the default target of redirects.");
  add("gotrue_mount", {}, Str(&Config::gotrue_mount),
      "Path under which the GoTrue-compatible API (`@supabase/supabase-js`) is served, beside "
      "the native one under `/v1`; empty = not served.");
  add("admin_secret", {"HASURA_GRAPHQL_ADMIN_SECRET"}, Str(&Config::admin_secret),
      "Secret that, sent as `x-hasura-admin-secret`, opens the GoTrue admin API "
      "(`/admin/*`, `/invite`) beside a service_role API key; empty = only the key does.",
      true);
  add("allowed_redirect_urls", {"AUTH_ACCESS_CONTROL_ALLOWED_REDIRECT_URLS"},
      List(&Config::allowed_redirect_urls),
      "Comma-separated redirect URLs accepted besides client_url: same scheme, host and port, "
      "the path at or below the entry's; `*` in the host covers one label, never a public "
      "suffix (`https://*.example.com`, not `https://*.co.uk`), a final `/**` (or `/*`) any path "
      "below. Matched on the URL as a "
      "browser reads it: targets with userinfo, backslashes, percent-encoded or IDNA-changed "
      "hosts or IPv4 shorthands are refused.");
  add("cors_allowed_origins", {}, List(&Config::cors_allowed_origins),
      "Comma-separated origins allowed by CORS (`*` = any).");
  add("trust_proxy", {}, Bool(&Config::trust_proxy),
      "Behind one reverse proxy you run: the client IP is the address that proxy appended to "
      "X-Forwarded-For (the rightmost hop); whatever the client wrote to its left is ignored.");
  add("trusted_proxies", {}, List(&Config::trusted_proxies),
      "Comma-separated addresses or networks (CIDR, e.g. `10.0.0.0/8,fd00::/8`) of your proxies. "
      "The header is then read only from these peers, and the client IP is the rightmost hop "
      "outside them. Implies trust_proxy; wins over trusted_proxy_hops; these peers are exempt "
      "from max_connections_per_ip.");
  add("trusted_proxy_hops", {}, Num(&Config::trusted_proxy_hops, 0, 16),
      "Number of proxies in front of Gatehouse, each appending one hop: the client IP is the "
      "hop this far from the right (0 = 1 when trust_proxy is on). Implies trust_proxy.");
  add("client_ip_header", {}, Str(&Config::client_ip_header),
      "Header your proxy writes the client IP into, e.g. `X-Real-IP` or `CF-Connecting-IP` "
      "(empty = X-Forwarded-For). Setting it implies trust_proxy, as GoTrue does.");
  add("io_threads", {}, Num(&Config::io_threads, 1, 64), "Threads doing socket work only.");
  add("worker_threads", {}, Num(&Config::worker_threads, 1, 256),
      "Threads running flows (store reads and writes, token signing).");
  add("hash_threads", {}, Num(&Config::hash_threads, 0, 256),
      "Threads hashing passwords (0 = number of cores).");
  add("hash_queue_limit", {}, Num(&Config::hash_queue_limit, 1, 100000),
      "Password-hash requests that may wait; beyond it sign-ins get 429 with Retry-After.");
  add("remote_threads", {}, Num(&Config::remote_threads, 1, 1024),
      "Threads serving requests that wait on another service (OAuth providers, SMS, SMTP), "
      "apart from the workers token refresh needs.");
  add("remote_queue_limit", {}, Num(&Config::remote_queue_limit, 1, 100000),
      "Such requests that may wait for a thread; beyond it they get 503 with Retry-After.");
  add("body_limit_bytes", {}, Num(&Config::body_limit_bytes, 1024, int64_t{64} << 20),
      "Largest request body accepted (413 beyond).");
  add("request_timeout_seconds", {}, Num(&Config::request_timeout_seconds, 1, 3600),
      "Time allowed to receive a whole request.");
  add("idle_timeout_seconds", {}, Num(&Config::idle_timeout_seconds, 1, 3600),
      "Keep-alive connections idle longer than this are closed.");
  add("max_connections", {}, Num(&Config::max_connections, 0, 1000000),
      "Open connections at most (0 = as many as descriptors allow). Never more than the open-files "
      "limit (its soft limit is raised to the hard one at start) leaves after "
      "connection_fd_reserve. At the cap the connection idle longest is closed to make room; if "
      "none is idle, the new one is.");
  add("max_connections_per_ip", {}, Num(&Config::max_connections_per_ip, 0, 1000000),
      "Open connections per client TCP address at most (0 = no per-IP cap); at the cap that "
      "address's connection idle longest is closed first. Peers in trusted_proxies are exempt, "
      "and with trust_proxy or trusted_proxy_hops but no trusted_proxies there is no per-IP cap "
      "(every peer may be the proxy).");
  add("connection_fd_reserve", {}, Num(&Config::connection_fd_reserve, 0, 100000),
      "File descriptors kept out of the connection cap for the database, files and calls to "
      "other services.");
  add("log_level", {"AUTH_LOG_LEVEL"},
      OneOf(&Config::log_level, {"trace", "debug", "info", "warn", "error", "off"}),
      "Log verbosity.");
  add("access_log", {}, Bool(&Config::access_log), "Write one line per request.");
  add("access_log_json", {}, Bool(&Config::access_log_json),
      "Write the access log as JSON lines: each line one object (`time`, `type`, `method`, "
      "`path`, `status`, `bytes`, `duration_ms`, `ip`, `request_id`), with no log prefix.");
  add("user_agent_rules_file", {}, Str(&Config::user_agent_rules_file),
      "uap-core's `regexes.yaml` (Debian's `uap-core`), read on the first sessions listing to "
      "parse each session's user agent (`GET /v1/user/sessions`). When it cannot be read the "
      "server still runs, says so once in the log, and the parsed fields are empty.");
  add("metrics_listen", {}, Str(&Config::metrics_listen),
      "Serve `GET /metrics` (Prometheus text format; docs/production.md lists the metrics) on a "
      "listener of its own, `[host:]port` (`9464` is `127.0.0.1:9464`), and not on the main "
      "one. Empty: no such listener. Metrics are off unless this or `metrics_token` is set.");
  add("metrics_token", {}, Str(&Config::metrics_token),
      "Bearer token (at least 16 bytes) `GET /metrics` asks for (`Authorization: Bearer ...`). "
      "Without `metrics_listen`, /metrics is then served on the main listener; with it, the "
      "metrics listener asks for the token too.",
      true);
  // --- storage
  add("database_url", {"DATABASE_URL"}, Str(&Config::database_url),
      "`sqlite://<path>` (embedded default) or `postgres://...`.", true);
  add("database_pool_size", {}, Num(&Config::database_pool_size, 1, 1024),
      "Database connections per instance.");
  add("database_schema", {}, Str(&Config::database_schema),
      "PostgreSQL schema holding Gatehouse's tables.");
  // --- tokens
  add("jwt_algorithm", {}, OneOf(&Config::jwt_algorithm, {"ES256", "RS256", "EdDSA", "HS256"}),
      "Access token signature algorithm (HS256 is implied by jwt_secret).");
  add("signing_keys_reload_seconds", {}, Num(&Config::signing_keys_reload_seconds, 1, 3600),
      "How often a running server rereads the signing keys from the database, so that "
      "`gatehouse keys rotate|retire|remove` (or another instance) takes effect without a "
      "restart.");
  add("jwt_secret", {"AUTH_JWT_SECRET"}, Str(&Config::jwt_secret),
      "Shared secret for HS256 (at least 32 bytes). Leave empty for asymmetric keys. Hasura's "
      "`HASURA_GRAPHQL_JWT_SECRET` (`{\"type\":\"HS256\",\"key\":...}`, as Nhost sets it) "
      "is read too: its key, `claims_namespace`, `issuer` and `audience`.",
      true);
  add("jwt_keys", {}, Str(&Config::jwt_keys),
      "JSON array of JWKs (RSA, P-256 EC, Ed25519 OKP or oct; GoTrue's `GOTRUE_JWT_KEYS`) that "
      "replace the database's keys: the first private key whose key_ops (if any) allow `sign` "
      "signs, under its kid; every key verifies. With jwt_secret too, its HS256 key verifies.",
      true);
  add("jwt_issuer", {}, Str(&Config::jwt_issuer), "The `iss` claim.");
  add("jwt_audience", {}, Str(&Config::jwt_audience), "The `aud` claim.");
  add("jwt_claims_namespace", {}, Str(&Config::jwt_claims_namespace),
      "Claim holding the Hasura claims.");
  add("access_token_ttl_seconds", {"AUTH_ACCESS_TOKEN_EXPIRES_IN"},
      Num(&Config::access_token_ttl_seconds, 1, 86400), "Access token lifetime.");
  add("refresh_token_ttl_seconds", {"AUTH_REFRESH_TOKEN_EXPIRES_IN"},
      Num(&Config::refresh_token_ttl_seconds, 2, int64_t{10} * 365 * 86400),
      "Refresh token (and idle session) lifetime.");
  add("refresh_token_reuse_grace_seconds", {},
      Num(&Config::refresh_token_reuse_grace_seconds, 0, 300),
      "A rotated refresh token presented again within this window gets the same successor; "
      "after it, reuse revokes the session.");
  add("token_verify_checks_session", {}, Bool(&Config::token_verify_checks_session),
      "POST /v1/token/verify also refuses tokens whose session was signed out or revoked "
      "(one database read); off, it checks the token alone (signature, exp, iss, aud). "
      "GET /v1/user and every other authenticated route always check the session.");
  add("pat_max_ttl_days", {}, Num(&Config::pat_max_ttl_days, 1, int64_t{10} * 365),
      "The furthest expiry a personal access token may be given, in days from its creation "
      "(POST /v1/pat refuses a later `expiresAt`).");
  // --- users and sign-up
  add("signup_disabled", {"AUTH_DISABLE_SIGNUP"}, Bool(&Config::signup_disabled),
      "Refuse every sign-up.");
  add("email_signin_enabled", {}, Bool(&Config::email_signin_enabled),
      "Email + password sign-up and sign-in.");
  add("default_role", {"AUTH_USER_DEFAULT_ROLE"}, Str(&Config::default_role), "Role of new users.");
  add("allowed_roles", {"AUTH_USER_DEFAULT_ALLOWED_ROLES"}, List(&Config::allowed_roles),
      "Comma-separated roles new users get and may ask for at sign-up.");
  add("default_locale", {"AUTH_LOCALE_DEFAULT"}, Str(&Config::default_locale),
      "Locale of new users (two letters).");
  add("allowed_locales", {"AUTH_LOCALE_ALLOWED_LOCALES"}, List(&Config::allowed_locales),
      "Comma-separated locales users may choose.");
  add("password_min_length", {"AUTH_PASSWORD_MIN_LENGTH"},
      Num(&Config::password_min_length, 1, 1024), "Shortest password accepted.");
  add("password_max_length", {}, Num(&Config::password_max_length, 64, 1024),
      "Longest password accepted (characters).");
  add("password_hibp_enabled", {"AUTH_PASSWORD_HIBP_ENABLED"}, Bool(&Config::password_hibp_enabled),
      "Refuse new passwords (sign-up, change, reset) found in known data breaches "
      "(password-in-hibp-database), asking Have I Been Pwned's range API with only the first 5 "
      "hex characters of the password's SHA-1. When the API does not answer in time the "
      "password is accepted and a warning logged.");
  add("password_hibp_url", {}, Str(&Config::password_hibp_url),
      "Base URL of the Pwned Passwords range API (`<url>/range/<prefix>` is fetched).");
  add("password_hibp_timeout_seconds", {}, Num(&Config::password_hibp_timeout_seconds, 1, 30),
      "Time allowed for one range API call before the password is accepted unchecked.");
  // --- anonymous users
  add("anonymous_signin_enabled", {"AUTH_ANONYMOUS_USERS_ENABLED"},
      Bool(&Config::anonymous_signin_enabled),
      "Allow POST /v1/signin/anonymous (users who can later deanonymize).");
  add("anonymous_role", {}, Str(&Config::anonymous_role),
      "The only role of anonymous users (their default role).");
  add("anonymous_prune_after_days", {}, Num(&Config::anonymous_prune_after_days, 0, 36500),
      "Delete anonymous users who never converted after this many days, hourly (0 = never).");
  // --- phone
  add("sms_passwordless_enabled", {"AUTH_SMS_PASSWORDLESS_ENABLED"},
      Bool(&Config::sms_passwordless_enabled),
      "Allow POST /v1/signin/passwordless/sms (code by SMS or WhatsApp; creates the user if new).");
  add("phone_password_enabled", {}, Bool(&Config::phone_password_enabled),
      "Allow the native extensions POST /v1/signup/phone-password and /v1/signin/phone-password.");
  add("phone_verification_required", {}, Bool(&Config::phone_verification_required),
      "Phone + password sign-up sends a code, and sign-in of an unconfirmed number answers "
      "unverified-user.");
  add("sms_provider", {"AUTH_SMS_PROVIDER"},
      OneOf(&Config::sms_provider,
            {"log", "twilio", "twilio-verify", "messagebird", "vonage", "textlocal", "http-hook"}),
      "Who delivers codes. `log` (development) prints them to the log and sends nothing.");
  add("sms_account_sid", {"AUTH_SMS_TWILIO_ACCOUNT_SID"}, Str(&Config::sms_account_sid),
      "Twilio account SID; the Vonage API key.");
  add("sms_auth_token", {"AUTH_SMS_TWILIO_AUTH_TOKEN"}, Str(&Config::sms_auth_token),
      "Twilio auth token; Vonage API secret; MessageBird access key; Textlocal API key; the "
      "http-hook HMAC-SHA256 signing secret.",
      true);
  add("sms_from", {"AUTH_SMS_TWILIO_MESSAGING_SERVICE_ID"}, Str(&Config::sms_from),
      "Sender: a number, an alphanumeric name, a Twilio Messaging Service SID (MG...), or the "
      "Twilio Verify service SID (VA...) for twilio-verify.");
  add("sms_whatsapp_from", {}, Str(&Config::sms_whatsapp_from),
      "WhatsApp sender number (Twilio); empty = sms_from.");
  add("sms_base_url", {}, Str(&Config::sms_base_url),
      "Provider API root override (e.g. a test double); for http-hook the app's endpoint.");
  add("sms_timeout_seconds", {}, Num(&Config::sms_timeout_seconds, 1, 120),
      "Time allowed for one provider call.");
  add("sms_template", {}, Str(&Config::sms_template),
      "Message text; `{code}`, `{app}` and `{minutes}` are replaced.");
  add("sms_app_name", {}, Str(&Config::sms_app_name), "`{app}` in sms_template.");
  add("sms_default_region", {}, Str(&Config::sms_default_region),
      "Two-letter country for numbers written without `+` (empty = numbers must start with `+`).");
  add("sms_code_length", {}, Num(&Config::sms_code_length, 6, 10), "Digits in an SMS code.");
  add("sms_code_ttl_seconds", {}, Num(&Config::sms_code_ttl_seconds, 30, 3600),
      "Lifetime of an SMS code.");
  add("sms_code_max_attempts", {}, Num(&Config::sms_code_max_attempts, 1, 20),
      "Wrong tries after which an SMS code is burnt.");
  add("sms_resend_cooldown_seconds", {}, Num(&Config::sms_resend_cooldown_seconds, 0, 3600),
      "Least time between two codes to one number (429 with Retry-After before it).");
  add("sms_per_number_per_hour", {}, Num(&Config::sms_per_number_per_hour, 0, 1000),
      "Codes to one number per hour (0 = no limit).");
  add("sms_budget_per_hour", {}, Num(&Config::sms_budget_per_hour, 0, 10000000),
      "Messages this instance sends per hour in all, against SMS pumping (0 = no limit).");
  add("rate_limit_sms_per_hour", {}, Num(&Config::rate_limit_sms_per_hour, 0, 1000000),
      "Code-sending requests per client IP per hour (0 = no limit).");
  add("sms_test_numbers", {}, List(&Config::sms_test_numbers),
      "Comma-separated `+number:code` pairs that always accept that code and are sent nothing "
      "(app-store review, development).");
  // --- abuse protection
  add("rate_limit_signin_per_minute", {}, Num(&Config::rate_limit_signin_per_minute, 0, 1000000),
      "Sign-in and sign-up attempts per client IP per minute (0 = no limit).");
  add("rate_limit_signin_burst", {}, Num(&Config::rate_limit_signin_burst, 0, 1000000),
      "Sign-in and sign-up attempts a client IP may make at once.");
  add("rate_limit_token_per_minute", {}, Num(&Config::rate_limit_token_per_minute, 0, 10000000),
      "Token refresh and verify calls per client IP per minute (0 = no limit).");
  add("rate_limit_token_burst", {}, Num(&Config::rate_limit_token_burst, 0, 10000000),
      "Token refresh and verify calls a client IP may make at once.");
  add("rate_limit_anonymous_per_hour", {}, Num(&Config::rate_limit_anonymous_per_hour, 0, 1000000),
      "Anonymous sign-ins per client IP per hour (0 = no limit).");
  add("account_guess_limit_per_hour", {}, Num(&Config::account_guess_limit_per_hour, 0, 1000000),
      "Failed guesses per account or code recipient per hour, from any number of IPs: passwords "
      "per email address or phone number, SMS codes per number, email codes per address "
      "(ASVS V2.2.1 asks for at most 100). 0 = no per-account limit. Counted per instance.");
  add("account_guess_free_failures", {}, Num(&Config::account_guess_free_failures, 0, 1000000),
      "Failed guesses in a row per account that cost no delay.");
  add("account_guess_backoff_max_seconds", {},
      Num(&Config::account_guess_backoff_max_seconds, 0, 3600),
      "Each further failure closes the account to guesses for a doubling while (1 s, 2 s, 4 s, "
      "...) up to this, answered 429 with Retry-After: a storm slows down, the owner waits at most "
      "this long, and nobody is locked out for good.");
  // --- second factor
  add("mfa_enabled", {"AUTH_MFA_ENABLED"}, Bool(&Config::mfa_enabled),
      "Users may turn on a TOTP second factor (POST /v1/user/mfa); off = disabled-mfa-totp.");
  add("mfa_totp_issuer", {"AUTH_MFA_TOTP_ISSUER"}, Str(&Config::mfa_totp_issuer),
      "Issuer name in TOTP QR codes, shown by authenticator apps.");
  add("mfa_encryption_key", {}, Str(&Config::mfa_encryption_key),
      "Key (32+ random characters) encrypting TOTP secrets. Empty = one is generated on first "
      "start and kept in the database's secrets table; set it to keep the key out of the "
      "database. Changing it invalidates every enrolled TOTP secret (those users get "
      "`no-totp-secret` and an error is logged); `users export` carries the secrets in clear, "
      "so users move between stores with different keys.",
      true);
  add("mfa_max_failures", {}, Num(&Config::mfa_max_failures, 1, 1000),
      "Wrong second-factor codes per user within mfa_lockout_seconds before further attempts "
      "are refused with too-many-requests.");
  add("mfa_lockout_seconds", {}, Num(&Config::mfa_lockout_seconds, 1, 86400),
      "Window in which a user's wrong second-factor codes are counted.");
  add("mfa_ticket_ttl_seconds", {}, Num(&Config::mfa_ticket_ttl_seconds, 1, 3600),
      "Lifetime of the MFA ticket a first-factor sign-in answers for a user with TOTP on.");
  add("mfa_max_factors", {}, Num(&Config::mfa_max_factors, 1, 100),
      "Second factors a user may hold, verified or not; one more is refused with "
      "too-many-enrolled-mfa-factors.");
  add("mfa_webauthn_enroll_enabled", {}, Bool(&Config::mfa_webauthn_enroll_enabled),
      "Passkeys may be enrolled as GoTrue webauthn second factors (POST /auth/v1/factors with "
      "factor_type webauthn); off = 422 mfa_webauthn_enroll_not_enabled. Needs "
      "webauthn_rp_origins; the factor is a passkey (listed with the user's passkeys).");
  add("mfa_webauthn_verify_enabled", {}, Bool(&Config::mfa_webauthn_verify_enabled),
      "WebAuthn factors (every passkey of a user) may be challenged and verified to step a "
      "session up to aal2; off = 422 mfa_webauthn_verify_not_enabled.");
  // --- passkeys
  add("webauthn_enabled", {"AUTH_WEBAUTHN_ENABLED"}, Bool(&Config::webauthn_enabled),
      "Passkeys (WebAuthn): sign-up, sign-in, adding and elevation under /v1/.../webauthn. Off "
      "= disabled-endpoint. Needs webauthn_rp_origins.");
  add("webauthn_rp_id", {}, Str(&Config::webauthn_rp_id),
      "The relying party id passkeys are bound to: the site's domain (e.g. example.com). Empty "
      "= the host of the first webauthn_rp_origins entry. Changing it orphans every passkey.");
  add("webauthn_rp_name", {"AUTH_WEBAUTHN_RP_NAME"}, Str(&Config::webauthn_rp_name),
      "The relying party name browsers show while creating a passkey.");
  add("webauthn_rp_origins", {"AUTH_WEBAUTHN_RP_ORIGINS"}, List(&Config::webauthn_rp_origins),
      "Exact origins (scheme, host, port) the ceremonies may come from, comma-separated, e.g. "
      "https://app.example.com. Each host must be webauthn_rp_id or below it.");
  add("webauthn_challenge_seconds", {}, Num(&Config::webauthn_challenge_seconds, 10, 3600),
      "How long a passkey challenge may be answered; each is single use.");
  add("webauthn_user_verification", {},
      OneOf(&Config::webauthn_user_verification, {"preferred", "required", "discouraged"}),
      "What passkey ceremonies ask of the authenticator: required refuses an assertion without "
      "user verification (PIN, biometrics).");
  add("webauthn_max_credentials", {}, Num(&Config::webauthn_max_credentials, 1, 100),
      "Passkeys per user.");
  // --- email flows
  add("email_verification_required", {"AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED"},
      Bool(&Config::email_verification_required),
      "Sign-up mails a verification link and sign-in of an unverified address answers "
      "unverified-user.");
  add("email_passwordless_enabled", {"AUTH_EMAIL_PASSWORDLESS_ENABLED"},
      Bool(&Config::email_passwordless_enabled),
      "Allow POST /v1/signin/passwordless/email (magic link; creates the user if new).");
  add("email_otp_enabled", {"AUTH_OTP_EMAIL_ENABLED"}, Bool(&Config::email_otp_enabled),
      "Allow POST /v1/signin/otp/email (6-digit code by mail; creates the user if new).");
  add("email_verify_confirm_page", {}, Bool(&Config::email_verify_confirm_page),
      "GET /v1/verify from a browser shows a one-button page that confirms with a POST, so mail "
      "link scanners cannot burn links.");
  add("email_code_ttl_seconds", {}, Num(&Config::email_code_ttl_seconds, 1, 7 * 86400),
      "Lifetime of mailed codes and links.");
  add("email_code_max_attempts", {}, Num(&Config::email_code_max_attempts, 1, 100),
      "Wrong tries after which an email code is burnt.");
  add("email_resend_cooldown_seconds", {}, Num(&Config::email_resend_cooldown_seconds, 0, 3600),
      "Least time between two mails to one address (429 with Retry-After before it).");
  add("email_per_address_per_hour", {}, Num(&Config::email_per_address_per_hour, 0, 100000),
      "Mails to one address per hour (0 = no limit).");
  add("rate_limit_email_per_hour", {}, Num(&Config::rate_limit_email_per_hour, 0, 1000000),
      "Mail-sending requests per client IP per hour, per endpoint (0 = no limit).");
  add("password_change_signs_out", {}, Bool(&Config::password_change_signs_out),
      "A password reset signs the user out everywhere; a signed-in change ends every other "
      "session.");
  add("password_change_requires_reauthentication", {},
      Bool(&Config::password_change_requires_reauthentication),
      "A signed-in password change from a session older than "
      "`reauthentication_max_session_age_seconds` needs the code GET /auth/v1/reauthenticate "
      "mails (GoTrue's nonce).");
  add("reauthentication_max_session_age_seconds", {},
      Num(&Config::reauthentication_max_session_age_seconds, 0, 30LL * 86400),
      "Age up to which a session's own sign-in is proof enough for a password change (0 = "
      "always ask for the code).");
  add("email_templates_path", {"AUTH_EMAIL_TEMPLATES_PATH"}, Str(&Config::email_templates_path),
      "Folder overriding mail templates: <locale>/<kind>/{subject.txt,body.html,body.txt}.");
  // --- SMTP
  add("smtp_host", {"AUTH_SMTP_HOST"}, Str(&Config::smtp_host),
      "SMTP server. Empty = the development mailer, which prints every mail to the log.");
  add("smtp_port", {"AUTH_SMTP_PORT"}, Num(&Config::smtp_port, 1, 65535), "SMTP port.");
  add("smtp_user", {"AUTH_SMTP_USER"}, Str(&Config::smtp_user),
      "SMTP AUTH user name (empty = no AUTH).");
  add("smtp_pass", {"AUTH_SMTP_PASS"}, Str(&Config::smtp_pass), "SMTP AUTH password.", true);
  add("smtp_secure", {}, OneOf(&Config::smtp_secure, {"none", "starttls", "tls"}),
      "`starttls` (required STARTTLS), `tls` (implicit TLS, port 465) or `none`.");
  add("smtp_sender", {"AUTH_SMTP_SENDER"}, Str(&Config::smtp_sender), "From address of mails.");
  add("smtp_sender_name", {}, Str(&Config::smtp_sender_name), "Display name in From.");
  add("smtp_timeout_seconds", {}, Num(&Config::smtp_timeout_seconds, 1, 300),
      "Time allowed for one SMTP delivery attempt.");
  add("smtp_retries", {}, Num(&Config::smtp_retries, 0, 10),
      "Extra delivery attempts after a failure, with doubling backoff from 0.5 s.");
  // --- social and OpenID Connect sign-in
  add("oauth_link_verified_email", {}, Bool(&Config::oauth_link_verified_email),
      "A provider identity whose email the provider has verified joins the existing account "
      "with that email (off = such a sign-in is refused and the user must link it while signed "
      "in).");
  add("oauth_state_cookie", {}, Bool(&Config::oauth_state_cookie),
      "Bind each sign-in's state to the browser that started it with an HttpOnly cookie, so a "
      "callback URL planted in another browser is refused (login CSRF). Off only for clients "
      "that cannot keep cookies between the start and the callback.");
  add("manual_linking_enabled", {}, Bool(&Config::manual_linking_enabled),
      "Signed-in users may link further providers to their account and unlink them (native "
      "connect, /link/idtoken and /user/providers; GoTrue's /user/identities). Off = those "
      "answer manual-linking-disabled (GoTrue: manual_linking_disabled). Linking by a verified "
      "email at sign-in is oauth_link_verified_email.");
  add("oauth_request_ttl_seconds", {}, Num(&Config::oauth_request_ttl_seconds, 30, 3600),
      "Time from the redirect to the provider until its callback; older states are refused.");
  add("oauth_grant_ttl_seconds", {}, Num(&Config::oauth_grant_ttl_seconds, 5, 600),
      "Lifetime of the one-time grant code an app exchanges for the session.");
  add("oauth_http_timeout_seconds", {}, Num(&Config::oauth_http_timeout_seconds, 1, 120),
      "Time allowed for one call to a provider (token, profile, discovery, JWKS).");
  internal::AddProviderSettings(&t);
  // --- auth hooks (docs/hooks.md)
  internal::AddHookSettings(&t);
  add("hook_timeout_seconds", {}, Num(&Config::hook_timeout_seconds, 1, 30),
      "Time allowed for one call to a hook.");
  add("hook_max_attempts", {}, Num(&Config::hook_max_attempts, 1, 10),
      "Calls to a hook that answers 429 or 503, the first included (waiting its Retry-After).");
  add("hook_retry_budget_seconds", {}, Num(&Config::hook_retry_budget_seconds, 1, 60),
      "Longest a hook's calls and waits may take together before it counts as not answering.");
  return t;
}

}  // namespace

const std::vector<Setting>& Settings() {
  static const std::vector<Setting> table = BuildTable();
  return table;
}

}  // namespace gh::config
