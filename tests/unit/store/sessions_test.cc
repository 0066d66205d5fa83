#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "store_test_util.h"

namespace gh::store::testing {
namespace {

class SessionsTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(store_->users().Create(MakeUser("u1", "a@example.com")).ok());
    ASSERT_TRUE(store_->users().Create(MakeUser("u2", "b@example.com")).ok());
    ASSERT_TRUE(store_->sessions().Create(MakeSession("s1", "u1"), MakeToken("t1", "h1")).ok());
  }

  // Presents `hash` from `threads` threads at once, spread round-robin over
  // `stores` (several stores stand in for several Gatehouse instances), and
  // checks the contract the refresh endpoint relies on: exactly one caller
  // rotates and every other one gets that same successor.
  void RaceRotation(const std::vector<Store*>& stores, const std::string& hash,
                    const std::string& successor_prefix, int threads) {
    std::vector<RotateResult> results(threads);
    std::vector<int> ok(threads, 0);  // not vector<bool>: its bits share words
    std::vector<std::string> errors(threads);
    std::atomic<int> ready{0};
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) {
      pool.emplace_back([&, i] {
        RotateRequest req;
        req.presented_hash = hash;
        req.successor = MakeToken(successor_prefix + std::to_string(i),
                                  successor_prefix + "hash-" + std::to_string(i));
        req.now = kT0 + 1000;
        ready.fetch_add(1);
        while (ready.load() < threads) std::this_thread::yield();
        auto r = stores[i % stores.size()]->sessions().Rotate(req);
        ok[i] = r.ok();
        if (r.ok()) {
          results[i] = std::move(r).value();
        } else {
          errors[i] = r.error().code;
        }
      });
    }
    for (auto& t : pool) t.join();

    int rotated = 0, grace = 0;
    std::string successor_id;
    for (int i = 0; i < threads; ++i) {
      ASSERT_TRUE(ok[i]) << "thread " << i << ": " << errors[i];
      if (results[i].status == RotateStatus::kRotated) {
        ++rotated;
        successor_id = results[i].current.id;
      } else if (results[i].status == RotateStatus::kGraceSuccessor) {
        ++grace;
      }
    }
    EXPECT_EQ(rotated, 1);
    EXPECT_EQ(grace, threads - 1);
    for (int i = 0; i < threads; ++i) EXPECT_EQ(results[i].current.id, successor_id);
  }

  RotateResult Rotate(const std::string& hash, const std::string& successor_id,
                      core::UnixMillis now, int64_t grace = 10'000) {
    RotateRequest req;
    req.presented_hash = hash;
    req.successor = MakeToken(successor_id, "hash-" + successor_id, now);
    req.now = now;
    req.grace_millis = grace;
    auto r = store_->sessions().Rotate(req);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(r).value() : RotateResult{};
  }
};

TEST_P(SessionsTest, CreateThenFind) {
  auto s = store_->sessions().Find("s1");
  ASSERT_TRUE(s.ok() && s->has_value());
  EXPECT_EQ((*s)->user_id, "u1");
  EXPECT_EQ((*s)->user_agent, "test-agent");
  EXPECT_EQ((*s)->ip, "127.0.0.1");
  EXPECT_EQ((*s)->aal, "aal1");
  EXPECT_EQ((*s)->amr, "password");
  EXPECT_FALSE((*s)->revoked_at.has_value());
  EXPECT_FALSE(store_->sessions().Find("nope")->has_value());

  auto by_hash = store_->sessions().FindByTokenHash("h1");
  ASSERT_TRUE(by_hash.ok() && by_hash->has_value());
  EXPECT_EQ((*by_hash)->id, "s1");
}

// GET /user's one read: the user, roles included, only while the session lives.
TEST_P(SessionsTest, FindByLiveSession) {
  auto live = store_->users().FindByLiveSession("s1", kT0 + 1000);
  ASSERT_TRUE(live.ok()) << live.error().message;
  ASSERT_TRUE(live->has_value());
  EXPECT_EQ((*live)->id, "u1");
  EXPECT_EQ((*live)->email, "a@example.com");
  EXPECT_EQ((*live)->roles, (std::vector<std::string>{"user", "me"}));
  EXPECT_FALSE(store_->users().FindByLiveSession("nope", kT0)->has_value());
  EXPECT_FALSE(store_->users().FindByLiveSession("", kT0)->has_value());
  // Expired: expires_at is the first instant it is no longer live.
  EXPECT_FALSE(store_->users().FindByLiveSession("s1", kT0 + 30 * kDay)->has_value());
  ASSERT_TRUE(store_->sessions().Revoke("s1", "signout", kT0 + 2000).ok());
  EXPECT_FALSE(store_->users().FindByLiveSession("s1", kT0 + 3000)->has_value());
  // Another session of the same user is unaffected.
  ASSERT_TRUE(store_->sessions().Create(MakeSession("s2", "u1"), MakeToken("t2", "h2")).ok());
  EXPECT_EQ(store_->users().FindByLiveSession("s2", kT0 + 3000)->value().id, "u1");
}

