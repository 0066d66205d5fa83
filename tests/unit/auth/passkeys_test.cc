// PasskeyFlow over the software authenticator (crypto/webauthn_vectors.h):
// sign-up, sign-in with and without an email, adding, elevating, listing and
// removing, and the failures (wrong origin, replayed and expired challenges,
// another user's credential, a sign count going back, disabled setting).
#include "auth/passkeys.h"

#include <gtest/gtest.h>

#include "crypto/hash.h"
#include "crypto/webauthn_vectors.h"
#include "flow_fixture.h"

namespace gh::auth {
namespace {

namespace tw = gh::testing::webauthn;

class PasskeyTest : public FlowTest {
 protected:
  void SetUp() override {
    FlowTest::SetUp();
    options_.webauthn_enabled = true;
    options_.webauthn_rp_origins = {"https://example.com"};
    options_.email_verification_required = false;
    flow_ = std::make_unique<PasskeyFlow>(*store_, clock_, options_, *sessions_);
  }

  AttestationResponse Attest(const tw::Authenticator& a, const std::string& challenge) {
    auto [cd, att] = a.Create(challenge);
    return {a.credential_id, cd, att, {"internal"}};
  }
  AssertionResponse Sign(tw::Authenticator& a, const std::string& challenge,
                         std::optional<std::string> user_handle = std::nullopt) {
    auto s = a.Get(challenge);
    return {a.credential_id, s.client_data, s.auth_data, s.signature, std::move(user_handle)};
  }
  // Signs up `email` with authenticator `a`; the new user.
  core::User SignUpWith(tw::Authenticator& a, const std::string& email) {
    auto start = flow_->StartSignUp({email, {}});
    EXPECT_TRUE(start.ok());
    PasskeySignUpFinish f;
    f.credential = Attest(a, start->challenge);
    f.client = client_;
    f.links = &style_;
    auto out = flow_->FinishSignUp(f);
    EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().message);
    EXPECT_TRUE(out->session.has_value());
    return out->user;
  }

  PasskeyOptions options_;
  std::unique_ptr<PasskeyFlow> flow_;
};

TEST_F(PasskeyTest, SignUpThenSignInWithAndWithoutEmail) {
  tw::Authenticator a;
  auto start = flow_->StartSignUp({"Pat@Example.com", {}});
  ASSERT_TRUE(start.ok());
  EXPECT_EQ(start->challenge.size(), 32u);
  EXPECT_EQ(start->rp_id, "example.com");
  EXPECT_EQ(start->user_name, "pat@example.com");
  EXPECT_EQ(start->user_verification, "preferred");
  PasskeySignUpFinish f;
  f.credential = Attest(a, start->challenge);
  f.nickname = "laptop";
  f.links = &style_;
  auto up = flow_->FinishSignUp(f);
  ASSERT_TRUE(up.ok()) << up.error().message;
  ASSERT_TRUE(up->session.has_value());
  EXPECT_EQ(up->session->session.amr, "webauthn");
  EXPECT_EQ(up->user.id, start->user_handle);
  auto keys = flow_->List(up->user.id).value();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].nickname, "laptop");
  EXPECT_EQ(keys[0].credential_id, crypto::Base64UrlEncode(a.credential_id));
  EXPECT_EQ(keys[0].transports, "internal");

  auto with_email = flow_->StartSignIn("pat@example.com");
  ASSERT_TRUE(with_email.ok());
  ASSERT_EQ(with_email->allow.size(), 1u);
  auto in = flow_->FinishSignIn(Sign(a, with_email->challenge), client_);
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->session->user.id, up->user.id);

  auto discoverable = flow_->StartSignIn(std::nullopt);
  ASSERT_TRUE(discoverable.ok());
  EXPECT_TRUE(discoverable->allow.empty());
  auto in2 = flow_->FinishSignIn(Sign(a, discoverable->challenge, up->user.id), client_);
  ASSERT_TRUE(in2.ok()) << in2.error().message;
  EXPECT_EQ(flow_->List(up->user.id).value()[0].sign_count, 2);
}

