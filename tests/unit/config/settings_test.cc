#include "config/settings.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace gh::config {
namespace {

TEST(Settings, DefaultsAreValid) {
  auto c = Load({});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->port, 4000);
  EXPECT_EQ(c->access_token_ttl_seconds, 900);
  EXPECT_EQ(c->refresh_token_ttl_seconds, 30 * 24 * 3600);
  EXPECT_EQ(c->password_min_length, 9);
  EXPECT_EQ(c->jwt_algorithm, "ES256");
  EXPECT_TRUE(Validate(*c).empty());
}

TEST(Settings, ReadsEnvironmentAndAliases) {
  auto c = Load({{"GATEHOUSE_PORT", "8080"},
                 {"AUTH_ACCESS_TOKEN_EXPIRES_IN", "600"},
                 {"GATEHOUSE_ALLOWED_ROLES", "user, me ,editor"},
                 {"GATEHOUSE_SIGNUP_DISABLED", "TRUE"}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->port, 8080);
  EXPECT_EQ(c->access_token_ttl_seconds, 600);
  EXPECT_EQ(c->allowed_roles, (std::vector<std::string>{"user", "me", "editor"}));
  EXPECT_TRUE(c->signup_disabled);
}

TEST(Settings, GatehouseNameWinsOverAlias) {
  auto c = Load({{"GATEHOUSE_PORT", "5000"}, {"AUTH_PORT", "6000"}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->port, 5000);
}

TEST(Settings, SecretImpliesHs256AndMustBeLongEnough) {
  auto short_secret = Load({{"GATEHOUSE_JWT_SECRET", "too-short"}});
  ASSERT_FALSE(short_secret.ok());
  EXPECT_NE(short_secret.error().message.find("jwt_secret"), std::string::npos);
  auto c = Load({{"GATEHOUSE_JWT_SECRET", std::string(32, 'k')}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->jwt_algorithm, "HS256");
}

TEST(Settings, ReportsEveryProblemNamingTheVariable) {
  auto c = Load({{"GATEHOUSE_PORT", "http"},
                 {"GATEHOUSE_PASSWORD_MIN_LENGTH", "0"},
                 {"GATEHOUSE_DEFAULT_ROLE", "admin"},
                 {"GATEHOUSE_JWT_ALGORITHM", "none"}});
  ASSERT_FALSE(c.ok());
  const std::string& m = c.error().message;
  EXPECT_NE(m.find("GATEHOUSE_PORT: expected an integer"), std::string::npos) << m;
  EXPECT_NE(m.find("GATEHOUSE_PASSWORD_MIN_LENGTH: must be between"), std::string::npos) << m;
  EXPECT_NE(m.find("GATEHOUSE_JWT_ALGORITHM: must be one of"), std::string::npos) << m;
  EXPECT_NE(m.find("default_role \"admin\" must be one of allowed_roles"), std::string::npos) << m;
}

TEST(Settings, PasswordMaximumAcceptsAtLeast64) {
  EXPECT_FALSE(Load({{"GATEHOUSE_PASSWORD_MAX_LENGTH", "50"}}).ok());
  EXPECT_TRUE(Load({{"GATEHOUSE_PASSWORD_MAX_LENGTH", "64"}}).ok());
}

class TomlFile : public ::testing::Test {
 protected:
  void Write(const std::string& text) {
    char tmpl[] = "/tmp/gh-settings-XXXXXX";
    int fd = mkstemp(tmpl);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = tmpl;
    std::ofstream(path_) << text;
  }
  void TearDown() override {
    if (!path_.empty()) std::remove(path_.c_str());
  }
  std::string path_;
};

TEST_F(TomlFile, ReadsFlatKeysAndEnvironmentWins) {
  Write(
      "port = 7000\naccess_token_ttl_seconds = 300\nallowed_locales = [\"en\", \"fr\"]\n"
      "signup_disabled = true\n");
  auto c = Load({{"GATEHOUSE_PORT", "7001"}}, path_);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->port, 7001);
  EXPECT_EQ(c->access_token_ttl_seconds, 300);
  EXPECT_EQ(c->allowed_locales, (std::vector<std::string>{"en", "fr"}));
  EXPECT_TRUE(c->signup_disabled);
}

TEST_F(TomlFile, RejectsUnknownKeysAndSyntaxErrors) {
  Write("prot = 7000\n");
  auto c = Load({}, path_);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("unknown setting \"prot\""), std::string::npos);
  Write("port = = 1\n");
  auto d = Load({}, path_);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("line 1"), std::string::npos) << d.error().message;
}

TEST(Settings, DocsListEverySettingAndDescribeMasksSecrets) {
  std::string md = RenderMarkdown();
  for (const Setting& s : Settings()) EXPECT_NE(md.find("`" + s.env + "`"), std::string::npos);
  Config c;
  c.jwt_secret = std::string(40, 's');
  std::string text = Describe(c);
  EXPECT_EQ(text.find(c.jwt_secret), std::string::npos);
  EXPECT_NE(text.find("jwt_secret = (set, 40 bytes)"), std::string::npos);
}

}  // namespace
}  // namespace gh::config

namespace gh::config {
namespace {

// docs/configuration.md is generated; this fails when a setting changed without
// regenerating it (`gatehouse config docs > docs/configuration.md`).
TEST(Settings, CommittedDocsMatchTheTable) {
  std::string here = __FILE__;  // <root>/tests/unit/config/settings_test.cc
  std::string root = here.substr(0, here.rfind("/tests/unit/config/"));
  std::ifstream in(root + "/docs/configuration.md");
  ASSERT_TRUE(in.good()) << "missing " << root << "/docs/configuration.md";
  std::string committed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(committed, RenderMarkdown())
      << "regenerate with: gatehouse config docs > docs/configuration.md";
}

}  // namespace
}  // namespace gh::config
