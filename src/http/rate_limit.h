// http::RateLimiter: per-key token buckets (key = route pattern + client IP)
// for the per-route rate limits of RouteOptions.
//
// A bucket holds up to `burst` tokens and refills at `per_minute` tokens per
// minute; each request takes one token. Memory stays bounded: a bucket that has
// refilled to full is indistinguishable from a fresh one and is swept away, and
// each shard holds at most `max_keys_per_shard` buckets (under a flood of new
// IPs the least recently used half is evicted, which at worst hands those
// clients a fresh burst).
//
// Thread-safe: keys are spread over independently locked shards so that
// concurrent requests rarely contend. Non-copyable.
//
// http::SharedRateLimit: the same budgets counted where every instance of a
// scale-out sees them (implemented above http, by app/ over the store). The
// Pipeline asks it only for routes marked shared_rate_limit, and only on the
// route's pool thread, never on an io thread (it may wait on a database).
// It counts `burst` requests per window of burst / per_minute minutes: the
// bucket's average rate and burst, in a form one store statement can count.
// Implementations must be thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gh::http {

class RateLimiter {
 public:
  struct Options {
    int shards = 16;
    size_t max_keys_per_shard = 4096;
    int64_t sweep_interval_ms = 60'000;  // how often a shard drops full buckets
    // Monotonic milliseconds. Tests inject a fake; the default reads steady_clock.
    std::function<int64_t()> now_ms;
  };

  struct Decision {
    bool allowed = true;
    int retry_after_seconds = 0;  // > 0 when !allowed: until the next token
  };

  RateLimiter();
  explicit RateLimiter(Options options);
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes one token from the bucket for `key`. `per_minute` <= 0 means no limit
  // (always allowed); `burst` <= 0 means a burst of `per_minute`.
  // Fractions are fine: 0.5 per minute is 30 an hour.
  Decision Take(std::string_view key, double per_minute, int burst);

  // The burst a route's limit means: `burst`, or for `burst` <= 0 a minute's worth
  // (at least 1).
  static int BurstOf(double per_minute, int burst);

  // Buckets currently held, over all shards. For tests and metrics.
  size_t size() const;

 private:
  struct Bucket {
    double tokens = 0;
    int64_t last_ms = 0;  // when `tokens` was last brought up to date
    double per_minute = 0;
    int burst = 0;
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Bucket> buckets;
    int64_t last_sweep_ms = 0;
  };

  static double Refilled(const Bucket& b, int64_t now_ms);
  void Sweep(Shard& shard, int64_t now_ms);

  Options options_;
  std::vector<Shard> shards_;
};

class SharedRateLimit {
 public:
  virtual ~SharedRateLimit() = default;
  // Counts one request on `key` (see the top of this file). Empty when the
  // count could not be taken (database down): the caller then counts in
  // process.
  virtual std::optional<RateLimiter::Decision> Take(std::string_view key, double per_minute,
                                                    int burst) = 0;
};

}  // namespace gh::http
