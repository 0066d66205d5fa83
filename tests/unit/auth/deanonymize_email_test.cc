// Deanonymizing when the address must be proven first: the user stays anonymous
// in effect until the mailed verification or magic link is followed.
#include "auth/anonymous.h"
#include "auth/email_fixture.h"

namespace gh::auth {
namespace {

class DeanonymizeByEmailTest : public EmailFlowTest {
 protected:
  void SetUp() override {
    EmailFlowTest::SetUp();
    anonymous_options_.anonymous_signin_enabled = true;
    anonymous_->SetVerificationSender(
        [this](const core::User& u, const std::optional<std::string>& r, const LinkStyle& l) {
          return verification_->SendForNewUser(u, r, l);
        });
    anonymous_->SetMagicLinkSender(
        [this](const core::User& u, const std::optional<std::string>& r, const LinkStyle& l) {
          PasswordlessEmailRequest req;
          req.email = *u.email;
          req.options.redirect_to = r;
          req.links = &l;
          return passwordless_->SendMagicLink(req);
        });
  }
  SignInOutcome Anonymous() {
    AnonymousSignIn req;
    req.client = client_;
    return *anonymous_->SignIn(req);
  }
  DeanonymizeRequest To(const SignInOutcome& anon, std::string method) {
    DeanonymizeRequest d;
    d.user_id = anon.user.id;
    d.session_id = anon.session->session.id;
    d.sign_in_method = std::move(method);
    d.email = "later@example.com";
    if (d.sign_in_method == "email-password") d.password = "correct horse";
    d.links = &style_;
    return d;
  }
};

TEST_F(DeanonymizeByEmailTest, EmailPasswordWaitsForTheVerificationLink) {
  auto anon = Anonymous();
  ASSERT_TRUE(anonymous_->Deanonymize(To(anon, "email-password")).ok());
  auto pending = accounts_->Get(anon.user.id);
  EXPECT_TRUE(pending->is_anonymous);
  EXPECT_EQ(pending->default_role, "anonymous");
  EXPECT_EQ(pending->email, "later@example.com");
  EXPECT_EQ(pending->app_metadata_json, R"({"provider":"anonymous","providers":["anonymous"]})");
  auto early = password_->SignIn({"later@example.com", "correct horse", client_});
  EXPECT_EQ(early.error().code, core::errc::kUnverifiedUser);

  auto link = links_->Redeem(LastTicket(), client_);
  ASSERT_TRUE(link.ok()) << link.error().message;
  auto real = accounts_->Get(anon.user.id);
  EXPECT_FALSE(real->is_anonymous);
  EXPECT_TRUE(real->email_verified());
  EXPECT_EQ(real->default_role, "user");
  EXPECT_EQ(real->app_metadata_json, R"({"provider":"anonymous","providers":["email"]})");
  EXPECT_TRUE(password_->SignIn({"later@example.com", "correct horse", client_}).ok());
}

TEST_F(DeanonymizeByEmailTest, PasswordlessCompletesWithTheMagicLink) {
  auto anon = Anonymous();
  ASSERT_TRUE(anonymous_->Deanonymize(To(anon, "passwordless")).ok());
  EXPECT_TRUE(accounts_->Get(anon.user.id)->is_anonymous);
  auto link = links_->Redeem(LastTicket(), client_);
  ASSERT_TRUE(link.ok()) << link.error().message;
  ASSERT_TRUE(link->session.has_value());
  EXPECT_EQ(link->session->user.id, anon.user.id);
  EXPECT_FALSE(link->session->user.is_anonymous);
}

TEST_F(DeanonymizeByEmailTest, MailFailureChangesNothing) {
  auto anon = Anonymous();
  mailer_.fail = true;
  auto r = anonymous_->Deanonymize(To(anon, "email-password"));
  ASSERT_FALSE(r.ok());
  auto user = accounts_->Get(anon.user.id);
  EXPECT_TRUE(user->is_anonymous);
  EXPECT_FALSE(user->email.has_value());
  EXPECT_FALSE(user->password_hash.has_value());
}

}  // namespace
}  // namespace gh::auth
