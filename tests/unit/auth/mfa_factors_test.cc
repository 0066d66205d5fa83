// MfaFlow's factors by id and the step-up of an aal1 session (the policy a
// dialect picks), and users carried forward by migration 5 still passing their
// second factor with the codes they had.

#include <sqlite3.h>

#include <filesystem>

#include "auth/mfa.h"
#include "crypto/secretbox.h"
#include "crypto/totp.h"
#include "flow_fixture.h"
#include "store/sqlite/sqlite_store.h"

namespace gh::auth {
namespace {

constexpr char kKey[] = "test key material, 32 characters or more";

class MfaFactorsTest : public FlowTest {
 protected:
  void SetUp() override {
    FlowTest::SetUp();
    mfa_ = std::make_unique<MfaFlow>(*store_, clock_, MfaOptions::From(config_), *sessions_, kKey);
  }

  std::string Code(const std::string& base32, int steps = 0) const {
    std::string key;
    EXPECT_TRUE(crypto::Base32Decode(base32, &key));
    return crypto::Hotp(key, crypto::TotpStep(clock_.NowMillis() / 1000) + steps);
  }
  static std::string Wrong(std::string c) {
    c[0] = c[0] == '9' ? '0' : static_cast<char>(c[0] + 1);
    return c;
  }
  // An aal1 session of a step-up dialect.
  SignInOutcome StepUpSignIn(const std::string& email = "s@example.com") {
    PasswordSignIn req{email, "correct horse", client_, &step_up_};
    auto out = password_->SignIn(req);
    EXPECT_TRUE(out.ok());
    return out.ok() ? *out : SignInOutcome{};
  }
  MfaCaller CallerOf(const SessionGrant& g) {
    auto claims = tokens_->Verify(g.access_token);
    EXPECT_TRUE(claims.ok());
    return MfaCaller{claims->user_id, claims->session_id, claims->aal, client_};
  }
  // Signs up, enrols a TOTP factor and verifies it: returns the caller (aal2).
  MfaCaller EnrolVerified(const std::string& email = "s@example.com") {
    auto grant = SignUp(email);
    MfaCaller caller = CallerOf(grant);
    auto enrolled = mfa_->EnrollTotp({caller, "phone", ""});
    EXPECT_TRUE(enrolled.ok());
    secret_ = enrolled->totp.secret;
    factor_id_ = enrolled->factor.id;
    auto challenge = mfa_->Challenge({caller, factor_id_});
    EXPECT_TRUE(challenge.ok());
    auto up = mfa_->Verify({caller, factor_id_, challenge->id, Code(secret_)});
    EXPECT_TRUE(up.ok()) << (up.ok() ? "" : up.error().code);
    return up.ok() ? CallerOf(up->session) : caller;
  }

