#include "auth/email_change.h"

#include "auth/email_fixture.h"

namespace gh::auth {
namespace {

class EmailChangeTest : public EmailFlowTest {
 protected:
  void SetUp() override {
    EmailFlowTest::SetUp();
    RequireEmailVerification(false);
  }
};

TEST_F(EmailChangeTest, ChangesOnlyWhenLinkFollowedAndTellsOldAddress) {
  SessionGrant s = SignUp("old@example.com");
  ASSERT_TRUE(change_->Request(s.user.id, "New@Example.com", std::nullopt, style_).ok());
  EXPECT_EQ(LastMail().to, "new@example.com");
  EXPECT_EQ(LastMail().kind, "email-confirm-change");
  auto before = store_->users().FindById(s.user.id);
  ASSERT_TRUE(before.ok() && before->has_value());
  EXPECT_EQ((*before)->email, "old@example.com");
  EXPECT_EQ((*before)->new_email, "new@example.com");
  EXPECT_EQ((*before)->email_change_sent_at, clock_.NowMillis());
  clock_.AdvanceSeconds(5);

  auto link = links_->Redeem(LastTicket(), client_);
  ASSERT_TRUE(link.ok()) << link.error().message;
  EXPECT_EQ(link->kind, LinkKind::kEmailChange);
  EXPECT_FALSE(link->session);
  auto after = store_->users().FindById(s.user.id);
  EXPECT_EQ((*after)->email, "new@example.com");
  EXPECT_FALSE((*after)->new_email);
  EXPECT_EQ((*after)->email_confirmed_at, clock_.NowMillis());  // the new address, proven now
  ASSERT_EQ(mailer_.sent.size(), 2u);
  EXPECT_EQ(LastMail().to, "old@example.com");
  EXPECT_EQ(LastMail().kind, "email-changed-notice");
  EXPECT_NE(LastMail().text.find("new@example.com"), std::string::npos);
}

TEST_F(EmailChangeTest, TakenAddressAndMailFailure) {
  SessionGrant s = SignUp("one@example.com");
  SignUp("two@example.com");
  EXPECT_EQ(change_->Request(s.user.id, "two@example.com", std::nullopt, style_).error().code,
            core::errc::kEmailAlreadyInUse);
  mailer_.fail = true;
  EXPECT_EQ(change_->Request(s.user.id, "three@example.com", std::nullopt, style_).error().code,
            core::errc::kUnavailable);
  auto user = store_->users().FindById(s.user.id);
  EXPECT_FALSE((*user)->new_email);  // nothing half-done
}

}  // namespace
}  // namespace gh::auth
