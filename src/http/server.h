// http::Router and http::Server: the HTTP/1.1 server of Gatehouse (Boost.Beast on
// Asio, kept inside src/http/*.cc) and the table that maps routes to handlers.
//
// Threads: `io_threads` threads do socket work only. A matched handler runs on the
// worker pool (Lane::kWorker) or on the bounded password-hash pool
// (Lane::kHashing); when that pool's queue already holds `hash_queue_limit`
// requests the server answers 429 with Retry-After at once and never queues more.
// Handlers that wait on other services (Lane::kRemote) have a pool of their own.
//
// Connections are capped (globally and per peer IP, ServerOptions); at a cap
// the connection idle longest is shed first.
//
// Middleware applied to every request, in order: request id (X-Request-Id echoed
// or generated), body limit (413), CORS (preflight answered here), per-route
// per-client-IP rate limit (429 + Retry-After), dispatch, one-line access log.
//
// A Router is filled before the Server starts and is read-only afterwards.
// Server methods are safe to call from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "http/client_ip.h"
#include "http/error_mounts.h"
#include "http/message.h"
#include "http/rate_limit.h"
#include "http/server_observer.h"

namespace gh::http {

class Router {
 public:
  // `pattern` is a path such as "/v1/signin/email-password" or
  // "/v1/signin/provider/{provider}"; a "{name}" segment matches one path segment
  // and is available as Request::PathParam(name).
  void Add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});
  // A route taken only when `when` holds for the request (it sees the whole
  // request, body included, before any handler), and then over a route of the
  // same method and path without one: for one path whose requests belong on
  // different lanes or budgets (GoTrue's POST /token?grant_type=password
  // hashes, ?grant_type=refresh_token does not). `label` says which requests,
  // for `gatehouse routes`. `when` must be cheap and safe on any bytes.
  using RequestTest = std::function<bool(const Request&)>;
  void AddWhen(std::string method, std::string pattern, std::string label, RequestTest when,
               Handler handler, RouteOptions options = {});
  // AddWhen for the query parameter `name` being exactly `value`.
  void AddWhenQuery(std::string method, std::string pattern, const std::string& name,
                    const std::string& value, Handler handler, RouteOptions options = {});

  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    RouteOptions options;
    RequestTest when;        // AddWhen's test; empty = every request
    std::string when_label;  // what `when` takes, e.g. "grant_type=password"
  };
  enum class MatchStatus { kFound, kNotFound, kMethodNotAllowed };
  // On kFound sets *route and fills request.path_params.
  MatchStatus Match(Request& request, const Route** route) const;
  // The methods registered for this path (for CORS preflight and 405 Allow).
  std::vector<std::string> MethodsFor(std::string_view path) const;
  // Every route in the order added (for `gatehouse routes`).
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 4000;  // 0 = pick a free port (see Server::port())
  int io_threads = 1;
  int worker_threads = 8;
  int hash_threads = 0;  // 0 = number of cores
  int hash_queue_limit = 64;
  int worker_queue_limit = 10000;  // beyond this the server answers 503 at once
  int remote_threads = 8;          // Lane::kRemote
  int remote_queue_limit = 256;    // beyond this kRemote routes get 503 at once
  int64_t body_limit_bytes = 1 << 20;
  int header_limit_bytes = 16 << 10;  // request line + headers; beyond -> 431
  int request_timeout_seconds = 30;   // whole request must arrive within this
  int idle_timeout_seconds = 60;      // keep-alive connection with no request
  // Connection caps. At a cap, the connection idle longest (no request in
  // flight) within it is closed to make room; with none idle the new one is.
  // The global cap never exceeds what RLIMIT_NOFILE (raised to the hard limit
  // at Listen) leaves after the descriptors open then and fd_reserve.
  int max_connections = 10000;       // 0 = as many as descriptors allow
  int max_connections_per_ip = 256;  // per TCP peer; 0 = none; proxies are exempt
  int fd_reserve = 64;               // descriptors kept for the store, files, calls out
  ClientIpOptions client_ip;         // which proxies may name the client (client_ip.h)
  std::vector<std::string> cors_allowed_origins = {"*"};
  bool access_log = true;
  bool access_log_json = false;
  // Renders the errors the server raises itself (404, 405, 413, 431, 429, 400
  // for a malformed request, 503, 500) in the dialect of the mount the
  // request's path lies under (error_mounts.h). Listen refuses options
  // without a default renderer.
  ErrorMounts errors;
  // Where routes marked RouteOptions::shared_rate_limit count their per-IP
  // budget; null = in process, like every other route.
  std::shared_ptr<SharedRateLimit> shared_rate_limit;
  // Sees every response, refusal and the lanes' depths (metrics); null = none.
  std::shared_ptr<ServerObserver> observer;
};

class Server {
 public:
  Server(ServerOptions options, std::shared_ptr<const Router> router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Fails with a readable message (e.g. address in use).
  core::Result<void> Listen();
  // The bound port (useful when options.port was 0). REQUIRES: Listen() succeeded.
  int port() const;
  // Serves until Stop(); blocks the calling thread.
  void Run();
  // Graceful drain: stops accepting, lets in-flight requests finish (up to
  // `drain_seconds`), then makes Run() return. Safe from a signal-handling thread.
  void Stop(int drain_seconds = 10);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gh::http