// Every sign-in starts a session, and the session's start is the user's last
// sign-in, written with it; a refresh is no sign-in.
TEST_P(SessionsTest, CreateSetsTheUsersLastSignInAndRotateLeavesIt) {
  EXPECT_EQ(store_->users().FindById("u1")->value().last_sign_in_at, kT0);
  EXPECT_FALSE(store_->users().FindById("u2")->value().last_sign_in_at.has_value());
  ASSERT_TRUE(
      store_->sessions().Create(MakeSession("s2", "u1", kT0 + 500), MakeToken("t2", "h2")).ok());
  EXPECT_EQ(store_->users().FindById("u1")->value().last_sign_in_at, kT0 + 500);
  EXPECT_FALSE(store_->users().FindById("u2")->value().last_sign_in_at.has_value());

  RotateRequest req;
  req.presented_hash = "h1";
  req.successor = MakeToken("t1b", "h1b", kT0 + 900);
  req.now = kT0 + 900;
  auto r = store_->sessions().Rotate(req);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, RotateStatus::kRotated);
  EXPECT_EQ(store_->users().FindById("u1")->value().last_sign_in_at, kT0 + 500);
}

TEST_P(SessionsTest, SessionForUnknownUserFails) {
  auto r = store_->sessions().Create(MakeSession("s9", "ghost"), MakeToken("t9", "h9"));
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(store_->sessions().Find("s9")->has_value());
}

TEST_P(SessionsTest, RotateCurrentTokenInsertsSuccessor) {
  const core::UnixMillis now = kT0 + 60'000;
  RotateResult r = Rotate("h1", "t2", now);
  ASSERT_EQ(r.status, RotateStatus::kRotated);
  EXPECT_EQ(r.current.id, "t2");
  EXPECT_EQ(r.current.token_hash, "hash-t2");
  EXPECT_EQ(r.current.session_id, "s1");
  EXPECT_EQ(r.current.user_id, "u1");
  EXPECT_EQ(r.current.parent_id, "t1");
  EXPECT_FALSE(r.current.rotated_at.has_value());
  EXPECT_EQ(r.session.id, "s1");
  EXPECT_EQ(r.session.refreshed_at, now);
  EXPECT_EQ(r.session.expires_at, r.current.expires_at);

  core::SessionRecord stored = store_->sessions().Find("s1")->value();
  EXPECT_EQ(stored.refreshed_at, now);
  EXPECT_EQ(stored.expires_at, now + 30 * kDay);
  // The chain is findable by old and new hashes.
  EXPECT_EQ(store_->sessions().FindByTokenHash("hash-t2")->value().id, "s1");
  EXPECT_EQ(store_->sessions().FindByTokenHash("h1")->value().id, "s1");

  // The successor rotates in turn.
  RotateResult next = Rotate("hash-t2", "t3", now + 1000);
  ASSERT_EQ(next.status, RotateStatus::kRotated);
  EXPECT_EQ(next.current.parent_id, "t2");
}

