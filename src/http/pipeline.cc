#include "http/pipeline.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <optional>
#include <random>
#include <thread>
#include <utility>

#include <spdlog/spdlog.h>

#include "core/text.h"
#include "http/access_log.h"
#include "http/cors.h"
#include "http/request_scope.h"
#include "http/text.h"

namespace gh::http {

namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

// A client's X-Request-Id is echoed so traces join up across services, but only
// when it is short and printable: it lands in logs and response headers.
bool SaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

// Request ids need to be unique, not secret: a per-thread PRNG is enough.
std::string NewRequestId() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (int half = 0; half < 2; ++half) {
    uint64_t bits = rng();
    for (int i = 0; i < 16; ++i) {
      id[half * 16 + i] = kHex[bits & 0xf];
      bits >>= 4;
    }
  }
  return id;
}

bool HasHeader(const Response& r, std::string_view name) {
  return std::any_of(r.headers.begin(), r.headers.end(),
                     [name](const auto& h) { return EqualsIgnoreCase(h.first, name); });
}

// Path and query arrive percent-encoded and may decode to anything. Text that is
// not UTF-8 cannot go into a JSON answer (nor a PostgreSQL column), and control
// characters in a path are never a real route: refused here, once, for every
// handler (the query unless the route takes it as opaque bytes).
std::optional<core::Error> CheckPath(const Request& request) {
  bool ok = core::IsValidUtf8(request.path) &&
            std::none_of(request.path.begin(), request.path.end(),
                         [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
  if (ok) return std::nullopt;
  return core::Error(core::errc::kInvalidRequest,
                     "The request path is not UTF-8 or holds control characters");
}

// The separators '&' and '=' are ASCII, so decoding the whole query keeps every
// invalid sequence of a key or value invalid.
std::optional<core::Error> CheckQuery(const Request& request) {
  if (core::IsValidUtf8(PercentDecode(request.query, /*plus_as_space=*/true))) return std::nullopt;
  return core::Error(core::errc::kInvalidRequest, "The query string is not UTF-8");
}

std::string JoinMethods(const std::vector<std::string>& methods) {
  std::string out;
  for (const std::string& m : methods) {
    if (!out.empty()) out += ", ";
    out += m;
  }
  return out;
}

// Server::Listen refuses options whose trusted_proxies do not parse, so the
// fallback (trust no header) is never served.
ClientIpResolver ClientIpOrNothing(const ClientIpOptions& options) {
  auto resolver = ClientIpResolver::Create(options);
  return resolver ? *resolver : ClientIpResolver();
}

// The per-IP budget's key: the budget the route names, else the route itself,
// and the client.
std::string RateKey(const Router::Route& route, const Request& request) {
  if (!route.options.budget.empty()) return route.options.budget + "\n" + request.remote_ip;
  return route.method + " " + route.pattern + "\n" + request.remote_ip;
}

core::Error TooManyRequests(const RateLimiter::Decision& d) {
  return core::Error(core::errc::kTooManyRequests, "Too many requests, try again later",
                     d.retry_after_seconds);
}

}  // namespace

// What finishing a response needs; shared with every Responder so that a
// handler holding one cannot outlive it.
struct Pipeline::Outbound {
  explicit Outbound(const ServerOptions& o)
      : cors(o.cors_allowed_origins),
        access_log(o.access_log),
        access_log_json(o.access_log_json),
        observer(o.observer) {}
  CorsPolicy cors;
  bool access_log;
  bool access_log_json;
  std::shared_ptr<ServerObserver> observer;
};

// One request's way out, shared by every copy of its Responder.
struct Pipeline::Exchange {
  std::atomic<bool> done{false};
  // Written on the io thread before the handler is posted to its pool (which
  // orders it before any read on the pool thread).
  RouteClassId route_class = RouteClassId::kNone;
  std::shared_ptr<const Outbound> out;
  Responder write;
  std::string method, target, remote_ip, request_id, origin;
  SteadyTime start = std::chrono::steady_clock::now();
};

Pipeline::Pipeline(const ServerOptions& options, std::shared_ptr<const Router> router,
                   RateLimiter::Options limiter_options)
    : options_(options),
      router_(std::move(router)),
      outbound_(std::make_shared<Outbound>(options_)),
      client_ip_(ClientIpOrNothing(options_.client_ip)),
      limiter_(std::move(limiter_options)),
      workers_(options_.worker_threads,
               static_cast<size_t>(std::max(0, options_.worker_queue_limit)), "gh-worker"),
      hashers_(options_.hash_threads > 0
                   ? options_.hash_threads
                   : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())),
               static_cast<size_t>(std::max(0, options_.hash_queue_limit)), "gh-hash",
               // A sign-in storm saturating every core must not starve token
               // refresh: hashing yields the CPU to the worker and io threads.
               /*nice=*/10),
      remotes_(std::max(1, options_.remote_threads),
               static_cast<size_t>(std::max(0, options_.remote_queue_limit)), "gh-remote") {
  if (options_.observer) {
    options_.observer->WatchLanes([this] {
      return LaneDepths{workers_.queued(), hashers_.queued(), remotes_.queued()};
    });
  }
}

