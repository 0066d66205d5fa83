// A Supabase CLI supabase/config.toml read through --config: its [auth]
// tables as the GoTrue names the CLI derives, env(NAME) resolved.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "config/gotrue.h"
#include "config/settings.h"

namespace gh::config {
namespace {

class SupabaseToml : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/gh-supabase-XXXXXX";
    dir_ = mkdtemp(tmpl);
    path_ = dir_ + "/config.toml";
  }
  void TearDown() override {
    std::remove(path_.c_str());
    std::remove((dir_ + "/signing_keys.json").c_str());
    rmdir(dir_.c_str());
  }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
  }
  core::Result<Config> LoadFile(const std::map<std::string, std::string>& env = {}) {
    return Load(env, path_, &report_);
  }
  bool Ignored(const std::string& part) const {
    return std::any_of(report_.ignored.begin(), report_.ignored.end(),
                       [&](const std::string& l) { return l.find(part) != std::string::npos; });
  }
  std::string dir_, path_;
  ForeignReport report_;
};

const char* kConfig = R"TOML(
project_id = "demo"

[api]
port = 54321

[db]
port = 54322

[auth]
enabled = true
site_url = "http://127.0.0.1:3000"
additional_redirect_urls = ["https://127.0.0.1:3000", "https://app.example.com/**"]
jwt_expiry = 1800
enable_refresh_token_rotation = true
refresh_token_reuse_interval = 20
enable_signup = true
enable_anonymous_sign_ins = true
minimum_password_length = 10
password_requirements = "lower_upper_letters_digits"

[auth.rate_limit]
email_sent = 2
sms_sent = 60
anonymous_users = 15
token_refresh = 100
sign_in_sign_ups = 50
token_verifications = 30

[auth.email]
enable_signup = true
double_confirm_changes = true
enable_confirmations = true
max_frequency = "2m"
otp_expiry = 900

[auth.email.smtp]
host = "smtp.example.com"
port = 2525
user = "apikey"
pass = "env(TEST_SMTP_PASS)"
admin_email = "admin@example.com"
sender_name = "Admin"

[auth.email.template.invite]
subject = "You are invited"

[auth.sms]
enable_signup = true
enable_confirmations = false
template = "Your code is {{ .Code }}"
max_frequency = "5s"

[auth.sms.test_otp]
4152127777 = "123456"

[auth.sms.twilio]
enabled = true
account_sid = "AC123"
message_service_sid = "MG123"
auth_token = "env(TEST_TWILIO_TOKEN)"

[auth.sms.vonage]
enabled = false
api_key = "x"

[auth.mfa.totp]
enroll_enabled = true
verify_enabled = true

[auth.mfa.phone]
enroll_enabled = false

[auth.external.github]
enabled = true
client_id = "gh-client"
secret = "env(TEST_GITHUB_SECRET)"
redirect_uri = ""

[auth.external.apple]
enabled = false
client_id = ""
secret = "env(SUPABASE_AUTH_EXTERNAL_APPLE_SECRET)"

[auth.hook.custom_access_token]
enabled = true
uri = "pg-functions://postgres/public/hook"
)TOML";

