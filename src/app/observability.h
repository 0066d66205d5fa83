// What app wires to the observation seams of the layers below: the /metrics
// route over app::Metrics, the JSON event lines (access_log_json) fed from the
// audit path, and a fan-out for when both watch the events.
//
// Thread-safe once built: the route's handler and the observers may be called
// from any pool thread at once. Non-copyable; what they refer to outlives them.
#pragma once

#include <string>
#include <vector>

#include "app/metrics.h"
#include "core/events.h"
#include "http/server.h"

namespace gh::app {

// GET /metrics: the Prometheus text of `metrics`. With a non-empty `token`
// only for `Authorization: Bearer <token>` (compared in constant time; 401
// `unauthenticated-user` otherwise, in the native shape). `options` picks the
// lane and the per-IP budget (a token can be guessed: give it one).
void AddMetricsRoute(http::Router& router, Metrics& metrics, std::string token,
                     http::RouteOptions options);

// One JSON line per domain event (http::LogEvent), naming the request the
// thread serves (http::CurrentRequestId).
class EventLines final : public core::EventObserver {
 public:
  void OnEvent(const core::AuditEvent& event, bool kept) override;
};

// Hands each event to every observer in turn.
class EventFanout final : public core::EventObserver {
 public:
  void Add(core::EventObserver* observer) { observers_.push_back(observer); }
  bool empty() const { return observers_.empty(); }
  void OnEvent(const core::AuditEvent& event, bool kept) override {
    for (core::EventObserver* o : observers_) o->OnEvent(event, kept);
  }

 private:
  std::vector<core::EventObserver*> observers_;  // written before serving only
};

}  // namespace gh::app
