#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store_test_util.h"

namespace gh::store::testing {
namespace {

constexpr int64_t kHour = 3600 * 1000;

class CountersStoreTest : public StoreTest {};

TEST_P(CountersStoreTest, HitsCountWithinTheWindowThatTheFirstHitOpened) {
  auto first = store_->counters().Hit("k1", kT0, kHour);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->hits, 1);
  EXPECT_EQ(first->ends_at, kT0 + kHour);
  auto second = store_->counters().Hit("k1", kT0 + 1000, kHour);
  EXPECT_EQ(second->hits, 2);
  EXPECT_EQ(second->ends_at, kT0 + kHour);                       // the window does not move
  EXPECT_EQ(store_->counters().Hit("k2", kT0, kHour)->hits, 1);  // keys apart
  // The window ended: a new one opens at this hit.
  auto later = store_->counters().Hit("k1", kT0 + kHour, kHour);
  EXPECT_EQ(later->hits, 1);
  EXPECT_EQ(later->ends_at, kT0 + 2 * kHour);
}

TEST_P(CountersStoreTest, ForgiveTakesOneHitBackWhileTheWindowIsOpen) {
  ASSERT_TRUE(store_->counters().Forgive("none", kT0).ok());  // no row: nothing to do
  ASSERT_TRUE(store_->counters().Hit("f", kT0, kHour).ok());
  ASSERT_TRUE(store_->counters().Hit("f", kT0 + 1, kHour).ok());
  ASSERT_TRUE(store_->counters().Forgive("f", kT0 + 2).ok());
  EXPECT_EQ(store_->counters().Hit("f", kT0 + 3, kHour)->hits, 2);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(store_->counters().Forgive("f", kT0 + 4).ok());
  EXPECT_EQ(store_->counters().Hit("f", kT0 + 5, kHour)->hits, 1);  // never below zero
  // After the window ends there is nothing to forgive; the next hit opens a new one.
  ASSERT_TRUE(store_->counters().Forgive("f", kT0 + kHour).ok());
  EXPECT_EQ(store_->counters().Hit("f", kT0 + kHour, kHour)->hits, 1);
}

TEST_P(CountersStoreTest, TwoStoresOnOneDatabaseShareTheCount) {
  std::unique_ptr<Store> other = OpenAnother();
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(store_->counters().Hit("shared", kT0, kHour)->hits, 1);
  EXPECT_EQ(other->counters().Hit("shared", kT0 + 1, kHour)->hits, 2);
  EXPECT_EQ(store_->counters().Hit("shared", kT0 + 2, kHour)->hits, 3);
}

TEST_P(CountersStoreTest, ConcurrentHitsAreEachCountedOnce) {
  constexpr int kThreads = 8;
  constexpr int kEach = 10;
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i)
        if (!store_->counters().Hit("busy", kT0, kHour).ok()) ++failed;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(store_->counters().Hit("busy", kT0, kHour)->hits, kThreads * kEach + 1);
}

TEST_P(CountersStoreTest, PurgeDropsEndedWindowsOnly) {
  ASSERT_TRUE(store_->counters().Hit("old", kT0, 1000).ok());
  ASSERT_TRUE(store_->counters().Hit("live", kT0, kHour).ok());
  auto purged = store_->counters().Purge(kT0 + 2000);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 1);
  EXPECT_EQ(store_->counters().Hit("live", kT0 + 3000, kHour)->hits, 2);
}

GH_STORE_BACKENDS(CountersStoreTest);

}  // namespace
}  // namespace gh::store::testing
