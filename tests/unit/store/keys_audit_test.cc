#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "store_test_util.h"

namespace gh::store::testing {
namespace {

core::SigningKeyRecord MakeKey(const std::string& kid, core::UnixMillis created_at) {
  core::SigningKeyRecord k;
  k.kid = kid;
  k.algorithm = "ES256";
  k.private_pem = "-----BEGIN PRIVATE KEY-----\n" + kid;
  k.public_pem = "-----BEGIN PUBLIC KEY-----\n" + kid;
  k.created_at = created_at;
  return k;
}

class KeysTest : public StoreTest {};
class AuditTest : public StoreTest {};
class SecretsTest : public StoreTest {};

TEST_P(KeysTest, ListNewestFirstIncludingRetired) {
  EXPECT_TRUE(store_->keys().List()->empty());
  ASSERT_TRUE(store_->keys().Insert(MakeKey("k1", kT0)).ok());
  ASSERT_TRUE(store_->keys().Insert(MakeKey("k3", kT0 + 20)).ok());
  ASSERT_TRUE(store_->keys().Insert(MakeKey("k2", kT0 + 10)).ok());
  core::SigningKeyRecord hs = MakeKey("k0", kT0 - 10);
  hs.algorithm = "HS256";
  hs.public_pem = "";
  ASSERT_TRUE(store_->keys().Insert(hs).ok());

  auto keys = store_->keys().List();
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 4u);
  EXPECT_EQ((*keys)[0].kid, "k3");
  EXPECT_EQ((*keys)[1].kid, "k2");
  EXPECT_EQ((*keys)[2].kid, "k1");
  EXPECT_EQ((*keys)[3].kid, "k0");
  EXPECT_EQ((*keys)[3].algorithm, "HS256");
  EXPECT_EQ((*keys)[3].public_pem, "");
  EXPECT_EQ((*keys)[0].private_pem, MakeKey("k3", 0).private_pem);
  EXPECT_FALSE((*keys)[0].retired_at.has_value());
}

TEST_P(KeysTest, RetireKeepsKeyAndFirstRetirementTime) {
  ASSERT_TRUE(store_->keys().Insert(MakeKey("k1", kT0)).ok());
  ASSERT_TRUE(store_->keys().Retire("k1", kT0 + 100).ok());
  ASSERT_TRUE(store_->keys().Retire("k1", kT0 + 200).ok());
  auto keys = store_->keys().List();
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].retired_at, kT0 + 100);
  EXPECT_FALSE(store_->keys().Insert(MakeKey("k1", kT0)).ok());  // kid is unique
}

TEST_P(KeysTest, DeleteRetiredRemovesOnlyRetiredKeys) {
  ASSERT_TRUE(store_->keys().Insert(MakeKey("old", kT0)).ok());
  ASSERT_TRUE(store_->keys().Insert(MakeKey("new", kT0 + 10)).ok());
  auto active = store_->keys().DeleteRetired("new");
  ASSERT_TRUE(active.ok());
  EXPECT_FALSE(*active);  // an active key stays, whoever asks
  ASSERT_TRUE(store_->keys().Retire("old", kT0 + 20).ok());
  auto removed = store_->keys().DeleteRetired("old");
  ASSERT_TRUE(removed.ok());
  EXPECT_TRUE(*removed);
  auto again = store_->keys().DeleteRetired("old");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  auto keys = store_->keys().List();
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].kid, "new");
}

TEST_P(AuditTest, AppendThenListNewestFirstWithLimit) {
  for (int i = 0; i < 5; ++i) {
    core::AuditEvent e;
    e.at = kT0 + i;
    e.type = i == 4 ? "signout" : "signin";
    e.user_id = "u1";
    e.ip = "10.0.0.1";
    e.user_agent = "agent";
    e.data_json = R"({"n":)" + std::to_string(i) + "}";
    ASSERT_TRUE(store_->audit().Append(e).ok());
  }
  core::AuditEvent anonymous;
  anonymous.at = kT0 + 10;
  anonymous.type = "signin-failed";
  ASSERT_TRUE(store_->audit().Append(anonymous).ok());

  auto events = store_->audit().ListForUser("u1", 3);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].type, "signout");
  EXPECT_EQ((*events)[0].at, kT0 + 4);
  EXPECT_EQ((*events)[0].user_id, "u1");
  EXPECT_EQ((*events)[0].ip, "10.0.0.1");
  EXPECT_EQ((*events)[0].user_agent, "agent");
  EXPECT_EQ((*events)[0].data_json, R"({"n":4})");
  EXPECT_EQ((*events)[2].at, kT0 + 2);
  EXPECT_TRUE(store_->audit().ListForUser("u2", 10)->empty());
}

TEST_P(AuditTest, EventsOutliveTheirUser) {
  ASSERT_TRUE(store_->users().Create(MakeUser("u1", "a@example.com")).ok());
  core::AuditEvent e;
  e.at = kT0;
  e.type = "signup";
  e.user_id = "u1";
  ASSERT_TRUE(store_->audit().Append(e).ok());
  ASSERT_TRUE(store_->users().Delete("u1").ok());
  EXPECT_EQ(store_->audit().ListForUser("u1", 10)->size(), 1u);
}

TEST_P(SecretsTest, FirstWriterWins) {
  EXPECT_EQ(store_->GetOrInsertSecret("refresh-key", "first").value(), "first");
  EXPECT_EQ(store_->GetOrInsertSecret("refresh-key", "second").value(), "first");
  EXPECT_EQ(store_->GetOrInsertSecret("other", "x").value(), "x");
}

TEST_P(SecretsTest, ConcurrentCallersAgree) {
  constexpr int kThreads = 8;
  std::vector<std::string> seen(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto r = store_->GetOrInsertSecret("shared", "candidate-" + std::to_string(i));
      if (r.ok()) seen[i] = *r;
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_FALSE(seen[0].empty());
  for (const std::string& s : seen) EXPECT_EQ(s, seen[0]);
}

TEST_P(SecretsTest, PingSucceeds) { EXPECT_TRUE(store_->Ping().ok()); }

GH_STORE_BACKENDS(KeysTest);
GH_STORE_BACKENDS(AuditTest);
GH_STORE_BACKENDS(SecretsTest);

}  // namespace
}  // namespace gh::store::testing
