#include "auth/password_reset.h"

#include "auth/email_fixture.h"

namespace gh::auth {
namespace {

class PasswordResetTest : public EmailFlowTest {
 protected:
  void SetUp() override {
    EmailFlowTest::SetUp();
    config_.email_verification_required = false;
  }
};

TEST_F(PasswordResetTest, TicketSetsPasswordAndSignsOutEverywhere) {
  SessionGrant s = SignUp("r@example.com");
  ASSERT_TRUE(reset_->RequestReset("R@example.com", std::nullopt).ok());
  ASSERT_EQ(LastMail().kind, "password-reset");
  std::string ticket = LastTicket();
  EXPECT_EQ(ticket.rfind("passwordReset:", 0), 0u);
  EXPECT_EQ(reset_->ResetWithTicket(ticket, "short").error().code, core::errc::kPasswordTooShort);
  ASSERT_TRUE(reset_->ResetWithTicket(ticket, "brand new password").ok());
  EXPECT_EQ(reset_->ResetWithTicket(ticket, "another new password").error().code,
            core::errc::kInvalidTicket);
  EXPECT_FALSE(sessions_->Refresh(s.refresh_token).ok());
  EXPECT_FALSE(password_->SignIn({"r@example.com", "correct horse", client_}).ok());
  EXPECT_TRUE(password_->SignIn({"r@example.com", "brand new password", client_}).ok());
}

TEST_F(PasswordResetTest, UnknownAddressAnswersTheSame) {
  EXPECT_TRUE(reset_->RequestReset("nobody@example.com", std::nullopt).ok());
  EXPECT_TRUE(mailer_.sent.empty());
}

TEST_F(PasswordResetTest, SignedInChangeKeepsOnlyTheCallersSession) {
  SessionGrant a = SignUp("c@example.com");
  auto b = password_->SignIn({"c@example.com", "correct horse", client_});
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE(reset_->Change(a.user.id, a.session.id, "brand new password").ok());
  EXPECT_TRUE(sessions_->Refresh(a.refresh_token).ok());
  EXPECT_FALSE(sessions_->Refresh(b->session->refresh_token).ok());
  config_.password_change_signs_out = false;
  auto d = password_->SignIn({"c@example.com", "brand new password", client_});
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(reset_->Change(a.user.id, a.session.id, "third new password").ok());
  EXPECT_TRUE(sessions_->Refresh(d->session->refresh_token).ok());
}

TEST_F(PasswordResetTest, LinkSignsIn) {
  SignUp("l@example.com");
  ASSERT_TRUE(reset_->RequestReset("l@example.com", "https://app.example.com/reset").ok());
  EXPECT_NE(LastMail().text.find("redirectTo=https%3A%2F%2Fapp.example.com%2Freset"),
            std::string::npos);
  auto link = links_->Redeem(LastTicket(), client_);
  ASSERT_TRUE(link.ok());
  EXPECT_EQ(link->type, "passwordReset");
  EXPECT_TRUE(link->session);
}

}  // namespace
}  // namespace gh::auth
