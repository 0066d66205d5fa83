// GoTrue's names as aliases: each mapping with its units, precedence, the
// disagreement check and what the report says.
#include <gtest/gtest.h>

#include <algorithm>

#include "config/gotrue.h"
#include "config/settings.h"

namespace gh::config {
namespace {

using Env = std::map<std::string, std::string>;

Config Ok(const Env& env, ForeignReport* report = nullptr) {
  auto c = Load(env, "", report);
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
  return c.ok() ? *c : Config{};
}

std::string Fails(const Env& env) {
  auto c = Load(env, "", nullptr);
  EXPECT_FALSE(c.ok());
  return c.ok() ? "" : c.error().message;
}

bool Has(const std::vector<std::string>& lines, const std::string& part) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.find(part) != std::string::npos; });
}

TEST(Gotrue, UrlsAndAllowList) {
  Config c = Ok({{"GOTRUE_SITE_URL", "https://app.example.com"},
                 {"API_EXTERNAL_URL", "https://api.example.com/auth/v1/"},
                 {"GOTRUE_URI_ALLOW_LIST", "https://app.example.com/**,http://localhost:3000"}});
  EXPECT_EQ(c.client_url, "https://app.example.com");
  EXPECT_EQ(c.public_url, "https://api.example.com");  // /auth/v1 dropped
  EXPECT_FALSE(c.public_url_from_listen);
  EXPECT_EQ(c.allowed_redirect_urls,
            (std::vector<std::string>{"https://app.example.com/**", "http://localhost:3000"}));
  EXPECT_EQ(Ok({{"SITE_URL", "https://s.example.com"}}).client_url, "https://s.example.com");
  EXPECT_EQ(Ok({{"API_EXTERNAL_URL", "http://localhost:8000"}}).public_url,
            "http://localhost:8000");
}

TEST(Gotrue, TokenSettingsInSeconds) {
  Config c = Ok({{"GOTRUE_JWT_EXP", "3600"},
                 {"GOTRUE_JWT_AUD", "authenticated"},
                 {"GOTRUE_JWT_ISSUER", "https://x.supabase.co/auth/v1"},
                 {"GOTRUE_JWT_SECRET", std::string(40, 's')},
                 {"GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL", "15"},
                 {"GOTRUE_SESSIONS_INACTIVITY_TIMEOUT", "8h"}});
  EXPECT_EQ(c.access_token_ttl_seconds, 3600);
  EXPECT_EQ(c.jwt_audience, "authenticated");
  EXPECT_EQ(c.jwt_issuer, "https://x.supabase.co/auth/v1");
  EXPECT_EQ(c.jwt_secret, std::string(40, 's'));
  EXPECT_EQ(c.jwt_algorithm, "HS256");
  EXPECT_EQ(c.refresh_token_reuse_grace_seconds, 15);
  EXPECT_EQ(c.refresh_token_ttl_seconds, 8 * 3600);
  // GoTrue allows a week; ours stops at a day: an error naming the GoTrue name.
  EXPECT_NE(Fails({{"GOTRUE_JWT_EXP", "604800"}}).find("GOTRUE_JWT_EXP"), std::string::npos);
}

TEST(Gotrue, SignUpSwitchesAndTheirInversions) {
  Config c = Ok({{"GOTRUE_DISABLE_SIGNUP", "true"},
                 {"GOTRUE_EXTERNAL_ANONYMOUS_USERS_ENABLED", "true"},
                 {"GOTRUE_MAILER_AUTOCONFIRM", "true"},
                 {"GOTRUE_SMS_AUTOCONFIRM", "true"},
                 {"GOTRUE_EXTERNAL_PHONE_ENABLED", "true"},
                 {"GOTRUE_EXTERNAL_EMAIL_ENABLED", "false"}});
  EXPECT_TRUE(c.signup_disabled);
  EXPECT_TRUE(c.anonymous_signin_enabled);
  EXPECT_FALSE(c.email_verification_required);  // autoconfirm = no verification needed
  EXPECT_FALSE(c.phone_verification_required);
  EXPECT_TRUE(c.sms_passwordless_enabled);
  EXPECT_TRUE(c.phone_password_enabled);
  EXPECT_FALSE(c.email_signin_enabled);
  Config off = Ok({{"GOTRUE_MAILER_AUTOCONFIRM", "false"}});
  EXPECT_TRUE(off.email_verification_required);
}

