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
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
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

}  // namespace gh::http
