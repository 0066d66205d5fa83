// The GoTrue names we read and the ones we know and ignore, with the
// conversions from GoTrue's units to ours. Meanings and units follow
// supabase/auth's internal/conf (envconfig, prefix GOTRUE) and its limiters.
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "config/gotrue_env.h"
#include "config/provider_settings.h"

namespace gh::config::internal {
namespace {

Converted Value(std::string text) { return {Converted::kValue, std::move(text)}; }
Converted Error(std::string why) { return {Converted::kError, std::move(why)}; }
Converted Ignore(std::string why) { return {Converted::kIgnore, std::move(why)}; }
Converted Skip() { return {Converted::kSkip, {}}; }

Converted Same(const std::string& v) { return Value(v); }

Converted Not(const std::string& v) {
  auto b = ParseBool(v);
  if (!b) return Error("expected true or false, got \"" + Trim(v) + "\"");
  return Value(*b ? "false" : "true");
}

// A non-negative decimal number (GoTrue's float64 settings).
bool Number(const std::string& v, double* out) {
  std::string s = Trim(v);
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return !s.empty() && end == s.c_str() + s.size() && std::isfinite(*out) && *out >= 0;
}

std::string Whole(double v) { return std::to_string(static_cast<int64_t>(std::ceil(v))); }

// Go's time.ParseDuration ("90s", "1m30s", "1.5h", "500ms"), rounded up to
// whole seconds. A bare number is refused as Go refuses it (except 0).
bool GoDurationSeconds(const std::string& v, int64_t* seconds) {
  std::string s = Trim(v);
  if (s == "0") return *seconds = 0, true;
  if (s.empty()) return false;
  double total = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == start) return false;
    double n = std::strtod(s.substr(start, i - start).c_str(), nullptr);
    size_t unit_start = i;
    while (i < s.size() && !std::isdigit(static_cast<unsigned char>(s[i])) && s[i] != '.') ++i;
    std::string unit = s.substr(unit_start, i - unit_start);
    double scale = unit == "h"                           ? 3600
                   : unit == "m"                         ? 60
                   : unit == "s"                         ? 1
                   : unit == "ms"                        ? 1e-3
                   : unit == "us" || unit == "\xC2\xB5s" ? 1e-6
                   : unit == "ns"                        ? 1e-9
                                                         : -1;
    if (scale < 0) return false;
    total += n * scale;
  }
  *seconds = static_cast<int64_t>(std::ceil(total - 1e-9));
  return true;
}

Converted Duration(const std::string& v) {
  int64_t s = 0;
  if (!GoDurationSeconds(v, &s))
    return Error("expected a Go duration such as 60s, 5m or 1h30m, got \"" + Trim(v) + "\"");
  return Value(std::to_string(s));
}

// GoTrue's per-IP limits on /token and sign-ins count requests per 5 minutes.
Converted PerFiveMinutesToPerMinute(const std::string& v) {
  double n = 0;
  if (!Number(v, &n)) return Error("expected a number of requests per 5 minutes");
  return Value(Whole(n / 5));
}

// GoTrue's Rate: "30" (per hour) or "10/15m" (events per duration).
Converted RatePerHour(const std::string& v) {
  double n = 0;
  if (Number(v, &n)) return Value(Whole(n));
  size_t slash = v.find('/');
  int64_t over = 0;
  if (slash == std::string::npos || !Number(v.substr(0, slash), &n) ||
      !GoDurationSeconds(v.substr(slash + 1), &over) || over <= 0)
    return Error("expected a number per hour or events/duration such as 10/15m");
  return Value(Whole(n * 3600.0 / static_cast<double>(over)));
}

Converted Ceil(const std::string& v) {
  double n = 0;
  if (!Number(v, &n)) return Error("expected a non-negative number");
  return Value(Whole(n));
}

Converted LogLevel(const std::string& v) {
  std::string s = Trim(v);
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  if (s == "panic" || s == "fatal") return Value("error");
  if (s == "warning") return Value("warn");
  return Value(s);  // trace, debug, info, warn, error: the setter checks
}

