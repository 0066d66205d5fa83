// auth::AttemptLimiter: how many guesses at one secret (an account's password,
// the code sent to one phone number or mailbox, ...) may be checked, whoever
// sends them and from however many addresses. The per-IP limits of the route
// table cannot see a guessing storm spread over many IPs; this can, because the
// flow names the account.
//
// A flow calls Begin(key) right before it checks a guess and Succeeded(key)
// when the guess was right. Begin counts the attempt as a failure at once, so
// that concurrent guesses cannot all pass before the first one is counted; a
// success takes it back. The refusal is Error{too-many-requests} with
// retry_after_seconds, whatever the guess was (so it tells nothing about it).
// Keys are the flow's own ("password:<email>", "sms-code:<phone>", ...).
//
// This seam is the one to replace by a store-backed version when several
// instances must share the counts; the flows do not change.
//
// Implementations must be thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace gh::auth {

class AttemptLimiter {
 public:
  virtual ~AttemptLimiter() = default;
  // On success the attempt may be checked and has been counted as a failure.
  // Errors: too-many-requests (retry_after_seconds > 0).
  virtual core::Result<void> Begin(std::string_view key) = 0;
  // The attempt Begin admitted was right: it no longer counts, and the key's
  // back-off (not its hourly count of failures) starts again from zero.
  virtual void Succeeded(std::string_view key) = 0;
};

// Admits everything. For flows built without a limiter (unit tests) and for
// `guess_limit_per_hour = 0`.
class NoAttemptLimit final : public AttemptLimiter {
 public:
  core::Result<void> Begin(std::string_view) override { return core::Ok(); }
  void Succeeded(std::string_view) override {}
  static NoAttemptLimit& Instance();
};

struct AttemptPolicy {
  // At most this many failures per key in any hour (ASVS V2.2.1: 100);
  // 0 = no hourly cap.
  int max_failures_per_hour = 100;
  // Failures in a row that cost nothing (typos).
  int free_failures = 5;
  // Each failure beyond those closes the key for a growing while: 1 s, 2 s,
  // 4 s, ... up to this. Attempts inside it get 429; the owner waits at most
  // this long after the last admitted guess.
  int max_backoff_seconds = 60;
  // A key with no failure for this long starts its back-off from zero again.
  int quiet_reset_seconds = 900;
};

// The in-process limiter: counts live in this process only (each instance of a
// scale-out counts its own). Memory is bounded by max_keys: entries that
// carry nothing any more are swept, and beyond the bound the least recently
// failed half of a shard is dropped (at worst giving those keys a fresh start).
class InProcessAttemptLimiter final : public AttemptLimiter {
 public:
  InProcessAttemptLimiter(const core::Clock& clock, AttemptPolicy policy,
                          size_t max_keys = 100'000);
  InProcessAttemptLimiter(const InProcessAttemptLimiter&) = delete;
  InProcessAttemptLimiter& operator=(const InProcessAttemptLimiter&) = delete;

  core::Result<void> Begin(std::string_view key) override;
  void Succeeded(std::string_view key) override;

  // Keys currently held. For tests and metrics.
  size_t size() const;

 private:
  // Failures are counted in ten-minute buckets; the seven newest cover any
  // hour ending now, so their sum never undercounts it.
  static constexpr int kBuckets = 7;
  struct Entry {
    int consecutive = 0;           // failures since the last success / quiet spell
    int64_t blocked_until_ms = 0;  // back-off: attempts before this are refused
    int64_t last_failure_ms = 0;
    int64_t newest_bucket = 0;           // index (now / bucket length) of counts[0]
    std::array<int, kBuckets> counts{};  // counts[i]: failures in bucket newest - i
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Entry> entries;
    int64_t last_sweep_ms = 0;
  };

  static void Roll(Entry& e, int64_t now);
  static int HourlyCount(const Entry& e);
  bool Idle(const Entry& e, int64_t now) const;
  void Sweep(Shard& shard, int64_t now);
  Shard& ShardFor(std::string_view key);

  const core::Clock& clock_;
  AttemptPolicy policy_;
  size_t max_keys_per_shard_;
  std::vector<Shard> shards_;
};

}  // namespace gh::auth