TEST_P(SessionsTest, PostgresRotationCarriesTheSessionsUser) {
  // PostgreSQL reads the user in the rotation's own statement (one round trip
  // per refresh). SQLite leaves it to the caller, who reads it outside the
  // write lock (SessionsTest in unit_auth drives that path).
  if (GetParam() != "postgres") GTEST_SKIP() << "SQLite leaves the user to the caller";
  RotateResult r = Rotate("h1", "t2", kT0 + 60'000);
  ASSERT_EQ(r.status, RotateStatus::kRotated);
  ASSERT_TRUE(r.user.has_value());
  core::User expected = MakeUser("u1", "a@example.com");
  EXPECT_EQ(r.user->id, expected.id);
  EXPECT_EQ(r.user->email, expected.email);
  EXPECT_EQ(r.user->display_name, expected.display_name);
  EXPECT_EQ(r.user->roles, expected.roles);
  EXPECT_EQ(r.user->default_role, expected.default_role);
}

TEST_P(SessionsTest, RotateUnknownTokenIsNotFound) {
  EXPECT_EQ(Rotate("nope", "t2", kT0 + 1).status, RotateStatus::kNotFound);
}

TEST_P(SessionsTest, ReplayWithinGraceReturnsSameSuccessor) {
  const core::UnixMillis now = kT0 + 60'000;
  ASSERT_EQ(Rotate("h1", "t2", now).status, RotateStatus::kRotated);
  RotateResult again = Rotate("h1", "t2-other", now + 5'000);
  ASSERT_EQ(again.status, RotateStatus::kGraceSuccessor);
  EXPECT_EQ(again.current.id, "t2");
  EXPECT_EQ(again.current.token_hash, "hash-t2");
  // No second successor was written.
  EXPECT_FALSE(store_->sessions().FindByTokenHash("hash-t2-other")->has_value());
  EXPECT_FALSE(store_->sessions().Find("s1")->value().revoked_at.has_value());
}

TEST_P(SessionsTest, ReplayAfterGraceRevokesSession) {
  const core::UnixMillis now = kT0 + 60'000;
  ASSERT_EQ(Rotate("h1", "t2", now).status, RotateStatus::kRotated);
  RotateResult reuse = Rotate("h1", "t3", now + 10'001);
  ASSERT_EQ(reuse.status, RotateStatus::kReuseDetected);
  EXPECT_EQ(reuse.session.revoked_at, now + 10'001);
  EXPECT_EQ(reuse.session.revoked_reason, "reuse-detected");

  core::SessionRecord stored = store_->sessions().Find("s1")->value();
  EXPECT_EQ(stored.revoked_at, now + 10'001);
  EXPECT_EQ(stored.revoked_reason, "reuse-detected");
  // Even the legitimate current token is dead now.
  EXPECT_EQ(Rotate("hash-t2", "t4", now + 10'002).status, RotateStatus::kRevoked);
}

TEST_P(SessionsTest, ReplayWithinGraceAfterChainMovedOnIsReuse) {
  const core::UnixMillis now = kT0 + 60'000;
  ASSERT_EQ(Rotate("h1", "t2", now).status, RotateStatus::kRotated);
  ASSERT_EQ(Rotate("hash-t2", "t3", now + 100).status, RotateStatus::kRotated);
  // t1's successor t2 is no longer the head, so this is not a benign retry.
  EXPECT_EQ(Rotate("h1", "t9", now + 200).status, RotateStatus::kReuseDetected);
  EXPECT_TRUE(store_->sessions().Find("s1")->value().revoked_at.has_value());
}

TEST_P(SessionsTest, ExpiredTokenOrSessionIsExpired) {
  // The token's own expiry.
  core::RefreshTokenRecord short_token = MakeToken("t5", "h5");
  short_token.expires_at = kT0 + 1000;
  ASSERT_TRUE(store_->sessions().Create(MakeSession("s5", "u1"), short_token).ok());
  RotateResult r = Rotate("h5", "t6", kT0 + 1000);
  EXPECT_EQ(r.status, RotateStatus::kExpired);
  EXPECT_EQ(r.session.id, "s5");

  // The session's expiry.
  core::SessionRecord short_session = MakeSession("s7", "u1");
  short_session.expires_at = kT0 + 1000;
  ASSERT_TRUE(store_->sessions().Create(short_session, MakeToken("t7", "h7")).ok());
  EXPECT_EQ(Rotate("h7", "t8", kT0 + 2000).status, RotateStatus::kExpired);
  // Just before the end it still rotates.
  EXPECT_EQ(Rotate("h1", "t2", kT0 + 999).status, RotateStatus::kRotated);
}

TEST_P(SessionsTest, RevokeIsIdempotentAndBlocksRotation) {
  ASSERT_TRUE(store_->sessions().Revoke("s1", "signout", kT0 + 10).ok());
  ASSERT_TRUE(store_->sessions().Revoke("s1", "other", kT0 + 20).ok());
  core::SessionRecord s = store_->sessions().Find("s1")->value();
  EXPECT_EQ(s.revoked_at, kT0 + 10);
  EXPECT_EQ(s.revoked_reason, "signout");
  RotateResult r = Rotate("h1", "t2", kT0 + 30);
  EXPECT_EQ(r.status, RotateStatus::kRevoked);
  EXPECT_EQ(r.session.revoked_reason, "signout");
  EXPECT_TRUE(store_->sessions().Revoke("no-such-session", "signout", kT0).ok());
}

TEST_P(SessionsTest, RevokeAllExceptKeepsOne) {
  ASSERT_TRUE(store_->sessions().Create(MakeSession("s2", "u1"), MakeToken("t2", "h2")).ok());
  ASSERT_TRUE(store_->sessions().Create(MakeSession("s3", "u1"), MakeToken("t3", "h3")).ok());
  ASSERT_TRUE(store_->sessions().Create(MakeSession("s4", "u2"), MakeToken("t4", "h4")).ok());

  auto n = store_->sessions().RevokeAllForUser("u1", "password-changed", kT0 + 5, "s2");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
  EXPECT_TRUE(store_->sessions().Find("s1")->value().revoked_at.has_value());
  EXPECT_FALSE(store_->sessions().Find("s2")->value().revoked_at.has_value());
  EXPECT_EQ(store_->sessions().Find("s3")->value().revoked_reason, "password-changed");
  EXPECT_FALSE(store_->sessions().Find("s4")->value().revoked_at.has_value());

  // Without a session to keep, the rest go too; revoked ones are not counted again.
  EXPECT_EQ(store_->sessions().RevokeAllForUser("u1", "signout-all", kT0 + 6).value(), 1);
  EXPECT_TRUE(store_->sessions().Find("s2")->value().revoked_at.has_value());
  EXPECT_EQ(store_->sessions().Find("s1")->value().revoked_reason, "password-changed");
}

TEST_P(SessionsTest, ListForUserShowsLiveSessionsNewestFirst) {
  ASSERT_TRUE(
      store_->sessions().Create(MakeSession("s2", "u1", kT0 + 10), MakeToken("t2", "h2")).ok());
  ASSERT_TRUE(
      store_->sessions().Create(MakeSession("s3", "u1", kT0 + 20), MakeToken("t3", "h3")).ok());
  core::SessionRecord old = MakeSession("s4", "u1", kT0 - 5);
  old.expires_at = kT0 + 50;
  ASSERT_TRUE(store_->sessions().Create(old, MakeToken("t4", "h4")).ok());
  ASSERT_TRUE(store_->sessions().Revoke("s3", "signout", kT0 + 30).ok());

  auto list = store_->sessions().ListForUser("u1", kT0 + 100);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, "s2");
  EXPECT_EQ((*list)[1].id, "s1");
  EXPECT_TRUE(store_->sessions().ListForUser("u2", kT0)->empty());
}

TEST_P(SessionsTest, PurgeDeletesExpiredAndRevokedWithTheirTokens) {
  core::SessionRecord expired = MakeSession("s2", "u1");
  expired.expires_at = kT0 + 100;
  ASSERT_TRUE(store_->sessions().Create(expired, MakeToken("t2", "h2")).ok());
  ASSERT_TRUE(store_->sessions().Create(MakeSession("s3", "u1"), MakeToken("t3", "h3")).ok());
  ASSERT_TRUE(store_->sessions().Revoke("s3", "signout", kT0 + 50).ok());
  ASSERT_TRUE(store_->sessions().Create(MakeSession("s4", "u1"), MakeToken("t4", "h4")).ok());
  ASSERT_TRUE(store_->sessions().Revoke("s4", "signout", kT0 + 500).ok());

  auto purged = store_->sessions().Purge(kT0 + 200);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 2);
  EXPECT_FALSE(store_->sessions().Find("s2")->has_value());
  EXPECT_FALSE(store_->sessions().Find("s3")->has_value());
  EXPECT_FALSE(store_->sessions().FindByTokenHash("h2")->has_value());
  EXPECT_TRUE(store_->sessions().Find("s1")->has_value());
  EXPECT_TRUE(store_->sessions().Find("s4")->has_value());  // revoked after `before`
  EXPECT_EQ(Rotate("h2", "t9", kT0).status, RotateStatus::kNotFound);
}

// The contract the refresh endpoint relies on: of N simultaneous refreshes with
// the same token, exactly one rotates and the others get that same successor.
TEST_P(SessionsTest, ConcurrentRotationOfOneTokenRotatesOnce) {
  RaceRotation({store_.get()}, "h1", "succ-", 8);
  EXPECT_FALSE(store_->sessions().Find("s1")->value().revoked_at.has_value());
}

// The same race between two Store objects on one database, as two Gatehouse
// instances behind a load balancer would run it; repeated so that the
// interleavings vary. Nothing in-process serialises the two stores: only the
// database's locks do.
TEST_P(SessionsTest, ConcurrentRotationAcrossTwoStoresRotatesOnce) {
  std::unique_ptr<Store> other = OpenAnother();
  ASSERT_NE(other, nullptr);
  for (int round = 0; round < 10; ++round) {
    const std::string n = std::to_string(round);
    ASSERT_TRUE(store_->sessions()
                    .Create(MakeSession("race-s" + n, "u1"), MakeToken("race-t" + n, "race-h" + n))
                    .ok());
    RaceRotation({store_.get(), other.get()}, "race-h" + n, "r" + n + "-", 8);
    if (HasFailure()) break;
    EXPECT_FALSE(other->sessions().Find("race-s" + n)->value().revoked_at.has_value());
  }
}

GH_STORE_BACKENDS(SessionsTest);

}  // namespace
}  // namespace gh::store::testing
