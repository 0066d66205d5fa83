#include "auth/anonymous.h"

#include "flow_fixture.h"

namespace gh::auth {
namespace {

class AnonymousTest : public FlowTest {
 protected:
  void SetUp() override {
    FlowTest::SetUp();
    anonymous_options_.anonymous_signin_enabled = true;
  }
  SignInOutcome Anonymous(std::optional<std::string> metadata = std::nullopt) {
    AnonymousSignIn req;
    req.display_name = "Guest";
    req.metadata_json = metadata;
    req.client = client_;
    auto out = anonymous_->SignIn(req);
    EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().message);
    return *out;
  }
  DeanonymizeRequest To(const SignInOutcome& anon, std::string email) {
    DeanonymizeRequest d;
    d.user_id = anon.user.id;
    d.session_id = anon.session->session.id;
    d.sign_in_method = "email-password";
    d.email = std::move(email);
    d.password = "correct horse";
    d.links = &style_;
    return d;
  }
};

TEST_F(AnonymousTest, DisabledByDefault) {
  anonymous_options_.anonymous_signin_enabled = false;
  auto r = anonymous_->SignIn({});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kDisabledEndpoint);
  EXPECT_EQ(*store_->users().Count(), 0);
}

TEST_F(AnonymousTest, SignInGivesAnAnonymousRoleAndClaims) {
  auto out = Anonymous(R"({"cart":3})");
  EXPECT_TRUE(out.user.is_anonymous);
  EXPECT_EQ(out.user.default_role, "anonymous");
  EXPECT_EQ(out.user.roles, (std::vector<std::string>{"anonymous"}));
  EXPECT_FALSE(out.user.email.has_value());
  auto claims = tokens_->Verify(out.session->access_token);
  ASSERT_TRUE(claims.ok());
  EXPECT_TRUE(claims->is_anonymous);
  EXPECT_EQ(claims->default_role, "anonymous");
  auto refreshed = sessions_->Refresh(out.session->refresh_token);
  ASSERT_TRUE(refreshed.ok());
  EXPECT_TRUE(refreshed->user.is_anonymous);
}

TEST_F(AnonymousTest, DeanonymizeKeepsIdAndMetadataAndEndsOtherSessions) {
  auto anon = Anonymous(R"({"cart":3})");
  // A second device of the same anonymous user.
  auto other = sessions_->Start(anon.user, client_, "anonymous");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(anonymous_->Deanonymize(To(anon, "Real@Example.com")).ok());

  auto user = accounts_->Get(anon.user.id);
  ASSERT_TRUE(user.ok());
  EXPECT_FALSE(user->is_anonymous);
  EXPECT_EQ(user->email, "real@example.com");
  EXPECT_EQ(user->default_role, "user");
  EXPECT_EQ(user->roles, (std::vector<std::string>{"user", "me"}));
  EXPECT_EQ(user->metadata_json, R"({"cart":3})");
  EXPECT_FALSE(sessions_->Refresh(other->refresh_token).ok());
  auto mine = sessions_->Refresh(anon.session->refresh_token);
  ASSERT_TRUE(mine.ok());
  auto claims = tokens_->Verify(mine->access_token);
  EXPECT_FALSE(claims->is_anonymous);
  EXPECT_EQ(claims->default_role, "user");
  auto signin = password_->SignIn({"real@example.com", "correct horse", client_});
  ASSERT_TRUE(signin.ok());
  EXPECT_EQ(signin->user.id, anon.user.id);
}

TEST_F(AnonymousTest, DeanonymizeToATakenEmailChangesNothing) {
  SignUp("taken@example.com");
  auto anon = Anonymous();
  auto r = anonymous_->Deanonymize(To(anon, "TAKEN@example.com"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kEmailAlreadyInUse);
  auto user = accounts_->Get(anon.user.id);
  EXPECT_TRUE(user->is_anonymous);
  EXPECT_FALSE(user->email.has_value());
  EXPECT_TRUE(sessions_->Refresh(anon.session->refresh_token).ok());
}

TEST_F(AnonymousTest, DeanonymizeRefusals) {
  auto real = SignUp("real2@example.com");
  DeanonymizeRequest d;
  d.user_id = real.user.id;
  d.sign_in_method = "email-password";
  d.email = "other@example.com";
  d.password = "correct horse";
  EXPECT_EQ(anonymous_->Deanonymize(d).error().code, core::errc::kUserNotAnonymous);

  auto anon = Anonymous();
  auto bad_method = To(anon, "x@example.com");
  bad_method.sign_in_method = "carrier-pigeon";
  EXPECT_EQ(anonymous_->Deanonymize(bad_method).error().code, core::errc::kInvalidRequest);
  auto no_password = To(anon, "x@example.com");
  no_password.password.reset();
  EXPECT_EQ(anonymous_->Deanonymize(no_password).error().code, core::errc::kInvalidRequest);
  auto short_password = To(anon, "x@example.com");
  short_password.password = "short";
  EXPECT_EQ(anonymous_->Deanonymize(short_password).error().code, core::errc::kPasswordTooShort);
  auto bad_role = To(anon, "x@example.com");
  bad_role.options.allowed_roles = std::vector<std::string>{"admin"};
  EXPECT_EQ(anonymous_->Deanonymize(bad_role).error().code, core::errc::kRoleNotAllowed);
  EXPECT_TRUE(accounts_->Get(anon.user.id)->is_anonymous);
}

TEST_F(AnonymousTest, PruneDeletesOnlyOldAnonymousUsers) {
  auto old_anon = Anonymous();
  auto converted = Anonymous();
  ASSERT_TRUE(anonymous_->Deanonymize(To(converted, "kept@example.com")).ok());
  clock_.AdvanceSeconds(31 * 86400);
  auto young_anon = Anonymous();
  auto n = anonymous_->Prune(clock_.NowMillis() - 30LL * 86400 * 1000);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_FALSE(store_->users().FindById(old_anon.user.id)->has_value());
  EXPECT_TRUE(store_->users().FindById(converted.user.id)->has_value());
  EXPECT_TRUE(store_->users().FindById(young_anon.user.id)->has_value());
  EXPECT_FALSE(sessions_->Refresh(old_anon.session->refresh_token).ok());
}

}  // namespace
}  // namespace gh::auth
