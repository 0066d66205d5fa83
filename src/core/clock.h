// core::Clock: the one seam through which Gatehouse reads the time, so tests can
// move time forward (token expiry, grace windows, code lifetimes) without sleeping.
//
// Implementations must be safe to call from many threads at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gh::core {

// Milliseconds since the Unix epoch, UTC. Every stored time uses this unit.
using UnixMillis = int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixMillis NowMillis() const = 0;
  int64_t NowSeconds() const { return NowMillis() / 1000; }
};

// The wall clock.
class SystemClock final : public Clock {
 public:
  UnixMillis NowMillis() const override;
  static const SystemClock& Instance();
};

// A clock tests set by hand. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(UnixMillis start = 1'700'000'000'000) : now_(start) {}
  UnixMillis NowMillis() const override { return now_.load(); }
  void Set(UnixMillis t) { now_.store(t); }
  void AdvanceSeconds(int64_t s) { now_.fetch_add(s * 1000); }

 private:
  std::atomic<UnixMillis> now_;
};

// "2023-01-15T12:34:56.789Z" (RFC 3339, UTC, millisecond precision).
std::string FormatRfc3339(UnixMillis t);
// "2023-01-15T12:34:56.789Z", "2023-01-15 12:34:56.789123+00", "...+02:00",
// "2023-01-15T12:34:56" (UTC) -> milliseconds since the epoch; nullopt when the
// text is none of these (RFC 3339 and PostgreSQL's timestamptz text).
std::optional<UnixMillis> ParseTimestamp(std::string_view text);

}  // namespace gh::core
