// core::ActivityFigures: what the server did lately, minute by minute (sign-ins,
// sign-ups, refreshes, failures, rate-limit refusals), for the operators'
// console (GET /auth/v1/admin/stats). app::Metrics implements it from the
// events and refusals it already counts; the admin API reads it through this
// seam without knowing of Prometheus.
//
// Thread-safe: implementations are read from any pool thread while being
// written from others.
#pragma once

#include <cstdint>
#include <vector>

#include "core/types.h"

namespace gh::core {

struct ActivityCounts {
  int64_t sign_ins = 0;
  int64_t sign_ups = 0;
  int64_t refreshes = 0;
  // Refused sign-in attempts and refused refresh tokens.
  int64_t failures = 0;
  // Requests refused by their per-client-IP budget (429).
  int64_t rate_limited = 0;
};

struct ActivityMinute {
  UnixMillis start = 0;  // the minute's first millisecond (wall clock)
  ActivityCounts counts;
};

class ActivityFigures {
 public:
  virtual ~ActivityFigures() = default;
  // The last `count` whole or current minutes, oldest first, the current one
  // last; a minute nothing happened in has zero counts. At most kActivityMinutes.
  virtual std::vector<ActivityMinute> LastMinutes(int count) const = 0;
  // Running totals since the process started.
  virtual ActivityCounts Totals() const = 0;
};

// How many minutes an implementation keeps.
inline constexpr int kActivityMinutes = 30;

}  // namespace gh::core
