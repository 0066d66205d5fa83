#include <gtest/gtest.h>

#include "oauth/provider.h"
#include "test_keys.h"

namespace gh::oauth {
namespace {

config::OAuthProvider Entry(const std::string& name, const std::string& kind) {
  config::OAuthProvider p;
  p.name = name;
  p.kind = kind;
  p.enabled = true;
  p.client_id = "id-" + name;
  p.client_secret = "secret";
  p.issuer = "https://idp.example/" + name;
  return p;
}

class CatalogueTest : public ::testing::Test {
 protected:
  core::Result<std::unique_ptr<Catalogue>> Create() {
    return Catalogue::Create(config_, clock_, MakeCurlHttpClient(1));
  }
  config::Config config_;
  core::ManualClock clock_;
};

TEST_F(CatalogueTest, BuildsEnabledProvidersInConfigOrder) {
  config::OAuthProvider apple = Entry("apple", "apple");
  apple.apple_team_id = "T";
  apple.apple_key_id = "K";
  apple.apple_private_key = gh::testing::MakeTestKey(crypto::JwsAlg::kES256, "k").private_pem;
  config::OAuthProvider discord = Entry("discord", "discord");
  discord.enabled = false;
  config_.oauth_providers = {Entry("github", "github"),
                             apple,
                             discord,
                             Entry("acme", "oidc"),
                             Entry("google", "google"),
                             Entry("facebook", "facebook"),
                             Entry("twitter", "twitter")};
  auto catalogue = Create();
  ASSERT_TRUE(catalogue.ok()) << catalogue.error().message;
  EXPECT_EQ((*catalogue)->Names(),
            (std::vector<std::string>{"github", "apple", "acme", "google", "facebook", "twitter"}));
  ASSERT_NE((*catalogue)->Find("acme"), nullptr);
  EXPECT_TRUE((*catalogue)->Find("acme")->supports_id_token());
  EXPECT_TRUE((*catalogue)->Find("apple")->uses_form_post());
  EXPECT_EQ((*catalogue)->Find("discord"), nullptr);  // disabled
  EXPECT_EQ((*catalogue)->Find("nope"), nullptr);
}

TEST_F(CatalogueTest, UnusableSettingsNameTheProvider) {
  config_.oauth_providers = {Entry("myspace", "myspace")};
  auto unknown = Create();
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "invalid-request");
  EXPECT_NE(unknown.error().message.find("myspace"), std::string::npos);

  config::OAuthProvider gh = Entry("github", "github");
  gh.client_id = "";
  config_.oauth_providers = {gh};
  auto no_id = Create();
  ASSERT_FALSE(no_id.ok());
  EXPECT_NE(no_id.error().message.find("github"), std::string::npos);

  config::OAuthProvider apple = Entry("apple", "apple");
  apple.apple_team_id = "T";
  apple.apple_key_id = "K";
  apple.apple_private_key = "garbage";
  config_.oauth_providers = {apple};
  auto bad_key = Create();
  ASSERT_FALSE(bad_key.ok());
  EXPECT_NE(bad_key.error().message.find("apple"), std::string::npos);

  config::OAuthProvider oidc = Entry("corp", "oidc");
  oidc.issuer = "";
  config_.oauth_providers = {oidc};
  EXPECT_FALSE(Create().ok());

  config_.oauth_providers = {Entry("google", "google"), Entry("google", "google")};
  EXPECT_FALSE(Create().ok());
}

TEST_F(CatalogueTest, EmptyConfigGivesEmptyCatalogue) {
  auto catalogue = Create();
  ASSERT_TRUE(catalogue.ok());
  EXPECT_TRUE((*catalogue)->Names().empty());
}

}  // namespace
}  // namespace gh::oauth
