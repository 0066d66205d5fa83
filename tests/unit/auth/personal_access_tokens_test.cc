// auth::PatFlow: a token made by a signed-in user is shown once, kept as a
// hash, trades for a session until it expires or is revoked (which ends its
// sessions), and never for a disabled or banned user; its expiry is required
// and bounded.

#include "auth/personal_access_tokens.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "crypto/hash.h"
#include "flow_fixture.h"

namespace gh::auth {
namespace {

constexpr int64_t kDay = 24LL * 3600 * 1000;

class PatTest : public FlowTest {
 protected:
  void SetUp() override {
    FlowTest::SetUp();
    pats_ = std::make_unique<PatFlow>(*store_, clock_, pat_options_, *sessions_);
    owner_ = SignUp("owner@example.com");
  }

  CreatePatRequest Request(const SessionGrant& s, int64_t ttl = 30 * kDay) {
    CreatePatRequest r;
    r.user_id = s.user.id;
    r.session_aal = s.session.aal;
    r.expires_at = clock_.NowMillis() + ttl;
    r.client = client_;
    return r;
  }

  CreatedPat Make(const SessionGrant& s, int64_t ttl = 30 * kDay) {
    auto made = pats_->Create(Request(s, ttl));
    EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().message);
    return *made;
  }

  core::Result<SignInOutcome> SignInWith(const std::string& token) {
    return pats_->SignIn({token, client_});
  }

  void ExpectCode(const core::Result<SignInOutcome>& r, std::string_view code) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, code) << r.error().message;
  }

  std::vector<std::string> AuditTypes(const std::string& user_id) {
    std::vector<std::string> out;
    auto events = store_->audit().ListForUser(user_id, 50);
    EXPECT_TRUE(events.ok());
    if (!events.ok()) return out;
    for (const auto& e : *events) out.push_back(e.type);
    return out;
  }

  PatOptions pat_options_;
  std::unique_ptr<PatFlow> pats_;
  SessionGrant owner_;
};

TEST_F(PatTest, ATokenIsLongRandomShownOnceAndStoredAsItsHashOnly) {
  CreatedPat a = Make(owner_);
  CreatedPat b = Make(owner_);
  EXPECT_NE(a.token, b.token);
  EXPECT_NE(a.record.id, b.record.id);
  ASSERT_EQ(a.token.size(), 69u);  // 64 hex digits, 8-4-4-4-12-32
  EXPECT_EQ(a.token.substr(8, 1) + a.token.substr(13, 1) + a.token.substr(18, 1) +
                a.token.substr(23, 1) + a.token.substr(36, 1),
            "-----");
  EXPECT_EQ(a.token.find_first_not_of("0123456789abcdef-"), std::string::npos);

  auto rows = pats_->List(owner_.user.id).value();
  ASSERT_EQ(rows.size(), 2u);
  const auto& row_a = rows[0].id == a.record.id ? rows[0] : rows[1];  // same created_at
  EXPECT_EQ(row_a.id, a.record.id);
  EXPECT_EQ(row_a.token_hash, crypto::Sha256Hex(a.token));
  EXPECT_EQ(row_a.metadata_json, "{}");
  EXPECT_FALSE(row_a.last_used_at.has_value());
  // Nothing the store keeps is the token.
  for (const auto& r : rows) {
    EXPECT_NE(r.token_hash, a.token);
    EXPECT_NE(r.id, a.token);
  }
}

