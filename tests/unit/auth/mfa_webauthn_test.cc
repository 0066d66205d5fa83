// MfaFlow's webauthn factors over PasskeyFlow's factor ceremonies and the
// software authenticator: enrol, register (the factor becomes a passkey under
// its id), step up the same session, list (passkeys as verified factors),
// unenrol; and the refusals (settings off, another factor's or session's
// challenge, a replay, the wrong kind of answer, a foreign relying party).
#include <gtest/gtest.h>

#include "auth/mfa.h"
#include "auth/passkeys.h"
#include "crypto/webauthn_vectors.h"
#include "flow_fixture.h"

namespace gh::auth {
namespace {

namespace tw = gh::testing::webauthn;
constexpr char kKey[] = "test key material, 32 characters or more";

class MfaWebauthnTest : public FlowTest {
 protected:
  void SetUp() override {
    FlowTest::SetUp();
    passkey_options_.webauthn_rp_origins = {"https://example.com"};
    passkeys_ = std::make_unique<PasskeyFlow>(*store_, clock_, passkey_options_, *sessions_);
    MfaOptions o = MfaOptions::From(config_);
    o.webauthn_enroll_enabled = true;
    o.webauthn_verify_enabled = true;
    mfa_ = std::make_unique<MfaFlow>(*store_, clock_, o, *sessions_, kKey);
    mfa_->SetPasskeys(passkeys_.get());
  }
  SessionGrant SignIn(const std::string& email) {
    PasswordSignIn req{email, "correct horse", client_, nullptr};
    auto out = password_->SignIn(req);
    EXPECT_TRUE(out.ok() && out->session);
    return *out->session;
  }
  MfaCaller CallerOf(const SessionGrant& g) {
    auto claims = tokens_->Verify(g.access_token);
    EXPECT_TRUE(claims.ok());
    return MfaCaller{claims->user_id, claims->session_id, claims->aal, client_};
  }
  VerifyWebauthnRequest Created(const MfaCaller& c, const std::string& factor,
                                const WebauthnFactorChallenge& ch) {
    auto [cd, att] = authenticator_.Create(ch.create->challenge);
    return {c, factor, ch.challenge.id,
            AttestationResponse{authenticator_.credential_id, cd, att, {}}, std::nullopt};
  }
  VerifyWebauthnRequest Asserted(const MfaCaller& c, const std::string& factor,
                                 const WebauthnFactorChallenge& ch) {
    auto s = authenticator_.Get(ch.request->challenge);
    return {c, factor, ch.challenge.id, std::nullopt,
            AssertionResponse{authenticator_.credential_id, s.client_data, s.auth_data, s.signature,
                              std::nullopt}};
  }
  // Signs up and registers a webauthn factor; the aal2 caller.
  MfaCaller Registered() {
    MfaCaller caller = CallerOf(SignUp("w@example.com"));
    auto f = mfa_->EnrollWebauthn({caller, "key"});
    EXPECT_TRUE(f.ok());
    factor_id_ = f->id;
    auto ch = mfa_->ChallengeWebauthn({caller, factor_id_});
    EXPECT_TRUE(ch.ok() && ch->create);
    auto up = mfa_->VerifyWebauthn(Created(caller, factor_id_, *ch));
    EXPECT_TRUE(up.ok()) << (up.ok() ? "" : up.error().message);
    return up.ok() ? CallerOf(up->session) : caller;
  }

  PasskeyOptions passkey_options_;
  std::unique_ptr<PasskeyFlow> passkeys_;
  std::unique_ptr<MfaFlow> mfa_;
  tw::Authenticator authenticator_;
  std::string factor_id_;
};

TEST_F(MfaWebauthnTest, RegisterThenStepUpTheSameSession) {
  MfaCaller caller = CallerOf(SignUp("w@example.com"));
  auto f = mfa_->EnrollWebauthn({caller, "key"});
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->type, "webauthn");
  EXPECT_FALSE(f->verified());
  auto listed = mfa_->ListFactors(caller.user_id).value();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_FALSE(listed[0].verified());

  auto ch = mfa_->ChallengeWebauthn({caller, f->id});
  ASSERT_TRUE(ch.ok()) << ch.error().message;
  ASSERT_TRUE(ch->create.has_value());
  EXPECT_EQ(ch->create->rp_id, "example.com");
  auto up = mfa_->VerifyWebauthn(Created(caller, f->id, *ch));
  ASSERT_TRUE(up.ok()) << up.error().message;
  EXPECT_TRUE(up->newly_verified);
  EXPECT_EQ(up->session.session.aal, "aal2");
  EXPECT_EQ(up->session.session.id, caller.session_id);
  EXPECT_NE(up->session.session.amr.find("webauthn"), std::string::npos);