TEST(Gotrue, PasswordsBelowSixReadAsSix) {
  EXPECT_EQ(Ok({{"GOTRUE_PASSWORD_MIN_LENGTH", "12"}}).password_min_length, 12);
  EXPECT_EQ(Ok({{"GOTRUE_PASSWORD_MIN_LENGTH", "4"}}).password_min_length, 6);
  ForeignReport r;
  Ok({{"GOTRUE_PASSWORD_REQUIRED_CHARACTERS", "abc:0123456789"}}, &r);
  EXPECT_TRUE(Has(r.ignored, "GOTRUE_PASSWORD_REQUIRED_CHARACTERS: ignored"));
}

TEST(Gotrue, RateLimitsConvertTheirWindows) {
  Config c = Ok({{"GOTRUE_RATE_LIMIT_TOKEN_REFRESH", "150"},  // per 5 minutes
                 {"GOTRUE_RATE_LIMIT_OTP", "31"},             // per 5 minutes, rounded up
                 {"GOTRUE_RATE_LIMIT_ANONYMOUS_USERS", "12.5"},
                 {"GOTRUE_RATE_LIMIT_SMS_SENT", "10/15m"},  // GoTrue's Rate: 40 per hour
                 {"GOTRUE_RATE_LIMIT_HEADER", "X-Real-IP"}});
  EXPECT_EQ(c.rate_limit_token_per_minute, 30);
  EXPECT_EQ(c.rate_limit_signin_per_minute, 7);
  EXPECT_EQ(c.rate_limit_anonymous_per_hour, 13);
  EXPECT_EQ(c.sms_budget_per_hour, 40);
  EXPECT_EQ(c.client_ip_header, "X-Real-IP");
  EXPECT_EQ(Ok({{"GOTRUE_RATE_LIMIT_SMS_SENT", "30"}}).sms_budget_per_hour, 30);
  EXPECT_NE(Fails({{"GOTRUE_RATE_LIMIT_SMS_SENT", "ten"}}).find("GOTRUE_RATE_LIMIT_SMS_SENT"),
            std::string::npos);
  ForeignReport r;
  Ok({{"GOTRUE_RATE_LIMIT_VERIFY", "30"}, {"GOTRUE_RATE_LIMIT_EMAIL_SENT", "2"}}, &r);
  EXPECT_TRUE(Has(r.ignored, "GOTRUE_RATE_LIMIT_VERIFY: ignored"));
  EXPECT_TRUE(Has(r.ignored, "GOTRUE_RATE_LIMIT_EMAIL_SENT: ignored"));
}

TEST(Gotrue, DurationsAreGoDurations) {
  Config c = Ok({{"GOTRUE_SMTP_MAX_FREQUENCY", "1m30s"}, {"GOTRUE_SMS_MAX_FREQUENCY", "500ms"}});
  EXPECT_EQ(c.email_resend_cooldown_seconds, 90);
  EXPECT_EQ(c.sms_resend_cooldown_seconds, 1);  // rounded up to whole seconds
  EXPECT_NE(Fails({{"GOTRUE_SMTP_MAX_FREQUENCY", "60"}}).find("Go duration"), std::string::npos);
}

TEST(Gotrue, Smtp) {
  Config c = Ok({{"GOTRUE_SMTP_HOST", "smtp.example.com"},
                 {"GOTRUE_SMTP_PORT", "465"},
                 {"GOTRUE_SMTP_USER", "apikey"},
                 {"GOTRUE_SMTP_PASS", "pw"},
                 {"GOTRUE_SMTP_ADMIN_EMAIL", "no-reply@example.com"},
                 {"GOTRUE_SMTP_SENDER_NAME", "Example"},
                 {"GOTRUE_MAILER_OTP_EXP", "3600"}});
  EXPECT_EQ(c.smtp_host, "smtp.example.com");
  EXPECT_EQ(c.smtp_port, 465);
  EXPECT_EQ(c.smtp_secure, "tls");  // implicit TLS on 465, as GoTrue's mailer
  EXPECT_EQ(c.smtp_user, "apikey");
  EXPECT_EQ(c.smtp_pass, "pw");
  EXPECT_EQ(c.smtp_sender, "no-reply@example.com");
  EXPECT_EQ(c.smtp_sender_name, "Example");
  EXPECT_EQ(c.email_code_ttl_seconds, 3600);
  EXPECT_EQ(Ok({{"GOTRUE_SMTP_PORT", "587"}}).smtp_secure, "starttls");
  // Our own name wins over the implied value.
  EXPECT_EQ(Ok({{"GOTRUE_SMTP_PORT", "465"}, {"GATEHOUSE_SMTP_SECURE", "none"}}).smtp_secure,
            "none");
}

