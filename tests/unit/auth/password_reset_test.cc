#include "auth/password_reset.h"

#include "auth/email_fixture.h"

namespace gh::auth {
namespace {

class PasswordResetTest : public EmailFlowTest {
 protected:
  void SetUp() override {
    EmailFlowTest::SetUp();
    RequireEmailVerification(false);
  }
};

TEST_F(PasswordResetTest, TicketSetsPasswordAndSignsOutEverywhere) {
  SessionGrant s = SignUp("r@example.com");
  ASSERT_TRUE(reset_->RequestReset("R@example.com", std::nullopt, style_).ok());
  ASSERT_EQ(LastMail().kind, "password-reset");
  EXPECT_EQ(store_->users().FindById(s.user.id)->value().recovery_sent_at, clock_.NowMillis());
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
  EXPECT_TRUE(reset_->RequestReset("nobody@example.com", std::nullopt, style_).ok());
  EXPECT_TRUE(mailer_.sent.empty());
}

TEST_F(PasswordResetTest, SignedInChangeKeepsOnlyTheCallersSession) {
  SessionGrant a = SignUp("c@example.com");
  auto b = password_->SignIn({"c@example.com", "correct horse", client_});
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE(reset_->Change(a.user.id, a.session.id, "brand new password").ok());
  EXPECT_TRUE(sessions_->Refresh(a.refresh_token).ok());
  EXPECT_FALSE(sessions_->Refresh(b->session->refresh_token).ok());
  email_options_.password_change_signs_out = false;
  auto d = password_->SignIn({"c@example.com", "brand new password", client_});
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(reset_->Change(a.user.id, a.session.id, "third new password").ok());
  EXPECT_TRUE(sessions_->Refresh(d->session->refresh_token).ok());
}

TEST_F(PasswordResetTest, LinkSignsIn) {
  SignUp("l@example.com");
  ASSERT_TRUE(reset_->RequestReset("l@example.com", "https://app.example.com/reset", style_).ok());
  EXPECT_NE(LastMail().text.find("&to=https%3A%2F%2Fapp.example.com%2Freset"), std::string::npos);
  auto link = links_->Redeem(LastTicket(), client_);
  ASSERT_TRUE(link.ok());
  EXPECT_EQ(link->kind, LinkKind::kPasswordReset);
  EXPECT_TRUE(link->session);
}

// Holds posted tasks until the test runs them: shows what a request does before
// its answer, and what it leaves for later.
class HeldTasks final : public core::TaskQueue {
 public:
  bool Post(std::function<void()> task) override {
    tasks.push_back(std::move(task));
    return true;
  }
  void RunAll() {
    for (auto& t : tasks) t();
    tasks.clear();
  }
  std::vector<std::function<void()>> tasks;
};

TEST_F(PasswordResetTest, KnownAndUnknownAddressesAnswerAlikeAndMailAfterwards) {
  SignUp("known@example.com");
  HeldTasks held;
  kit_->SetDeferredQueue(&held);
  const size_t mails = mailer_.sent.size();
  ASSERT_TRUE(reset_->RequestReset("known@example.com", std::nullopt, style_).ok());
  ASSERT_TRUE(reset_->RequestReset("nobody@example.com", std::nullopt, style_).ok());
  ASSERT_TRUE(verification_->Resend("nobody@example.com", std::nullopt, style_).ok());
  // Before the answer: no lookup's consequence, no ticket, no mail, for either.
  EXPECT_EQ(held.tasks.size(), 3u);
  EXPECT_EQ(mailer_.sent.size(), mails);
  auto open = store_->codes().FindLatest(purpose::kPasswordReset, "known@example.com");
  ASSERT_TRUE(open.ok());
  EXPECT_FALSE(open->has_value());
  held.RunAll();
  ASSERT_EQ(mailer_.sent.size(), mails + 1);  // only the real account gets mail
  EXPECT_EQ(LastMail().to, "known@example.com");
  kit_->SetDeferredQueue(nullptr);
}

TEST_F(PasswordResetTest, AMailFailureNoLongerShowsInTheAnswer) {
  SignUp("down@example.com");
  mailer_.fail = true;
  EXPECT_TRUE(reset_->RequestReset("down@example.com", std::nullopt, style_).ok());
  auto open = store_->codes().FindLatest(purpose::kPasswordReset, "down@example.com");
  ASSERT_TRUE(open.ok());
  EXPECT_TRUE(!open->has_value() || (*open)->consumed_at.has_value());  // withdrawn
}

}  // namespace
}  // namespace gh::auth
