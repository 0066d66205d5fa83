#include "http/worker_pool.h"

#include <sys/resource.h>
#include <unistd.h>

#include <pthread.h>

#include <exception>
#include <utility>

#include <spdlog/spdlog.h>

#include "core/text.h"

namespace gh::http {

WorkerPool::WorkerPool(int threads, size_t queue_limit, std::string name, int nice)
    : queue_limit_(queue_limit), name_(std::move(name)) {
  if (threads < 1) threads = 1;
  threads_.reserve(threads);
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this, nice] {
      // On Linux a thread's nice value is its own (setpriority on its tid).
      if (nice > 0) (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), nice);
      Loop();
    });
    // Thread names make `top -H` and debugger sessions readable; Linux caps
    // them at 15 characters.
    std::string thread_name = name_.substr(0, 15);
    pthread_setname_np(threads_.back().native_handle(), thread_name.c_str());
  }
}

WorkerPool::~WorkerPool() { Shutdown(); }

bool WorkerPool::TryPost(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || queue_.size() >= queue_limit_) return false;
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
  return true;
}

void WorkerPool::Shutdown() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    dropped.swap(queue_);
  }
  cv_.notify_all();
  // Destroy dropped tasks outside the lock: their captures may run arbitrary
  // destructors (a connection closing its socket, for one).
  dropped.clear();
  // call_once also makes a concurrent second caller wait until the join is done.
  std::call_once(joined_, [this] {
    for (std::thread& t : threads_) {
      // A task that shuts its own pool down must not join itself.
      if (t.get_id() == std::this_thread::get_id()) {
        t.detach();
      } else if (t.joinable()) {
        t.join();
      }
    }
  });
}

size_t WorkerPool::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

void WorkerPool::Loop() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      task();
    } catch (const std::exception& e) {
      spdlog::error("{}: task threw: {}", name_, core::EscapeForLog(e.what()));
    } catch (...) {
      spdlog::error("{}: task threw a non-standard exception", name_);
    }
  }
}

}  // namespace gh::http
