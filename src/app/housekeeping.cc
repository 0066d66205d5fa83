#include "app/housekeeping.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace gh::app {

namespace {
constexpr auto kInterval = std::chrono::hours(1);
constexpr int64_t kDayMillis = 86'400'000;
}  // namespace

Housekeeper::Housekeeper(store::Store& store, const core::Clock& clock,
                         const config::Config& config, auth::AnonymousFlow& anonymous)
    : store_(store), clock_(clock), config_(config), anonymous_(anonymous) {}

Housekeeper::~Housekeeper() { Stop(); }

void Housekeeper::Start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    // The first round waits an interval too: a restart loop must not turn into
    // a delete loop, and start-up stays fast.
    while (!cv_.wait_for(lock, kInterval, [this] { return stopping_; })) {
      lock.unlock();
      RunOnce();
      lock.lock();
    }
  });
}

void Housekeeper::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Housekeeper::RunOnce() {
  const core::UnixMillis now = clock_.NowMillis();
  // Revoked sessions stay a day so reuse of their tokens is still recognised.
  if (auto n = store_.sessions().Purge(now - kDayMillis); n && *n > 0)
    spdlog::info("housekeeping: deleted {} ended sessions", *n);
  if (auto n = store_.codes().Purge(now - kDayMillis); n && *n > 0)
    spdlog::info("housekeeping: deleted {} spent one-time codes", *n);
  // OAuth requests and grant codes are useless once expired; nothing to keep.
  if (auto n = store_.oauth().Purge(now); n && *n > 0)
    spdlog::info("housekeeping: deleted {} expired OAuth requests and grants", *n);
  // A TOTP step is only ever accepted within 90 s of its time: a day is ample.
  if (auto n = store_.mfa().Purge(now - kDayMillis); n && *n > 0)
    spdlog::info("housekeeping: forgot {} used TOTP steps", *n);
  // A send-budget window that has ended counts nothing any more.
  if (auto n = store_.counters().Purge(now); n && *n > 0)
    spdlog::info("housekeeping: deleted {} ended rate-limit windows", *n);
  // An expired personal access token is kept a week so that its owner still
  // sees it in GET /v1/pat (and why the script stopped) before it goes.
  if (auto n = store_.pats().Purge(now - 7 * kDayMillis); n && *n > 0)
    spdlog::info("housekeeping: deleted {} expired personal access tokens", *n);
  if (config_.anonymous_prune_after_days > 0) {
    auto n = anonymous_.Prune(now - config_.anonymous_prune_after_days * kDayMillis);
    if (!n)
      spdlog::warn("housekeeping: pruning anonymous users failed: {}", n.error().message);
    else if (*n > 0)
      spdlog::info("housekeeping: deleted {} anonymous users", *n);
  }
}

}  // namespace gh::app
