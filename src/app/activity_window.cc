#include "app/activity_window.h"

#include <algorithm>
#include <chrono>

namespace gh::app {
namespace {

constexpr int64_t kMinuteMs = 60'000;

core::UnixMillis WallNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t& Field(core::ActivityCounts& c, ActivityWindow::What what) {
  switch (what) {
    case ActivityWindow::What::kSignIn:
      return c.sign_ins;
    case ActivityWindow::What::kSignUp:
      return c.sign_ups;
    case ActivityWindow::What::kRefresh:
      return c.refreshes;
    case ActivityWindow::What::kFailure:
      return c.failures;
    case ActivityWindow::What::kRateLimited:
      break;
  }
  return c.rate_limited;
}

}  // namespace

void ActivityWindow::Add(What what) { AddAt(what, WallNow()); }

void ActivityWindow::AddAt(What what, core::UnixMillis now_ms) {
  const int64_t minute = now_ms / kMinuteMs;
  std::lock_guard<std::mutex> lock(mu_);
  Slot& slot = ring_[static_cast<size_t>(minute % core::kActivityMinutes)];
  if (slot.minute != minute) slot = Slot{minute, {}};
  ++Field(slot.counts, what);
  ++Field(totals_, what);
}

std::vector<core::ActivityMinute> ActivityWindow::LastMinutes(int count) const {
  return LastMinutesAt(count, WallNow());
}

std::vector<core::ActivityMinute> ActivityWindow::LastMinutesAt(int count,
                                                                core::UnixMillis now_ms) const {
  count = std::clamp(count, 0, core::kActivityMinutes);
  const int64_t current = now_ms / kMinuteMs;
  std::vector<core::ActivityMinute> out;
  out.reserve(static_cast<size_t>(count));
  std::lock_guard<std::mutex> lock(mu_);
  for (int64_t m = current - count + 1; m <= current; ++m) {
    core::ActivityMinute minute{m * kMinuteMs, {}};
    // A slot still holding an older minute than asked for counts as empty.
    const Slot& slot = ring_[static_cast<size_t>(m % core::kActivityMinutes)];
    if (slot.minute == m) minute.counts = slot.counts;
    out.push_back(minute);
  }
  return out;
}

core::ActivityCounts ActivityWindow::Totals() const {
  std::lock_guard<std::mutex> lock(mu_);
  return totals_;
}

}  // namespace gh::app
