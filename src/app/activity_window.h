// app::ActivityWindow: per-minute counts of the last core::kActivityMinutes
// minutes and running totals, behind core::ActivityFigures. app::Metrics
// feeds it from the audit events and rate-limit refusals it counts.
//
// A ring of minutes under one mutex: an add is a lock, a compare and an
// increment, cheap next to the request it counts (a console reading it every
// ten seconds never contends for long). The wall clock decides the minute.
//
// Thread-safe: every method may be called from any thread.
#pragma once

#include <array>
#include <mutex>

#include "core/activity.h"

namespace gh::app {

class ActivityWindow final : public core::ActivityFigures {
 public:
  enum class What { kSignIn, kSignUp, kRefresh, kFailure, kRateLimited };
  void Add(What what);
  // The same at `now_ms` (tests).
  void AddAt(What what, core::UnixMillis now_ms);

  std::vector<core::ActivityMinute> LastMinutes(int count) const override;
  std::vector<core::ActivityMinute> LastMinutesAt(int count, core::UnixMillis now_ms) const;
  core::ActivityCounts Totals() const override;

 private:
  struct Slot {
    int64_t minute = -1;  // minutes since the epoch this slot holds, -1 = none yet
    core::ActivityCounts counts;
  };
  mutable std::mutex mu_;
  std::array<Slot, core::kActivityMinutes> ring_{};  // guarded by mu_
  core::ActivityCounts totals_;                      // guarded by mu_
};

}  // namespace gh::app
