// The links a mail carries follow the LinkStyle of the request that asked for
// the mail, not a style fixed per flow: two styles side by side on one set of
// flows, including a reset mail sent after the answer (the deferred queue).
#include <deque>
#include <functional>

#include "auth/email_fixture.h"

namespace gh::auth {
namespace {

// Holds posted work until the test runs it: the mail goes out after the
// request that asked for it has been answered, as in the server.
class HeldTaskQueue final : public core::TaskQueue {
 public:
  bool Post(std::function<void()> task) override {
    held.push_back(std::move(task));
    return true;
  }
  void RunAll() {
    while (!held.empty()) {
      auto task = std::move(held.front());
      held.pop_front();
      task();
    }
  }
  std::deque<std::function<void()>> held;
};

class LinkStyleTest : public EmailFlowTest {
 protected:
  bool MailStartsWith(const notify::MailMessage& m, const std::string& prefix) {
    return m.text.find(prefix) != std::string::npos;
  }
  AltLinks other_{"https://other.example.net"};
};

TEST_F(LinkStyleTest, SignUpMailsFollowEachRequestsStyle) {
  ASSERT_TRUE(password_->SignUp({"a@example.com", "correct horse", {}, client_, &style_}).ok());
  ASSERT_TRUE(password_->SignUp({"b@example.com", "correct horse", {}, client_, &other_}).ok());
  ASSERT_EQ(mailer_.sent.size(), 2u);
  EXPECT_TRUE(MailStartsWith(mailer_.sent[0], "https://auth.example.com/alt/verify?token="))
      << mailer_.sent[0].text;
  EXPECT_TRUE(MailStartsWith(mailer_.sent[1], "https://other.example.net/alt/verify?token="))
      << mailer_.sent[1].text;
  EXPECT_EQ(mailer_.sent[1].text.find("auth.example.com"), std::string::npos);
  // Either link's ticket is spent by the same flow.
  auto link = links_->Redeem(LastTicket(), client_);
  ASSERT_TRUE(link.ok()) << link.error().message;
  EXPECT_EQ(link->kind, LinkKind::kEmailVerify);
}

TEST_F(LinkStyleTest, SignUpThatMustMailALinkNeedsAStyle) {
  auto out = password_->SignUp({"nostyle@example.com", "correct horse", {}, client_, nullptr});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, core::errc::kInternal);
  EXPECT_FALSE(store_->users().FindByEmail("nostyle@example.com")->has_value());
  EXPECT_TRUE(mailer_.sent.empty());
}

TEST_F(LinkStyleTest, DeferredResetMailKeepsTheStyleItWasAskedIn) {
  RequireEmailVerification(false);
  SignUp("first@example.com");
  SignUp("second@example.com");
  mailer_.sent.clear();
  HeldTaskQueue queue;
  kit_->SetDeferredQueue(&queue);
  ASSERT_TRUE(reset_->RequestReset("first@example.com", std::nullopt, other_).ok());
  ASSERT_TRUE(reset_->RequestReset("second@example.com", std::nullopt, style_).ok());
  EXPECT_TRUE(mailer_.sent.empty());  // answered; nothing sent yet
  ASSERT_EQ(queue.held.size(), 2u);
  queue.RunAll();
  kit_->SetDeferredQueue(nullptr);
  ASSERT_EQ(mailer_.sent.size(), 2u);
  EXPECT_EQ(mailer_.sent[0].to, "first@example.com");
  EXPECT_TRUE(MailStartsWith(mailer_.sent[0], "https://other.example.net/alt/verify?token="))
      << mailer_.sent[0].text;
  EXPECT_EQ(mailer_.sent[1].to, "second@example.com");
  EXPECT_TRUE(MailStartsWith(mailer_.sent[1], "https://auth.example.com/alt/verify?token="))
      << mailer_.sent[1].text;
}

TEST_F(LinkStyleTest, DeferredResendAndOtherMailsFollowTheirStyle) {
  ASSERT_TRUE(password_->SignUp({"v@example.com", "correct horse", {}, client_, &style_}).ok());
  HeldTaskQueue queue;
  kit_->SetDeferredQueue(&queue);
  ASSERT_TRUE(verification_->Resend("v@example.com", std::nullopt, other_).ok());
  queue.RunAll();
  kit_->SetDeferredQueue(nullptr);
  EXPECT_TRUE(MailStartsWith(LastMail(), "https://other.example.net/alt/verify?token=verifyEmail"))
      << LastMail().text;

  PasswordlessEmailRequest magic{"m@example.com", {}, client_, &other_};
  ASSERT_TRUE(passwordless_->SendMagicLink(magic).ok());
  EXPECT_TRUE(
      MailStartsWith(LastMail(), "https://other.example.net/alt/verify?token=passwordlessEmail"))
      << LastMail().text;
  magic.links = nullptr;
  EXPECT_EQ(passwordless_->SendMagicLink(magic).error().code, core::errc::kInternal);

  RequireEmailVerification(false);
  SessionGrant s = SignUp("c@example.com");
  ASSERT_TRUE(change_->Request(s.user.id, "c2@example.com", std::nullopt, other_).ok());
  EXPECT_EQ(LastMail().to, "c2@example.com");
  EXPECT_TRUE(
      MailStartsWith(LastMail(), "https://other.example.net/alt/verify?token=emailConfirmChange"))
      << LastMail().text;
}

}  // namespace
}  // namespace gh::auth
