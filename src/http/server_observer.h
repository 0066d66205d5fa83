// http::ServerObserver: what the server reports about the requests it serves,
// for metrics. The server knows no metrics library; the composition root
// implements this (app::Metrics, over prometheus-cpp) and hands it in through
// ServerOptions::observer. No observer, no calls: a server without metrics
// pays one null check per request.
//
// Thread-safe: every method may be called from any io or pool thread at once,
// on the request's hot path, so implementations must not block or allocate
// (atomic counters resolved once up front).
#pragma once

#include <cstddef>
#include <functional>

#include "http/message.h"

namespace gh::http {

// How many tasks wait in each lane's queue right now (running ones excluded).
struct LaneDepths {
  size_t worker = 0;
  size_t hashing = 0;
  size_t remote = 0;
};

class ServerObserver {
 public:
  virtual ~ServerObserver() = default;

  // A response was written for a request of `route_class` (kNone when no route
  // matched) with `status`, `seconds` after the request was read whole.
  virtual void OnResponse(RouteClassId route_class, int status, double seconds) = 0;
  // A request of `route_class` was refused by its per-IP budget (429).
  virtual void OnRateLimited(RouteClassId route_class) = 0;
  // A request was refused because `lane`'s queue was full (429 / 503).
  virtual void OnLaneFull(Lane lane) = 0;
  // The server gives a way to read its queue depths when it starts, and an
  // empty function before the pools go; an observer calls it when asked
  // (a scrape), never on the request path.
  virtual void WatchLanes(std::function<LaneDepths()> depths) = 0;
};

}  // namespace gh::http
