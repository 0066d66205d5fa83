// Loopback tests of the real server, dispatch side: lanes and their bounded
// queues, rate limits, Responder semantics, timeouts and graceful stop.

#include "http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/server_harness.h"

namespace gh::http {
namespace {

using namespace std::chrono_literals;
using testing::BuildRequest;
using testing::Client;
using testing::Gate;
using testing::Harness;
using testing::HelloRouter;
using testing::Json;
using testing::Reply;
using testing::WaitFor;

TEST(ServerTest, HashLaneOverloadAnswers429WithRetryAfter) {
  auto router = std::make_shared<Router>();
  Gate gate;
  std::atomic<int> entered{0};
  router->Add(
      "POST", "/signin",
      [&](Request&, Responder respond) {
        entered++;
        gate.Wait();
        respond(Response::Json(200, R"({"ok":true})"));
      },
      RouteOptions{Lane::kHashing});
  router->Add("GET", "/hello",
              [](Request&, Responder respond) { respond(Response::Json(200, "{}")); });
  ServerOptions o;
  o.hash_threads = 1;
  o.hash_queue_limit = 1;
  Harness h(o, router);

  Client running(h.port()), queued(h.port()), refused(h.port());
  ASSERT_TRUE(running.Send(BuildRequest("POST", "/signin", {}, "{}")));
  ASSERT_TRUE(WaitFor([&] { return entered == 1; }));
  ASSERT_TRUE(queued.Send(BuildRequest("POST", "/signin", {}, "{}")));
  std::this_thread::sleep_for(200ms);  // let the server queue it

  auto r = refused.Roundtrip(BuildRequest("POST", "/signin", {}, "{}"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(Json(*r)["error"], "server-overloaded");
  EXPECT_EQ(r->Header("retry-after"), "1");

  // The worker lane is unaffected by a full hash lane.
  auto other = refused.Roundtrip(BuildRequest("GET", "/hello"));
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);

  gate.Open();
  auto a = running.Read();
  auto b = queued.Read();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(b->status, 200);
  EXPECT_EQ(entered.load(), 2);
}

TEST(ServerTest, RemoteLaneWaitsWithoutHoldingWorkersAndRefusesWhenFull) {
  auto router = std::make_shared<Router>();
  Gate gate;
  std::atomic<int> entered{0};
  router->Add(
      "GET", "/callback",
      [&](Request&, Responder respond) {
        entered++;
        gate.Wait();  // a provider that takes its time
        respond(Response::Json(200, "{}"));
      },
      RouteOptions{Lane::kRemote});
  router->Add("POST", "/token",
              [](Request&, Responder respond) { respond(Response::Json(200, "{}")); });
  ServerOptions o;
  o.worker_threads = 1;
  o.remote_threads = 1;
  o.remote_queue_limit = 1;
  Harness h(o, router);

  Client running(h.port()), queued(h.port()), refused(h.port()), other(h.port());
  ASSERT_TRUE(running.Send(BuildRequest("GET", "/callback")));
  ASSERT_TRUE(WaitFor([&] { return entered == 1; }));
  ASSERT_TRUE(queued.Send(BuildRequest("GET", "/callback")));
  std::this_thread::sleep_for(200ms);  // let the server queue it

  // The remote lane is busy and full; the one worker still serves refresh.
  auto r = other.Roundtrip(BuildRequest("POST", "/token", {}, "{}"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  auto full = refused.Roundtrip(BuildRequest("GET", "/callback"));
  ASSERT_TRUE(full);
  EXPECT_EQ(full->status, 503);
  EXPECT_EQ(Json(*full)["error"], "service-unavailable");
  EXPECT_EQ(full->Header("retry-after"), "1");

  gate.Open();
  auto a = running.Read();
  auto b = queued.Read();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(b->status, 200);
  EXPECT_EQ(entered.load(), 2);
}

TEST(ServerTest, WorkerQueueFullAnswers503) {
  auto router = std::make_shared<Router>();
  Gate gate;
  std::atomic<int> entered{0};
  router->Add("GET", "/slow", [&](Request&, Responder respond) {
    entered++;
    gate.Wait();
    respond(Response::Json(200, "{}"));
  });
  ServerOptions o;
  o.worker_threads = 1;
  o.worker_queue_limit = 0;
  Harness h(o, router);
  Client busy(h.port()), refused(h.port());
  // With no queue at all the very first request is refused as well: nothing
  // is idle-waiting to take it.
  auto r = refused.Roundtrip(BuildRequest("GET", "/slow"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(Json(*r)["error"], "service-unavailable");
  EXPECT_EQ(r->Header("retry-after"), "1");
  EXPECT_EQ(entered.load(), 0);
}

TEST(ServerTest, RateLimitAnswers429PerRouteAndClient) {
  auto router = HelloRouter();
  router->Add(
      "POST", "/limited", [](Request&, Responder respond) { respond(Response::Json(200, "{}")); },
      RouteOptions{Lane::kWorker, /*rate_limit_per_minute=*/6, /*rate_limit_burst=*/2});
  Harness h({}, router);
  Client c(h.port());
  for (int i = 0; i < 2; ++i) {
    auto ok = c.Roundtrip(BuildRequest("POST", "/limited", {}, "{}"));
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
  }
  auto r = c.Roundtrip(BuildRequest("POST", "/limited", {}, "{}"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(Json(*r)["error"], "too-many-requests");
  int retry = std::stoi(r->Header("retry-after"));
  EXPECT_GE(retry, 9);
  EXPECT_LE(retry, 10);
  // Other routes are not limited.
  auto other = c.Roundtrip(BuildRequest("GET", "/hello"));
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
}

// Counts `burst` per key for every server it is given to, as the store does
// for several instances; `down` makes it unable to count.
class CountingSharedLimit final : public SharedRateLimit {
 public:
  std::optional<RateLimiter::Decision> Take(std::string_view key, double, int burst) override {
    std::lock_guard<std::mutex> lock(mu);
    ++calls;
    if (down) return std::nullopt;
    RateLimiter::Decision d;
    if (++counts[std::string(key)] > burst) {
      d.allowed = false;
      d.retry_after_seconds = 42;
    }
    return d;
  }
  std::mutex mu;
  std::map<std::string, int> counts;
  int calls = 0;
  bool down = false;
};

std::shared_ptr<Router> SharedLimitRouter() {
  auto router = HelloRouter();
  RouteOptions shared{Lane::kWorker, /*rate_limit_per_minute=*/6, /*rate_limit_burst=*/2};
  shared.shared_rate_limit = true;
  router->Add(
      "POST", "/shared", [](Request&, Responder respond) { respond(Response::Json(200, "{}")); },
      shared);
  router->Add(
      "POST", "/local", [](Request&, Responder respond) { respond(Response::Json(200, "{}")); },
      RouteOptions{Lane::kWorker, 6, 2});
  return router;
}

TEST(ServerTest, TwoServersSharingALimitSpendOneBudget) {
  auto limit = std::make_shared<CountingSharedLimit>();
  ServerOptions options;
  options.shared_rate_limit = limit;
  Harness a(options, SharedLimitRouter());
  Harness b(options, SharedLimitRouter());
  Client ca(a.port());
  Client cb(b.port());
  EXPECT_EQ(ca.Roundtrip(BuildRequest("POST", "/shared", {}, "{}"))->status, 200);
  EXPECT_EQ(cb.Roundtrip(BuildRequest("POST", "/shared", {}, "{}"))->status, 200);
  auto third = ca.Roundtrip(BuildRequest("POST", "/shared", {}, "{}"));
  ASSERT_TRUE(third);
  EXPECT_EQ(third->status, 429);
  EXPECT_EQ(third->Header("retry-after"), "42");
  // Routes not marked shared count in each server, without asking.
  const int calls = limit->calls;
  for (Client* c : {&ca, &cb})
    for (int i = 0; i < 2; ++i)
      EXPECT_EQ(c->Roundtrip(BuildRequest("POST", "/local", {}, "{}"))->status, 200);
  EXPECT_EQ(limit->calls, calls);
}

TEST(ServerTest, ASharedLimitThatCannotCountFallsBackToThisServersBuckets) {
  auto limit = std::make_shared<CountingSharedLimit>();
  limit->down = true;
  ServerOptions options;
  options.shared_rate_limit = limit;
  Harness h(options, SharedLimitRouter());
  Client c(h.port());
  for (int i = 0; i < 2; ++i)
    EXPECT_EQ(c.Roundtrip(BuildRequest("POST", "/shared", {}, "{}"))->status, 200);
  auto r = c.Roundtrip(BuildRequest("POST", "/shared", {}, "{}"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);  // neither refused wholesale nor let through unlimited
  EXPECT_EQ(limit->calls, 3);
}

TEST(ServerTest, ResponderFromAnotherThreadAndSecondCallIgnored) {
  auto router = std::make_shared<Router>();
  std::vector<std::thread> helpers;
  std::mutex helpers_mu;
  router->Add("GET", "/async", [&](Request& req, Responder respond) {
    std::string id(req.PathParam("none"));  // touch the request on the pool thread
    std::lock_guard<std::mutex> lock(helpers_mu);
    helpers.emplace_back([respond] {
      std::this_thread::sleep_for(30ms);
      respond(Response::Json(201, R"({"first":true})"));
      respond(Response::Json(500, R"({"second":true})"));
    });
  });
  router->Add("GET", "/hello",
              [](Request&, Responder respond) { respond(Response::Json(200, R"({"hello":1})")); });
  Harness h({}, router);
  Client c(h.port());
  auto r = c.Roundtrip(BuildRequest("GET", "/async"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, R"({"first":true})");
  // The ignored second call must not leak a stray response onto the connection.
  auto next = c.Roundtrip(BuildRequest("GET", "/hello"));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, R"({"hello":1})");
  std::lock_guard<std::mutex> lock(helpers_mu);
  for (auto& t : helpers) t.join();
}

TEST(ServerTest, ResponderOutlivingClosedConnectionIsHarmless) {
  auto router = std::make_shared<Router>();
  Gate gate;
  std::atomic<bool> entered{false}, answered{false};
  router->Add("GET", "/slow", [&](Request&, Responder respond) {
    entered = true;
    gate.Wait();
    respond(Response::Json(200, "{}"));
    answered = true;
  });
  Harness h({}, router);
  {
    Client c(h.port());
    ASSERT_TRUE(c.Send(BuildRequest("GET", "/slow")));
    ASSERT_TRUE(WaitFor([&] { return entered.load(); }));
  }  // client gone
  gate.Open();
  EXPECT_TRUE(WaitFor([&] { return answered.load(); }));
  Client again(h.port());
  EXPECT_TRUE(again.Roundtrip(BuildRequest("GET", "/nope")));
}

TEST(ServerTest, HandlerExceptionBecomes500) {
  auto router = std::make_shared<Router>();
  router->Add("GET", "/boom", [](Request&, Responder) { throw std::runtime_error("boom"); });
  Harness h({}, router);
  Client c(h.port());
  auto r = c.Roundtrip(BuildRequest("GET", "/boom"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(Json(*r)["error"], "internal-server-error");
}

TEST(ServerTest, IdleKeepAliveConnectionTimesOut) {
  ServerOptions o;
  o.idle_timeout_seconds = 1;
  Harness h(o, HelloRouter());
  Client c(h.port());
  ASSERT_TRUE(c.Roundtrip(BuildRequest("GET", "/hello")));
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.WaitClosed());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
}

TEST(ServerTest, GracefulStopFinishesInFlightAndClosesIdle) {
  auto router = HelloRouter();
  std::atomic<bool> entered{false};
  router->Add("GET", "/slow", [&](Request&, Responder respond) {
    entered = true;
    std::this_thread::sleep_for(300ms);
    respond(Response::Json(200, R"({"slow":true})"));
  });
  auto h = std::make_unique<Harness>(ServerOptions{}, router);
  Client idle(h->port());
  ASSERT_TRUE(idle.Roundtrip(BuildRequest("GET", "/hello")));
  Client busy(h->port());
  ASSERT_TRUE(busy.Send(BuildRequest("GET", "/slow")));
  ASSERT_TRUE(WaitFor([&] { return entered.load(); }));

  std::thread stopper([&] { h->Stop(5); });
  EXPECT_TRUE(idle.WaitClosed());  // idle keep-alive closed at once
  auto r = busy.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"slow":true})");
  EXPECT_EQ(r->Header("connection"), "close");
  stopper.join();
  EXPECT_TRUE(h->returned());

  // No longer accepting.
  Client late(h->port(), 500);
  EXPECT_FALSE(late.connected() && late.Roundtrip(BuildRequest("GET", "/hello")));
}

TEST(ServerTest, StopGivesUpAfterDrainDeadline) {
  auto router = std::make_shared<Router>();
  Gate gate;
  std::atomic<bool> entered{false};
  router->Add("GET", "/stuck", [&](Request&, Responder respond) {
    entered = true;
    gate.Wait();
    respond(Response::Json(200, "{}"));
  });
  Harness h({}, router);
  Client c(h.port());
  ASSERT_TRUE(c.Send(BuildRequest("GET", "/stuck")));
  ASSERT_TRUE(WaitFor([&] { return entered.load(); }));
  auto start = std::chrono::steady_clock::now();
  h.Stop(1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  gate.Open();
}

}  // namespace
}  // namespace gh::http
