// app::Metrics: the server's Prometheus metrics, over prometheus-cpp's core
// library (Registry, counter / gauge / histogram families, TextSerializer).
// It is what the lower layers report to through their seams: the HTTP server's
// http::ServerObserver (requests by route class and status, latency, per-IP
// budget refusals, full lanes, queue depths), the audit path's
// core::EventObserver (sign-ins, sign-ups, failures, refreshes, reuse), and
// the mail and SMS senders app wraps (CountingMailer, CountingSmsSender).
// No flow and no dialect includes prometheus-cpp. docs/production.md lists
// every metric.
//
// Every label child the hot path touches is resolved once, in the
// constructor; a request costs a few atomic increments and one histogram
// observation, with no lookup by label and no allocation.
//
// Thread-safe: every method may be called from any thread. Non-copyable.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "app/activity_window.h"
#include "core/events.h"
#include "http/server_observer.h"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
class Histogram;
}  // namespace prometheus

namespace gh::app {

class Metrics final : public http::ServerObserver, public core::EventObserver {
 public:
  Metrics();
  ~Metrics() override;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // http::ServerObserver
  void OnResponse(http::RouteClassId route_class, int status, double seconds) override;
  void OnRateLimited(http::RouteClassId route_class) override;
  void OnLaneFull(http::Lane lane) override;
  void WatchLanes(std::function<http::LaneDepths()> depths) override;

  // core::EventObserver
  void OnEvent(const core::AuditEvent& event, bool kept) override;

  // A mail or text message handed to its sender, and whether it went.
  void OnMailSent(bool ok);
  void OnSmsSent(bool ok);

  // The whole registry in the Prometheus text exposition format (version
  // 0.0.4), lane depths read now.
  std::string Scrape();

  // The same sign-ins, sign-ups, refreshes, failures and rate-limit refusals
  // minute by minute (the console's live figures, GET /auth/v1/admin/stats).
  const core::ActivityFigures& Activity() const { return activity_; }

 private:
  using Counter = prometheus::Counter;
  // What one audit event type moves: its own events_total child and, for the
  // types that are sign-ins, sign-ups, failures or refreshes, that family's
  // child for the method.
  struct EventSlot {
    Counter* event = nullptr;
    Counter* kind = nullptr;
    std::optional<ActivityWindow::What> activity;
  };

  std::shared_ptr<prometheus::Registry> registry_;
  // [route class][status class 1xx..5xx, index 0 for anything else]
  std::array<std::array<Counter*, 6>, http::kRouteClassCount> requests_{};
  std::array<prometheus::Histogram*, http::kRouteClassCount> latency_{};
  std::array<Counter*, http::kRouteClassCount> rate_limited_{};
  std::array<Counter*, 3> lane_full_{};                     // by http::Lane
  std::array<prometheus::Gauge*, 3> lane_depth_{};          // by http::Lane
  std::unordered_map<std::string_view, EventSlot> events_;  // built once, then read only
  Counter* other_event_ = nullptr;
  std::array<Counter*, 2> mail_{};  // [failed, sent]
  std::array<Counter*, 2> sms_{};

  std::mutex lanes_mu_;
  std::function<http::LaneDepths()> lanes_;  // guarded by lanes_mu_
  ActivityWindow activity_;
};

}  // namespace gh::app