Pipeline::~Pipeline() { Shutdown(); }

void Pipeline::Shutdown() {
  workers_.Shutdown();
  hashers_.Shutdown();
  remotes_.Shutdown();
  if (options_.observer) options_.observer->WatchLanes({});
}

void Pipeline::NoteRateLimited(RouteClassId route_class) const {
  if (options_.observer) options_.observer->OnRateLimited(route_class);
}

void Pipeline::Prepare(Request* request) const {
  std::string_view id = request->Header("x-request-id");
  request->request_id = SaneRequestId(id) ? std::string(id) : NewRequestId();

  if (client_ip_.enabled()) {
    request->remote_ip =
        client_ip_.Resolve(request->remote_ip, request->Header(client_ip_.header()));
  }

  if (request->path.empty() && !request->target.empty()) {
    std::string_view target = request->target;
    size_t q = target.find('?');
    request->path = PercentDecode(target.substr(0, q), /*plus_as_space=*/false);
    request->query = q == std::string_view::npos ? "" : std::string(target.substr(q + 1));
  }
}

Responder Pipeline::Finisher(const Request& request, Responder write,
                             std::shared_ptr<Exchange>* exchange) const {
  auto st = std::make_shared<Exchange>();
  if (exchange) *exchange = st;
  st->out = outbound_;
  st->write = std::move(write);
  st->method = request.method;
  st->target = request.target;
  st->remote_ip = request.remote_ip;
  st->request_id = request.request_id;
  st->origin = std::string(request.Header("origin"));

  return [st](Response response) {
    if (st->done.exchange(true)) {
      spdlog::warn("response for request {} sent twice; second one ignored", st->request_id);
      return;
    }
    response.headers.emplace_back("X-Request-Id", st->request_id);
    st->out->cors.Decorate(st->origin, &response);
    // Auth responses carry tokens; no cache (browser or proxy) may keep them.
    if (response.content_type.starts_with("application/json") &&
        !HasHeader(response, "cache-control")) {
      response.headers.emplace_back("Cache-Control", "no-store");
    }
    if (st->out->observer || st->out->access_log) {
      double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - st->start)
              .count();
      if (st->out->observer)
        st->out->observer->OnResponse(st->route_class, response.status, ms / 1000);
      if (st->out->access_log)
        LogAccess({st->method, st->target, response.status, response.body.size(), ms, st->remote_ip,
                   st->request_id},
                  st->out->access_log_json);
    }
    // Release the captured connection once written, even if the handler keeps
    // its copy of this Responder around.
    Responder write = std::move(st->write);
    write(std::move(response));
  };
}

Response Pipeline::RenderError(const Request& request, const core::Error& error) const {
  Response r = options_.errors.Render(request, error);
  if (error.retry_after_seconds > 0 && !HasHeader(r, "retry-after")) {
    r.headers.emplace_back("Retry-After", std::to_string(error.retry_after_seconds));
  }
  return r;
}

void Pipeline::Reject(Request request, const core::Error& error, int status, Responder write) {
  Prepare(&request);
  Responder finish = Finisher(request, std::move(write));
  Response r = RenderError(request, error);
  if (status > 0) r.status = status;
  finish(std::move(r));
}

