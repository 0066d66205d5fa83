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
// - app::StoreAttemptLimiter (auth::AttemptLimiter): the per-account guess
//   limit's hourly cap (account_guess_limit_per_hour), counted for all
//   instances; each instance keeps its own back-off in front of it.
// With SQLite (one instance) everything counts in process. What each does
// when the store fails is its interface's rule: a send is refused
// (auth::SpendBudget), a per-IP count falls back to the local bucket
// (http::Pipeline).
//
// Thread-safe (the store is).
#pragma once

#include <memory>

#include "auth/attempt_limiter.h"
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

// The in-process limiter (back-off after a run of failures, and its own hourly
// cap) in front of an hourly cap counted in the store: at most
// `max_failures_per_hour` failed guesses at one key per hour window, however
// many instances the guesses are spread over. Begin counts the attempt in the
// store at once (concurrent guesses cannot all slip in), Succeeded takes it
// back. The window is fixed (it opens at the key's first counted guess), so
// across its edge up to twice the cap may pass in one sliding hour. A count
// that fails leaves the in-process limiter's answer standing (logged).
class StoreAttemptLimiter final : public auth::AttemptLimiter {
 public:
  // REQUIRES: `local`, `counters` and `clock` (wall time) outlive this;
  // max_failures_per_hour > 0.
  StoreAttemptLimiter(auth::AttemptLimiter& local, store::Counters& counters,
                      const core::Clock& clock, int max_failures_per_hour)
      : local_(local), counters_(counters), clock_(clock), max_(max_failures_per_hour) {}
  core::Result<void> Begin(std::string_view key) override;
  void Succeeded(std::string_view key) override;

 private:
  auth::AttemptLimiter& local_;
  store::Counters& counters_;
  const core::Clock& clock_;
  const int max_;
};

// A StoreAttemptLimiter over `local` when the database is PostgreSQL (`local`
// must outlive it), else null: one SQLite instance counts in process.
// REQUIRES: account_guess_limit_per_hour > 0 (no limiter is built otherwise).
std::unique_ptr<auth::AttemptLimiter> SharedAttemptLimiterFor(const config::Config& config,
                                                              store::Store& store,
                                                              const core::Clock& clock,
                                                              auth::AttemptLimiter& local);

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