Converted SmsProvider(const std::string& v) {
  std::string s = Trim(v);
  if (s == "twilio_verify") return Value("twilio-verify");
  if (s == "twilio" || s == "messagebird" || s == "textlocal" || s == "vonage") return Value(s);
  return Error("SMS provider \"" + s + "\" is not one Gatehouse has (twilio, twilio_verify, " +
               "messagebird, textlocal, vonage)");
}

// "15550001111:123456,..." (GoTrue keeps numbers without "+") -> "+15550001111:123456,...".
Converted TestOtp(const std::string& v) {
  std::vector<std::string> out;
  for (std::string pair : SplitList(v)) {
    size_t colon = pair.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == pair.size())
      return Error("expected number:code pairs, got \"" + pair + "\"");
    if (pair[0] != '+') pair.insert(pair.begin(), '+');
    out.push_back(pair);
  }
  return Value(JoinList(out));
}

// GoTrue's Go template "Your code is {{ .Code }}" -> "Your code is {code}".
Converted SmsTemplate(const std::string& v) {
  std::string s = v;
  for (const char* code : {"{{ .Code }}", "{{.Code}}", "{{ .Code}}", "{{.Code }}"}) {
    for (size_t at; (at = s.find(code)) != std::string::npos;)
      s.replace(at, std::string_view(code).size(), "{code}");
  }
  if (s.find("{{") != std::string::npos)
    return Ignore(
        "uses Go template fields other than {{ .Code }}; write it in sms_template's "
        "{code} / {app} / {minutes} form");
  return Value(s);
}

// GoTrue's API_EXTERNAL_URL is where its API is reached, often .../auth/v1;
// our public_url is the root the /v1 and /auth/v1 paths hang below.
Converted ExternalUrl(const std::string& v) {
  std::string u = Trim(v);
  while (u.size() > 1 && u.back() == '/') u.pop_back();
  if (u.ends_with("/auth/v1")) u.resize(u.size() - 8);
  return Value(u);
}

// GoTrue raises any minimum below 6 to 6.
Converted MinLength(const std::string& v) {
  double n = 0;
  if (!Number(v, &n)) return Error("expected a whole number");
  return Value(std::to_string(std::max<int64_t>(6, static_cast<int64_t>(n))));
}

// GoTrue's client ids are a list: the first is the OAuth client, the others
// further audiences of ID tokens (native apps).
Converted FirstClientId(const std::string& v) {
  auto ids = SplitList(v);
  return Value(ids.empty() ? "" : ids.front());
}
Converted OtherClientIds(const std::string& v) {
  auto ids = SplitList(v);
  if (ids.size() < 2) return Skip();
  return Value(JoinList(std::vector<std::string>(ids.begin() + 1, ids.end())));
}

// Port 465 is implicit TLS for GoTrue's mailer, as smtp_secure = tls is here.
Converted TlsFor465(const std::string& v) { return Trim(v) == "465" ? Value("tls") : Skip(); }

// GoTrue's own tables live in that database's `auth` schema: keep ours apart.
Converted SchemaApartFromGotrue(const std::string& v) {
  std::string u = Trim(v);
  return u.starts_with("postgres://") || u.starts_with("postgresql://") ? Value("gatehouse")
                                                                        : Skip();
}

GotrueRule Maps(std::string name, std::vector<GotrueTarget> targets, std::string note = {}) {
  GotrueRule r;
  r.name = std::move(name);
  r.targets = std::move(targets);
  r.note = std::move(note);
  return r;
}
GotrueRule Lacks(std::string name, std::string why, int agrees_when = -1) {
  GotrueRule r = Maps(std::move(name), {}, std::move(why));
  r.agrees_when = agrees_when;
  return r;
}
GotrueRule LacksPrefix(std::string prefix, std::string why) {
  GotrueRule r = Maps(std::move(prefix), {}, std::move(why));
  r.prefix = true;
  return r;
}
GotrueRule Sms(std::string name, const char* key, std::string family) {
  GotrueRule r = Maps(std::move(name), {{key, Same}}, "read when GOTRUE_SMS_PROVIDER is " + family);
  r.sms_family = std::move(family);
  return r;
}