  const SecondFactorPolicy step_up_ = SecondFactorPolicy::kStepUp;
  std::unique_ptr<MfaFlow> mfa_;
  std::string secret_;
  std::string factor_id_;
};

TEST_F(MfaFactorsTest, EnrolChallengeVerifyStepsTheSameSessionUp) {
  auto grant = SignUp("s@example.com");
  MfaCaller caller = CallerOf(grant);
  EXPECT_EQ(caller.aal, "aal1");
  auto enrolled = mfa_->EnrollTotp({caller, "phone", "Example"});
  ASSERT_TRUE(enrolled.ok()) << enrolled.error().code;
  EXPECT_EQ(enrolled->factor.id.size(), 36u);
  EXPECT_FALSE(enrolled->factor.verified());
  EXPECT_FALSE(enrolled->factor.secret_encrypted.has_value());  // never handed out sealed
  EXPECT_EQ(enrolled->totp.uri.rfind("otpauth://totp/Example:s@example.com?secret=", 0), 0u);
  EXPECT_EQ(enrolled->totp.image_url.rfind("data:image/png;base64,", 0), 0u);
  // Not yet a second factor: sign-in is plain.
  EXPECT_FALSE(StepUpSignIn().step_up.has_value());

  auto challenge = mfa_->Challenge({caller, enrolled->factor.id});
  ASSERT_TRUE(challenge.ok());
  EXPECT_EQ(challenge->factor_type, "totp");
  EXPECT_EQ(challenge->expires_at, clock_.NowMillis() + 300'000);
  auto up = mfa_->Verify({caller, enrolled->factor.id, challenge->id, Code(enrolled->totp.secret)});
  ASSERT_TRUE(up.ok()) << up.error().code;
  EXPECT_TRUE(up->newly_verified);
  EXPECT_TRUE(up->factor.verified());
  EXPECT_EQ(up->session.session.id, grant.session.id);  // the same session
  // A new refresh token for the session; the aal1 one is no longer current.
  ASSERT_TRUE(LooksLikeRefreshToken(up->session.refresh_token));
  EXPECT_NE(up->session.refresh_token, grant.refresh_token);
  auto claims = tokens_->Verify(up->session.access_token);
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->aal, "aal2");
  EXPECT_EQ(claims->session_id, grant.session.id);
  EXPECT_EQ(up->session.session.amr, "password,totp");
  // The old token presented again (within the reuse grace) gets nothing: its
  // successor is not one it derives.
  auto stale = sessions_->Refresh(grant.refresh_token);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, core::errc::kInvalidRefreshToken);
  // Refreshing with the new token keeps aal2, in the same session.
  auto refreshed = sessions_->Refresh(up->session.refresh_token);
  ASSERT_TRUE(refreshed.ok()) << refreshed.error().code;
  EXPECT_EQ(tokens_->Verify(refreshed->access_token)->aal, "aal2");
  EXPECT_EQ(refreshed->session.id, grant.session.id);
  EXPECT_EQ(store_->users().FindById(caller.user_id)->value().verified_mfa_type, "totp");
  auto listed = mfa_->ListFactors(caller.user_id);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_TRUE((*listed)[0].verified());
  EXPECT_FALSE((*listed)[0].secret_encrypted.has_value());
  EXPECT_TRUE((*listed)[0].last_challenged_at.has_value());
}

TEST_F(MfaFactorsTest, StepUpPolicyGivesAal1SessionAndSaysWhatIsNext) {
  EnrolVerified();
  auto out = StepUpSignIn();
  ASSERT_TRUE(out.session.has_value());
  EXPECT_FALSE(out.mfa.has_value());
  EXPECT_EQ(out.session->session.aal, "aal1");
  ASSERT_TRUE(out.step_up.has_value());
  EXPECT_EQ(out.step_up->current_level, "aal1");
  EXPECT_EQ(out.step_up->next_level, "aal2");
  ASSERT_EQ(out.step_up->factors.size(), 1u);
  EXPECT_EQ(out.step_up->factors[0].id, factor_id_);
  EXPECT_FALSE(out.step_up->factors[0].secret_encrypted.has_value());

  // The same request without the dialect's policy: the service default (ticket).
  auto ticket = password_->SignIn({"s@example.com", "correct horse", client_});
  ASSERT_TRUE(ticket.ok());
  EXPECT_FALSE(ticket->session.has_value());
  ASSERT_TRUE(ticket->mfa.has_value());
  EXPECT_FALSE(ticket->step_up.has_value());

  // The aal1 session steps up with a challenge of the offered factor.
  MfaCaller caller = CallerOf(*out.session);
  clock_.AdvanceSeconds(30);
  auto challenge = mfa_->Challenge({caller, factor_id_});
  ASSERT_TRUE(challenge.ok());
  auto up = mfa_->Verify({caller, factor_id_, challenge->id, Code(secret_)});
  ASSERT_TRUE(up.ok()) << up.error().code;
  EXPECT_FALSE(up->newly_verified);
  EXPECT_EQ(up->session.session.id, out.session->session.id);
  EXPECT_EQ(tokens_->Verify(up->session.access_token)->aal, "aal2");
}

TEST_F(MfaFactorsTest, WrongCodesReusedStepsAndChallengesAreRefused) {
  MfaCaller caller = EnrolVerified();  // used the current step
  auto session = StepUpSignIn();
  MfaCaller aal1 = CallerOf(*session.session);
  auto challenge = mfa_->Challenge({aal1, factor_id_});
  ASSERT_TRUE(challenge.ok());
  auto replay = mfa_->Verify({aal1, factor_id_, challenge->id, Code(secret_)});
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.error().code, core::errc::kInvalidTotp);  // that step was spent
  auto wrong = mfa_->Verify({aal1, factor_id_, challenge->id, Wrong(Code(secret_, 1))});
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, core::errc::kInvalidTotp);
  // Bound to its factor, session and user.
  MfaCaller stranger = aal1;
  stranger.session_id = caller.session_id;
  EXPECT_EQ(mfa_->Verify({stranger, factor_id_, challenge->id, Code(secret_, 1)}).error().code,
            core::errc::kMfaFactorNotFound);
  EXPECT_EQ(mfa_->Verify({aal1, "another-factor", challenge->id, Code(secret_, 1)}).error().code,
            core::errc::kMfaFactorNotFound);
  auto up = mfa_->Verify({aal1, factor_id_, challenge->id, Code(secret_, 1)});
  ASSERT_TRUE(up.ok()) << up.error().code;
  // Single use.
  clock_.AdvanceSeconds(30);
  EXPECT_EQ(mfa_->Verify({aal1, factor_id_, challenge->id, Code(secret_)}).error().code,
            core::errc::kMfaFactorNotFound);
  // Another user's factor cannot be challenged.
  MfaCaller other = CallerOf(SignUp("other@example.com"));
  EXPECT_EQ(mfa_->Challenge({other, factor_id_}).error().code, core::errc::kMfaFactorNotFound);
}

