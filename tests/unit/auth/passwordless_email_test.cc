#include "auth/passwordless_email.h"

#include "auth/email_fixture.h"
#include "crypto/hash.h"

namespace gh::auth {
namespace {

class PasswordlessEmailTest : public EmailFlowTest {
 protected:
  PasswordlessEmailRequest Req(const std::string& email) { return {email, {}, client_, &style_}; }
};

TEST_F(PasswordlessEmailTest, MagicLinkCreatesUserAndSignsIn) {
  ASSERT_TRUE(passwordless_->SendMagicLink(Req("Magic@Example.com")).ok());
  ASSERT_EQ(mailer_.sent.size(), 1u);
  EXPECT_EQ(LastMail().kind, "signin-passwordless");
  auto link = links_->Redeem(LastTicket(), client_);
  ASSERT_TRUE(link.ok()) << link.error().message;
  EXPECT_EQ(link->kind, LinkKind::kMagicLink);
  ASSERT_TRUE(link->session);
  EXPECT_EQ(link->session->user.email, "magic@example.com");
  EXPECT_TRUE(link->session->user.email_verified());
}

TEST_F(PasswordlessEmailTest, DisabledAndSignupOffAndRedirect) {
  email_options_.email_passwordless_enabled = false;
  EXPECT_EQ(passwordless_->SendMagicLink(Req("a@example.com")).error().code,
            core::errc::kDisabledEndpoint);
  email_options_.email_passwordless_enabled = true;
  email_options_.signup_disabled = true;
  EXPECT_TRUE(passwordless_->SendMagicLink(Req("new@example.com")).ok());  // same answer
  EXPECT_TRUE(mailer_.sent.empty());
  PasswordlessEmailRequest bad = Req("a@example.com");
  bad.options.redirect_to = "https://evil.example.net/";
  EXPECT_EQ(passwordless_->SendMagicLink(bad).error().code, core::errc::kRedirectNotAllowed);
}

TEST_F(PasswordlessEmailTest, MailFailureLeavesNothingBehind) {
  mailer_.fail = true;
  auto r = passwordless_->SendMagicLink(Req("down@example.com"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kUnavailable);
  auto user = store_->users().FindByEmail("down@example.com");
  ASSERT_TRUE(user.ok());
  EXPECT_FALSE(user->has_value());
  auto code = store_->codes().FindLatest(purpose::kMagicLink, "down@example.com");
  ASSERT_TRUE(code.ok());
  EXPECT_FALSE(code->has_value());
}

TEST_F(PasswordlessEmailTest, CodeSignsInOnceAndIsStoredKeyed) {
  ASSERT_TRUE(passwordless_->SendCode(Req("otp@example.com")).ok());
  std::string code = LastCode();
  auto stored = store_->codes().FindLatest(purpose::kEmailOtp, "otp@example.com");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_NE((*stored)->code_hash, crypto::Sha256Hex(code));  // keyed, not a plain hash
  auto s = passwordless_->VerifyCode("OTP@example.com", code, client_);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_TRUE(s->user.email_verified());
  EXPECT_EQ(passwordless_->VerifyCode("otp@example.com", code, client_).error().code,
            core::errc::kInvalidOtp);
}

TEST_F(PasswordlessEmailTest, FiveWrongCodesBurnIt) {
  ASSERT_TRUE(passwordless_->SendCode(Req("otp@example.com")).ok());
  std::string code = LastCode();
  std::string wrong = code == "000000" ? "111111" : "000000";
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(passwordless_->VerifyCode("otp@example.com", wrong, client_).error().code,
              core::errc::kInvalidOtp);
  EXPECT_EQ(passwordless_->VerifyCode("otp@example.com", code, client_).error().code,
            core::errc::kInvalidOtp);
}

TEST_F(PasswordlessEmailTest, ExpiredCodeIsRefused) {
  ASSERT_TRUE(passwordless_->SendCode(Req("otp@example.com")).ok());
  std::string code = LastCode();
  clock_.AdvanceSeconds(email_options_.email_code_ttl_seconds);
  EXPECT_EQ(passwordless_->VerifyCode("otp@example.com", code, client_).error().code,
            core::errc::kInvalidOtp);
}

// A second factor applies to every first factor: a code or a magic link of a
// user with TOTP on yields an MFA ticket, never a session.
TEST_F(PasswordlessEmailTest, SecondFactorDueGivesATicketNotASession) {
  ASSERT_TRUE(passwordless_->SendCode(Req("mfa@example.com")).ok());
  std::string code = LastCode();
  auto user = store_->users().FindByEmail("mfa@example.com");
  ASSERT_TRUE(user.ok() && user->has_value());
  GiveVerifiedFactor((*user)->id);
  auto s = passwordless_->VerifyCode("mfa@example.com", code, client_);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_FALSE(s->session.has_value());
  ASSERT_TRUE(s->mfa.has_value());
  EXPECT_EQ(s->mfa->ticket.rfind("mfaTotp:", 0), 0u);

  ASSERT_TRUE(passwordless_->SendMagicLink(Req("mfa@example.com")).ok());
  auto link = links_->Redeem(LastTicket(), client_);
  ASSERT_TRUE(link.ok()) << link.error().message;
  EXPECT_FALSE(link->session.has_value());
  EXPECT_TRUE(link->mfa.has_value());
}

}  // namespace
}  // namespace gh::auth