void Pipeline::Handle(Request request, Responder write) {
  Prepare(&request);
  std::shared_ptr<Exchange> exchange;
  Responder finish = Finisher(request, std::move(write), &exchange);

  if (auto bad = CheckPath(request)) {
    finish(RenderError(request, *bad));
    return;
  }
  if (CorsPolicy::IsPreflight(request)) {
    // Answered here: a preflight carries no credentials and must not reach
    // handlers that would reject it as unauthenticated.
    finish(outbound_->cors.Preflight(request, router_->MethodsFor(request.path)));
    return;
  }

  const Router::Route* route = nullptr;
  switch (router_->Match(request, &route)) {
    case Router::MatchStatus::kFound:
      break;
    case Router::MatchStatus::kNotFound:
      finish(RenderError(request, core::Error(core::errc::kNotFound, "Route not found")));
      return;
    case Router::MatchStatus::kMethodNotAllowed: {
      Response r =
          RenderError(request, core::Error(core::errc::kMethodNotAllowed, "Method not allowed"));
      r.headers.emplace_back("Allow", JoinMethods(router_->MethodsFor(request.path)));
      finish(std::move(r));
      return;
    }
  }

  const RouteOptions& ro = route->options;
  exchange->route_class = ro.route_class;
  exchange.reset();
  if (!ro.opaque_query) {
    if (auto bad = CheckQuery(request)) {
      finish(RenderError(request, *bad));
      return;
    }
  }
  if (ro.rate_limit_per_minute > 0 && !(ro.shared_rate_limit && options_.shared_rate_limit)) {
    RateLimiter::Decision d =
        limiter_.Take(RateKey(*route, request), ro.rate_limit_per_minute, ro.rate_limit_burst);
    if (!d.allowed) {
      NoteRateLimited(ro.route_class);
      finish(RenderError(request, TooManyRequests(d)));
      return;
    }
  }
  Dispatch(*route, std::move(request), std::move(finish));
}

WorkerPool& Pipeline::PoolFor(Lane lane) {
  return lane == Lane::kHashing ? hashers_ : lane == Lane::kRemote ? remotes_ : workers_;
}

void Pipeline::Dispatch(const Router::Route& route, Request request, Responder finish) {
  const bool hashing = route.options.lane == Lane::kHashing;
  WorkerPool& pool = PoolFor(route.options.lane);
  // What a continuation needs to render a failure; not the Request itself,
  // which may be gone by then.
  Request shape;
  shape.method = request.method;
  shape.target = request.target;
  shape.path = request.path;
  shape.request_id = request.request_id;
  request.continue_on = [this, finish, shape](Lane lane, std::function<void()> next) {
    bool queued = PoolFor(lane).TryPost([this, finish, shape, next = std::move(next)] {
      RequestIdScope scope(shape.request_id);
      try {
        next();
      } catch (const std::exception& e) {
        spdlog::error("continuation of {} {} threw: {}", core::EscapeForLog(shape.method),
                      core::EscapeForLog(shape.target), core::EscapeForLog(e.what()));
        finish(RenderError(shape, core::Error(core::errc::kInternal, "Internal server error")));
      }
    });
    if (!queued && options_.observer) options_.observer->OnLaneFull(lane);
    return queued;
  };
  // Shared rather than moved into the task: if the pool refuses the task, the
  // request is still needed here to render the refusal.
  auto owned = std::make_shared<Request>(std::move(request));
  const Handler* handler = &route.handler;  // the Router is immutable and outlives the pools
  // Capturing `this` is safe: the pools are shut down (threads joined) before
  // the Pipeline goes away.
  const RouteOptions& ro = route.options;
  std::string shared_key;  // set: count the shared budget first, on this pool thread
  if (ro.rate_limit_per_minute > 0 && ro.shared_rate_limit && options_.shared_rate_limit)
    shared_key = RateKey(route, *owned);
  auto task = [this, owned, handler, finish, &ro, shared_key = std::move(shared_key)]() {
    RequestIdScope scope(owned->request_id);
    try {
      if (!shared_key.empty()) {
        // A store that cannot count (database down) falls back to this
        // instance's buckets: refusing every request would turn an outage into
        // a lockout, and letting all through would drop the per-IP protection.
        std::optional<RateLimiter::Decision> d = options_.shared_rate_limit->Take(
            shared_key, ro.rate_limit_per_minute, ro.rate_limit_burst);
        if (!d) d = limiter_.Take(shared_key, ro.rate_limit_per_minute, ro.rate_limit_burst);
        if (!d->allowed) {
          NoteRateLimited(ro.route_class);
          finish(RenderError(*owned, TooManyRequests(*d)));
          return;
        }
      }
      (*handler)(*owned, finish);
    } catch (const std::exception& e) {
      // The Responder ignores this if the handler already answered.
      // The path and the message may hold anything the client sent.
      spdlog::error("handler for {} {} threw: {}", core::EscapeForLog(owned->method),
                    core::EscapeForLog(owned->target), core::EscapeForLog(e.what()));
      finish(RenderError(*owned, core::Error(core::errc::kInternal, "Internal server error")));
    }
  };
  if (pool.TryPost(std::move(task))) return;
  if (options_.observer) options_.observer->OnLaneFull(route.options.lane);

  core::Error error =
      hashing ? core::Error(core::errc::kOverloaded, "Server is busy, try again shortly", 1)
              : core::Error(core::errc::kUnavailable, "Service unavailable, try again shortly", 1);
  finish(RenderError(*owned, error));
}

}  // namespace gh::http