TEST(Gotrue, SmsProviderAndItsOwnNamesOnly) {
  ForeignReport r;
  Config c = Ok({{"GOTRUE_SMS_PROVIDER", "twilio_verify"},
                 {"GOTRUE_SMS_TWILIO_VERIFY_ACCOUNT_SID", "AC1"},
                 {"GOTRUE_SMS_TWILIO_VERIFY_AUTH_TOKEN", "tok"},
                 {"GOTRUE_SMS_TWILIO_VERIFY_MESSAGE_SERVICE_SID", "VA1"},
                 {"GOTRUE_SMS_VONAGE_FROM", "Acme"},  // not the chosen provider
                 {"GOTRUE_SMS_OTP_EXP", "120"},
                 {"GOTRUE_SMS_OTP_LENGTH", "8"},
                 {"GOTRUE_SMS_TEMPLATE", "Your code is {{ .Code }}"},
                 {"GOTRUE_SMS_TEST_OTP", "15550001111:123456, +15550002222:654321"}},
                &r);
  EXPECT_EQ(c.sms_provider, "twilio-verify");
  EXPECT_EQ(c.sms_account_sid, "AC1");
  EXPECT_EQ(c.sms_auth_token, "tok");
  EXPECT_EQ(c.sms_from, "VA1");
  EXPECT_EQ(c.sms_code_ttl_seconds, 120);
  EXPECT_EQ(c.sms_code_length, 8);
  EXPECT_EQ(c.sms_template, "Your code is {code}");
  EXPECT_EQ(c.sms_test_numbers,
            (std::vector<std::string>{"+15550001111:123456", "+15550002222:654321"}));
  EXPECT_TRUE(Has(r.ignored, "GOTRUE_SMS_VONAGE_FROM: ignored: read only when"));
  EXPECT_TRUE(Has(r.read, "GOTRUE_SMS_TWILIO_VERIFY_AUTH_TOKEN -> sms_auth_token = (set)"));
  EXPECT_FALSE(Has(r.read, "= tok"));  // secrets are not printed
  EXPECT_NE(Fails({{"GOTRUE_SMS_PROVIDER", "plivo"}}).find("plivo"), std::string::npos);
}

TEST(Gotrue, ExternalProviders) {
  ForeignReport r;
  Config c = Ok({{"GOTRUE_EXTERNAL_GOOGLE_ENABLED", "true"},
                 {"GOTRUE_EXTERNAL_GOOGLE_CLIENT_ID", "web.apps, ios.apps"},
                 {"GOTRUE_EXTERNAL_GOOGLE_SECRET", "gsecret"},
                 {"GOTRUE_EXTERNAL_GOOGLE_REDIRECT_URI", "https://x/auth/v1/callback"},
                 {"GOTRUE_EXTERNAL_GITHUB_ENABLED", "true"},
                 {"GOTRUE_EXTERNAL_GITHUB_CLIENT_ID", "gh"},
                 {"GOTRUE_EXTERNAL_GITHUB_SECRET", "ghs"},
                 {"GOTRUE_EXTERNAL_KEYCLOAK_ENABLED", "true"}},
                &r);
  const OAuthProvider* google = nullptr;
  const OAuthProvider* github = nullptr;
  for (const auto& p : c.oauth_providers) {
    if (p.name == "google") google = &p;
    if (p.name == "github") github = &p;
  }
  ASSERT_TRUE(google && github);
  EXPECT_TRUE(google->enabled);
  EXPECT_EQ(google->client_id, "web.apps");
  EXPECT_EQ(google->audiences, (std::vector<std::string>{"ios.apps"}));
  EXPECT_EQ(google->client_secret, "gsecret");
  EXPECT_EQ(github->client_id, "gh");
  EXPECT_TRUE(Has(r.ignored, "GOTRUE_EXTERNAL_GOOGLE_REDIRECT_URI: ignored"));
  EXPECT_TRUE(Has(r.ignored, "GOTRUE_EXTERNAL_KEYCLOAK_ENABLED: ignored: a provider"));
}