TEST_F(PasskeyTest, ChallengesAreSingleUseAndExpire) {
  tw::Authenticator a;
  SignUpWith(a, "a@example.com");
  auto start = flow_->StartSignIn(std::nullopt);
  auto assertion = Sign(a, start->challenge);
  ASSERT_TRUE(flow_->FinishSignIn(assertion, client_).ok());
  auto replay = flow_->FinishSignIn(assertion, client_);
  EXPECT_EQ(replay.error().code, core::errc::kInvalidWebauthn);
  EXPECT_EQ(replay.error().message, "unknown or used challenge");

  auto late = flow_->StartSignIn(std::nullopt);
  clock_.AdvanceSeconds(options_.webauthn_challenge_seconds + 1);
  auto expired = flow_->FinishSignIn(Sign(a, late->challenge), client_);
  EXPECT_EQ(expired.error().message, "expired challenge");
  // A failed finish burns the challenge too.
  auto burnt = flow_->StartSignIn(std::nullopt);
  a.origin = "https://evil.example";
  EXPECT_EQ(flow_->FinishSignIn(Sign(a, burnt->challenge), client_).error().message,
            "origin not allowed");
  a.origin = "https://example.com";
  EXPECT_EQ(flow_->FinishSignIn(Sign(a, burnt->challenge), client_).error().message,
            "unknown or used challenge");
  // A sign-up challenge does not sign in.
  auto signup = flow_->StartSignUp({"b@example.com", {}});
  EXPECT_EQ(flow_->FinishSignIn(Sign(a, signup->challenge), client_).error().message,
            "unknown or used challenge");
}

TEST_F(PasskeyTest, AnotherUsersCredentialAndClonedAuthenticator) {
  tw::Authenticator a(crypto::webauthn::kES256, "cred-a");
  tw::Authenticator b(crypto::webauthn::kEdDSA, "cred-b");
  core::User ua = SignUpWith(a, "a@example.com");
  core::User ub = SignUpWith(b, "b@example.com");
  // Started for a, answered with b's passkey.
  auto for_a = flow_->StartSignIn("a@example.com");
  EXPECT_EQ(flow_->FinishSignIn(Sign(b, for_a->challenge), client_).error().message,
            "passkey of another user");
  // b's passkey claiming a's user handle.
  auto any = flow_->StartSignIn(std::nullopt);
  EXPECT_EQ(flow_->FinishSignIn(Sign(b, any->challenge, ua.id), client_).error().message,
            "user handle is not the passkey's user");
  // An unknown email: same options as a user without passkeys, nothing verifies.
  auto unknown = flow_->StartSignIn("nobody@example.com");
  ASSERT_TRUE(unknown.ok());
  EXPECT_TRUE(unknown->allow.empty());
  EXPECT_FALSE(flow_->FinishSignIn(Sign(a, unknown->challenge), client_).ok());

  // A clone: the copy signs with a counter the original already passed.
  auto ok = flow_->StartSignIn(std::nullopt);
  ASSERT_TRUE(flow_->FinishSignIn(Sign(a, ok->challenge), client_).ok());
  tw::Authenticator copy = std::move(a);
  copy.count = 0;  // the clone's counter is behind
  auto cloned = flow_->StartSignIn(std::nullopt);
  EXPECT_EQ(flow_->FinishSignIn(Sign(copy, cloned->challenge), client_).error().message,
            "sign count did not advance: cloned authenticator?");
  (void)ub;
}

