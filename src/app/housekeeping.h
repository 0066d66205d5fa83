// app::Housekeeper: a background thread that, once an hour, deletes what has
// outlived its use: expired or revoked sessions, spent one-time codes, personal
// access tokens a week after they expired, and (when
// anonymous_prune_after_days is set) anonymous users who never converted.
//
// Safe with many instances on one database: each step is an idempotent delete.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "auth/anonymous.h"
#include "config/config.h"
#include "core/clock.h"
#include "store/store.h"

namespace gh::app {

class Housekeeper {
 public:
  Housekeeper(store::Store& store, const core::Clock& clock, const config::Config& config,
              auth::AnonymousFlow& anonymous);
  ~Housekeeper();  // stops the thread
  Housekeeper(const Housekeeper&) = delete;
  Housekeeper& operator=(const Housekeeper&) = delete;

  void Start();
  void Stop();
  // One round, now (also what the thread does each hour).
  void RunOnce();

 private:
  store::Store& store_;
  const core::Clock& clock_;
  const config::Config& config_;
  auth::AnonymousFlow& anonymous_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace gh::app