TEST_F(MfaFactorsTest, ChallengesExpireAndBurnAfterFiveWrongCodes) {
  EnrolVerified();
  MfaCaller aal1 = CallerOf(*StepUpSignIn().session);
  auto late = mfa_->Challenge({aal1, factor_id_});
  ASSERT_TRUE(late.ok());
  clock_.AdvanceSeconds(301);
  EXPECT_EQ(mfa_->Verify({aal1, factor_id_, late->id, Code(secret_)}).error().code,
            core::errc::kMfaChallengeExpired);

  auto burnt = mfa_->Challenge({aal1, factor_id_});
  ASSERT_TRUE(burnt.ok());
  for (int i = 0; i < kMfaTicketMaxAttempts; ++i)
    EXPECT_EQ(mfa_->Verify({aal1, factor_id_, burnt->id, Wrong(Code(secret_))}).error().code,
              core::errc::kInvalidTotp);
  EXPECT_EQ(mfa_->Verify({aal1, factor_id_, burnt->id, Code(secret_)}).error().code,
            core::errc::kMfaFactorNotFound);
}

TEST_F(MfaFactorsTest, LockOutCountsWrongCodesOfEveryShape) {
  config_.mfa_max_failures = 3;
  mfa_ = std::make_unique<MfaFlow>(*store_, clock_, MfaOptions::From(config_), *sessions_, kKey);
  EnrolVerified();
  MfaCaller aal1 = CallerOf(*StepUpSignIn().session);
  // Two wrong codes on a ticket, one on a challenge: the user is locked out.
  auto ticket = password_->SignIn({"s@example.com", "correct horse", client_})->mfa->ticket;
  for (int i = 0; i < 2; ++i)
    EXPECT_FALSE(mfa_->SignInTotp({ticket, Wrong(Code(secret_, 1)), client_}).ok());
  auto challenge = mfa_->Challenge({aal1, factor_id_});
  EXPECT_FALSE(mfa_->Verify({aal1, factor_id_, challenge->id, Wrong(Code(secret_, 1))}).ok());
  auto locked = mfa_->Verify({aal1, factor_id_, challenge->id, Code(secret_, 1)});
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code, core::errc::kTooManyRequests);
  EXPECT_GT(locked.error().retry_after_seconds, 0);
  clock_.AdvanceSeconds(config_.mfa_lockout_seconds);
  auto fresh = mfa_->Challenge({aal1, factor_id_});
  EXPECT_TRUE(mfa_->Verify({aal1, factor_id_, fresh->id, Code(secret_)}).ok());
}