TEST_F(SupabaseToml, ReadsAuthTablesWithEnvValues) {
  Write("config.toml", kConfig);
  auto c = LoadFile({{"TEST_SMTP_PASS", "smtp-pw"},
                     {"TEST_TWILIO_TOKEN", "twilio-tok"},
                     {"TEST_GITHUB_SECRET", "gh-secret"}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->client_url, "http://127.0.0.1:3000");
  EXPECT_EQ(c->allowed_redirect_urls,
            (std::vector<std::string>{"https://127.0.0.1:3000", "https://app.example.com/**"}));
  EXPECT_EQ(c->access_token_ttl_seconds, 1800);
  EXPECT_EQ(c->refresh_token_reuse_grace_seconds, 20);
  EXPECT_FALSE(c->signup_disabled);
  EXPECT_TRUE(c->anonymous_signin_enabled);
  EXPECT_EQ(c->password_min_length, 10);
  EXPECT_EQ(c->sms_budget_per_hour, 60);
  EXPECT_EQ(c->rate_limit_anonymous_per_hour, 15);
  EXPECT_EQ(c->rate_limit_token_per_minute, 20);   // 100 per 5 minutes
  EXPECT_EQ(c->rate_limit_signin_per_minute, 10);  // 50 per 5 minutes
  EXPECT_TRUE(c->email_verification_required);     // enable_confirmations = true
  EXPECT_EQ(c->email_resend_cooldown_seconds, 120);
  EXPECT_EQ(c->email_code_ttl_seconds, 900);
  EXPECT_EQ(c->smtp_host, "smtp.example.com");
  EXPECT_EQ(c->smtp_port, 2525);
  EXPECT_EQ(c->smtp_pass, "smtp-pw");
  EXPECT_EQ(c->smtp_sender, "admin@example.com");
  EXPECT_TRUE(c->sms_passwordless_enabled);
  EXPECT_FALSE(c->phone_verification_required);  // sms.enable_confirmations = false
  EXPECT_EQ(c->sms_template, "Your code is {code}");
  EXPECT_EQ(c->sms_resend_cooldown_seconds, 5);
  EXPECT_EQ(c->sms_test_numbers, (std::vector<std::string>{"+4152127777:123456"}));
  EXPECT_EQ(c->sms_provider, "twilio");
  EXPECT_EQ(c->sms_account_sid, "AC123");
  EXPECT_EQ(c->sms_from, "MG123");
  EXPECT_EQ(c->sms_auth_token, "twilio-tok");
  EXPECT_TRUE(c->mfa_enabled);
  bool github = false;
  for (const auto& p : c->oauth_providers)
    if (p.name == "github")
      github = p.enabled && p.client_id == "gh-client" && p.client_secret == "gh-secret";
  EXPECT_TRUE(github);
  EXPECT_TRUE(Ignored("auth.password_requirements (GOTRUE_PASSWORD_REQUIRED_CHARACTERS): ignored"));
  EXPECT_TRUE(Ignored("auth.rate_limit.token_verifications (GOTRUE_RATE_LIMIT_VERIFY): ignored"));
  EXPECT_TRUE(Ignored("auth.email.template.invite.subject: ignored"));
  EXPECT_TRUE(Ignored("auth.hook.custom_access_token.uri: ignored: Gatehouse has no GoTrue"));
  EXPECT_TRUE(Ignored("auth.external.apple: ignored: enabled = false"));
  EXPECT_TRUE(Ignored("auth.sms.vonage: ignored: enabled = false"));
  EXPECT_TRUE(Ignored("[db]"));
}

TEST_F(SupabaseToml, TheEnvironmentWinsAndUnsetEnvStaysAsWritten) {
  Write("config.toml", kConfig);
  auto c =
      LoadFile({{"GOTRUE_JWT_EXP", "600"}, {"GATEHOUSE_CLIENT_URL", "https://ours.example.com"}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->access_token_ttl_seconds, 600);
  EXPECT_EQ(c->client_url, "https://ours.example.com");
  EXPECT_TRUE(Ignored("auth.jwt_expiry (GOTRUE_JWT_EXP): ignored: the environment's"));
  EXPECT_TRUE(
      Ignored("auth.site_url (GOTRUE_SITE_URL): ignored: superseded by GATEHOUSE_CLIENT_URL"));
  // The CLI leaves env(NAME) as written when NAME is unset.
  EXPECT_EQ(c->smtp_pass, "env(TEST_SMTP_PASS)");
  EXPECT_TRUE(Ignored("TEST_SMTP_PASS is not set"));
}

TEST_F(SupabaseToml, SigningKeysPathAndBadValues) {
  Write("signing_keys.json",
        R"([{"kty":"oct","kid":"k1","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2Vj"}])");
  Write("config.toml", "[auth]\nsigning_keys_path = \"./signing_keys.json\"\n");
  auto c = LoadFile();
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_NE(c->jwt_keys.find("\"k1\""), std::string::npos);
  EXPECT_EQ(c->jwt_algorithm, "HS256");
  Write("config.toml", "[auth]\nsigning_keys_path = \"./missing.json\"\n");
  auto missing = LoadFile();
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("cannot read"), std::string::npos);
  Write("config.toml", "[auth]\njwt_expiry = \"soon\"\n");
  auto bad = LoadFile();
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("auth.jwt_expiry (GOTRUE_JWT_EXP)"), std::string::npos);
}

}  // namespace
}  // namespace gh::config
