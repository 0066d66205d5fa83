// app::ActivityWindow: counts land in their wall-clock minute, the window
// slides (a minute older than the window reads as empty even though its ring
// slot was never reused), and totals keep everything.
#include "app/activity_window.h"

#include <gtest/gtest.h>

namespace gh::app {
namespace {

constexpr int64_t kMinute = 60'000;
using What = ActivityWindow::What;

TEST(ActivityWindow, CountsPerMinuteOldestFirst) {
  ActivityWindow w;
  const int64_t t0 = 1'000'000 * kMinute + 5'000;
  w.AddAt(What::kSignIn, t0);
  w.AddAt(What::kSignIn, t0 + 1'000);
  w.AddAt(What::kFailure, t0 + kMinute);
  w.AddAt(What::kRateLimited, t0 + 2 * kMinute);
  w.AddAt(What::kSignUp, t0 + 2 * kMinute);
  auto m = w.LastMinutesAt(3, t0 + 2 * kMinute + 10);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].start, t0 - 5'000);
  EXPECT_EQ(m[0].counts.sign_ins, 2);
  EXPECT_EQ(m[1].counts.failures, 1);
  EXPECT_EQ(m[2].counts.rate_limited, 1);
  EXPECT_EQ(m[2].counts.sign_ups, 1);
  EXPECT_EQ(w.Totals().sign_ins, 2);
  EXPECT_EQ(w.Totals().refreshes, 0);
}

TEST(ActivityWindow, OldMinutesFallOutOfTheWindow) {
  ActivityWindow w;
  const int64_t t0 = 2'000'000 * kMinute;
  w.AddAt(What::kRefresh, t0);
  // Exactly one ring length later: the same slot, another minute.
  auto later = w.LastMinutesAt(core::kActivityMinutes, t0 + core::kActivityMinutes * kMinute);
  ASSERT_EQ(later.size(), static_cast<size_t>(core::kActivityMinutes));
  for (const auto& minute : later) EXPECT_EQ(minute.counts.refreshes, 0);
  w.AddAt(What::kRefresh, t0 + core::kActivityMinutes * kMinute);
  auto now = w.LastMinutesAt(1, t0 + core::kActivityMinutes * kMinute);
  EXPECT_EQ(now.back().counts.refreshes, 1);  // the slot was reset, not added to
  EXPECT_EQ(w.Totals().refreshes, 2);
  EXPECT_EQ(w.LastMinutesAt(99, t0).size(), static_cast<size_t>(core::kActivityMinutes));
}

}  // namespace
}  // namespace gh::app