TEST_F(PatTest, SignsInAsTheOwnerAndRecordsTheUse) {
  CreatePatRequest req = Request(owner_);
  req.metadata_json = R"({"name":"ci"})";
  CreatedPat made = *pats_->Create(req);
  clock_.AdvanceSeconds(60);
  auto out = SignInWith(made.token);
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_TRUE(out->session.has_value());
  EXPECT_EQ(out->session->user.id, owner_.user.id);
  EXPECT_EQ(out->session->session.amr, "pat");
  EXPECT_EQ(out->session->session.aal, "aal1");
  EXPECT_FALSE(out->mfa.has_value());
  auto claims = tokens_->Verify(out->session->access_token);
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->user_id, owner_.user.id);
  // The refresh token of that session works like any other.
  EXPECT_TRUE(sessions_->Refresh(out->session->refresh_token).ok());

  auto row = pats_->List(owner_.user.id).value().at(0);
  EXPECT_EQ(row.last_used_at, clock_.NowMillis());
  EXPECT_EQ(row.metadata_json, R"({"name":"ci"})");
  auto types = AuditTypes(owner_.user.id);
  EXPECT_NE(std::find(types.begin(), types.end(), "pat-create"), types.end());
  EXPECT_NE(std::find(types.begin(), types.end(), "signin-pat"), types.end());
}

