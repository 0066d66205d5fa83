#include "auth/mfa.h"

#include <cctype>

#include "crypto/secretbox.h"
#include "crypto/totp.h"
#include "flow_fixture.h"

namespace gh::auth {
namespace {

class MfaTest : public FlowTest {
 protected:
  void SetUp() override {
    FlowTest::SetUp();
    Rebuild();
  }
  // A flow with the settings config_ has now (MfaFlow copies its options).
  void Rebuild() {
    mfa_ = std::make_unique<MfaFlow>(*store_, clock_, MfaOptions::From(config_), *sessions_,
                                     "test key material, 32 characters or more");
  }

  // The code of the current time step shifted by `steps`.
  std::string Code(int steps = 0) const {
    std::string key;
    EXPECT_TRUE(crypto::Base32Decode(secret_, &key));
    return crypto::Hotp(key, crypto::TotpStep(clock_.NowMillis() / 1000) + steps);
  }
  std::string WrongCode() const {
    std::string c = Code();
    c[0] = c[0] == '9' ? '0' : static_cast<char>(c[0] + 1);
    return c;
  }

  // Signs up, enrols and turns TOTP on; returns the recovery codes.
  std::vector<std::string> Enrol(const std::string& email = "mfa@example.com") {
    auto grant = SignUp(email);
    user_id_ = grant.user.id;
    auto setup = mfa_->GenerateTotp(user_id_);
    EXPECT_TRUE(setup.ok());
    secret_ = setup->secret;
    auto codes = mfa_->ChangeMfa({user_id_, Code(), "totp"});
    EXPECT_TRUE(codes.ok()) << (codes.ok() ? "" : codes.error().code);
    return codes.ok() ? *codes : std::vector<std::string>();
  }

  std::string Ticket(const std::string& email = "mfa@example.com") {
    auto out = password_->SignIn({email, "correct horse", client_});
    EXPECT_TRUE(out.ok());
    EXPECT_FALSE(out->session.has_value());
    EXPECT_TRUE(out->mfa.has_value());
    return out->mfa ? out->mfa->ticket : std::string();
  }

  std::unique_ptr<MfaFlow> mfa_;
  std::string user_id_;
  std::string secret_;
};

TEST_F(MfaTest, GenerateGivesSecretUriAndQrButDoesNotActivate) {
  auto grant = SignUp("a@example.com");
  auto setup = mfa_->GenerateTotp(grant.user.id);
  ASSERT_TRUE(setup.ok());
  EXPECT_EQ(setup->secret.size(), 32u);
  EXPECT_EQ(setup->uri.rfind("otpauth://totp/Gatehouse:a@example.com?secret=" + setup->secret, 0),
            0u);
  EXPECT_EQ(setup->image_url.rfind("data:image/png;base64,", 0), 0u);
  auto user = store_->users().FindById(grant.user.id);
  ASSERT_TRUE(user.ok() && user->has_value());
  EXPECT_FALSE((*user)->verified_mfa_type.has_value());
  auto factors = store_->factors().ListForUser(grant.user.id);
  ASSERT_TRUE(factors.ok());
  ASSERT_EQ(factors->size(), 1u);
  EXPECT_FALSE((*factors)[0].verified());
  ASSERT_TRUE((*factors)[0].secret_encrypted.has_value());
  EXPECT_EQ((*factors)[0].secret_encrypted->find(setup->secret), std::string::npos);  // encrypted
  // A second generate replaces the pending enrolment.
  ASSERT_TRUE(mfa_->GenerateTotp(grant.user.id).ok());
  ASSERT_EQ(store_->factors().ListForUser(grant.user.id)->size(), 1u);
  EXPECT_NE((*store_->factors().ListForUser(grant.user.id))[0].id, (*factors)[0].id);
  // Still a plain password sign-in.
  auto out = password_->SignIn({"a@example.com", "correct horse", client_});
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->session.has_value());
}

TEST_F(MfaTest, ActivationNeedsSecretAndRightCode) {
  auto grant = SignUp("a@example.com");
  auto none = mfa_->ChangeMfa({grant.user.id, "123456", "totp"});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, core::errc::kNoTotpSecret);
  secret_ = mfa_->GenerateTotp(grant.user.id)->secret;
  auto wrong = mfa_->ChangeMfa({grant.user.id, WrongCode(), "totp"});
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, core::errc::kInvalidTotp);
  auto bad_type = mfa_->ChangeMfa({grant.user.id, Code(), "sms"});
  ASSERT_FALSE(bad_type.ok());
  EXPECT_EQ(bad_type.error().code, core::errc::kMfaTypeNotFound);
  auto codes = mfa_->ChangeMfa({grant.user.id, Code(), "totp"});
  ASSERT_TRUE(codes.ok());
  EXPECT_EQ(codes->size(), 10u);
  auto again = mfa_->ChangeMfa({grant.user.id, Code(1), "totp"});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, core::errc::kTotpAlreadyActive);
  auto regenerate = mfa_->GenerateTotp(grant.user.id);
  ASSERT_FALSE(regenerate.ok());
  EXPECT_EQ(regenerate.error().code, core::errc::kTotpAlreadyActive);
}