TEST(Gotrue, MfaServerAndLogs) {
  ForeignReport r;
  Config c = Ok({{"GOTRUE_MFA_TOTP_ENROLL_ENABLED", "false"},
                 {"GOTRUE_MFA_PHONE_ENROLL_ENABLED", "false"},
                 {"GOTRUE_MFA_WEB_AUTHN_ENROLL_ENABLED", "true"},
                 {"AUTH_WEBAUTHN_RP_ORIGINS", "https://app.example.com"},  // which it needs
                 {"GOTRUE_API_HOST", "127.0.0.1"},
                 {"GOTRUE_API_PORT", "9999"},
                 {"GOTRUE_LOG_LEVEL", "warning"},
                 {"GOTRUE_DB_DATABASE_URL", "postgres://u:p@db:5432/postgres"}},
                &r);
  EXPECT_FALSE(c.mfa_enabled);
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(c.port, 9999);
  EXPECT_EQ(c.log_level, "warn");
  EXPECT_EQ(c.database_url, "postgres://u:p@db:5432/postgres");
  EXPECT_EQ(c.database_schema, "gatehouse");  // GoTrue's own tables are in `auth`
  EXPECT_TRUE(Has(r.read, "GOTRUE_MFA_PHONE_ENROLL_ENABLED = false: nothing to set"));
  EXPECT_TRUE(c.mfa_webauthn_enroll_enabled);  // our mfa_webauthn_enroll_enabled
  EXPECT_FALSE(c.mfa_webauthn_verify_enabled);
  EXPECT_EQ(Ok({{"GOTRUE_DB_DATABASE_URL", "sqlite://./x.db"}}).database_schema, "auth");
  EXPECT_EQ(
      Ok({{"GOTRUE_DB_DATABASE_URL", "postgres://db/x"}, {"GATEHOUSE_DATABASE_SCHEMA", "auth2"}})
          .database_schema,
      "auth2");
}

TEST(Gotrue, OurNamesWinAndAliasesMustAgree) {
  ForeignReport r;
  Config c = Ok({{"GATEHOUSE_CLIENT_URL", "https://ours.example.com"},
                 {"GOTRUE_SITE_URL", "https://theirs.example.com"}},
                &r);
  EXPECT_EQ(c.client_url, "https://ours.example.com");
  EXPECT_TRUE(Has(r.ignored, "GOTRUE_SITE_URL: ignored: superseded by GATEHOUSE_CLIENT_URL"));
  // Two aliases that agree are fine; disagreeing ones name both.
  EXPECT_EQ(
      Ok({{"GOTRUE_SITE_URL", "https://a.example.com"}, {"SITE_URL", "https://a.example.com"}})
          .client_url,
      "https://a.example.com");
  std::string err =
      Fails({{"GOTRUE_SITE_URL", "https://a.example.com"}, {"SITE_URL", "https://b.example.com"}});
  EXPECT_NE(err.find("GOTRUE_SITE_URL"), std::string::npos) << err;
  EXPECT_NE(err.find("SITE_URL and"), std::string::npos) << err;
  // An Nhost alias and a GoTrue one of the same setting, compared after units.
  EXPECT_TRUE(Load({{"AUTH_DISABLE_SIGNUP", "true"}, {"GOTRUE_DISABLE_SIGNUP", "1"}}).ok());
  EXPECT_NE(Fails({{"AUTH_DISABLE_SIGNUP", "true"}, {"GOTRUE_DISABLE_SIGNUP", "false"}})
                .find("AUTH_DISABLE_SIGNUP"),
            std::string::npos);
}

