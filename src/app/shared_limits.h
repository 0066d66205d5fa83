// The limits several instances on one PostgreSQL database must count together
// (an attacker alternating between N instances must not get N budgets), over
// store::Counters. Keys are stored as their SHA-256, never as the number,
// address or IP they name. Each hit is one statement (one round trip).
//
// - app::StoreHitCounter (auth::HitCounter): the sending budgets (SMS per
//   number and in all, mails per address, the mail cooldown);
// - app::StoreRateLimit (http::SharedRateLimit): the per-IP budgets of the
//   route classes that do database or provider work anyway (sign-in, codes,
//   sending, identity providers, anonymous sign-up). Token refresh, verify,
//   reading the user and the plain routes keep in-process buckets: they are
//   the hot path, and a round trip per refresh would cost more than sharing
//   their generous budgets is worth.
// Per-account guess limits (auth::AttemptLimiter) still count in process.
// With SQLite (one instance) everything counts in process. What each does
// when the store fails is its interface's rule: a send is refused
// (auth::SpendBudget), a per-IP count falls back to the local bucket
// (http::Pipeline).
//
// Thread-safe (the store is).
#pragma once

#include <memory>

#include "auth/send_budget.h"
#include "config/config.h"
#include "core/clock.h"
#include "http/rate_limit.h"
#include "store/store.h"

namespace gh::app {

class StoreHitCounter final : public auth::HitCounter {
 public:
  // REQUIRES: `counters` outlives this.
  explicit StoreHitCounter(store::Counters& counters) : counters_(counters) {}
  core::Result<Window> Hit(std::string_view key, core::UnixMillis now, int64_t window_ms) override;

 private:
  store::Counters& counters_;
};

class StoreRateLimit final : public http::SharedRateLimit {
 public:
  // REQUIRES: `counters` and `clock` (wall time: every instance must agree) outlive this.
  StoreRateLimit(store::Counters& counters, const core::Clock& clock)
      : counters_(counters), clock_(clock) {}
  std::optional<http::RateLimiter::Decision> Take(std::string_view key, double per_minute,
                                                  int burst) override;

 private:
  store::Counters& counters_;
  const core::Clock& clock_;
};

// The shared per-IP limit for ServerOptions::shared_rate_limit: the store's on
// PostgreSQL, else null (every route counts in process).
std::shared_ptr<http::SharedRateLimit> SharedRateLimitFor(const config::Config& config,
                                                          store::Store& store,
                                                          const core::Clock& clock);

// The counter the sending budgets use: the store's when the database is
// PostgreSQL (the one kind several instances share), else null (each flow
// keeps its in-process counter, as one SQLite instance needs).
std::unique_ptr<auth::HitCounter> SendCounterFor(const config::Config& config, store::Store& store);

}  // namespace gh::app
