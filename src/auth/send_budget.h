// auth::HitCounter and auth::SpendBudget: the hourly caps on what a flow sends
// (text messages per number and in all, mails per address) and the resend
// cooldowns. A rule is "at most `budget` hits per key in a window that opens
// at the key's first hit and lasts `window_ms`"; SpendBudget writes that rule
// once for every flow, and the counter behind it decides where hits are
// counted:
// - InProcessHitCounter: in this process (the SQLite default: one instance);
// - a store-backed counter (app::StoreHitCounter) when several instances share
//   one PostgreSQL database, so that N instances do not give N budgets.
//
// Implementations must be thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "core/error.h"
#include "store/store.h"

namespace gh::auth {

class HitCounter {
 public:
  // The hits of the key's current window (this one included) and its end.
  using Window = store::CounterWindow;
  virtual ~HitCounter() = default;
  // Counts one hit on `key` at `now`. Errors: the counter's own (a store
  // counter answers service-unavailable while its database is down).
  virtual core::Result<Window> Hit(std::string_view key, core::UnixMillis now,
                                   int64_t window_ms) = 0;
};

// Counts one hit on `key`; beyond `budget` in the window answers
// Error{too-many-requests, `message`} with the seconds until the window ends.
// `budget` <= 0 means no limit (nothing is counted). When the counter fails
// the send is refused with its error: a budget that cannot be checked must
// not turn into an unlimited one (each message costs money or lands in
// someone's mailbox), and the flow could not store its code either.
core::Result<void> SpendBudget(HitCounter& counter, std::string_view key, core::UnixMillis now,
                               int64_t window_ms, int budget, const std::string& message);

// Counts in this process. Memory is bounded: beyond `max_keys` the keys whose
// window has ended are forgotten, and if that is not enough, all of them (at
// worst a fresh window for each).
class InProcessHitCounter final : public HitCounter {
 public:
  explicit InProcessHitCounter(size_t max_keys = 100'000) : max_keys_(max_keys) {}
  InProcessHitCounter(const InProcessHitCounter&) = delete;
  InProcessHitCounter& operator=(const InProcessHitCounter&) = delete;

  core::Result<Window> Hit(std::string_view key, core::UnixMillis now, int64_t window_ms) override;

 private:
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;
  size_t max_keys_;
};

}  // namespace gh::auth