TEST_F(PasskeyTest, AddElevateListRemove) {
  tw::Authenticator first(crypto::webauthn::kES256, "first");
  core::User u = SignUpWith(first, "a@example.com");
  EXPECT_EQ(flow_->StartAdd("nobody").error().code, core::errc::kUserNotFound);
  auto add = flow_->StartAdd(u.id);
  ASSERT_TRUE(add.ok());
  ASSERT_EQ(add->exclude.size(), 1u);
  tw::Authenticator second(crypto::webauthn::kRS256, "second");
  // A duplicate of the first is refused.
  EXPECT_EQ(flow_->FinishAdd(u.id, Attest(first, add->challenge), "").error().message,
            "credential already registered");
  add = flow_->StartAdd(u.id);
  // Another user cannot finish this user's ceremony.
  EXPECT_EQ(flow_->FinishAdd("other", Attest(second, add->challenge), "").error().message,
            "challenge of another user");
  add = flow_->StartAdd(u.id);
  auto added = flow_->FinishAdd(u.id, Attest(second, add->challenge), "key");
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_EQ(flow_->List(u.id).value().size(), 2u);

  auto elevate = flow_->StartElevate(u.id);
  ASSERT_TRUE(elevate.ok());
  EXPECT_EQ(elevate->allow.size(), 2u);
  auto grant = flow_->FinishElevate(u.id, Sign(second, elevate->challenge), client_);
  ASSERT_TRUE(grant.ok()) << grant.error().message;
  EXPECT_EQ(grant->session.aal, "aal2");
  EXPECT_FALSE(grant->refresh_token.empty());

  EXPECT_EQ(flow_->Remove(u.id, "nope").error().code, core::errc::kWebauthnCredentialNotFound);
  ASSERT_TRUE(flow_->Remove(u.id, added->id).ok());
  EXPECT_EQ(flow_->List(u.id).value().size(), 1u);
  // The removed passkey no longer signs in.
  auto in = flow_->StartSignIn(std::nullopt);
  EXPECT_EQ(flow_->FinishSignIn(Sign(second, in->challenge), client_).error().message,
            "unknown credential");
  EXPECT_EQ(flow_->StartElevate("nobody").error().code, core::errc::kInvalidRequest);
}

TEST_F(PasskeyTest, SettingsGateAndVerification) {
  options_.webauthn_enabled = false;
  EXPECT_EQ(flow_->StartSignIn(std::nullopt).error().code, core::errc::kDisabledEndpoint);
  options_.webauthn_enabled = true;
  options_.signup_disabled = true;
  EXPECT_EQ(flow_->StartSignUp({"a@example.com", {}}).error().code, core::errc::kSignupDisabled);
  options_.signup_disabled = false;
  EXPECT_EQ(flow_->StartSignUp({"not an email", {}}).error().code, core::errc::kInvalidRequest);

  // User verification required: an authenticator that only tests presence fails.
  options_.webauthn_user_verification = "required";
  tw::Authenticator a;
  auto start = flow_->StartSignUp({"a@example.com", {}});
  EXPECT_EQ(start->user_verification, "required");
  PasskeySignUpFinish f;
  auto [cd, att] = a.Create(start->challenge, crypto::webauthn::kFlagUp);
  f.credential = {a.credential_id, cd, att, {}};
  EXPECT_EQ(flow_->FinishSignUp(f).error().message, "user not verified");

  // Verification mail required: no session, the mail goes out, sign-in waits.
  options_.webauthn_user_verification = "preferred";
  options_.email_verification_required = true;
  int mails = 0;
  flow_->SetVerificationSender([&](const core::User&, const std::optional<std::string>&,
                                   const LinkStyle&) -> core::Result<void> {
    ++mails;
    return core::Ok();
  });
  start = flow_->StartSignUp({"v@example.com", {}});
  f = {};
  f.credential = Attest(a, start->challenge);
  f.links = &style_;
  auto up = flow_->FinishSignUp(f);
  ASSERT_TRUE(up.ok()) << up.error().message;
  EXPECT_FALSE(up->session.has_value());
  EXPECT_EQ(mails, 1);
  auto in = flow_->StartSignIn(std::nullopt);
  EXPECT_EQ(flow_->FinishSignIn(Sign(a, in->challenge), client_).error().code,
            core::errc::kUnverifiedUser);
  // The same email again: taken (found at the finish).
  tw::Authenticator b(crypto::webauthn::kES256, "b");
  start = flow_->StartSignUp({"v@example.com", {}});
  f.credential = Attest(b, start->challenge);
  EXPECT_EQ(flow_->FinishSignUp(f).error().code, core::errc::kEmailAlreadyInUse);
}

}  // namespace
}  // namespace gh::auth
