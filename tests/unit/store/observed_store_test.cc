// store::ObservedStore: every event appended to its audit log reaches the
// observer and is kept; a noticed one reaches the observer and is not kept;
// everything else is the wrapped store's.
#include "store/observed_store.h"

#include <mutex>
#include <vector>

#include <gtest/gtest.h>

#include "store_test_util.h"

namespace gh::store::testing {
namespace {

class Recorder final : public core::EventObserver {
 public:
  void OnEvent(const core::AuditEvent& e, bool kept) override {
    std::lock_guard<std::mutex> lock(mu_);
    seen.emplace_back(e.type, kept);
  }
  std::mutex mu_;
  std::vector<std::pair<std::string, bool>> seen;
};

class ObservedStoreTest : public StoreTest {};

TEST_P(ObservedStoreTest, AppendedEventsAreKeptAndSeenNoticedOnesOnlySeen) {
  Recorder recorder;
  ObservedStore observed(*store_, recorder);
  ASSERT_TRUE(observed.users().Create(MakeUser("u1", "a@example.com")).ok());

  core::AuditEvent signin;
  signin.at = kT0;
  signin.type = "signin";
  signin.user_id = "u1";
  ASSERT_TRUE(observed.audit().Append(signin).ok());
  core::AuditEvent refresh = signin;
  refresh.type = "token-refresh";
  observed.audit().Notice(refresh);

  ASSERT_EQ(recorder.seen.size(), 2u);
  EXPECT_EQ(recorder.seen[0], std::make_pair(std::string("signin"), true));
  EXPECT_EQ(recorder.seen[1], std::make_pair(std::string("token-refresh"), false));

  // Through the wrapped store itself: only the appended one was written.
  auto kept = store_->audit().ListForUser("u1", 10);
  ASSERT_TRUE(kept.ok());
  ASSERT_EQ(kept->size(), 1u);
  EXPECT_EQ((*kept)[0].type, "signin");
  // The rest is the wrapped store's.
  auto user = observed.users().FindById("u1");
  ASSERT_TRUE(user.ok());
  EXPECT_TRUE(user->has_value());
  EXPECT_TRUE(observed.Ping().ok());
}

GH_STORE_BACKENDS(ObservedStoreTest);

}  // namespace
}  // namespace gh::store::testing
