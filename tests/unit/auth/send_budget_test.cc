#include "auth/send_budget.h"

#include <gtest/gtest.h>

namespace gh::auth {
namespace {

constexpr int64_t kHour = 3600 * 1000;
constexpr core::UnixMillis kT0 = 1'700'000'000'000;

class DownCounter final : public HitCounter {
 public:
  core::Result<Window> Hit(std::string_view, core::UnixMillis, int64_t) override {
    ++calls;
    return core::Error(core::errc::kUnavailable, "database down");
  }
  int calls = 0;
};

TEST(SendBudget, AllowsTheBudgetPerWindowThenTellsWhenItEnds) {
  InProcessHitCounter counter;
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(SpendBudget(counter, "k", kT0 + i * 1000, kHour, 3, "too many").ok());
  auto over = SpendBudget(counter, "k", kT0 + 10'000, kHour, 3, "too many");
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, core::errc::kTooManyRequests);
  EXPECT_EQ(over.error().message, "too many");
  EXPECT_EQ(over.error().retry_after_seconds, 3600 - 10);  // the window opened at kT0
  EXPECT_TRUE(SpendBudget(counter, "other", kT0 + 10'000, kHour, 3, "too many").ok());
  // A refusal does not move the window: it ends an hour after the first hit.
  EXPECT_TRUE(SpendBudget(counter, "k", kT0 + kHour, kHour, 3, "too many").ok());
}

TEST(SendBudget, NoBudgetCountsNothing) {
  DownCounter down;
  EXPECT_TRUE(SpendBudget(down, "k", kT0, kHour, 0, "too many").ok());
  EXPECT_EQ(down.calls, 0);
}

TEST(SendBudget, ACounterThatFailsRefusesWithItsError) {
  DownCounter down;
  auto r = SpendBudget(down, "k", kT0, kHour, 5, "too many");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kUnavailable);
}

TEST(InProcessHitCounter, StaysBoundedUnderAFloodOfKeys) {
  InProcessHitCounter counter(/*max_keys=*/4);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(counter.Hit("k" + std::to_string(i), kT0, kHour).ok());
  // Beyond the bound everything was forgotten at least once: k9 is in a fresh map.
  EXPECT_EQ(counter.Hit("k9", kT0, kHour)->hits, 2);
  EXPECT_EQ(counter.Hit("k0", kT0, kHour)->hits, 1);
}

}  // namespace
}  // namespace gh::auth
