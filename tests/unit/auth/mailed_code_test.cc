// A style that mails a code beside the link (GoTrue's): the code and the link
// are one credential (EmailLinkFlow::RedeemCode, Redeem); and the
// reauthentication a signed-in password change may need (PasswordResetFlow).
#include <array>

#include "auth/email_fixture.h"

namespace gh::auth {
namespace {

class CodeLinks final : public LinkStyle {
 public:
  std::string VerifyLink(LinkKind, std::string_view ticket, std::string_view) const override {
    return AppendQuery("https://auth.example.com/code/verify", {{"token", std::string(ticket)}});
  }
  std::string OAuthCallbackUrl(std::string_view) const override { return ""; }
  bool MailsCode() const override { return true; }
};

class MailedCodeTest : public EmailFlowTest {
 protected:
  std::string MailedCode() {
    std::smatch m;
    std::string text = LastMail().text;
    EXPECT_TRUE(std::regex_search(text, m, std::regex("enter this code: ([0-9]{6})"))) << text;
    return m.size() > 1 ? m[1].str() : "";
  }
  static std::string Wrong(const std::string& code) {
    return code == "000000" ? "111111" : "000000";
  }
  CodeLinks coded_;
  const std::array<LinkKind, 2> sign_in_ = {LinkKind::kMagicLink, LinkKind::kEmailVerify};
};

TEST_F(MailedCodeTest, OnlyACodeStyleMailsACode) {
  ASSERT_TRUE(password_->SignUp({"plain@example.com", "correct horse", {}, client_, &style_}).ok());
  EXPECT_EQ(LastMail().text.find("enter this code"), std::string::npos) << LastMail().text;
  ASSERT_TRUE(password_->SignUp({"coded@example.com", "correct horse", {}, client_, &coded_}).ok());
  EXPECT_FALSE(MailedCode().empty());
  // A mail without a code cannot be spent by a guess.
  auto guess = links_->RedeemCode(sign_in_, "plain@example.com", "123456", client_);
  ASSERT_FALSE(guess.ok());
  EXPECT_EQ(guess.error().code, core::errc::kInvalidOtp);
}

TEST_F(MailedCodeTest, TheCodeSpendsTheMailAndItsLink) {
  ASSERT_TRUE(password_->SignUp({"one@example.com", "correct horse", {}, client_, &coded_}).ok());
  const std::string code = MailedCode();
  const std::string ticket = LastTicket();
  auto wrong = links_->RedeemCode(sign_in_, "one@example.com", Wrong(code), client_);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, core::errc::kInvalidOtp);
  auto out = links_->RedeemCode(sign_in_, "ONE@example.com", code, client_);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->kind, LinkKind::kEmailVerify);
  ASSERT_TRUE(out->session.has_value());
  EXPECT_TRUE(out->user->email_verified());
  EXPECT_FALSE(links_->RedeemCode(sign_in_, "one@example.com", code, client_).ok());
  EXPECT_FALSE(links_->Redeem(ticket, client_).ok());
}

TEST_F(MailedCodeTest, KindsAreCheckedBeforeAnythingIsSpent) {
  ASSERT_TRUE(password_->SignUp({"two@example.com", "correct horse", {}, client_, &coded_}).ok());
  const std::string code = MailedCode();
  const std::array<LinkKind, 1> recovery = {LinkKind::kPasswordReset};
  EXPECT_FALSE(links_->Redeem(LastTicket(), client_, recovery).ok());
  EXPECT_FALSE(links_->RedeemCode(recovery, "two@example.com", code, client_).ok());
  EXPECT_TRUE(links_->Redeem(LastTicket(), client_, sign_in_).ok());
}

TEST_F(MailedCodeTest, WrongCodesBurnTheMailAndExpiryEndsIt) {
  email_options_.email_code_max_attempts = 2;
  ASSERT_TRUE(password_->SignUp({"three@example.com", "correct horse", {}, client_, &coded_}).ok());
  const std::string code = MailedCode();
  EXPECT_FALSE(links_->RedeemCode(sign_in_, "three@example.com", Wrong(code), client_).ok());
  EXPECT_FALSE(links_->RedeemCode(sign_in_, "three@example.com", Wrong(code), client_).ok());
  EXPECT_FALSE(links_->RedeemCode(sign_in_, "three@example.com", code, client_).ok());
  // A fresh mail, then too late.
  ASSERT_TRUE(verification_->Resend("three@example.com", std::nullopt, coded_).ok());
  const std::string fresh = MailedCode();
  clock_.AdvanceSeconds(email_options_.email_code_ttl_seconds + 1);
  EXPECT_FALSE(links_->RedeemCode(sign_in_, "three@example.com", fresh, client_).ok());
}

TEST_F(MailedCodeTest, PasswordChangeNeedsTheReauthenticationCodeFromAnOldSession) {
  RequireEmailVerification(false);
  SessionGrant s = SignUp("reauth@example.com");
  const std::string user_id = s.user.id;
  email_options_.password_change_requires_reauthentication = true;
  // A fresh session is proof enough.
  PasswordChange change{user_id, s.session.id, "another horse", std::nullopt, true};
  ASSERT_TRUE(reset_->Change(change).ok());
  clock_.AdvanceSeconds(email_options_.reauthentication_max_session_age_seconds + 1);
  change.new_password = "a third horse";
  auto needed = reset_->Change(change);
  ASSERT_FALSE(needed.ok());
  EXPECT_EQ(needed.error().code, core::errc::kReauthenticationNeeded);
  ASSERT_TRUE(reset_->SendReauthentication(user_id).ok());
  const std::string nonce = LastCode();
  change.nonce = Wrong(nonce);
  EXPECT_EQ(reset_->Change(change).error().code, core::errc::kInvalidReauthentication);
  change.nonce = nonce;
  ASSERT_TRUE(reset_->Change(change).ok());
  EXPECT_EQ(reset_->Change(change).error().code, core::errc::kInvalidReauthentication);
  // The native route's call, without a nonce, meets the same rule.
  EXPECT_EQ(reset_->Change(user_id, s.session.id, "a fourth horse").error().code,
            core::errc::kReauthenticationNeeded);
}

TEST_F(MailedCodeTest, TheCurrentPasswordIsRefusedWhenAsked) {
  RequireEmailVerification(false);
  SessionGrant s = SignUp("same@example.com", "correct horse");
  PasswordChange change{s.user.id, s.session.id, "correct horse", std::nullopt, true};
  EXPECT_EQ(reset_->Change(change).error().code, core::errc::kSamePassword);
  change.refuse_same = false;
  EXPECT_TRUE(reset_->Change(change).ok());
}

}  // namespace
}  // namespace gh::auth
