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

TEST_P(AuditTest, ListFiltersByUserTypeAndTimeAndPagesByKeyset) {
  // u1: signin at T0..T0+4 (signout at T0+2), u2: signin at T0+5, none: failed at T0+6.
  auto append = [&](core::UnixMillis at, const char* type, std::optional<std::string> user) {
    core::AuditEvent e;
    e.at = at;
    e.type = type;
    e.user_id = std::move(user);
    ASSERT_TRUE(store_->audit().Append(e).ok());
  };
  for (int i = 0; i < 5; ++i) append(kT0 + i, i == 2 ? "signout" : "signin", "u1");
  append(kT0 + 5, "signin", "u2");
  append(kT0 + 6, "signin-failed", std::nullopt);

  auto query = [](std::string user, std::string type, core::UnixMillis since = 0,
                  core::UnixMillis until = 0, int64_t before_id = 0, int limit = 50) {
    AuditQuery q;
    q.user_id = std::move(user);
    q.type = std::move(type);
    q.since = since;
    q.until = until;
    q.before_id = before_id;
    q.limit = limit;
    return q;
  };
  auto all = store_->audit().List(AuditQuery{});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 7u);
  EXPECT_EQ((*all)[0].event.type, "signin-failed");
  EXPECT_FALSE((*all)[0].event.user_id.has_value());
  for (size_t i = 1; i < all->size(); ++i) EXPECT_LT((*all)[i].id, (*all)[i - 1].id);

  auto u1 = store_->audit().List(query("u1", ""));
  ASSERT_EQ(u1->size(), 5u);
  EXPECT_EQ((*u1)[0].event.at, kT0 + 4);
  auto signouts = store_->audit().List(query("u1", "signout"));
  ASSERT_EQ(signouts->size(), 1u);
  EXPECT_EQ(signouts->front().event.at, kT0 + 2);
  auto window = store_->audit().List(query("", "", kT0 + 1, kT0 + 3));
  ASSERT_EQ(window->size(), 2u);
  EXPECT_EQ((*window)[0].event.at, kT0 + 2);
  EXPECT_EQ((*window)[1].event.at, kT0 + 1);

  // Pages of 3 below the last id seen: every event once, in order.
  std::vector<core::UnixMillis> seen;
  int64_t before = 0;
  for (int page = 0; page < 5; ++page) {
    auto got = store_->audit().List(query("", "", 0, 0, before, 3));
    ASSERT_TRUE(got.ok());
    if (got->empty()) break;
    for (const auto& e : *got) seen.push_back(e.event.at);
    before = got->back().id;
  }
  EXPECT_EQ(seen, (std::vector<core::UnixMillis>{kT0 + 6, kT0 + 5, kT0 + 4, kT0 + 3, kT0 + 2,
                                                 kT0 + 1, kT0}));
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