TEST_F(MfaFactorsTest, EnrolAndUnenrolNeedAal2OnceAFactorIsVerified) {
  MfaCaller aal2 = EnrolVerified();
  EXPECT_EQ(aal2.aal, "aal2");
  MfaCaller aal1 = CallerOf(*StepUpSignIn().session);
  EXPECT_EQ(mfa_->EnrollTotp({aal1, "second", ""}).error().code, core::errc::kInsufficientAal);
  EXPECT_EQ(mfa_->Unenroll({aal1, factor_id_}).error().code, core::errc::kInsufficientAal);
  EXPECT_EQ(mfa_->EnrollTotp({aal2, "phone", ""}).error().code, core::errc::kMfaFactorNameConflict);
  auto second = mfa_->EnrollTotp({aal2, "backup", ""});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(mfa_->Unenroll({aal2, "no-such-factor"}).error().code, core::errc::kMfaFactorNotFound);
  auto gone = mfa_->Unenroll({aal2, factor_id_});
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(*gone, factor_id_);
  // Only an unverified factor is left: no second factor, and it may go at aal1.
  EXPECT_FALSE(store_->users().FindById(aal2.user_id)->value().verified_mfa_type.has_value());
  auto plain = StepUpSignIn();
  EXPECT_FALSE(plain.step_up.has_value());
  EXPECT_EQ(plain.session->session.aal, "aal1");
  EXPECT_TRUE(mfa_->Unenroll({aal1, second->factor.id}).ok());
  EXPECT_TRUE(mfa_->ListFactors(aal2.user_id)->empty());
}

TEST_F(MfaFactorsTest, VerifyingAnEnrolmentEndsOtherSessionsAndOtherEnrolments) {
  auto grant = SignUp("s@example.com");
  auto other_device = password_->SignIn({"s@example.com", "correct horse", client_});
  ASSERT_TRUE(other_device.ok() && other_device->session.has_value());
  MfaCaller caller = CallerOf(grant);
  auto first = mfa_->EnrollTotp({caller, "", ""});
  auto second = mfa_->EnrollTotp({caller, "", ""});
  ASSERT_TRUE(first.ok() && second.ok());
  auto challenge = mfa_->Challenge({caller, second->factor.id});
  ASSERT_TRUE(
      mfa_->Verify({caller, second->factor.id, challenge->id, Code(second->totp.secret)}).ok());
  auto factors = mfa_->ListFactors(caller.user_id);
  ASSERT_EQ(factors->size(), 1u);
  EXPECT_EQ((*factors)[0].id, second->factor.id);
  EXPECT_FALSE(sessions_->RequireLive(other_device->session->session.id).ok());
  EXPECT_TRUE(sessions_->RequireLive(grant.session.id).ok());
}

TEST_F(MfaFactorsTest, TooManyFactorsAndDisabledEnrolment) {
  auto grant = SignUp("s@example.com");
  MfaCaller caller = CallerOf(grant);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(mfa_->EnrollTotp({caller, "", ""}).ok());
  EXPECT_EQ(mfa_->EnrollTotp({caller, "", ""}).error().code, core::errc::kTooManyMfaFactors);
  config_.mfa_enabled = false;
  MfaFlow disabled(*store_, clock_, MfaOptions::From(config_), *sessions_, kKey);
  EXPECT_EQ(disabled.EnrollTotp({caller, "", ""}).error().code, core::errc::kDisabledMfaTotp);
}

// The native switch and the factors are one state: a factor enrolled and
// verified by id turns TOTP on for the ticket flow, and turning TOTP off
// removes it.
TEST_F(MfaFactorsTest, TheTotpSwitchSeesFactorsById) {
  MfaCaller caller = EnrolVerified();
  EXPECT_EQ(mfa_->GenerateTotp(caller.user_id).error().code, core::errc::kTotpAlreadyActive);
  auto ticket = password_->SignIn({"s@example.com", "correct horse", client_})->mfa->ticket;
  clock_.AdvanceSeconds(30);
  EXPECT_TRUE(mfa_->SignInTotp({ticket, Code(secret_), client_}).ok());
  clock_.AdvanceSeconds(30);
  EXPECT_TRUE(mfa_->ChangeMfa({caller.user_id, Code(secret_), ""}).ok());
  EXPECT_TRUE(mfa_->ListFactors(caller.user_id)->empty());
}

