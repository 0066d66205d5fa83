// http::WorkerPool: a fixed set of threads draining one bounded FIFO of tasks.
//
// The server runs route handlers here so that socket (io) threads never block.
// The queue is bounded on purpose: when it is full TryPost() refuses the task at
// once, and the caller answers 429/503 with Retry-After instead of letting work
// pile up without limit (docs/architecture.md, "Threads and lanes").
//
// Thread-safe. Non-copyable. Destruction calls Shutdown().
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace gh::http {

class WorkerPool {
 public:
  // Starts `threads` threads (at least one). At most `queue_limit` tasks wait
  // in the queue at a time; tasks already running do not count. `name` is used
  // for thread names and log lines.
  // `nice` > 0 lowers the threads' CPU priority (Linux per-thread nice), so
  // CPU-bound work here yields to the other pools when cores are saturated.
  WorkerPool(int threads, size_t queue_limit, std::string name, int nice = 0);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`. Returns false, and does not run it, when the queue already
  // holds `queue_limit` tasks or the pool is shut down. A task that throws is
  // logged and does not take its thread down.
  bool TryPost(std::function<void()> task);

  // Stops accepting tasks, lets running tasks finish, drops tasks still queued
  // (destroying them, which releases whatever they captured) and joins the
  // threads. Idempotent.
  void Shutdown();

  // Tasks waiting (not running). For tests and metrics.
  size_t queued() const;
  size_t queue_limit() const { return queue_limit_; }
  int threads() const { return static_cast<int>(threads_.size()); }

 private:
  void Loop();

  const size_t queue_limit_;
  const std::string name_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;         // written only by the constructor
  std::once_flag joined_;
};

}  // namespace gh::http
