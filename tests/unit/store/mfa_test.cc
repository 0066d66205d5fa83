#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store_test_util.h"

namespace gh::store::testing {
namespace {

constexpr int64_t kWindow = 15 * 60 * 1000;

class MfaStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_TRUE(store_->users().Create(MakeUser("u1", "a@example.com")).ok());
    ASSERT_TRUE(store_->users().Create(MakeUser("u2", "b@example.com")).ok());
  }
};

TEST_P(MfaStoreTest, TotpStepIsAcceptedOncePerUser) {
  EXPECT_TRUE(store_->mfa().MarkTotpStepUsed("u1", 100, kT0).value());
  EXPECT_FALSE(store_->mfa().MarkTotpStepUsed("u1", 100, kT0 + 1).value());
  EXPECT_TRUE(store_->mfa().MarkTotpStepUsed("u1", 101, kT0).value());
  EXPECT_TRUE(store_->mfa().MarkTotpStepUsed("u2", 100, kT0).value());
}

TEST_P(MfaStoreTest, ConcurrentMarksOfOneStepHaveOneWinner) {
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto r = store_->mfa().MarkTotpStepUsed("u1", 7, kT0);
      if (r.ok() && *r) ++winners;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(winners.load(), 1);
}

TEST_P(MfaStoreTest, RecoveryCodesAreSingleUseAndReplaceable) {
  ASSERT_TRUE(store_->mfa().ReplaceRecoveryCodes("u1", {"h1", "h2", "h3"}, kT0).ok());
  EXPECT_EQ(store_->mfa().CountRecoveryCodes("u1").value(), 3);
  EXPECT_EQ(store_->mfa().CountRecoveryCodes("u2").value(), 0);
  EXPECT_FALSE(store_->mfa().UseRecoveryCode("u2", "h1", kT0).value());  // bound to the user
  EXPECT_TRUE(store_->mfa().UseRecoveryCode("u1", "h1", kT0).value());
  EXPECT_FALSE(store_->mfa().UseRecoveryCode("u1", "h1", kT0).value());
  EXPECT_FALSE(store_->mfa().UseRecoveryCode("u1", "nope", kT0).value());
  EXPECT_EQ(store_->mfa().CountRecoveryCodes("u1").value(), 2);

  ASSERT_TRUE(store_->mfa().ReplaceRecoveryCodes("u1", {"h4", "h5"}, kT0 + 1).ok());
  EXPECT_FALSE(store_->mfa().UseRecoveryCode("u1", "h2", kT0).value());
  EXPECT_EQ(store_->mfa().CountRecoveryCodes("u1").value(), 2);
  ASSERT_TRUE(store_->mfa().ReplaceRecoveryCodes("u1", {}, kT0 + 2).ok());
  EXPECT_EQ(store_->mfa().CountRecoveryCodes("u1").value(), 0);
}

TEST_P(MfaStoreTest, FailuresCountWithinAWindowAndReset) {
  EXPECT_EQ(store_->mfa().RecentFailures("u1", kT0, kWindow).value(), 0);
  EXPECT_EQ(store_->mfa().RecordFailure("u1", kT0, kWindow).value(), 1);
  EXPECT_EQ(store_->mfa().RecordFailure("u1", kT0 + 1000, kWindow).value(), 2);
  EXPECT_EQ(store_->mfa().RecordFailure("u2", kT0 + 1000, kWindow).value(), 1);
  EXPECT_EQ(store_->mfa().RecentFailures("u1", kT0 + 2000, kWindow).value(), 2);
  // The window started at kT0: once it has passed, counting starts afresh.
  EXPECT_EQ(store_->mfa().RecentFailures("u1", kT0 + kWindow, kWindow).value(), 0);
  EXPECT_EQ(store_->mfa().RecordFailure("u1", kT0 + kWindow, kWindow).value(), 1);
  ASSERT_TRUE(store_->mfa().ClearFailures("u1").ok());
  EXPECT_EQ(store_->mfa().RecentFailures("u1", kT0 + kWindow, kWindow).value(), 0);
}

TEST_P(MfaStoreTest, PurgeForgetsOldStepsAndDeleteCascades) {
  ASSERT_TRUE(store_->mfa().MarkTotpStepUsed("u1", 1, kT0).value());
  ASSERT_TRUE(store_->mfa().MarkTotpStepUsed("u1", 2, kT0 + 100).value());
  EXPECT_EQ(store_->mfa().Purge(kT0 + 50).value(), 1);
  EXPECT_TRUE(store_->mfa().MarkTotpStepUsed("u1", 1, kT0 + 200).value());

  ASSERT_TRUE(store_->mfa().ReplaceRecoveryCodes("u2", {"h1"}, kT0).ok());
  ASSERT_TRUE(store_->mfa().RecordFailure("u2", kT0, kWindow).ok());
  ASSERT_TRUE(store_->users().Delete("u2").ok());
  EXPECT_EQ(store_->mfa().CountRecoveryCodes("u2").value(), 0);
  EXPECT_EQ(store_->mfa().RecentFailures("u2", kT0, kWindow).value(), 0);
}

GH_STORE_BACKENDS(MfaStoreTest);

}  // namespace
}  // namespace gh::store::testing
