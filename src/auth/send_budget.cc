#include "auth/send_budget.h"

#include <algorithm>

namespace gh::auth {

core::Result<void> SpendBudget(HitCounter& counter, std::string_view key, core::UnixMillis now,
                               int64_t window_ms, int budget, const std::string& message) {
  if (budget <= 0) return core::Ok();
  auto window = counter.Hit(key, now, window_ms);
  if (!window.ok()) return window.error();
  if (window->hits <= budget) return core::Ok();
  const int wait = static_cast<int>((window->ends_at - now + 999) / 1000);
  return core::Error(core::errc::kTooManyRequests, message, std::max(wait, 1));
}

core::Result<HitCounter::Window> InProcessHitCounter::Hit(std::string_view key,
                                                          core::UnixMillis now, int64_t window_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (windows_.size() >= max_keys_) {
    std::erase_if(windows_, [now](const auto& kv) { return kv.second.ends_at <= now; });
    if (windows_.size() >= max_keys_) windows_.clear();
  }
  Window& w = windows_[std::string(key)];
  if (w.ends_at <= now) w = Window{0, now + window_ms};  // new, or its window ended
  ++w.hits;
  return w;
}

}  // namespace gh::auth