TEST(Gotrue, ReportNamesUnknownAndLackingNames) {
  ForeignReport r;
  Ok({{"GOTRUE_JWT_EXP", "600"},
      {"GOTRUE_SECURITY_REFRESH_TOKEN_ROTATION_ENABLED", "true"},
      {"GOTRUE_JWT_DEFAULT_GROUP_NAME", "authenticated"},
      {"GOTRUE_HOOK_CUSTOM_ACCESS_TOKEN_URI", "https://app.example/hook"},
      {"GOTRUE_HOOK_CUSTOMER_SUPPORT_URI", "https://app.example/other"},
      {"GOTRUE_NOT_A_THING", "1"}},
     &r);
  EXPECT_TRUE(Has(r.read, "GOTRUE_JWT_EXP -> access_token_ttl_seconds = 600"));
  EXPECT_TRUE(Has(r.read, "GOTRUE_SECURITY_REFRESH_TOKEN_ROTATION_ENABLED = true: nothing"));
  EXPECT_TRUE(Has(r.ignored, "GOTRUE_JWT_DEFAULT_GROUP_NAME: ignored"));
  EXPECT_TRUE(Has(r.read, "GOTRUE_HOOK_CUSTOM_ACCESS_TOKEN_URI -> hook_custom_access_token_uri"));
  EXPECT_TRUE(
      Has(r.ignored, "GOTRUE_HOOK_CUSTOMER_SUPPORT_URI: ignored: a hook Gatehouse does not"));
  EXPECT_TRUE(Has(r.ignored, "GOTRUE_NOT_A_THING: ignored: not a GoTrue setting"));
  ForeignReport off;
  Ok({{"GOTRUE_SECURITY_REFRESH_TOKEN_ROTATION_ENABLED", "false"}}, &off);
  EXPECT_TRUE(Has(off.ignored, "ROTATION_ENABLED: ignored: Gatehouse always rotates"));
}

// GoTrue's Postgres function hooks are not served: an enabled one is a
// configuration error saying so, as is a secret not of Standard Webhooks' form.
TEST(Gotrue, HooksAreHttpOnlyAndSigned) {
  const std::string secret = "v1,whsec_aG9vay1zaWduaW5nLWtleQ==";
  EXPECT_TRUE(Load({{"GOTRUE_HOOK_SEND_EMAIL_ENABLED", "true"},
                    {"GOTRUE_HOOK_SEND_EMAIL_URI", "https://app.example/mail"},
                    {"GOTRUE_HOOK_SEND_EMAIL_SECRETS", secret + "|" + secret}})
                  .ok());
  std::string pg = Fails({{"GOTRUE_HOOK_SEND_EMAIL_ENABLED", "true"},
                          {"GOTRUE_HOOK_SEND_EMAIL_URI", "pg-functions://postgres/public/f"},
                          {"GOTRUE_HOOK_SEND_EMAIL_SECRETS", secret}});
  EXPECT_NE(pg.find("hook_send_email_uri: pg-functions: hooks"), std::string::npos) << pg;
  std::string bad = Fails({{"GOTRUE_HOOK_SEND_EMAIL_ENABLED", "true"},
                           {"GOTRUE_HOOK_SEND_EMAIL_URI", "https://app.example/mail"},
                           {"GOTRUE_HOOK_SEND_EMAIL_SECRETS", secret + "|plain-text"}});
  EXPECT_NE(bad.find("secret 2 is not of the form"), std::string::npos) << bad;
  EXPECT_EQ(bad.find("plain-text"), std::string::npos) << "never quotes a secret";
  EXPECT_NE(Fails({{"GOTRUE_HOOK_SEND_EMAIL_ENABLED", "true"}}).find("hook_send_email_uri"),
            std::string::npos);
}

TEST(Gotrue, HasuraSecretMustMatchTheGotrueOne) {
  std::string hasura = "{\"type\":\"HS256\",\"key\":\"" + std::string(40, 'h') + "\"}";
  EXPECT_NE(
      Fails({{"GOTRUE_JWT_SECRET", std::string(40, 'g')}, {"HASURA_GRAPHQL_JWT_SECRET", hasura}})
          .find("GOTRUE_JWT_SECRET"),
      std::string::npos);
}

TEST(Gotrue, DocsListTheNames) {
  std::string md = RenderMarkdown();
  EXPECT_NE(md.find("| `GOTRUE_JWT_EXP` | `access_token_ttl_seconds` |"), std::string::npos);
  EXPECT_NE(md.find("`GOTRUE_HOOK_*`"), std::string::npos);
}

}  // namespace
}  // namespace gh::config
