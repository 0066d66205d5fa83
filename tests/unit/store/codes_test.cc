#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store_test_util.h"

namespace gh::store::testing {
namespace {

core::OneTimeCode MakeCode(const std::string& id, const std::string& hash,
                           core::UnixMillis created_at = kT0) {
  core::OneTimeCode c;
  c.id = id;
  c.purpose = "email-otp";
  c.recipient = "a@example.com";
  c.code_hash = hash;
  c.data_json = R"({"redirectTo":"https://app.example.com"})";
  c.created_at = created_at;
  c.expires_at = created_at + 600'000;
  return c;
}

class CodesTest : public StoreTest {};

TEST_P(CodesTest, InsertThenFindByHash) {
  ASSERT_TRUE(store_->users().Create(MakeUser("u1", "a@example.com")).ok());
  core::OneTimeCode c = MakeCode("c1", "hash1");
  c.user_id = "u1";
  ASSERT_TRUE(store_->codes().Insert(c).ok());

  auto found = store_->codes().FindByHash("email-otp", "hash1");
  ASSERT_TRUE(found.ok() && found->has_value());
  const core::OneTimeCode& got = **found;
  EXPECT_EQ(got.id, "c1");
  EXPECT_EQ(got.user_id, "u1");
  EXPECT_EQ(got.recipient, "a@example.com");
  EXPECT_EQ(got.data_json, c.data_json);
  EXPECT_EQ(got.created_at, kT0);
  EXPECT_EQ(got.expires_at, kT0 + 600'000);
  EXPECT_EQ(got.attempts, 0);
  EXPECT_FALSE(got.consumed_at.has_value());

  // The purpose is part of the key.
  EXPECT_FALSE(store_->codes().FindByHash("magic-link", "hash1")->has_value());
  EXPECT_FALSE(store_->codes().FindByHash("email-otp", "other")->has_value());
}

TEST_P(CodesTest, CodeWithoutUserRoundTripsNull) {
  ASSERT_TRUE(store_->codes().Insert(MakeCode("c1", "hash1")).ok());
  EXPECT_FALSE(store_->codes().FindByHash("email-otp", "hash1")->value().user_id.has_value());
}

TEST_P(CodesTest, FindLatestReturnsNewestOpenCode) {
  ASSERT_TRUE(store_->codes().Insert(MakeCode("c1", "hash1", kT0)).ok());
  ASSERT_TRUE(store_->codes().Insert(MakeCode("c2", "hash2", kT0 + 10)).ok());
  core::OneTimeCode other = MakeCode("c3", "hash3", kT0 + 20);
  other.recipient = "b@example.com";
  ASSERT_TRUE(store_->codes().Insert(other).ok());

  EXPECT_EQ(store_->codes().FindLatest("email-otp", "a@example.com")->value().id, "c2");
  ASSERT_TRUE(store_->codes().Consume("c2", kT0 + 30).value());
  EXPECT_EQ(store_->codes().FindLatest("email-otp", "a@example.com")->value().id, "c1");
  EXPECT_FALSE(store_->codes().FindLatest("sms-otp", "a@example.com")->has_value());
}

TEST_P(CodesTest, RecordFailedAttemptCounts) {
  ASSERT_TRUE(store_->codes().Insert(MakeCode("c1", "hash1")).ok());
  EXPECT_EQ(store_->codes().RecordFailedAttempt("c1").value(), 1);
  EXPECT_EQ(store_->codes().RecordFailedAttempt("c1").value(), 2);
  EXPECT_EQ(store_->codes().FindByHash("email-otp", "hash1")->value().attempts, 2);
  EXPECT_FALSE(store_->codes().RecordFailedAttempt("missing").ok());
}

TEST_P(CodesTest, ConsumeIsCompareAndSet) {
  ASSERT_TRUE(store_->codes().Insert(MakeCode("c1", "hash1")).ok());
  EXPECT_TRUE(store_->codes().Consume("c1", kT0 + 5).value());
  EXPECT_FALSE(store_->codes().Consume("c1", kT0 + 6).value());
  EXPECT_FALSE(store_->codes().Consume("missing", kT0 + 6).value());
  // Consumed codes are no longer found.
  EXPECT_FALSE(store_->codes().FindByHash("email-otp", "hash1")->has_value());
}

TEST_P(CodesTest, ConcurrentConsumeHasOneWinner) {
  ASSERT_TRUE(store_->codes().Insert(MakeCode("c1", "hash1")).ok());
  constexpr int kThreads = 8;
  std::atomic<int> winners{0}, failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      auto r = store_->codes().Consume("c1", kT0 + 5);
      if (!r.ok()) {
        failures.fetch_add(1);
      } else if (*r) {
        winners.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(winners.load(), 1);
}

TEST_P(CodesTest, ConsumeAllClosesEveryOpenCodeForRecipient) {
  ASSERT_TRUE(store_->codes().Insert(MakeCode("c1", "hash1", kT0)).ok());
  ASSERT_TRUE(store_->codes().Insert(MakeCode("c2", "hash2", kT0 + 1)).ok());
  core::OneTimeCode other_purpose = MakeCode("c3", "hash3");
  other_purpose.purpose = "password-reset";
  ASSERT_TRUE(store_->codes().Insert(other_purpose).ok());

  ASSERT_TRUE(store_->codes().ConsumeAll("email-otp", "a@example.com", kT0 + 10).ok());
  EXPECT_FALSE(store_->codes().FindLatest("email-otp", "a@example.com")->has_value());
  EXPECT_FALSE(store_->codes().Consume("c1", kT0 + 11).value());
  EXPECT_TRUE(store_->codes().FindByHash("password-reset", "hash3")->has_value());
}

TEST_P(CodesTest, PurgeDropsExpiredAndConsumed) {
  core::OneTimeCode expired = MakeCode("c1", "hash1");
  expired.expires_at = kT0 + 10;
  ASSERT_TRUE(store_->codes().Insert(expired).ok());
  ASSERT_TRUE(store_->codes().Insert(MakeCode("c2", "hash2")).ok());
  ASSERT_TRUE(store_->codes().Consume("c2", kT0 + 20).value());
  ASSERT_TRUE(store_->codes().Insert(MakeCode("c3", "hash3")).ok());

  EXPECT_EQ(store_->codes().Purge(kT0 + 100).value(), 2);
  EXPECT_FALSE(store_->codes().FindByHash("email-otp", "hash1")->has_value());
  EXPECT_TRUE(store_->codes().FindByHash("email-otp", "hash3")->has_value());
}

GH_STORE_BACKENDS(CodesTest);

}  // namespace
}  // namespace gh::store::testing
