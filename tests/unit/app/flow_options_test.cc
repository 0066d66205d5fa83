// The flows' options as the settings make them: a default Config gives the
// default Options (the unit tests of the flows start from those), and each
// setting reaches every flow that reads it.
#include "app/flow_options.h"

#include <gtest/gtest.h>

namespace gh::app {
namespace {

TEST(FlowOptions, ADefaultConfigMakesTheDefaultOptions) {
  EXPECT_TRUE(FlowOptionsFrom(config::Config{}) == FlowOptions{});
  // Each part apart, so a failure names the flow whose defaults drifted.
  const FlowOptions o = FlowOptionsFrom(config::Config{});
  EXPECT_TRUE(o.tokens == auth::TokenOptions{});
  EXPECT_TRUE(o.sessions == auth::SessionOptions{});
  EXPECT_TRUE(o.password == auth::PasswordOptions{});
  EXPECT_TRUE(o.anonymous == auth::AnonymousOptions{});
  EXPECT_TRUE(o.email == auth::EmailOptions{});
  EXPECT_TRUE(o.sms == auth::SmsOptions{});
  EXPECT_TRUE(o.oauth == auth::OAuthOptions{});
  EXPECT_TRUE(o.passkeys == auth::PasskeyOptions{});
  EXPECT_TRUE(o.redirects == auth::RedirectRules{});
}

TEST(FlowOptions, ASharedSettingReachesEveryFlowThatReadsIt) {
  config::Config c;
  c.signup_disabled = true;
  c.email_verification_required = false;
  c.client_url = "https://app.example.com";
  c.allowed_redirect_urls = {"https://*.example.com"};
  c.allowed_roles = {"user", "editor"};
  const FlowOptions o = FlowOptionsFrom(c);
  for (bool disabled :
       {o.password.signup_disabled, o.anonymous.signup_disabled, o.email.signup_disabled,
        o.sms.signup_disabled, o.oauth.signup_disabled, o.passkeys.signup_disabled})
    EXPECT_TRUE(disabled);
  EXPECT_FALSE(o.password.email_verification_required);
  EXPECT_FALSE(o.anonymous.email_verification_required);
  EXPECT_FALSE(o.passkeys.email_verification_required);
  for (const auth::ProofPolicy* p : {&o.email.proof, &o.sms.proof, &o.oauth.proof}) {
    EXPECT_FALSE(p->email_verification_required);
    EXPECT_TRUE(p->phone_verification_required);
  }
  for (const auth::NewUserPolicy* u : {&o.password.users, &o.anonymous.users, &o.email.users,
                                       &o.sms.users, &o.oauth.users, &o.passkeys.users}) {
    EXPECT_EQ(u->allowed_roles, c.allowed_roles);
    EXPECT_TRUE(u->redirects == o.redirects);
  }
  EXPECT_EQ(o.redirects.client_url, c.client_url);
  EXPECT_EQ(o.redirects.allowed_redirect_urls, c.allowed_redirect_urls);
}

}  // namespace
}  // namespace gh::app
