// core::TaskQueue: the seam through which a flow runs work after its caller has
// answered, so that what the work costs (store reads, mail rendering, an SMTP
// round trip) never shows in the answer's timing. Password reset and resend
// verification answer alike for known and unknown addresses this way.
//
// ThreadTaskQueue runs tasks on a few threads of its own, holding at most
// `queue_limit` waiting tasks; InlineTaskQueue runs each task at once on the
// caller's thread (tests, command-line tools).
//
// Implementations are safe to call from many threads at once. Non-copyable.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace gh::core {

class TaskQueue {
 public:
  virtual ~TaskQueue() = default;
  // Queues `task`. Returns false, and runs nothing, when the queue is full or
  // stopping. A task must not throw.
  virtual bool Post(std::function<void()> task) = 0;
};

class InlineTaskQueue final : public TaskQueue {
 public:
  bool Post(std::function<void()> task) override {
    task();
    return true;
  }
};

class ThreadTaskQueue final : public TaskQueue {
 public:
  // REQUIRES: threads >= 1, queue_limit >= 1.
  ThreadTaskQueue(int threads, size_t queue_limit);
  // Stop().
  ~ThreadTaskQueue() override;
  ThreadTaskQueue(const ThreadTaskQueue&) = delete;
  ThreadTaskQueue& operator=(const ThreadTaskQueue&) = delete;

  bool Post(std::function<void()> task) override;
  // Refuses new tasks, runs the ones already queued, and joins the threads.
  // Idempotent.
  void Stop();
  // Tasks waiting or running. For tests and metrics.
  size_t pending() const;

 private:
  void Loop();

  const size_t queue_limit_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace gh::core
