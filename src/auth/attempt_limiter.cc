#include "auth/attempt_limiter.h"

#include <algorithm>
#include <functional>

namespace gh::auth {

namespace {

constexpr int64_t kBucketMs = 600'000;  // ten minutes
constexpr int kShards = 16;
constexpr int64_t kSweepIntervalMs = 60'000;

core::Error TooMany(int64_t wait_ms) {
  int seconds = static_cast<int>(std::max<int64_t>(1, (wait_ms + 999) / 1000));
  return core::Error(core::errc::kTooManyRequests,
                     "Too many failed attempts; try again in " + std::to_string(seconds) +
                         (seconds == 1 ? " second" : " seconds"),
                     seconds);
}

}  // namespace

NoAttemptLimit& NoAttemptLimit::Instance() {
  static NoAttemptLimit instance;
  return instance;
}

InProcessAttemptLimiter::InProcessAttemptLimiter(const core::Clock& clock, AttemptPolicy policy,
                                                 size_t max_keys)
    : clock_(clock),
      policy_(policy),
      max_keys_per_shard_(std::max<size_t>(2, max_keys / kShards)),
      shards_(kShards) {}

InProcessAttemptLimiter::Shard& InProcessAttemptLimiter::ShardFor(std::string_view key) {
  return shards_[std::hash<std::string_view>()(key) % shards_.size()];
}

void InProcessAttemptLimiter::Roll(Entry& e, int64_t now) {
  const int64_t id = now / kBucketMs;
  if (id <= e.newest_bucket) return;  // same bucket, or the clock stepped back
  const int64_t shift = id - e.newest_bucket;
  for (int i = kBuckets - 1; i >= 0; --i) e.counts[i] = i >= shift ? e.counts[i - shift] : 0;
  e.newest_bucket = id;
}

int InProcessAttemptLimiter::HourlyCount(const Entry& e) {
  int sum = 0;
  for (int c : e.counts) sum += c;
  return sum;
}

bool InProcessAttemptLimiter::Idle(const Entry& e, int64_t now) const {
  const int64_t quiet = int64_t{policy_.quiet_reset_seconds} * 1000;
  const int64_t keep = std::max(quiet, kBuckets * kBucketMs);
  return now >= e.blocked_until_ms && now - e.last_failure_ms >= keep;
}

core::Result<void> InProcessAttemptLimiter::Begin(std::string_view key) {
  const int64_t now = clock_.NowMillis();
  Shard& shard = ShardFor(key);
  std::lock_guard<std::mutex> lock(shard.mu);
  if (now - shard.last_sweep_ms >= kSweepIntervalMs ||
      shard.entries.size() >= max_keys_per_shard_) {
    Sweep(shard, now);
  }
  auto it = shard.entries.find(std::string(key));
  if (it == shard.entries.end()) {
    Entry fresh;
    fresh.newest_bucket = now / kBucketMs;
    it = shard.entries.emplace(std::string(key), fresh).first;
  }
  Entry& e = it->second;
  Roll(e, now);
  if (now - e.last_failure_ms >= int64_t{policy_.quiet_reset_seconds} * 1000) e.consecutive = 0;

  if (now < e.blocked_until_ms) return TooMany(e.blocked_until_ms - now);
  const int cap = policy_.max_failures_per_hour;
  if (cap > 0 && HourlyCount(e) >= cap) {
    // Come back when the oldest bucket holding failures has slid out.
    int oldest = 0;
    for (int i = 0; i < kBuckets; ++i)
      if (e.counts[i] > 0) oldest = i;
    const int64_t leaves_at = (e.newest_bucket + kBuckets - oldest) * kBucketMs;
    return TooMany(leaves_at - now);
  }

  // Counted now, taken back by Succeeded: concurrent guesses see each other.
  e.counts[0] += 1;
  e.consecutive += 1;
  e.last_failure_ms = now;
  const int beyond = e.consecutive - std::max(0, policy_.free_failures);
  if (beyond > 0) {
    const int64_t max_ms = int64_t{std::max(0, policy_.max_backoff_seconds)} * 1000;
    const int64_t delay = beyond > 30 ? max_ms : std::min<int64_t>(max_ms, 1000LL << (beyond - 1));
    e.blocked_until_ms = now + delay;
  }
  return core::Ok();
}

void InProcessAttemptLimiter::Succeeded(std::string_view key) {
  Shard& shard = ShardFor(key);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.entries.find(std::string(key));
  if (it == shard.entries.end()) return;
  Entry& e = it->second;
  Roll(e, clock_.NowMillis());
  e.counts[0] = std::max(0, e.counts[0] - 1);
  e.consecutive = 0;
  e.blocked_until_ms = 0;
}

void InProcessAttemptLimiter::Sweep(Shard& shard, int64_t now) {
  shard.last_sweep_ms = now;
  std::erase_if(shard.entries, [this, now](const auto& kv) { return Idle(kv.second, now); });
  if (shard.entries.size() < max_keys_per_shard_) return;
  // Still full: a flood of keys. Keep the most recently failed half.
  std::vector<int64_t> stamps;
  stamps.reserve(shard.entries.size());
  for (const auto& kv : shard.entries) stamps.push_back(kv.second.last_failure_ms);
  auto mid = stamps.begin() + stamps.size() / 2;
  std::nth_element(stamps.begin(), mid, stamps.end());
  const int64_t cutoff = *mid;
  std::erase_if(shard.entries,
                [cutoff](const auto& kv) { return kv.second.last_failure_ms < cutoff; });
  if (shard.entries.size() >= max_keys_per_shard_) shard.entries.clear();
}

size_t InProcessAttemptLimiter::size() const {
  size_t n = 0;
  for (const Shard& s : shards_) {
    std::lock_guard<std::mutex> lock(s.mu);
    n += s.entries.size();
  }
  return n;
}

}  // namespace gh::auth
