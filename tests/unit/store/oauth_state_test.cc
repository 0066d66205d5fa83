// OAuth requests and grant codes (taken once, expiring) and the identity
// additions social sign-in needs (update with sealed tokens, unlink).

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store_test_util.h"

namespace gh::store::testing {
namespace {

OAuthRequest MakeRequest(const std::string& hash, core::UnixMillis created_at = kT0) {
  OAuthRequest r;
  r.state_hash = hash;
  r.provider = "github";
  r.code_verifier = "verifier";
  r.nonce = "nonce";
  r.redirect_to = "https://app.example.com/after";
  r.options_json = R"({"defaultRole":"user"})";
  r.created_at = created_at;
  r.expires_at = created_at + 600'000;
  return r;
}

OAuthGrant MakeGrant(const std::string& hash, const std::string& user_id) {
  OAuthGrant g;
  g.code_hash = hash;
  g.user_id = user_id;
  g.amr = "oauth";
  g.provider = "github";
  g.created_at = kT0;
  g.expires_at = kT0 + 60'000;
  return g;
}

core::Identity MakeIdentity(const std::string& id, const std::string& user_id,
                            const std::string& provider, const std::string& sub) {
  core::Identity i;
  i.id = id;
  i.user_id = user_id;
  i.provider = provider;
  i.provider_user_id = sub;
  i.email = "a@example.com";
  i.created_at = kT0;
  i.updated_at = kT0;
  return i;
}

class OAuthStateTest : public StoreTest {};

TEST_P(OAuthStateTest, RequestRoundTripsAndIsTakenOnce) {
  ASSERT_TRUE(store_->users().Create(MakeUser("u1", "a@example.com")).ok());
  OAuthRequest r = MakeRequest("h1");
  r.connect_user_id = "u1";
  ASSERT_TRUE(store_->oauth().InsertRequest(r).ok());

  auto taken = store_->oauth().TakeRequest("h1", kT0 + 1);
  ASSERT_TRUE(taken.ok() && taken->has_value());
  const OAuthRequest& got = **taken;
  EXPECT_EQ(got.provider, "github");
  EXPECT_EQ(got.code_verifier, "verifier");
  EXPECT_EQ(got.nonce, "nonce");
  EXPECT_EQ(got.redirect_to, r.redirect_to);
  EXPECT_EQ(got.options_json, r.options_json);
  EXPECT_EQ(got.connect_user_id, "u1");
  EXPECT_EQ(got.created_at, kT0);
  EXPECT_EQ(got.expires_at, kT0 + 600'000);

  // A replayed state finds nothing.
  auto again = store_->oauth().TakeRequest("h1", kT0 + 2);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
}

TEST_P(OAuthStateTest, RequestWithoutConnectRoundTripsNull) {
  ASSERT_TRUE(store_->oauth().InsertRequest(MakeRequest("h1")).ok());
  auto taken = store_->oauth().TakeRequest("h1", kT0);
  ASSERT_TRUE(taken.ok() && taken->has_value());
  EXPECT_FALSE((*taken)->connect_user_id.has_value());
}

TEST_P(OAuthStateTest, ExpiredRequestIsDeletedAndNotReturned) {
  ASSERT_TRUE(store_->oauth().InsertRequest(MakeRequest("h1")).ok());
  auto taken = store_->oauth().TakeRequest("h1", kT0 + 600'000);
  ASSERT_TRUE(taken.ok());
  EXPECT_FALSE(taken->has_value());
  EXPECT_EQ(store_->oauth().Purge(kT0 + 10 * kDay).value(), 0);  // already gone
}

TEST_P(OAuthStateTest, ConcurrentTakersGetTheRequestOnce) {
  ASSERT_TRUE(store_->oauth().InsertRequest(MakeRequest("h1")).ok());
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto taken = store_->oauth().TakeRequest("h1", kT0 + 1);
      if (taken.ok() && taken->has_value()) ++winners;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(winners.load(), 1);
}

TEST_P(OAuthStateTest, GrantIsTakenOnceAndExpires) {
  ASSERT_TRUE(store_->users().Create(MakeUser("u1", "a@example.com")).ok());
  ASSERT_TRUE(store_->oauth().InsertGrant(MakeGrant("g1", "u1")).ok());
  ASSERT_TRUE(store_->oauth().InsertGrant(MakeGrant("g2", "u1")).ok());

  auto taken = store_->oauth().TakeGrant("g1", kT0 + 1);
  ASSERT_TRUE(taken.ok() && taken->has_value());
  EXPECT_EQ((*taken)->user_id, "u1");
  EXPECT_EQ((*taken)->amr, "oauth");
  EXPECT_EQ((*taken)->provider, "github");
  EXPECT_EQ((*taken)->expires_at, kT0 + 60'000);
  EXPECT_FALSE(store_->oauth().TakeGrant("g1", kT0 + 2)->has_value());

  EXPECT_FALSE(store_->oauth().TakeGrant("g2", kT0 + 60'000)->has_value());
}

TEST_P(OAuthStateTest, GrantKeepsItsChallengeAndNowZeroReturnsALateOne) {
  ASSERT_TRUE(store_->users().Create(MakeUser("u1", "a@example.com")).ok());
  OAuthGrant g = MakeGrant("g1", "u1");
  g.code_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
  g.code_challenge_method = "s256";
  ASSERT_TRUE(store_->oauth().InsertGrant(g).ok());
  auto taken = store_->oauth().TakeGrant("g1", 0);  // long expired by now, still handed back
  ASSERT_TRUE(taken.ok() && taken->has_value());
  EXPECT_EQ((*taken)->code_challenge, g.code_challenge);
  EXPECT_EQ((*taken)->code_challenge_method, "s256");
  EXPECT_FALSE(store_->oauth().TakeGrant("g1", 0)->has_value());  // and gone
  // Without a challenge: empty.
  ASSERT_TRUE(store_->oauth().InsertGrant(MakeGrant("g2", "u1")).ok());
  EXPECT_EQ((*store_->oauth().TakeGrant("g2", kT0))->code_challenge, "");
}

TEST_P(OAuthStateTest, PurgeDeletesExpiredRequestsAndGrants) {
  ASSERT_TRUE(store_->users().Create(MakeUser("u1", "a@example.com")).ok());
  ASSERT_TRUE(store_->oauth().InsertRequest(MakeRequest("old", kT0)).ok());
  ASSERT_TRUE(store_->oauth().InsertRequest(MakeRequest("new", kT0 + kDay)).ok());
  ASSERT_TRUE(store_->oauth().InsertGrant(MakeGrant("g1", "u1")).ok());
  EXPECT_EQ(store_->oauth().Purge(kT0 + kDay).value(), 2);
  EXPECT_TRUE(store_->oauth().TakeRequest("new", kT0 + kDay)->has_value());
}

TEST_P(OAuthStateTest, DeletingTheUserDeletesItsGrantsAndConnectRequests) {
  ASSERT_TRUE(store_->users().Create(MakeUser("u1", "a@example.com")).ok());
  OAuthRequest r = MakeRequest("h1");
  r.connect_user_id = "u1";
  ASSERT_TRUE(store_->oauth().InsertRequest(r).ok());
  ASSERT_TRUE(store_->oauth().InsertGrant(MakeGrant("g1", "u1")).ok());
  ASSERT_TRUE(store_->users().Delete("u1").ok());
  EXPECT_FALSE(store_->oauth().TakeRequest("h1", kT0)->has_value());
  EXPECT_FALSE(store_->oauth().TakeGrant("g1", kT0)->has_value());
}

TEST_P(OAuthStateTest, IdentityTokensRoundTripAndUpdate) {
  ASSERT_TRUE(store_->users().Create(MakeUser("u1", "a@example.com")).ok());
  core::Identity i = MakeIdentity("i1", "u1", "github", "42");
  i.access_token_encrypted = "sealed-access";
  ASSERT_TRUE(store_->identities().Create(i).ok());
  auto found = store_->identities().Find("github", "42");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->access_token_encrypted, "sealed-access");
  EXPECT_EQ((*found)->refresh_token_encrypted, "");

  i.email = "b@example.com";
  i.data_json = R"({"login":"octo"})";
  i.access_token_encrypted = "sealed-access-2";
  i.refresh_token_encrypted = "sealed-refresh-2";
  i.updated_at = kT0 + 5;
  ASSERT_TRUE(store_->identities().Update(i).ok());
  found = store_->identities().Find("github", "42");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->email, "b@example.com");
  EXPECT_EQ((*found)->data_json, i.data_json);
  EXPECT_EQ((*found)->access_token_encrypted, "sealed-access-2");
  EXPECT_EQ((*found)->refresh_token_encrypted, "sealed-refresh-2");
  EXPECT_EQ((*found)->updated_at, kT0 + 5);
  EXPECT_EQ((*found)->created_at, kT0);
}

TEST_P(OAuthStateTest, DeleteForUserRemovesOnlyThatProvider) {
  ASSERT_TRUE(store_->users().Create(MakeUser("u1", "a@example.com")).ok());
  ASSERT_TRUE(store_->users().Create(MakeUser("u2", "b@example.com")).ok());
  ASSERT_TRUE(store_->identities().Create(MakeIdentity("i1", "u1", "github", "1")).ok());
  ASSERT_TRUE(store_->identities().Create(MakeIdentity("i2", "u1", "google", "1")).ok());
  ASSERT_TRUE(store_->identities().Create(MakeIdentity("i3", "u2", "github", "2")).ok());

  EXPECT_EQ(store_->identities().DeleteForUser("u1", "github").value(), 1);
  EXPECT_EQ(store_->identities().DeleteForUser("u1", "github").value(), 0);
  auto left = store_->identities().ListForUser("u1");
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].provider, "google");
  EXPECT_TRUE(store_->identities().Find("github", "2")->has_value());
}

GH_STORE_BACKENDS(OAuthStateTest);

}  // namespace
}  // namespace gh::store::testing