TEST_F(MfaTest, SignInWithTicketGivesAal2Session) {
  Enrol();
  std::string ticket = Ticket();
  EXPECT_EQ(ticket.rfind("mfaTotp:", 0), 0u);
  auto grant = mfa_->SignInTotp({ticket, Code(1), client_});
  ASSERT_TRUE(grant.ok()) << grant.error().code;
  EXPECT_EQ(grant->session.aal, "aal2");
  EXPECT_EQ(grant->session.amr, "password,totp");
  auto claims = tokens_->Verify(grant->access_token);
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->aal, "aal2");
  // The ticket is single-use.
  auto reuse = mfa_->SignInTotp({ticket, Code(-1), client_});
  ASSERT_FALSE(reuse.ok());
  EXPECT_EQ(reuse.error().code, core::errc::kInvalidTicket);
}

TEST_F(MfaTest, ReplayedCodeIsRefused) {
  Enrol();  // used the current step's code
  auto replay = mfa_->SignInTotp({Ticket(), Code(), client_});
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.error().code, core::errc::kInvalidTotp);
  std::string ticket = Ticket();
  ASSERT_TRUE(mfa_->SignInTotp({ticket, Code(-1), client_}).ok());
  auto again = mfa_->SignInTotp({Ticket(), Code(-1), client_});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, core::errc::kInvalidTotp);
  // Two steps away is outside the window.
  auto far = mfa_->SignInTotp({Ticket(), Code(2), client_});
  ASSERT_FALSE(far.ok());
  EXPECT_EQ(far.error().code, core::errc::kInvalidTotp);
}

TEST_F(MfaTest, FiveWrongCodesBurnTheTicket) {
  Enrol();
  std::string ticket = Ticket();
  for (int i = 0; i < kMfaTicketMaxAttempts; ++i) {
    auto r = mfa_->SignInTotp({ticket, WrongCode(), client_});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::errc::kInvalidTotp);
  }
  auto right = mfa_->SignInTotp({ticket, Code(1), client_});
  ASSERT_FALSE(right.ok());
  EXPECT_EQ(right.error().code, core::errc::kInvalidTicket);
}

TEST_F(MfaTest, ExpiredTicketIsRefused) {
  Enrol();
  std::string ticket = Ticket();
  clock_.AdvanceSeconds(5 * 60);
  auto r = mfa_->SignInTotp({ticket, Code(), client_});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kInvalidTicket);
  auto bogus = mfa_->SignInTotp({"mfaTotp:00000000-0000-4000-8000-000000000000", Code(), client_});
  ASSERT_FALSE(bogus.ok());
  EXPECT_EQ(bogus.error().code, core::errc::kInvalidTicket);
  auto shape = mfa_->SignInTotp({"nope", Code(), client_});
  ASSERT_FALSE(shape.ok());
  EXPECT_EQ(shape.error().code, core::errc::kInvalidTicket);
}

TEST_F(MfaTest, RecoveryCodeWorksOnceNotTwice) {
  auto codes = Enrol();
  ASSERT_EQ(codes.size(), 10u);
  auto grant = mfa_->SignInTotp({Ticket(), codes[3], client_});
  ASSERT_TRUE(grant.ok());
  EXPECT_EQ(grant->session.amr, "password,recovery");
  EXPECT_EQ(grant->session.aal, "aal2");
  auto again = mfa_->SignInTotp({Ticket(), codes[3], client_});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, core::errc::kInvalidTotp);
  // Upper case without the dash is the same code.
  std::string other = codes[4];
  other.erase(5, 1);
  for (char& c : other) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(mfa_->SignInTotp({Ticket(), other, client_}).ok());
  EXPECT_EQ(*store_->mfa().CountRecoveryCodes(user_id_), 8);
}

// Recovery codes are keyed by the TOTP secret, so a server with another
// encryption key that holds the same secret (an imported user) accepts them.
TEST_F(MfaTest, RecoveryCodesFollowTheSecretNotTheServerKey) {
  auto codes = Enrol();
  std::string key;
  ASSERT_TRUE(crypto::Base32Decode(secret_, &key));
  core::MfaFactor moved = (*store_->factors().ListForUser(user_id_))[0];
  moved.secret_encrypted = crypto::SecretBox("another server's key, 32 characters+").Seal(key);
  ASSERT_TRUE(store_->factors().Update(moved).value());
  MfaFlow other(*store_, clock_, MfaOptions::From(config_), *sessions_,
                "another server's key, 32 characters+");
  auto grant = other.SignInTotp({Ticket(), codes[0], client_});
  ASSERT_TRUE(grant.ok()) << grant.error().code;
  EXPECT_EQ(grant->session.amr, "password,recovery");
  EXPECT_TRUE(other.SignInTotp({Ticket(), Code(1), client_}).ok());
  EXPECT_TRUE(IsPortableRecoveryHash(RecoveryCodeHash(key, user_id_, codes[1])));
}

