#include "http/rate_limit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>

namespace gh::http {
namespace {

class RateLimiterTest : public ::testing::Test {
 protected:
  RateLimiter::Options Opts() {
    RateLimiter::Options o;
    o.now_ms = [this] { return now_.load(); };
    return o;
  }
  std::atomic<int64_t> now_{1'000'000};
};

TEST_F(RateLimiterTest, BurstThenRefill) {
  RateLimiter rl(Opts());
  // 6 per minute = one token every 10 s; burst of 3.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(rl.Take("k", 6, 3).allowed) << i;
  RateLimiter::Decision d = rl.Take("k", 6, 3);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_seconds, 10);

  now_ += 4'000;
  d = rl.Take("k", 6, 3);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_seconds, 6);

  now_ += 6'000;
  EXPECT_TRUE(rl.Take("k", 6, 3).allowed);
  EXPECT_FALSE(rl.Take("k", 6, 3).allowed);

  // A long pause refills only up to the burst.
  now_ += 3'600'000;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(rl.Take("k", 6, 3).allowed) << i;
  EXPECT_FALSE(rl.Take("k", 6, 3).allowed);
}

TEST_F(RateLimiterTest, RetryAfterRoundsUpToAtLeastOneSecond) {
  RateLimiter rl(Opts());
  EXPECT_TRUE(rl.Take("k", 600, 1).allowed);  // one token every 100 ms
  RateLimiter::Decision d = rl.Take("k", 600, 1);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_seconds, 1);
}

TEST_F(RateLimiterTest, KeysAreIndependentAndZeroMeansUnlimited) {
  RateLimiter rl(Opts());
  EXPECT_TRUE(rl.Take("a", 60, 1).allowed);
  EXPECT_FALSE(rl.Take("a", 60, 1).allowed);
  EXPECT_TRUE(rl.Take("b", 60, 1).allowed);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(rl.Take("c", 0, 0).allowed);
  // burst 0 defaults to per_minute.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(rl.Take("d", 5, 0).allowed);
  EXPECT_FALSE(rl.Take("d", 5, 0).allowed);
}

TEST_F(RateLimiterTest, ClockGoingBackwardsDoesNotRefillOrDrain) {
  RateLimiter rl(Opts());
  EXPECT_TRUE(rl.Take("k", 60, 1).allowed);
  now_ -= 100'000;
  EXPECT_FALSE(rl.Take("k", 60, 1).allowed);
}

TEST_F(RateLimiterTest, FullBucketsAreSweptAndMemoryIsBounded) {
  RateLimiter::Options o = Opts();
  o.shards = 1;
  o.max_keys_per_shard = 100;
  o.sweep_interval_ms = 60'000;
  RateLimiter rl(std::move(o));

  for (int i = 0; i < 50; ++i) EXPECT_TRUE(rl.Take("ip" + std::to_string(i), 60, 5).allowed);
  EXPECT_EQ(rl.size(), 50u);
  // After a sweep interval every bucket has refilled, so all are dropped.
  now_ += 61'000;
  EXPECT_TRUE(rl.Take("new", 60, 5).allowed);
  EXPECT_EQ(rl.size(), 1u);

  // A flood of distinct keys never grows past the cap.
  for (int i = 0; i < 1000; ++i) {
    now_ += 1;
    rl.Take("flood" + std::to_string(i), 60, 5);
    ASSERT_LE(rl.size(), 100u);
  }
  // The most recent key survived the evictions and is still throttled.
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(rl.Take("flood999", 60, 5).allowed);
  EXPECT_FALSE(rl.Take("flood999", 60, 5).allowed);
}

}  // namespace
}  // namespace gh::http