std::vector<GotrueRule> Build() {
  std::vector<GotrueRule> r = {
      // --- server, URLs, database, logs
      Maps("GOTRUE_API_HOST", {{"host", Same}}),
      Maps("GOTRUE_API_PORT", {{"port", Same}}),
      Maps("API_EXTERNAL_URL", {{"public_url", ExternalUrl}},
           "a final /auth/v1 is dropped: public_url is the root above /v1 and /auth/v1"),
      Maps("GOTRUE_API_EXTERNAL_URL", {{"public_url", ExternalUrl}}, "as API_EXTERNAL_URL"),
      Maps("GOTRUE_SITE_URL", {{"client_url", Same}}),
      Maps("SITE_URL", {{"client_url", Same}}, "as GOTRUE_SITE_URL (the docker .env name)"),
      Maps("GOTRUE_URI_ALLOW_LIST", {{"allowed_redirect_urls", Same}},
           "comma-separated; GoTrue's `*` and `**` globs read as allowed_redirect_urls reads them"),
      Maps("GOTRUE_DB_DATABASE_URL",
           {{"database_url", Same}, {"database_schema", SchemaApartFromGotrue, true}},
           "a postgres:// URL also sets database_schema = gatehouse (unless given): GoTrue's "
           "own tables are in that database's auth schema"),
      Lacks("GOTRUE_DB_DRIVER", "the driver follows from the database URL's scheme"),
      Lacks("GOTRUE_DB_NAMESPACE", "Gatehouse keeps its tables in database_schema"),
      Maps("GOTRUE_LOG_LEVEL", {{"log_level", LogLevel}}, "panic and fatal read as error"),
      Maps("GOTRUE_RATE_LIMIT_HEADER", {{"client_ip_header", Same}},
           "the header carrying the client IP; implies trust_proxy, as in GoTrue"),
      // --- tokens
      Maps("GOTRUE_JWT_SECRET", {{"jwt_secret", Same}},
           "with GOTRUE_JWT_KEYS too, the secret's HS256 key verifies only"),
      Maps("GOTRUE_JWT_KEYS", {{"jwt_keys", Same}},
           "JSON array of JWKs: the first private key allowed to sign signs, all verify"),
      Maps("GOTRUE_JWT_EXP", {{"access_token_ttl_seconds", Same}}, "seconds, as ours"),
      Maps("GOTRUE_JWT_AUD", {{"jwt_audience", Same}}),
      Maps("GOTRUE_JWT_ISSUER", {{"jwt_issuer", Same}}),
      Lacks("GOTRUE_JWT_DEFAULT_GROUP_NAME",
            "Gatehouse's tokens do not carry GoTrue's `role` claim yet (default_role is the "
            "Hasura role, another claim)"),
      Lacks("GOTRUE_JWT_ADMIN_ROLES", "Gatehouse has no GoTrue admin API yet"),
      Lacks("GOTRUE_JWT_ADMIN_GROUP_NAME", "Gatehouse has no GoTrue admin API yet"),
      Lacks("GOTRUE_JWT_KEY_ID", "the HS256 key's kid is derived from the secret"),
      Lacks("GOTRUE_JWT_VALID_METHODS", "the key ring decides: each key verifies its algorithm"),
      // --- sign-up and users
      Maps("GOTRUE_DISABLE_SIGNUP", {{"signup_disabled", Same}}),
      Maps("GOTRUE_EXTERNAL_ANONYMOUS_USERS_ENABLED", {{"anonymous_signin_enabled", Same}}),
      Maps("GOTRUE_EXTERNAL_EMAIL_ENABLED", {{"email_signin_enabled", Same}},
           "email + password sign-up and sign-in"),
      Maps("GOTRUE_EXTERNAL_EMAIL_MAGIC_LINK_ENABLED",
           {{"email_passwordless_enabled", Same}, {"email_otp_enabled", Same}},
           "magic links and email codes"),
      Maps("GOTRUE_EXTERNAL_PHONE_ENABLED",
           {{"sms_passwordless_enabled", Same}, {"phone_password_enabled", Same}},
           "SMS codes and phone + password"),
      Maps("GOTRUE_MAILER_AUTOCONFIRM", {{"email_verification_required", Not}},
           "true = sign-in needs no verified address"),
      Maps("GOTRUE_SMS_AUTOCONFIRM", {{"phone_verification_required", Not}},
           "true = sign-in needs no verified number"),
      Lacks("GOTRUE_MAILER_ALLOW_UNVERIFIED_EMAIL_SIGN_INS",
            "one switch here, email_verification_required (GOTRUE_MAILER_AUTOCONFIRM)", 0),
      Maps("GOTRUE_MAILER_OTP_EXP", {{"email_code_ttl_seconds", Same}}, "seconds, as ours"),
      Lacks("GOTRUE_MAILER_OTP_LENGTH", "email codes have 6 digits"),
      Lacks("GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED",
            "an email change is confirmed from the new address only", 0),
      Maps("GOTRUE_SMTP_MAX_FREQUENCY", {{"email_resend_cooldown_seconds", Duration}},
           "Go duration, rounded up to seconds"),
      Maps("GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_REAUTHENTICATION",
           {{"password_change_requires_reauthentication", Same}},
           "sessions older than a day need the reauthentication code"),
      Maps("GOTRUE_SECURITY_MANUAL_LINKING_ENABLED", {{"manual_linking_enabled", Same}},
           "GoTrue's default is off, Gatehouse's on"),
      // --- passwords
      Maps("GOTRUE_PASSWORD_MIN_LENGTH", {{"password_min_length", MinLength}},
           "below 6 reads as 6, as in GoTrue"),
      Lacks("GOTRUE_PASSWORD_REQUIRED_CHARACTERS",
            "Gatehouse has no required character classes (only length and breached-password "
            "checks)"),
      Maps("GOTRUE_PASSWORD_HIBP_ENABLED", {{"password_hibp_enabled", Same}}),
      Lacks("GOTRUE_PASSWORD_HIBP_FAIL_CLOSED",
            "the breached-password check fails open (the password is accepted)", 0),
      // --- sessions
      Lacks("GOTRUE_SECURITY_REFRESH_TOKEN_ROTATION_ENABLED",
            "Gatehouse always rotates refresh tokens", 1),
      Maps("GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL",
           {{"refresh_token_reuse_grace_seconds", Same}}, "seconds, as ours"),
      Maps("GOTRUE_SESSIONS_INACTIVITY_TIMEOUT", {{"refresh_token_ttl_seconds", Duration}},
           "Go duration: a session unused this long ends"),
      Lacks("GOTRUE_SESSIONS_TIMEBOX", "sessions have no fixed end beyond inactivity"),
      Lacks("GOTRUE_SESSIONS_SINGLE_PER_USER", "a user may hold several sessions", 0),
      // --- SMTP
      Maps("GOTRUE_SMTP_HOST", {{"smtp_host", Same}}),
      Maps("GOTRUE_SMTP_PORT", {{"smtp_port", Same}, {"smtp_secure", TlsFor465, true}},
           "port 465 also sets smtp_secure = tls; on other ports Gatehouse requires STARTTLS "
           "where GoTrue uses it when offered (set smtp_secure = none for a server without TLS)"),
      Maps("GOTRUE_SMTP_USER", {{"smtp_user", Same}}),
      Maps("GOTRUE_SMTP_PASS", {{"smtp_pass", Same}}),
      Maps("GOTRUE_SMTP_ADMIN_EMAIL", {{"smtp_sender", Same}}, "the From address"),
      Maps("GOTRUE_SMTP_SENDER_NAME", {{"smtp_sender_name", Same}}),
      Lacks("GOTRUE_SMTP_HEADERS", "mails carry no extra headers"),
      Lacks("GOTRUE_RATE_LIMIT_EMAIL_SENT",
            "Gatehouse has no instance-wide mail budget (it limits per address, "
            "email_per_address_per_hour, and per client IP, rate_limit_email_per_hour)"),
      // --- SMS
      Maps("GOTRUE_SMS_PROVIDER", {{"sms_provider", SmsProvider}},
           "twilio_verify reads as twilio-verify"),
      Maps("GOTRUE_SMS_OTP_EXP", {{"sms_code_ttl_seconds", Same}}, "seconds, as ours"),
      Maps("GOTRUE_SMS_OTP_LENGTH", {{"sms_code_length", Same}}),
      Maps("GOTRUE_SMS_MAX_FREQUENCY", {{"sms_resend_cooldown_seconds", Duration}},
           "Go duration, rounded up to seconds"),
      Maps("GOTRUE_SMS_TEMPLATE", {{"sms_template", SmsTemplate}}, "{{ .Code }} reads as {code}"),
      Maps("GOTRUE_SMS_TEST_OTP", {{"sms_test_numbers", TestOtp}},
           "number:code pairs; a number without + gets one"),
      Lacks("GOTRUE_SMS_TEST_OTP_VALID_UNTIL", "test numbers do not expire"),
      Maps("GOTRUE_RATE_LIMIT_SMS_SENT", {{"sms_budget_per_hour", RatePerHour}},
           "messages of the whole instance per hour (or events/duration)"),
      Sms("GOTRUE_SMS_TWILIO_ACCOUNT_SID", "sms_account_sid", "twilio"),
      Sms("GOTRUE_SMS_TWILIO_AUTH_TOKEN", "sms_auth_token", "twilio"),
      Sms("GOTRUE_SMS_TWILIO_MESSAGE_SERVICE_SID", "sms_from", "twilio"),
      Lacks("GOTRUE_SMS_TWILIO_CONTENT_SID", "WhatsApp messages are sent as text"),
      Sms("GOTRUE_SMS_TWILIO_VERIFY_ACCOUNT_SID", "sms_account_sid", "twilio_verify"),
      Sms("GOTRUE_SMS_TWILIO_VERIFY_AUTH_TOKEN", "sms_auth_token", "twilio_verify"),
      Sms("GOTRUE_SMS_TWILIO_VERIFY_MESSAGE_SERVICE_SID", "sms_from", "twilio_verify"),
      Sms("GOTRUE_SMS_MESSAGEBIRD_ACCESS_KEY", "sms_auth_token", "messagebird"),
      Sms("GOTRUE_SMS_MESSAGEBIRD_ORIGINATOR", "sms_from", "messagebird"),
      Sms("GOTRUE_SMS_TEXTLOCAL_API_KEY", "sms_auth_token", "textlocal"),
      Sms("GOTRUE_SMS_TEXTLOCAL_SENDER", "sms_from", "textlocal"),
      Sms("GOTRUE_SMS_VONAGE_API_KEY", "sms_account_sid", "vonage"),
      Sms("GOTRUE_SMS_VONAGE_API_SECRET", "sms_auth_token", "vonage"),
      Sms("GOTRUE_SMS_VONAGE_FROM", "sms_from", "vonage"),
      // --- second factor
      Maps("GOTRUE_MFA_TOTP_ENROLL_ENABLED", {{"mfa_enabled", Same}}, "TOTP enrolment"),
      Maps("GOTRUE_MFA_ENABLED", {{"mfa_enabled", Same}}, "older name of the TOTP switch"),
      Lacks("GOTRUE_MFA_TOTP_VERIFY_ENABLED", "enrolled TOTP factors are always verified", 1),
      Lacks("GOTRUE_MFA_PHONE_ENROLL_ENABLED", "Gatehouse has no phone second factor", 0),
      Lacks("GOTRUE_MFA_PHONE_VERIFY_ENABLED", "Gatehouse has no phone second factor", 0),
      Maps("GOTRUE_MFA_WEB_AUTHN_ENROLL_ENABLED", {{"mfa_webauthn_enroll_enabled", Same}},
           "WebAuthn factor enrolment"),
      Maps("GOTRUE_MFA_WEB_AUTHN_VERIFY_ENABLED", {{"mfa_webauthn_verify_enabled", Same}},
           "WebAuthn factor verification"),
      Maps("GOTRUE_MFA_MAX_ENROLLED_FACTORS", {{"mfa_max_factors", Ceil}},
           "factors per user, verified or not"),
      Lacks("GOTRUE_MFA_MAX_VERIFIED_FACTORS", "verified factors count toward mfa_max_factors"),
      Maps("GOTRUE_MFA_CHALLENGE_EXPIRY_DURATION", {{"mfa_ticket_ttl_seconds", Ceil}},
           "seconds a factor challenge (and an MFA ticket) lives"),
      Lacks("GOTRUE_MFA_FACTOR_EXPIRY_DURATION", "unverified factors are replaced on enrolment"),
      Lacks("GOTRUE_MFA_RATE_LIMIT_CHALLENGE_AND_VERIFY",
            "wrong codes are limited per user (mfa_max_failures), not per IP"),
      // --- per-IP rate limits
      Maps("GOTRUE_RATE_LIMIT_TOKEN_REFRESH",
           {{"rate_limit_token_per_minute", PerFiveMinutesToPerMinute}},
           "per 5 minutes per IP -> per minute (divided by 5, rounded up)"),
      Maps("GOTRUE_RATE_LIMIT_OTP", {{"rate_limit_signin_per_minute", PerFiveMinutesToPerMinute}},
           "sign-ups and sign-ins per 5 minutes per IP -> per minute (divided by 5, rounded up)"),
      Maps("GOTRUE_RATE_LIMIT_ANONYMOUS_USERS", {{"rate_limit_anonymous_per_hour", Ceil}},
           "per hour per IP, as ours"),
      Lacks("GOTRUE_RATE_LIMIT_VERIFY",
            "verifications are limited per code (email_code_max_attempts, "
            "sms_code_max_attempts) and per account, not per IP"),
      Lacks("GOTRUE_RATE_LIMIT_SSO", "Gatehouse has no SAML SSO"),
      Lacks("GOTRUE_RATE_LIMIT_WEB3", "Gatehouse has no web3 sign-in"),
      // --- families Gatehouse has no counterpart for
      LacksPrefix("GOTRUE_HOOK_", "a hook Gatehouse does not call"),
      LacksPrefix("GOTRUE_SAML_", "Gatehouse has no SAML SSO"),
      LacksPrefix("GOTRUE_SECURITY_CAPTCHA_", "Gatehouse has no CAPTCHA check"),
      LacksPrefix("GOTRUE_MAILER_TEMPLATES_",
                  "mail templates are files (email_templates_path), not URLs"),
      LacksPrefix("GOTRUE_MAILER_SUBJECTS_", "subjects are part of the template files"),
      LacksPrefix("GOTRUE_MAILER_URLPATHS_",
                  "mailed links point at public_url's /v1/verify, or /auth/v1/verify when a GoTrue "
                  "route asked"),
      LacksPrefix("GOTRUE_EXTERNAL_WEB3_", "Gatehouse has no web3 sign-in"),
      LacksPrefix("GOTRUE_DB_", "pool settings are database_pool_size"),
      LacksPrefix("GOTRUE_TRACING_", "Gatehouse exports no traces"),
      LacksPrefix("GOTRUE_METRICS_", "Gatehouse exports no metrics"),
      LacksPrefix("GOTRUE_LOG_", "logs go to standard error"),
      LacksPrefix("GOTRUE_COOKIE_", "Gatehouse sets no session cookies"),
      LacksPrefix("GOTRUE_WEBHOOK_", "Gatehouse has no webhooks"),
      LacksPrefix("GOTRUE_CORS_", "CORS is cors_allowed_origins"),
      LacksPrefix("GOTRUE_OPERATOR_TOKEN", "Gatehouse has no operator token"),
  };
  // The auth hooks: GOTRUE_HOOK_<NAME>_ENABLED, _URI and _SECRETS are ours
  // (pg-functions: URIs are refused by the configuration check).
  for (const char* hook :
       {"custom_access_token", "before_user_created", "after_user_created", "send_sms",
        "send_email", "password_verification_attempt", "mfa_verification_attempt"}) {
    std::string upper = hook;
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    const std::string key = std::string("hook_") + hook;
    r.push_back(Maps("GOTRUE_HOOK_" + upper + "_ENABLED", {{key + "_enabled", Same}}));
    r.push_back(
        Maps("GOTRUE_HOOK_" + upper + "_URI", {{key + "_uri", Same}}, "http(s) endpoints only"));
    r.push_back(Maps("GOTRUE_HOOK_" + upper + "_SECRETS", {{key + "_secrets", Same}},
                     "v1,whsec_<base64>, several separated by |"));
  }
  // The providers both have: GOTRUE_EXTERNAL_<PROVIDER>_*.
  for (const char* p : {"google", "apple", "facebook", "twitter", "github", "discord"}) {
    std::string upper = p;
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    const std::string pre = "GOTRUE_EXTERNAL_" + upper + "_";
    const std::string key = std::string("provider.") + p + ".";
    const bool id_tokens = upper == "GOOGLE" || upper == "APPLE";
    auto k = [&](const char* field) { return key + field; };
    r.push_back(Maps(pre + "ENABLED", {{k("enabled"), Same}}));
    if (id_tokens) {
      r.push_back(Maps(pre + "CLIENT_ID",
                       {{k("client_id"), FirstClientId}, {k("audiences"), OtherClientIds}},
                       "a list: the first is the client id, the others further ID token "
                       "audiences"));
    } else {
      r.push_back(Maps(pre + "CLIENT_ID", {{k("client_id"), FirstClientId}}));
    }
    if (upper == "APPLE") {
      r.push_back(Lacks(pre + "SECRET",
                        "GoTrue takes Apple's signed client secret; Gatehouse signs it itself "
                        "from provider.apple.team_id, key_id and private_key"));
    } else {
      r.push_back(Maps(pre + "SECRET", {{k("client_secret"), Same}}));
    }
    r.push_back(Lacks(pre + "REDIRECT_URI",
                      "the callback is derived from public_url: <public_url>/auth/v1/callback for "
                      "GoTrue clients, <public_url>/v1/signin/provider/<name>/callback for native "
                      "ones; register those at the provider"));
    r.push_back(Lacks(pre + "URL",
                      "set the provider's authorize_url, token_url and "
                      "userinfo_url overrides instead"));
    r.push_back(Lacks(pre + "API_URL", "set the provider's userinfo_url override instead"));
    r.push_back(Lacks(pre + "SKIP_NONCE_CHECK", "ID token nonces are always checked", 0));
    r.push_back(Lacks(pre + "EMAIL_OPTIONAL", "a provider sign-in needs an email address", 0));
  }
  r.push_back(Lacks("GOTRUE_EXTERNAL_EMAIL_AUTHORIZED_ADDRESSES", "any address may sign up"));
  r.push_back(Lacks("GOTRUE_EXTERNAL_REDIRECT_URL",
                    "OAuth sign-ins return to client_url or the "
                    "redirectTo the app passes"));
  r.push_back(Lacks("GOTRUE_EXTERNAL_IOS_BUNDLE_ID",
                    "add native client ids to the provider's "
                    "audiences"));
  r.push_back(Lacks("GOTRUE_EXTERNAL_ALLOWED_ID_TOKEN_ISSUERS",
                    "each provider checks its own issuer (provider.<name>.issuer)"));
  r.push_back(Lacks("GOTRUE_EXTERNAL_FLOW_STATE_EXPIRY_DURATION",
                    "the provider round trip lives oauth_request_ttl_seconds, the PKCE code "
                    "handed to the app oauth_grant_ttl_seconds"));
  r.push_back(LacksPrefix("GOTRUE_EXTERNAL_",
                          "a provider Gatehouse does not have (it has google, apple, facebook, "
                          "twitter, github, discord and generic OIDC ones)"));
  return r;
}

}  // namespace

const std::vector<GotrueRule>& GotrueRules() {
  static const std::vector<GotrueRule> rules = Build();
  return rules;
}

}  // namespace gh::config::internal
