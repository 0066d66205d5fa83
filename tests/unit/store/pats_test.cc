// store::PersonalAccessTokens against both backends: round trips, lookup by
// hash only, listing order, revocation by the owner only (ending the token's
// sessions), recorded sign-ins, purge, and the cascade with the user.

#include <gtest/gtest.h>

#include "store_test_util.h"

namespace gh::store::testing {
namespace {

core::PersonalAccessToken MakePat(const std::string& id, const std::string& user_id,
                                  core::UnixMillis created_at = kT0) {
  core::PersonalAccessToken t;
  t.id = id;
  t.user_id = user_id;
  t.token_hash = "hash-" + id;
  t.created_at = created_at;
  t.expires_at = created_at + 30 * kDay;
  return t;
}

class PatsTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    ASSERT_TRUE(store_->users().Create(MakeUser("u1", "a@example.com")).ok());
    ASSERT_TRUE(store_->users().Create(MakeUser("u2", "b@example.com")).ok());
  }
};

TEST_P(PatsTest, EveryFieldRoundTripsAndIsFoundByItsHashOnly) {
  core::PersonalAccessToken t = MakePat("p1", "u1");
  t.metadata_json = R"({"name":"ci","used-by":"deploy"})";
  t.last_used_at = kT0 + 7;
  ASSERT_TRUE(store_->pats().Create(t).ok());
  auto got = store_->pats().FindByHash("hash-p1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->id, "p1");
  EXPECT_EQ((*got)->user_id, "u1");
  EXPECT_EQ((*got)->token_hash, "hash-p1");
  EXPECT_EQ((*got)->metadata_json, t.metadata_json);
  EXPECT_EQ((*got)->created_at, kT0);
  EXPECT_EQ((*got)->expires_at, kT0 + 30 * kDay);
  EXPECT_EQ((*got)->last_used_at, kT0 + 7);

  ASSERT_TRUE(store_->pats().Create(MakePat("p2", "u1", kT0 + 1)).ok());
  auto bare = store_->pats().FindByHash("hash-p2")->value();
  EXPECT_EQ(bare.metadata_json, "{}");
  EXPECT_FALSE(bare.last_used_at.has_value());

  EXPECT_FALSE(store_->pats().FindByHash("p1")->has_value());  // the id is not the key
  EXPECT_FALSE(store_->pats().FindByHash("hash-nope")->has_value());
}

TEST_P(PatsTest, AHashIsUnique) {
  ASSERT_TRUE(store_->pats().Create(MakePat("p1", "u1")).ok());
  core::PersonalAccessToken twin = MakePat("p2", "u2");
  twin.token_hash = "hash-p1";
  EXPECT_FALSE(store_->pats().Create(twin).ok());
  EXPECT_EQ(store_->pats().FindByHash("hash-p1")->value().user_id, "u1");
}

TEST_P(PatsTest, ATokenNeedsAnExistingUser) {
  EXPECT_FALSE(store_->pats().Create(MakePat("p1", "ghost")).ok());
  EXPECT_FALSE(store_->pats().FindByHash("hash-p1")->has_value());
}

TEST_P(PatsTest, ListsAUsersTokensOldestFirst) {
  ASSERT_TRUE(store_->pats().Create(MakePat("pb", "u1", kT0 + 2)).ok());
  ASSERT_TRUE(store_->pats().Create(MakePat("pa", "u1", kT0 + 1)).ok());
  ASSERT_TRUE(store_->pats().Create(MakePat("pc", "u1", kT0 + 2)).ok());
  ASSERT_TRUE(store_->pats().Create(MakePat("other", "u2")).ok());
  auto list = store_->pats().ListForUser("u1");
  ASSERT_TRUE(list.ok());
  std::vector<std::string> ids;
  for (const auto& t : *list) ids.push_back(t.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"pa", "pb", "pc"}));
  EXPECT_TRUE(store_->pats().ListForUser("nobody")->empty());
}

TEST_P(PatsTest, OnlyTheOwnerRevokes) {
  ASSERT_TRUE(store_->pats().Create(MakePat("p1", "u1")).ok());
  EXPECT_FALSE(store_->pats().Revoke("p1", "u2", kT0).value());
  EXPECT_TRUE(store_->pats().FindByHash("hash-p1")->has_value());
  EXPECT_TRUE(store_->pats().Revoke("p1", "u1", kT0).value());
  EXPECT_FALSE(store_->pats().FindByHash("hash-p1")->has_value());
  EXPECT_FALSE(store_->pats().Revoke("p1", "u1", kT0).value());  // already gone
}

