#include "app/shared_limits.h"

#include <spdlog/spdlog.h>

#include <cmath>

#include "crypto/hash.h"

namespace gh::app {

core::Result<auth::HitCounter::Window> StoreHitCounter::Hit(std::string_view key,
                                                            core::UnixMillis now,
                                                            int64_t window_ms) {
  return counters_.Hit(crypto::Sha256Hex(key), now, window_ms);
}

std::unique_ptr<auth::HitCounter> SendCounterFor(const config::Config& config,
                                                 store::Store& store) {
  if (!store::IsPostgresUrl(config.database_url)) return nullptr;
  return std::make_unique<StoreHitCounter>(store.counters());
}

std::optional<http::RateLimiter::Decision> StoreRateLimit::Take(std::string_view key,
                                                                double per_minute, int burst) {
  if (per_minute <= 0) return http::RateLimiter::Decision{};
  burst = http::RateLimiter::BurstOf(per_minute, burst);
  // `burst` requests per window of burst / per_minute minutes: the bucket's
  // average rate and burst.
  const auto window_ms = static_cast<int64_t>(std::ceil(burst * 60'000.0 / per_minute));
  const core::UnixMillis now = clock_.NowMillis();
  auto w = counters_.Hit(crypto::Sha256Hex("ip:" + std::string(key)), now, window_ms);
  if (!w.ok()) {
    spdlog::warn("rate limit: shared count failed ({}); counting in this instance",
                 w.error().message);
    return std::nullopt;
  }
  http::RateLimiter::Decision d;
  if (w->hits <= burst) return d;
  d.allowed = false;
  d.retry_after_seconds = std::max(1, static_cast<int>((w->ends_at - now + 999) / 1000));
  return d;
}

std::shared_ptr<http::SharedRateLimit> SharedRateLimitFor(const config::Config& config,
                                                          store::Store& store,
                                                          const core::Clock& clock) {
  if (!store::IsPostgresUrl(config.database_url)) return nullptr;
  return std::make_shared<StoreRateLimit>(store.counters(), clock);
}

}  // namespace gh::app
