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

namespace {
// The store key of an account's guess count: a hash, never the address.
std::string GuessKey(std::string_view key) {
  return crypto::Sha256Hex("guess:" + std::string(key));
}
constexpr int64_t kHourMillis = 3600 * 1000;
}  // namespace

core::Result<void> StoreAttemptLimiter::Begin(std::string_view key) {
  if (auto local = local_.Begin(key); !local) return local;
  const core::UnixMillis now = clock_.NowMillis();
  auto w = counters_.Hit(GuessKey(key), now, kHourMillis);
  if (!w.ok()) {
    spdlog::warn("guess limit: shared count failed ({}); counting in this instance",
                 w.error().message);
    return core::Ok();
  }
  if (w->hits <= max_) return core::Ok();
  const int retry = std::max(1, static_cast<int>((w->ends_at - now + 999) / 1000));
  return core::Error(core::errc::kTooManyRequests, "Too many attempts, try again later", retry);
}

void StoreAttemptLimiter::Succeeded(std::string_view key) {
  local_.Succeeded(key);
  if (auto r = counters_.Forgive(GuessKey(key), clock_.NowMillis()); !r.ok())
    spdlog::warn("guess limit: could not take a right guess back ({})", r.error().message);
}

std::unique_ptr<auth::AttemptLimiter> SharedAttemptLimiterFor(const config::Config& config,
                                                              store::Store& store,
                                                              const core::Clock& clock,
                                                              auth::AttemptLimiter& local) {
  if (!store::IsPostgresUrl(config.database_url)) return nullptr;
  return std::make_unique<StoreAttemptLimiter>(local, store.counters(), clock,
                                               config.account_guess_limit_per_hour);
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