// Creates a session of `user_id` as a sign-in would (one refresh token).
void StartSession(Store& store, const std::string& id, const std::string& user_id) {
  core::RefreshTokenRecord t = MakeToken("rt-" + id, "rt-hash-" + id);
  t.session_id = id;
  t.user_id = user_id;
  ASSERT_TRUE(store.sessions().Create(MakeSession(id, user_id), t).ok());
}

TEST_P(PatsTest, ASignInIsRecordedAndRevokingEndsTheTokensSessionsOnly) {
  ASSERT_TRUE(store_->pats().Create(MakePat("p1", "u1")).ok());
  ASSERT_TRUE(store_->pats().Create(MakePat("p2", "u1")).ok());
  StartSession(*store_, "s-pat1", "u1");
  StartSession(*store_, "s-pat1b", "u1");
  StartSession(*store_, "s-pat2", "u1");
  StartSession(*store_, "s-password", "u1");
  EXPECT_TRUE(store_->pats().RecordSignIn("p1", "s-pat1", kT0 + 5).value());
  EXPECT_TRUE(store_->pats().RecordSignIn("p1", "s-pat1b", kT0 + 6).value());
  EXPECT_TRUE(store_->pats().RecordSignIn("p2", "s-pat2", kT0 + 7).value());
  auto t = store_->pats().FindByHash("hash-p1")->value();
  EXPECT_EQ(t.last_used_at, kT0 + 6);
  EXPECT_EQ(t.expires_at, kT0 + 30 * kDay);

  // Another user's attempt changes nothing, sessions included.
  EXPECT_FALSE(store_->pats().Revoke("p1", "u2", kT0 + 8).value());
  EXPECT_EQ(store_->sessions().ListForUser("u1", kT0 + 8)->size(), 4u);

  EXPECT_TRUE(store_->pats().Revoke("p1", "u1", kT0 + 9).value());
  auto ended = store_->sessions().Find("s-pat1")->value();
  EXPECT_EQ(ended.revoked_at, kT0 + 9);
  EXPECT_EQ(ended.revoked_reason, "pat-revoked");
  EXPECT_TRUE(store_->sessions().Find("s-pat1b")->value().revoked_at.has_value());
  EXPECT_FALSE(store_->sessions().Find("s-pat2")->value().revoked_at.has_value());
  EXPECT_FALSE(store_->sessions().Find("s-password")->value().revoked_at.has_value());

  // A sign-in that lost the race with the revocation is told so and links nothing.
  StartSession(*store_, "s-late", "u1");
  EXPECT_FALSE(store_->pats().RecordSignIn("p1", "s-late", kT0 + 10).value());
  EXPECT_TRUE(store_->pats().RecordSignIn("p2", "s-late", kT0 + 10).value());
}

TEST_P(PatsTest, PurgingSessionsAndTokensLeavesTheOtherSideIntact) {
  ASSERT_TRUE(store_->pats().Create(MakePat("p1", "u1")).ok());
  StartSession(*store_, "s1", "u1");
  ASSERT_TRUE(store_->pats().RecordSignIn("p1", "s1", kT0 + 1).value());
  // The session goes (it expired long ago); the token and its revocation work on.
  EXPECT_EQ(store_->sessions().Purge(kT0 + 31 * kDay).value(), 1);
  EXPECT_TRUE(store_->pats().Revoke("p1", "u1", kT0 + 2).value());
}

TEST_P(PatsTest, PurgeDeletesOnlyExpiredTokens) {
  core::PersonalAccessToken old = MakePat("old", "u1");
  old.expires_at = kT0 + 10;
  ASSERT_TRUE(store_->pats().Create(old).ok());
  ASSERT_TRUE(store_->pats().Create(MakePat("live", "u1")).ok());
  EXPECT_EQ(store_->pats().Purge(kT0 + 11).value(), 1);
  EXPECT_FALSE(store_->pats().FindByHash("hash-old")->has_value());
  EXPECT_TRUE(store_->pats().FindByHash("hash-live")->has_value());
}

TEST_P(PatsTest, DeletingTheUserDeletesTheirTokens) {
  ASSERT_TRUE(store_->pats().Create(MakePat("p1", "u1")).ok());
  ASSERT_TRUE(store_->pats().Create(MakePat("p2", "u2")).ok());
  ASSERT_TRUE(store_->users().Delete("u1").ok());
  EXPECT_FALSE(store_->pats().FindByHash("hash-p1")->has_value());
  EXPECT_TRUE(store_->pats().FindByHash("hash-p2")->has_value());
}

GH_STORE_BACKENDS(PatsTest);

}  // namespace
}  // namespace gh::store::testing