  // One store: the factor is the passkey, under the factor's id.
  auto keys = passkeys_->List(caller.user_id);  // webauthn_enabled off: the flow says so
  EXPECT_FALSE(keys.ok());
  auto rows = store_->passkeys().ListForUser(caller.user_id).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].id, f->id);
  EXPECT_EQ(rows[0].nickname, "key");
  listed = mfa_->ListFactors(caller.user_id).value();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, f->id);
  EXPECT_TRUE(listed[0].verified());
  EXPECT_TRUE(store_->factors().ListForUser(caller.user_id)->empty());  // the pending row went

  // A new aal1 session steps up with an assertion.
  MfaCaller second = CallerOf(SignIn("w@example.com"));
  EXPECT_EQ(second.aal, "aal1");
  auto req = mfa_->ChallengeWebauthn({second, f->id});
  ASSERT_TRUE(req.ok()) << req.error().message;
  ASSERT_TRUE(req->request.has_value());
  ASSERT_EQ(req->request->allow.size(), 1u);
  auto again = mfa_->VerifyWebauthn(Asserted(second, f->id, *req));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_FALSE(again->newly_verified);
  EXPECT_EQ(again->session.session.id, second.session_id);
  EXPECT_EQ(again->session.session.aal, "aal2");
}

TEST_F(MfaWebauthnTest, ChallengesAreBoundAndSingleUse) {
  MfaCaller caller = Registered();
  MfaCaller other = CallerOf(SignIn("w@example.com"));
  auto ch = mfa_->ChallengeWebauthn({caller, factor_id_});
  ASSERT_TRUE(ch.ok());
  // Answered in another session of the same user: not that session's challenge.
  auto a = Asserted(other, factor_id_, *ch);
  auto r = mfa_->VerifyWebauthn(a);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kMfaFactorNotFound);
  // Spent, even by the failure.
  a.caller = caller;
  r = mfa_->VerifyWebauthn(a);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kInvalidWebauthn);

  // Named by another challenge id.
  auto c2 = mfa_->ChallengeWebauthn({caller, factor_id_});
  auto c3 = mfa_->ChallengeWebauthn({caller, factor_id_});
  auto b = Asserted(caller, factor_id_, *c2);
  b.challenge_id = c3->challenge.id;
  r = mfa_->VerifyWebauthn(b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kMfaFactorNotFound);

  // The wrong kind of answer for a verified factor.
  auto c4 = mfa_->ChallengeWebauthn({caller, factor_id_});
  VerifyWebauthnRequest wrong{caller, factor_id_, c4->challenge.id, AttestationResponse{}, {}};
  r = mfa_->VerifyWebauthn(wrong);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kInvalidRequest);
}

TEST_F(MfaWebauthnTest, UnenrolRemovesThePasskeyAndSettingsGate) {
  MfaCaller caller = Registered();
  MfaCaller aal1 = CallerOf(SignIn("w@example.com"));
  auto refused = mfa_->Unenroll({aal1, factor_id_});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::errc::kInsufficientAal);
  auto more = mfa_->EnrollWebauthn({aal1, "second"});
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.error().code, core::errc::kInsufficientAal);
  auto gone = mfa_->Unenroll({caller, factor_id_});
  ASSERT_TRUE(gone.ok()) << gone.error().message;
  EXPECT_TRUE(store_->passkeys().ListForUser(caller.user_id)->empty());
  auto ch = mfa_->ChallengeWebauthn({caller, factor_id_});
  ASSERT_FALSE(ch.ok());
  EXPECT_EQ(ch.error().code, core::errc::kMfaFactorNotFound);

  EXPECT_TRUE(mfa_->CheckWebauthnRelyingParty("example.com", {{"https://example.com"}}).ok());
  EXPECT_FALSE(mfa_->CheckWebauthnRelyingParty("evil.com", std::nullopt).ok());
  EXPECT_FALSE(mfa_->CheckWebauthnRelyingParty(std::nullopt, {{"https://evil.com"}}).ok());
  EXPECT_FALSE(mfa_->CheckWebauthnRelyingParty(std::nullopt, std::vector<std::string>{}).ok());

  MfaFlow off(*store_, clock_, MfaOptions::From(config_), *sessions_, kKey);
  off.SetPasskeys(passkeys_.get());
  auto e = off.EnrollWebauthn({caller, "x"});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, core::errc::kDisabledEndpoint);
  auto c = off.ChallengeWebauthn({caller, factor_id_});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, core::errc::kDisabledEndpoint);
}

}  // namespace
}  // namespace gh::auth
