#include "http/rate_limit.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>

namespace gh::http {

namespace {

int64_t SteadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

RateLimiter::RateLimiter() : RateLimiter(Options()) {}

RateLimiter::RateLimiter(Options options)
    : options_(std::move(options)), shards_(std::max(1, options_.shards)) {
  if (!options_.now_ms) options_.now_ms = SteadyNowMs;
  if (options_.max_keys_per_shard < 2) options_.max_keys_per_shard = 2;
}

int RateLimiter::BurstOf(double per_minute, int burst) {
  return burst > 0 ? burst : std::max(1, static_cast<int>(per_minute));
}

double RateLimiter::Refilled(const Bucket& b, int64_t now_ms) {
  // A clock that steps backwards must not drain a bucket.
  int64_t elapsed = std::max<int64_t>(0, now_ms - b.last_ms);
  double refill = static_cast<double>(elapsed) * b.per_minute / 60'000.0;
  return std::min<double>(b.burst, b.tokens + refill);
}

RateLimiter::Decision RateLimiter::Take(std::string_view key, double per_minute, int burst) {
  if (per_minute <= 0) return {};
  burst = BurstOf(per_minute, burst);
  const int64_t now = options_.now_ms();

  Shard& shard = shards_[std::hash<std::string_view>()(key) % shards_.size()];
  std::lock_guard<std::mutex> lock(shard.mu);
  if (now - shard.last_sweep_ms >= options_.sweep_interval_ms ||
      shard.buckets.size() >= options_.max_keys_per_shard) {
    Sweep(shard, now);
  }

  auto it = shard.buckets.find(std::string(key));
  if (it == shard.buckets.end()) {
    it = shard.buckets.emplace(std::string(key), Bucket{static_cast<double>(burst), now, 0, 0})
             .first;
  }
  Bucket& b = it->second;
  // Limits come from the route table and may change between calls (tests,
  // reconfiguration); the latest ones win.
  b.per_minute = per_minute;
  b.burst = burst;
  b.tokens = Refilled(b, now);
  b.last_ms = now;

  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return {};
  }
  const double ms_to_next = (1.0 - b.tokens) * 60'000.0 / per_minute;
  Decision d;
  d.allowed = false;
  d.retry_after_seconds = std::max(1, static_cast<int>(std::ceil(ms_to_next / 1000.0)));
  return d;
}

void RateLimiter::Sweep(Shard& shard, int64_t now_ms) {
  shard.last_sweep_ms = now_ms;
  std::erase_if(shard.buckets, [now_ms](const auto& kv) {
    return Refilled(kv.second, now_ms) >= kv.second.burst;
  });
  if (shard.buckets.size() < options_.max_keys_per_shard) return;

  // Still full of partly drained buckets: many clients at once. Keep the most
  // recently used half so memory stays bounded without an O(n log n) sort.
  std::vector<int64_t> stamps;
  stamps.reserve(shard.buckets.size());
  for (const auto& kv : shard.buckets) stamps.push_back(kv.second.last_ms);
  auto mid = stamps.begin() + stamps.size() / 2;
  std::nth_element(stamps.begin(), mid, stamps.end());
  const int64_t cutoff = *mid;
  std::erase_if(shard.buckets, [cutoff](const auto& kv) { return kv.second.last_ms < cutoff; });
  // Equal stamps (one busy millisecond) can defeat the cutoff; fall back to
  // dropping everything rather than growing.
  if (shard.buckets.size() >= options_.max_keys_per_shard) shard.buckets.clear();
}

size_t RateLimiter::size() const {
  size_t n = 0;
  for (const Shard& s : shards_) {
    std::lock_guard<std::mutex> lock(s.mu);
    n += s.buckets.size();
  }
  return n;
}

}  // namespace gh::http