TEST_F(PatTest, UnknownMalformedAndEmptyTokensAreInvalidPat) {
  Make(owner_);
  ExpectCode(SignInWith("00000000-0000-4000-8000-000000000000"), core::errc::kInvalidPat);
  ExpectCode(SignInWith(""), core::errc::kInvalidPat);
  ExpectCode(SignInWith(std::string(10'000, 'a')), core::errc::kInvalidPat);
  // The stored hash is no token either.
  ExpectCode(SignInWith(pats_->List(owner_.user.id)->at(0).token_hash), core::errc::kInvalidPat);
}

TEST_F(PatTest, AnExpiredTokenSignsInToNothing) {
  CreatedPat made = Make(owner_, 10'000);
  clock_.AdvanceSeconds(9);
  EXPECT_TRUE(SignInWith(made.token).ok());
  clock_.AdvanceSeconds(1);  // exactly at expiry: refused
  ExpectCode(SignInWith(made.token), core::errc::kInvalidPat);
  auto types = AuditTypes(owner_.user.id);
  EXPECT_NE(std::find(types.begin(), types.end(), "signin-pat-failed"), types.end());
}

TEST_F(PatTest, ARevokedTokenSignsInToNothingAndOnlyTheOwnerRevokes) {
  CreatedPat made = Make(owner_);
  SessionGrant other = SignUp("other@example.com");
  auto theirs = pats_->Revoke(other.user.id, made.record.id, client_);
  ASSERT_FALSE(theirs.ok());
  EXPECT_EQ(theirs.error().code, core::errc::kPatNotFound);
  EXPECT_TRUE(SignInWith(made.token).ok());

  auto via = SignInWith(made.token);
  ASSERT_TRUE(via.ok());
  const SessionGrant& pat_session = *via->session;
  ASSERT_TRUE(sessions_->RequireLive(pat_session.session.id).ok());

  ASSERT_TRUE(pats_->Revoke(owner_.user.id, made.record.id, client_).ok());
  ExpectCode(SignInWith(made.token), core::errc::kInvalidPat);
  // The sessions the token started end with it; the owner's own session does not.
  EXPECT_FALSE(sessions_->RequireLive(pat_session.session.id).ok());
  EXPECT_FALSE(sessions_->Refresh(pat_session.refresh_token).ok());
  EXPECT_TRUE(sessions_->RequireLive(owner_.session.id).ok());
  auto again = pats_->Revoke(owner_.user.id, made.record.id, client_);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, core::errc::kPatNotFound);
  EXPECT_TRUE(pats_->List(owner_.user.id)->empty());
}

TEST_F(PatTest, ADisabledOrBannedUsersTokenGivesNoSession) {
  CreatedPat made = Make(owner_);
  core::User u = store_->users().FindById(owner_.user.id)->value();
  u.disabled = true;
  ASSERT_TRUE(store_->users().Update(u).ok());
  ExpectCode(SignInWith(made.token), core::errc::kDisabledUser);

  u.disabled = false;
  u.banned_until = clock_.NowMillis() + 3600'000;
  ASSERT_TRUE(store_->users().Update(u).ok());
  ExpectCode(SignInWith(made.token), core::errc::kDisabledUser);
  EXPECT_TRUE(sessions_->List(owner_.user.id)->size() == 1u);  // only the sign-up's

  clock_.AdvanceSeconds(3601);  // the ban is over
  EXPECT_TRUE(SignInWith(made.token).ok());
}

TEST_F(PatTest, ADisabledUserMakesNoToken) {
  core::User u = store_->users().FindById(owner_.user.id)->value();
  u.disabled = true;
  ASSERT_TRUE(store_->users().Update(u).ok());
  auto made = pats_->Create(Request(owner_));
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().code, core::errc::kDisabledUser);
}

TEST_F(PatTest, AnAnonymousUserMakesNoToken) {
  anonymous_options_.anonymous_signin_enabled = true;
  auto anon = anonymous_->SignIn({});
  ASSERT_TRUE(anon.ok());
  auto made = pats_->Create(Request(*anon->session));
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().code, core::errc::kForbiddenAnonymous);
}

TEST_F(PatTest, ExpiryIsRequiredInTheFutureAndBounded) {
  for (int64_t ttl : {int64_t{0}, int64_t{-1000}, 365 * kDay + 1}) {
    auto made = pats_->Create(Request(owner_, ttl));
    ASSERT_FALSE(made.ok()) << ttl;
    EXPECT_EQ(made.error().code, core::errc::kInvalidRequest);
  }
  EXPECT_TRUE(pats_->Create(Request(owner_, 365 * kDay)).ok());
  pat_options_.pat_max_ttl_days = 7;
  EXPECT_FALSE(pats_->Create(Request(owner_, 8 * kDay)).ok());
  EXPECT_TRUE(pats_->Create(Request(owner_, 7 * kDay)).ok());
  EXPECT_EQ(pats_->List(owner_.user.id)->size(), 2u);
}

TEST_F(PatTest, MetadataAndTheNumberOfTokensAreBounded) {
  CreatePatRequest big = Request(owner_);
  big.metadata_json = "{\"n\":\"" + std::string(PatFlow::kMaxMetadataBytes, 'x') + "\"}";
  EXPECT_EQ(pats_->Create(big).error().code, core::errc::kInvalidRequest);
  for (int i = 0; i < PatFlow::kMaxTokensPerUser; ++i)
    ASSERT_TRUE(pats_->Create(Request(owner_, 1000)).ok()) << i;
  EXPECT_EQ(pats_->Create(Request(owner_)).error().code, core::errc::kInvalidRequest);
  clock_.AdvanceSeconds(2);  // expired ones do not count
  EXPECT_TRUE(pats_->Create(Request(owner_)).ok());
}

TEST_F(PatTest, ASecondFactorUserNeedsAnAal2SessionToMakeOneAndItThenSignsInDirectly) {
  GiveVerifiedFactor(owner_.user.id);
  CreatePatRequest req = Request(owner_);
  req.session_aal = "aal1";
  auto refused = pats_->Create(req);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::errc::kInsufficientAal);
  req.session_aal = "aal2";
  auto made = pats_->Create(req);
  ASSERT_TRUE(made.ok()) << made.error().message;
  // Password sign-in now asks for the second factor; the token does not.
  auto pw = password_->SignIn({"owner@example.com", "correct horse", client_});
  ASSERT_TRUE(pw.ok());
  EXPECT_TRUE(pw->mfa.has_value());
  auto out = SignInWith(made->token);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->session.has_value());
  EXPECT_FALSE(out->mfa.has_value());
}

TEST_F(PatTest, AGoneUserMakesNoTokenAndTheirTokensGoWithThem) {
  CreatedPat made = Make(owner_);
  ASSERT_TRUE(store_->users().Delete(owner_.user.id).ok());
  ExpectCode(SignInWith(made.token), core::errc::kInvalidPat);
  auto again = pats_->Create(Request(owner_));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, core::errc::kInvalidToken);
}

}  // namespace
}  // namespace gh::auth
