#include "app/shared_limits.h"

#include <gtest/gtest.h>

#include "core/clock.h"
#include "crypto/hash.h"

namespace gh::app {
namespace {

constexpr core::UnixMillis kT0 = 1'700'000'000'000;
constexpr int64_t kHour = 3600 * 1000;

std::unique_ptr<store::Store> MemoryStore() {
  auto opened = store::OpenStore("sqlite::memory:", 1);
  EXPECT_TRUE(opened.ok());
  std::unique_ptr<store::Store> s = std::move(opened).value();
  EXPECT_TRUE(s->Migrate().ok());
  return s;
}

TEST(StoreHitCounter, CountsUnderTheKeysHashNotTheKey) {
  auto store = MemoryStore();
  StoreHitCounter counter(store->counters());
  const std::string key = "mail-address:someone@example.com";
  EXPECT_EQ(counter.Hit(key, kT0, kHour)->hits, 1);
  EXPECT_EQ(counter.Hit(key, kT0 + 1, kHour)->hits, 2);
  // The row is the hash's: a hit on the hash itself adds to it, a hit on the
  // address finds nothing stored under the address.
  EXPECT_EQ(store->counters().Hit(crypto::Sha256Hex(key), kT0 + 2, kHour)->hits, 3);
  EXPECT_EQ(store->counters().Hit(key, kT0 + 2, kHour)->hits, 1);
}

TEST(SendCounterFor, SharedOnPostgresOnly) {
  auto store = MemoryStore();
  config::Config c;
  c.database_url = "sqlite::memory:";
  EXPECT_EQ(SendCounterFor(c, *store), nullptr);
  c.database_url = "postgres://localhost/db";
  EXPECT_NE(SendCounterFor(c, *store), nullptr);
}

// Two instances (two limiters with their own back-off) over one store: the
// hourly cap holds for the pair, a right guess is taken back, and a key's
// count lives under its hash.
TEST(StoreAttemptLimiter, TwoInstancesShareOneHourlyCap) {
  auto store = MemoryStore();
  core::ManualClock clock(kT0);
  auth::AttemptPolicy policy;
  policy.max_failures_per_hour = 6;
  policy.free_failures = 100;  // no back-off: only the cap
  auth::InProcessAttemptLimiter local_a(clock, policy), local_b(clock, policy);
  StoreAttemptLimiter a(local_a, store->counters(), clock, 6);
  StoreAttemptLimiter b(local_b, store->counters(), clock, 6);
  const std::string key = "password:victim@example.com";
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(a.Begin(key).ok()) << i;
    ASSERT_TRUE(b.Begin(key).ok()) << i;
  }
  // Each instance alone has counted 3 of 6; together they reached the cap.
  auto refused = a.Begin(key);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::errc::kTooManyRequests);
  EXPECT_GT(refused.error().retry_after_seconds, 0);
  EXPECT_FALSE(b.Begin(key).ok());
  EXPECT_TRUE(a.Begin("password:someone-else@example.com").ok());
  EXPECT_EQ(store->counters().Hit(crypto::Sha256Hex("guess:" + key), kT0, kHour)->hits, 9);

  // After the hour the cap opens again; a right guess is not counted.
  clock.AdvanceSeconds(3600);
  auth::InProcessAttemptLimiter fresh(clock, policy);
  StoreAttemptLimiter c(fresh, store->counters(), clock, 6);
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(c.Begin(key).ok()) << i;
    c.Succeeded(key);
  }
}

TEST(SharedAttemptLimiterFor, SharedOnPostgresOnly) {
  auto store = MemoryStore();
  core::ManualClock clock(kT0);
  auth::InProcessAttemptLimiter local(clock, auth::AttemptPolicy{});
  config::Config c;
  c.database_url = "sqlite::memory:";
  EXPECT_EQ(SharedAttemptLimiterFor(c, *store, clock, local), nullptr);
  c.database_url = "postgres://localhost/db";
  EXPECT_NE(SharedAttemptLimiterFor(c, *store, clock, local), nullptr);
}

}  // namespace
}  // namespace gh::app