// A database the release before factors wrote: TOTP on the user row.
// Migration 5 carries it; the user signs in with the same authenticator and
// recovery codes, and a pending enrolment finishes with its first code.
TEST(MfaMigrationTest, UsersFromBeforeFactorsSignInWithTheirCodes) {
  char dir_template[] = "/tmp/gh-mfa-migrate-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string path = std::string(dir_template) + "/old.db";
  auto opened = store::OpenStore("sqlite://" + path, 1);
  ASSERT_TRUE(opened.ok());
  std::unique_ptr<store::Store> store = std::move(*opened);
  ASSERT_TRUE(dynamic_cast<store::sqlite::SqliteStore&>(*store).MigrateUpTo(3).ok());

  core::ManualClock clock;
  config::Config config;
  TokenOptions token_options;
  SessionOptions session_options;
  PasswordOptions password_options;
  password_options.email_verification_required = false;
  crypto::PasswordHasher hasher{crypto::PasswordHashParams{1, 8192}};
  const std::string active_key = "12345678901234567890";
  const std::string pending_key = "abcdefghijabcdefghij";
  const crypto::SecretBox box(kKey);
  const std::string hash = hasher.Hash("correct horse");
  const std::string recovery = "aaaaa-bbbbb";
  {  // Rows as the previous release wrote them, straight into the file.
    auto sql = [&](const std::string& q) {
      sqlite3* db = nullptr;
      ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
      char* err = nullptr;
      EXPECT_EQ(sqlite3_exec(db, q.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
      sqlite3_free(err);
      sqlite3_close(db);
    };
    auto user = [&](const std::string& id, const std::string& mfa, const std::string& sealed) {
      sql("INSERT INTO users (id, created_at, updated_at, email, password_hash, default_role, "
          "active_mfa_type, totp_secret_encrypted) VALUES ('" +
          id + "', 1, 1, '" + id + "@example.com', '" + hash + "', 'user', " + mfa + ", '" +
          sealed + "'); INSERT INTO user_roles VALUES ('" + id + "', 'user', 0)");
    };
    user("active", "'totp'", box.Seal(active_key));
    user("pending", "NULL", box.Seal(pending_key));
    sql("INSERT INTO mfa_recovery_codes (user_id, code_hash, created_at) VALUES ('active', '" +
        RecoveryCodeHash(active_key, "active", recovery) + "', 1)");
  }
  ASSERT_TRUE(store->Migrate().ok());

  auto ring = crypto::KeyRing::Create({*crypto::GenerateSigningKey("ES256", clock.NowMillis())});
  TokenService tokens(token_options, clock, *ring);
  SessionService sessions(*store, clock, session_options, config, tokens, std::string(32, 'd'));
  PasswordFlow password(*store, clock, password_options, hasher, sessions);
  MfaFlow mfa(*store, clock, MfaOptions::From(config), sessions, kKey);
  const core::ClientInfo client{"127.0.0.1", "test"};
  auto code = [&](const std::string& key) {
    return crypto::Hotp(key, crypto::TotpStep(clock.NowMillis() / 1000));
  };

  auto first = password.SignIn({"active@example.com", "correct horse", client});
  ASSERT_TRUE(first.ok() && first->mfa.has_value()) << "still asked for a second factor";
  auto with_totp = mfa.SignInTotp({first->mfa->ticket, code(active_key), client});
  ASSERT_TRUE(with_totp.ok()) << with_totp.error().code;
  EXPECT_EQ(with_totp->session.aal, "aal2");
  auto again = password.SignIn({"active@example.com", "correct horse", client});
  auto with_recovery = mfa.SignInTotp({again->mfa->ticket, recovery, client});
  ASSERT_TRUE(with_recovery.ok()) << with_recovery.error().code;
  EXPECT_EQ(with_recovery->session.amr, "password,recovery");

  auto pending = password.SignIn({"pending@example.com", "correct horse", client});
  ASSERT_TRUE(pending.ok() && pending->session.has_value()) << "an enrolment is not a factor yet";
  auto on = mfa.ChangeMfa({"pending", code(pending_key), "totp"});
  ASSERT_TRUE(on.ok()) << on.error().code;
  EXPECT_EQ(on->size(), 10u);
  EXPECT_TRUE(password.SignIn({"pending@example.com", "correct horse", client})->mfa.has_value());

  store.reset();
  std::filesystem::remove_all(dir_template);
}

}  // namespace
}  // namespace gh::auth
