// http::Pipeline: everything that happens to a request between "its bytes are
// read" and "its response is written", without any socket code.
//
// In order: request id, client IP, CORS preflight, routing (404/405), per-route
// rate limit (429; a shared one on the pool thread, see rate_limit.h), dispatch
// to the worker, hashing or remote pool (429/503 when full);
// on the way out: X-Request-Id, CORS headers, Cache-Control, the access log.
// The server (server.cc) owns the Beast side and feeds complete requests in;
// keeping this part Beast-free keeps it readable and testable on its own.
//
// Thread-safe: Handle() may be called from many io threads at once. The
// Responder it hands to a handler may be called from any thread; only its
// first call counts. Non-copyable; destruction shuts the pools down.
#pragma once

#include <memory>

#include "core/error.h"
#include "http/client_ip.h"
#include "http/message.h"
#include "http/rate_limit.h"
#include "http/server.h"
#include "http/worker_pool.h"

namespace gh::http {

class Pipeline {
 public:
  Pipeline(const ServerOptions& options, std::shared_ptr<const Router> router,
           RateLimiter::Options limiter_options = {});
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Serves `request`, whose method, target, headers, body and remote_ip (the
  // peer address) are filled. Calls `write` exactly once with the final
  // response, possibly from a pool thread. Never blocks.
  void Handle(Request request, Responder write);

  // Answers a request the server refused before it was read whole (malformed,
  // too large). `status` > 0 overrides the status the dialect's renderer chose,
  // in the status line only (the body is the dialect's rendering of `error`):
  // pass 0 and an error code whose status is the right one. The response gets the same
  // headers and access-log line as any other.
  void Reject(Request request, const core::Error& error, int status, Responder write);

  // Stops the pools (see WorkerPool::Shutdown). Idempotent.
  void Shutdown();

  // The response for a server-raised error: the renderer of the mount the
  // request's path lies under (ServerOptions::errors), plus Retry-After when
  // the error carries one.
  Response RenderError(const Request& request, const core::Error& error) const;

 private:
  struct Outbound;
  struct Exchange;

  // Fills request_id, remote_ip (through the configured proxies), path and query.
  void Prepare(Request* request) const;
  // Wraps `write` into the Responder given to handlers: first call only,
  // response decorated, logged and observed. `*exchange` is the state it
  // shares, where routing records the route's class.
  Responder Finisher(const Request& request, Responder write,
                     std::shared_ptr<Exchange>* exchange = nullptr) const;
  void Dispatch(const Router::Route& route, Request request, Responder finish);
  void NoteRateLimited(RouteClassId route_class) const;
  WorkerPool& PoolFor(Lane lane);

  ServerOptions options_;
  std::shared_ptr<const Router> router_;
  std::shared_ptr<const Outbound> outbound_;
  ClientIpResolver client_ip_;
  RateLimiter limiter_;
  WorkerPool workers_;
  WorkerPool hashers_;
  WorkerPool remotes_;
};

}  // namespace gh::http
