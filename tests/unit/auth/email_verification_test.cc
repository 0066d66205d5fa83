#include "auth/email_verification.h"

#include "auth/email_fixture.h"

namespace gh::auth {
namespace {

class EmailVerificationTest : public EmailFlowTest {};

TEST_F(EmailVerificationTest, SignUpMailsLinkAndWithholdsSession) {
  auto out = password_->SignUp({"New@Example.com", "correct horse", {}, client_, &style_});
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_FALSE(out->session);
  ASSERT_EQ(mailer_.sent.size(), 1u);
  EXPECT_EQ(LastMail().to, "new@example.com");
  EXPECT_EQ(LastMail().kind, "email-verify");
  const core::UnixMillis mailed = clock_.NowMillis();
  {
    core::User pending = store_->users().FindByEmail("new@example.com")->value();
    EXPECT_EQ(pending.confirmation_sent_at, mailed);
    EXPECT_FALSE(pending.email_confirmed_at.has_value());
    EXPECT_FALSE(pending.last_sign_in_at.has_value());  // no session yet
  }
  clock_.AdvanceSeconds(30);
  // The link is written in the style the request named.
  EXPECT_NE(LastMail().text.find("https://auth.example.com/alt/verify?token=verifyEmail%3A"),
            std::string::npos);
  EXPECT_NE(LastMail().html.find("to=https%3A%2F%2Fapp.example.com"), std::string::npos);

  auto in = password_->SignIn({"new@example.com", "correct horse", client_});
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(in.error().code, core::errc::kUnverifiedUser);

  auto link = links_->Redeem(LastTicket(), client_);
  ASSERT_TRUE(link.ok()) << link.error().message;
  EXPECT_EQ(link->kind, LinkKind::kEmailVerify);
  ASSERT_TRUE(link->session);
  EXPECT_TRUE(link->session->user.email_verified());
  core::User proven = store_->users().FindByEmail("new@example.com")->value();
  EXPECT_EQ(proven.email_confirmed_at, mailed + 30'000);
  EXPECT_EQ(proven.last_sign_in_at, mailed + 30'000);
  EXPECT_EQ(proven.confirmation_sent_at, mailed);
  EXPECT_TRUE(password_->SignIn({"new@example.com", "correct horse", client_}).ok());
}

TEST_F(EmailVerificationTest, TicketIsSingleUseAndExpires) {
  ASSERT_TRUE(password_->SignUp({"a@example.com", "correct horse", {}, client_, &style_}).ok());
  std::string ticket = LastTicket();
  ASSERT_TRUE(links_->Redeem(ticket, client_).ok());
  auto again = links_->Redeem(ticket, client_);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, core::errc::kInvalidTicket);

  ASSERT_TRUE(password_->SignUp({"b@example.com", "correct horse", {}, client_, &style_}).ok());
  ticket = LastTicket();
  clock_.AdvanceSeconds(email_options_.email_code_ttl_seconds + 1);
  EXPECT_EQ(links_->Redeem(ticket, client_).error().code, core::errc::kInvalidTicket);
  EXPECT_EQ(links_->Redeem("verifyEmail:forged", client_).error().code, core::errc::kInvalidTicket);
  EXPECT_EQ(links_->Redeem("nonsense", client_).error().code, core::errc::kInvalidTicket);
}

TEST_F(EmailVerificationTest, MailFailureAtSignUpLeavesNoUser) {
  mailer_.fail = true;
  auto out = password_->SignUp({"down@example.com", "correct horse", {}, client_, &style_});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, core::errc::kUnavailable);
  auto user = store_->users().FindByEmail("down@example.com");
  ASSERT_TRUE(user.ok());
  EXPECT_FALSE(user->has_value());
  mailer_.fail = false;
  EXPECT_TRUE(password_->SignUp({"down@example.com", "correct horse", {}, client_, &style_}).ok());
}

TEST_F(EmailVerificationTest, ResendAnswersTheSameForEveryAddress) {
  ASSERT_TRUE(password_->SignUp({"a@example.com", "correct horse", {}, client_, &style_}).ok());
  std::string first = LastTicket();
  ASSERT_TRUE(verification_->Resend("a@example.com", std::nullopt, style_).ok());
  EXPECT_EQ(mailer_.sent.size(), 2u);
  // The older ticket is replaced by the new one.
  EXPECT_EQ(links_->Redeem(first, client_).error().code, core::errc::kInvalidTicket);
  EXPECT_TRUE(verification_->Resend("nobody@example.com", std::nullopt, style_).ok());
  EXPECT_EQ(mailer_.sent.size(), 2u);
  ASSERT_TRUE(links_->Redeem(LastTicket(), client_).ok());
  EXPECT_TRUE(
      verification_->Resend("a@example.com", std::nullopt, style_).ok());  // verified: no mail
  EXPECT_EQ(mailer_.sent.size(), 2u);
  EXPECT_EQ(verification_->Resend("a@example.com", "https://evil.example.net", style_).error().code,
            core::errc::kRedirectNotAllowed);
}

TEST_F(EmailVerificationTest, CooldownAndHourlyCapPerAddress) {
  email_options_.email_resend_cooldown_seconds = 60;
  email_options_.email_per_address_per_hour = 3;
  ASSERT_TRUE(verification_->Resend("x@example.com", std::nullopt, style_).ok());
  auto soon = verification_->Resend("x@example.com", std::nullopt, style_);
  ASSERT_FALSE(soon.ok());
  EXPECT_EQ(soon.error().code, core::errc::kTooManyRequests);
  EXPECT_GT(soon.error().retry_after_seconds, 0);
  EXPECT_LE(soon.error().retry_after_seconds, 60);
  EXPECT_TRUE(verification_->Resend("y@example.com", std::nullopt, style_).ok());  // other address
  clock_.AdvanceSeconds(61);
  EXPECT_TRUE(verification_->Resend("x@example.com", std::nullopt, style_).ok());
  clock_.AdvanceSeconds(61);
  EXPECT_TRUE(verification_->Resend("x@example.com", std::nullopt, style_).ok());
  clock_.AdvanceSeconds(61);
  EXPECT_EQ(verification_->Resend("x@example.com", std::nullopt, style_).error().code,
            core::errc::kTooManyRequests);
}

}  // namespace
}  // namespace gh::auth
