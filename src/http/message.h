// http::Request, http::Response and http::Responder: the small interface the rest
// of Gatehouse sees of HTTP. Boost.Beast and Asio stay inside src/http/*.cc.
//
// A Request is owned by the handler it is given to. A Responder must be called
// exactly once, from any thread; the server writes the response on the
// connection's own strand.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gh::http {

// Where a route's handler runs.
enum class Lane {
  kWorker,   // the general worker pool: store reads/writes, token signing
  kHashing,  // the bounded password-hash pool; when its queue is full the
             // server answers 429 with Retry-After at once
  kRemote,   // handlers that wait on a service elsewhere (OAuth providers): a
             // pool of their own, so a slow provider ties up these threads and
             // never the workers token refresh needs; full -> 503 at once
};

// Which of http::RouteClasses a route was made from, so that metrics can count
// requests by kind without a label per path. kNone: a route made without a
// class, and requests that matched no route.
enum class RouteClassId : unsigned char {
  kNone,
  kHashing,
  kSetsPassword,
  kGuessing,
  kToken,
  kAnonymous,
  kSendingEmail,
  kSendingSms,
  kRemote,
  kPlain,
};
inline constexpr int kRouteClassCount = 10;

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as received: path and query
  std::string path;    // percent-decoded path, without the query
  std::string query;   // raw query string, without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_ip;   // the peer, or the first X-Forwarded-For hop when trusted
  std::string request_id;  // X-Request-Id as received, or generated
  std::vector<std::pair<std::string, std::string>> path_params;  // from "{name}" segments
  // Set by the server before the handler runs: queues `task` on another lane's
  // pool under that pool's bound; false (nothing queued) when its queue is full.
  // For a handler that waits on another service on the remote lane and then
  // hashes on the hash lane, holding neither pool's threads for the other's
  // work. The task answers through the handler's Responder, and must not use
  // this Request (copy what it needs): it may run after the handler returned.
  std::function<bool(Lane, std::function<void()>)> continue_on;

  // The first header with this lower-case name, or "" when absent.
  std::string_view Header(std::string_view lower_name) const;
  // The value of "{name}" in the matched route pattern, or "".
  std::string_view PathParam(std::string_view name) const;
  // The percent-decoded value of a query parameter, or "" when absent.
  std::string QueryParam(std::string_view name) const;
  bool HasQueryParam(std::string_view name) const;
  // The token of an "Authorization: Bearer <token>" header, or "".
  std::string_view BearerToken() const;
  // The value of cookie `name` from the Cookie header(s), or "" when absent.
  std::string Cookie(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers

  static Response Json(int status, std::string body) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
  static Response Redirect(std::string location, int status = 302) {
    Response r;
    r.status = status;
    r.content_type = "text/plain; charset=utf-8";
    r.headers.emplace_back("Location", std::move(location));
    return r;
  }
};

using Responder = std::function<void(Response)>;
using Handler = std::function<void(Request&, Responder)>;

struct RouteOptions {
  Lane lane = Lane::kWorker;
  // Per-client-IP rate limit for this route: a token bucket of `burst` tokens
  // refilled at `per_minute` tokens per minute. 0 = no limit.
  double rate_limit_per_minute = 0;  // fractions allowed: 0.5 = 30 an hour
  int rate_limit_burst = 0;
  // Count the rate limit through ServerOptions::shared_rate_limit when there is
  // one (several instances on one database): for routes that do database or
  // provider work anyway, so one more round trip on their pool thread is cheap.
  bool shared_rate_limit = false;
  // The per-IP budget's name: routes that name the same budget spend one bucket
  // (the same sign-in under two dialects); empty = a bucket of this route's own.
  std::string budget = "";
  // The server answers 400 to a query that decodes to invalid UTF-8 before the
  // handler runs, unless the handler takes its query as opaque bytes (a browser
  // landing on an OAuth callback gets a redirect, whatever the provider sent).
  bool opaque_query = false;
  // The class the route was made from (set by app::RouteClassesFrom): what
  // metrics count its requests under.
  RouteClassId route_class = RouteClassId::kNone;
};

}  // namespace gh::http