// A secret sealed under a key this server does not have is the user's 4xx
// (no-totp-secret), for TOTP and recovery codes alike; never a server error.
TEST_F(MfaTest, SecretSealedUnderAnotherKeyIsNoTotpSecretNotInternal) {
  auto codes = Enrol();
  MfaFlow other(*store_, clock_, MfaOptions::From(config_), *sessions_,
                "a key this secret was not sealed with!");
  auto totp = other.SignInTotp({Ticket(), Code(), client_});
  ASSERT_FALSE(totp.ok());
  EXPECT_EQ(totp.error().code, core::errc::kNoTotpSecret);
  auto recovery = other.SignInTotp({Ticket(), codes[0], client_});
  ASSERT_FALSE(recovery.ok());
  EXPECT_EQ(recovery.error().code, core::errc::kNoTotpSecret);
  // The right server still signs the user in.
  EXPECT_TRUE(mfa_->SignInTotp({Ticket(), Code(1), client_}).ok());
}

TEST_F(MfaTest, RegeneratingRecoveryCodesNeedsAal2OrCode) {
  auto old_codes = Enrol();
  auto refused = mfa_->RegenerateRecoveryCodes({user_id_, "aal1", ""});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::errc::kInvalidTotp);
  auto with_code = mfa_->RegenerateRecoveryCodes({user_id_, "aal1", Code(1)});
  ASSERT_TRUE(with_code.ok());
  auto with_aal2 = mfa_->RegenerateRecoveryCodes({user_id_, "aal2", ""});
  ASSERT_TRUE(with_aal2.ok());
  EXPECT_EQ(with_aal2->size(), 10u);
  // Old codes no longer work; new ones do.
  EXPECT_FALSE(mfa_->SignInTotp({Ticket(), old_codes[0], client_}).ok());
  EXPECT_TRUE(mfa_->SignInTotp({Ticket(), (*with_aal2)[0], client_}).ok());
}

TEST_F(MfaTest, DisableNeedsFreshCode) {
  auto codes = Enrol();
  auto replay = mfa_->ChangeMfa({user_id_, Code(), ""});  // the enrolment code
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.error().code, core::errc::kInvalidTotp);
  auto recovery = mfa_->ChangeMfa({user_id_, codes[0], ""});
  ASSERT_FALSE(recovery.ok());
  EXPECT_EQ(recovery.error().code, core::errc::kInvalidTotp);
  ASSERT_TRUE(mfa_->ChangeMfa({user_id_, Code(1), ""}).ok());
  auto user = store_->users().FindById(user_id_);
  EXPECT_FALSE((*user)->verified_mfa_type.has_value());
  EXPECT_TRUE(store_->factors().ListForUser(user_id_)->empty());
  EXPECT_EQ(*store_->mfa().CountRecoveryCodes(user_id_), 0);
  auto out = password_->SignIn({"mfa@example.com", "correct horse", client_});
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->session.has_value());
  auto twice = mfa_->ChangeMfa({user_id_, Code(-1), ""});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, core::errc::kMfaTypeNotFound);
}

TEST_F(MfaTest, AnonymousUsersCannotEnrol) {
  anonymous_options_.anonymous_signin_enabled = true;
  auto anon = anonymous_->SignIn({});
  ASSERT_TRUE(anon.ok());
  auto r = mfa_->GenerateTotp(anon->user.id);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kForbiddenAnonymous);
  auto c = mfa_->ChangeMfa({anon->user.id, "123456", "totp"});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, core::errc::kForbiddenAnonymous);
}

TEST_F(MfaTest, UserLockOutAfterTooManyWrongCodes) {
  config_.mfa_max_failures = 3;
  Rebuild();
  Enrol();
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(mfa_->SignInTotp({Ticket(), WrongCode(), client_}).ok());
  auto locked = mfa_->SignInTotp({Ticket(), Code(1), client_});
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code, core::errc::kTooManyRequests);
  EXPECT_GT(locked.error().retry_after_seconds, 0);
  clock_.AdvanceSeconds(config_.mfa_lockout_seconds);
  EXPECT_TRUE(mfa_->SignInTotp({Ticket(), Code(), client_}).ok());
}

TEST_F(MfaTest, DisabledByConfig) {
  config_.mfa_enabled = false;
  Rebuild();
  auto grant = SignUp("a@example.com");
  auto r = mfa_->GenerateTotp(grant.user.id);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kDisabledMfaTotp);
}

}  // namespace
}  // namespace gh::auth
