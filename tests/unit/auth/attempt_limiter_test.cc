#include "auth/attempt_limiter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gh::auth {
namespace {

AttemptPolicy Policy(int per_hour, int free, int max_backoff) {
  AttemptPolicy p;
  p.max_failures_per_hour = per_hour;
  p.free_failures = free;
  p.max_backoff_seconds = max_backoff;
  return p;
}

int RetryAfter(const core::Result<void>& r) {
  EXPECT_FALSE(r.ok());
  if (r.ok()) return 0;
  EXPECT_EQ(r.error().code, core::errc::kTooManyRequests);
  return r.error().retry_after_seconds;
}

TEST(AttemptLimiterTest, FreeFailuresThenDoublingBackoffUpToTheCap) {
  core::ManualClock clock;
  InProcessAttemptLimiter l(clock, Policy(0, 3, 8));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(l.Begin("k").ok()) << i;
  // The 4th is still checked, and closes the key for 1 s.
  EXPECT_TRUE(l.Begin("k").ok());
  EXPECT_EQ(RetryAfter(l.Begin("k")), 1);
  clock.Set(clock.NowMillis() + 1000);
  EXPECT_TRUE(l.Begin("k").ok());  // 5th: 2 s
  EXPECT_EQ(RetryAfter(l.Begin("k")), 2);
  clock.AdvanceSeconds(2);
  EXPECT_TRUE(l.Begin("k").ok());  // 6th: 4 s
  EXPECT_EQ(RetryAfter(l.Begin("k")), 4);
  clock.AdvanceSeconds(4);
  EXPECT_TRUE(l.Begin("k").ok());  // 7th: 8 s, the cap
  EXPECT_EQ(RetryAfter(l.Begin("k")), 8);
  clock.AdvanceSeconds(8);
  EXPECT_TRUE(l.Begin("k").ok());  // 8th: still 8 s
  EXPECT_EQ(RetryAfter(l.Begin("k")), 8);
  clock.AdvanceSeconds(3);
  EXPECT_EQ(RetryAfter(l.Begin("k")), 5);  // refusals do not extend it
  // Other keys are not affected.
  EXPECT_TRUE(l.Begin("other").ok());
}

TEST(AttemptLimiterTest, TheOwnerGetsInAfterTheBackoffAndSuccessResetsIt) {
  core::ManualClock clock;
  InProcessAttemptLimiter l(clock, Policy(0, 2, 60));
  for (int i = 0; i < 12; ++i) {
    (void)l.Begin("k");
    clock.AdvanceSeconds(60);  // a patient storm: one guess per back-off
  }
  ASSERT_TRUE(l.Begin("k").ok());  // the stranger's next guess
  int wait = RetryAfter(l.Begin("k"));
  EXPECT_LE(wait, 60);  // bounded however long the storm went on
  clock.AdvanceSeconds(wait);
  ASSERT_TRUE(l.Begin("k").ok());  // the owner's attempt
  l.Succeeded("k");
  EXPECT_TRUE(l.Begin("k").ok());  // back-off reset: a typo right after is free
  l.Succeeded("k");
}

// Drives one key for `seconds` seconds, a guess in every second where
// `guess(s)` is true; checks that no 3600-second window admits more than 100.
template <typename Pattern>
int AdmittedWithinCap(Pattern guess, int seconds) {
  core::ManualClock clock;
  // No back-off at all: only the hourly cap limits.
  InProcessAttemptLimiter l(clock, Policy(100, 1'000'000, 0));
  std::vector<int> admitted_at(seconds, 0);
  int admitted = 0;
  for (int s = 0; s < seconds; ++s) {
    if (guess(s) && l.Begin("k").ok()) {
      admitted_at[s] = 1;
      ++admitted;
    }
    clock.AdvanceSeconds(1);
  }
  int window = 0;
  for (int s = 0; s < seconds; ++s) {
    window += admitted_at[s];
    if (s >= 3600) window -= admitted_at[s - 3600];
    EXPECT_LE(window, 100) << "in the hour ending at second " << s;
    if (window > 100) break;
  }
  return admitted;
}

TEST(AttemptLimiterTest, AtMostTheHourlyCapOfFailuresInAnyHour) {
  // A steady guess a second for three hours (from "many IPs": the limiter
  // never sees them).
  int steady = AdmittedWithinCap([](int) { return true; }, 3 * 3600);
  EXPECT_GE(steady, 250);  // it keeps admitting as the hour slides
  // Bursts at the end of each bucket, the pattern an estimate would undercount.
  int late = AdmittedWithinCap([](int s) { return s % 600 >= 570; }, 3 * 3600);
  EXPECT_GE(late, 150);
}

TEST(AttemptLimiterTest, HourlyCapRefusalSaysWhenToComeBack) {
  core::ManualClock clock;
  InProcessAttemptLimiter l(clock, Policy(10, 1'000'000, 0));
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(l.Begin("k").ok());
  int wait = RetryAfter(l.Begin("k"));
  EXPECT_GT(wait, 0);
  EXPECT_LE(wait, 4200);  // seven ten-minute buckets: at most 70 minutes
  clock.AdvanceSeconds(wait);
  EXPECT_TRUE(l.Begin("k").ok());
}

TEST(AttemptLimiterTest, SuccessTakesBackItsCharge) {
  core::ManualClock clock;
  InProcessAttemptLimiter l(clock, Policy(3, 1'000'000, 0));
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(l.Begin("k").ok()) << i;
    l.Succeeded("k");
  }
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(l.Begin("k").ok());
  EXPECT_FALSE(l.Begin("k").ok());
}

TEST(AttemptLimiterTest, ConcurrentGuessesAreCountedBeforeTheyAreChecked) {
  core::ManualClock clock;
  InProcessAttemptLimiter l(clock, Policy(0, 5, 60));
  int admitted = 0;
  // Twenty requests arrive before any answer: only the free ones and the one
  // that opens the back-off pass.
  for (int i = 0; i < 20; ++i) admitted += l.Begin("k").ok() ? 1 : 0;
  EXPECT_EQ(admitted, 6);
}

TEST(AttemptLimiterTest, AQuietSpellStartsTheBackoffAgain) {
  core::ManualClock clock;
  AttemptPolicy p = Policy(0, 2, 60);
  p.quiet_reset_seconds = 600;
  InProcessAttemptLimiter l(clock, p);
  for (int i = 0; i < 3; ++i) (void)l.Begin("k");
  clock.AdvanceSeconds(600);
  EXPECT_TRUE(l.Begin("k").ok());
  EXPECT_TRUE(l.Begin("k").ok());  // two free ones again
}

TEST(AttemptLimiterTest, MemoryStaysBounded) {
  core::ManualClock clock;
  InProcessAttemptLimiter l(clock, Policy(100, 5, 60), /*max_keys=*/1600);
  for (int i = 0; i < 100'000; ++i) (void)l.Begin("key-" + std::to_string(i));
  EXPECT_LE(l.size(), 1600u);
  // Idle entries go at the next sweep.
  clock.AdvanceSeconds(3 * 3600);
  (void)l.Begin("fresh");
  for (int i = 0; i < 1000; ++i) (void)l.Begin("again-" + std::to_string(i));
  EXPECT_LE(l.size(), 1001u);
}

TEST(AttemptLimiterTest, NoLimitAdmitsEverything) {
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(NoAttemptLimit::Instance().Begin("k").ok());
}

}  // namespace
}  // namespace gh::auth
