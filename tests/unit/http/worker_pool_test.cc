#include "http/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

namespace gh::http {
namespace {

using namespace std::chrono_literals;

// Spins (bounded) until pred() holds.
template <typename Pred>
bool WaitFor(Pred pred, std::chrono::milliseconds limit = 5000ms) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST(WorkerPoolTest, RunsTasks) {
  WorkerPool pool(3, 100, "test");
  std::atomic<int> done{0};
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(pool.TryPost([&] { done++; }));
  EXPECT_TRUE(WaitFor([&] { return done == 50; }));
}

TEST(WorkerPoolTest, BoundedQueueRefusesWhenFull) {
  WorkerPool pool(1, 2, "test");
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::atomic<bool> started{false};
  std::atomic<int> ran{0};

  ASSERT_TRUE(pool.TryPost([&] {
    started = true;
    gate.wait_for(10s);
    ran++;
  }));
  ASSERT_TRUE(WaitFor([&] { return started.load(); }));
  // The running task does not count; two may wait.
  EXPECT_TRUE(pool.TryPost([&] { ran++; }));
  EXPECT_TRUE(pool.TryPost([&] { ran++; }));
  EXPECT_EQ(pool.queued(), 2u);
  EXPECT_FALSE(pool.TryPost([&] { ran++; }));

  release.set_value();
  EXPECT_TRUE(WaitFor([&] { return ran == 3; }));
  EXPECT_TRUE(pool.TryPost([&] { ran++; }));
  EXPECT_TRUE(WaitFor([&] { return ran == 4; }));
}

TEST(WorkerPoolTest, ThrowingTaskKeepsThreadAlive) {
  WorkerPool pool(1, 10, "test");
  std::atomic<bool> after{false};
  ASSERT_TRUE(pool.TryPost([] { throw std::runtime_error("boom"); }));
  ASSERT_TRUE(pool.TryPost([&] { after = true; }));
  EXPECT_TRUE(WaitFor([&] { return after.load(); }));
}

TEST(WorkerPoolTest, ShutdownDropsQueuedTasksAndRefusesNewOnes) {
  auto pool = std::make_unique<WorkerPool>(1, 10, "test");
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::atomic<bool> started{false};
  auto token = std::make_shared<int>(0);
  std::weak_ptr<int> watch = token;

  ASSERT_TRUE(pool->TryPost([&] {
    started = true;
    gate.wait_for(10s);
  }));
  ASSERT_TRUE(WaitFor([&] { return started.load(); }));
  ASSERT_TRUE(pool->TryPost([token] {}));
  token.reset();

  std::thread releaser([&] {
    std::this_thread::sleep_for(50ms);
    release.set_value();
  });
  pool->Shutdown();
  releaser.join();
  EXPECT_TRUE(watch.expired());  // the queued task was destroyed, not run later
  EXPECT_FALSE(pool->TryPost([] {}));
  pool->Shutdown();  // idempotent
}

}  // namespace
}  // namespace gh::http
