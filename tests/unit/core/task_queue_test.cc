#include "core/task_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace gh::core {
namespace {

TEST(TaskQueueTest, InlineRunsAtOnce) {
  InlineTaskQueue q;
  int ran = 0;
  EXPECT_TRUE(q.Post([&] { ++ran; }));
  EXPECT_EQ(ran, 1);
}

TEST(TaskQueueTest, ThreadQueueRunsEveryTaskAndStopFinishesTheQueued) {
  std::atomic<int> ran{0};
  ThreadTaskQueue q(2, 100);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(q.Post([&] { ++ran; }));
  q.Stop();
  EXPECT_EQ(ran.load(), 50);
  EXPECT_FALSE(q.Post([&] { ++ran; }));  // stopped: refused, not run
  EXPECT_EQ(ran.load(), 50);
  q.Stop();  // idempotent
}

TEST(TaskQueueTest, ThreadQueueRefusesBeyondItsLimit) {
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  ThreadTaskQueue q(1, 2);
  ASSERT_TRUE(q.Post([&] {
    started.set_value();
    gate.wait();
  }));
  started.get_future().wait();  // the one thread is busy; the queue is empty
  EXPECT_TRUE(q.Post([gate] { gate.wait(); }));
  EXPECT_TRUE(q.Post([gate] { gate.wait(); }));
  EXPECT_FALSE(q.Post([] {}));  // two waiting: full
  EXPECT_EQ(q.pending(), 3u);
  release.set_value();
  q.Stop();
  EXPECT_EQ(q.pending(), 0u);
}

}  // namespace
}  // namespace gh::core
