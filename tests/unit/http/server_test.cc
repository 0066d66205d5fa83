// Loopback tests of the real server: a Server on 127.0.0.1, port 0, run in a
// thread, driven by the blocking client in test_client.h.

#include "http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "http/test_client.h"

namespace gh::http {
namespace {

using namespace std::chrono_literals;
using testing::BuildRequest;
using testing::Client;
using testing::Reply;

template <typename Pred>
bool WaitFor(Pred pred, std::chrono::milliseconds limit = 5000ms) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

// A gate handlers block on until the test opens it (bounded, so a failing
// test cannot wedge a pool thread forever).
class Gate {
 public:
  void Wait() { future_.wait_for(10s); }
  void Open() {
    if (!opened_.exchange(true)) promise_.set_value();
  }
  ~Gate() { Open(); }

 private:
  std::promise<void> promise_;
  std::shared_future<void> future_ = promise_.get_future().share();
  std::atomic<bool> opened_{false};
};

// Runs a Server in a background thread; Stop() is bounded too.
class Harness {
 public:
  Harness(ServerOptions options, std::shared_ptr<Router> router) {
    options.host = "127.0.0.1";
    options.port = 0;
    options.access_log = false;
    server_ = std::make_unique<Server>(std::move(options), std::move(router));
    core::Result<void> listening = server_->Listen();
    EXPECT_TRUE(listening.ok()) << (listening.ok() ? "" : listening.error().message);
    thread_ = std::thread([this] {
      server_->Run();
      returned_ = true;
    });
  }
  ~Harness() { Stop(1); }

  // Returns true when Run() returned within the limit; aborts otherwise so the
  // test binary fails instead of hanging.
  bool Stop(int drain_seconds, std::chrono::milliseconds limit = 10s) {
    if (!thread_.joinable()) return true;
    server_->Stop(drain_seconds);
    if (!WaitFor([this] { return returned_.load(); }, limit)) {
      ADD_FAILURE() << "Server::Run did not return after Stop";
      std::abort();
    }
    thread_.join();
    return true;
  }
  bool returned() const { return returned_; }
  int port() const { return server_->port(); }

 private:
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::atomic<bool> returned_{false};
};

std::shared_ptr<Router> HelloRouter() {
  auto router = std::make_shared<Router>();
  router->Add("GET", "/hello", [](Request&, Responder respond) {
    respond(Response::Json(200, R"({"hello":"world"})"));
  });
  router->Add("POST", "/echo", [](Request& req, Responder respond) {
    Response r;
    r.content_type = "text/plain";
    r.body = req.body;
    respond(std::move(r));
  });
  router->Add("GET", "/users/{id}", [](Request& req, Responder respond) {
    nlohmann::json j = {{"id", req.PathParam("id")},
                        {"q", req.QueryParam("q")},
                        {"ip", req.remote_ip},
                        {"path", req.path}};
    respond(Response::Json(200, j.dump()));
  });
  return router;
}

nlohmann::json Json(const Reply& r) { return nlohmann::json::parse(r.body, nullptr, false); }

TEST(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  Harness h({}, HelloRouter());
  Client c(h.port());
  ASSERT_TRUE(c.connected());

  auto r1 = c.Roundtrip(BuildRequest("GET", "/hello"));
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->status, 200);
  EXPECT_EQ(r1->body, R"({"hello":"world"})");
  EXPECT_EQ(r1->Header("content-type"), "application/json");
  EXPECT_EQ(r1->Header("content-length"), std::to_string(r1->body.size()));
  EXPECT_EQ(r1->Header("cache-control"), "no-store");
  EXPECT_EQ(r1->Header("x-request-id").size(), 32u);

  auto r2 = c.Roundtrip(BuildRequest("POST", "/echo", {}, "ping"));
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 200);
  EXPECT_EQ(r2->body, "ping");
  EXPECT_EQ(r2->Header("content-type"), "text/plain");
  EXPECT_EQ(r2->Header("cache-control"), "<absent>");
  EXPECT_NE(r2->Header("x-request-id"), r1->Header("x-request-id"));
}

TEST(ServerTest, PathParamsQueryAndRemoteIp) {
  Harness h({}, HelloRouter());
  Client c(h.port());
  auto r = c.Roundtrip(BuildRequest("GET", "/users/a%20b?q=x+y%26z",
                                    {{"X-Forwarded-For", "203.0.113.9, 10.0.0.1"}}));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  nlohmann::json j = Json(*r);
  EXPECT_EQ(j["id"], "a b");
  EXPECT_EQ(j["path"], "/users/a b");
  EXPECT_EQ(j["q"], "x y&z");
  EXPECT_EQ(j["ip"], "127.0.0.1");  // proxy not trusted
}

TEST(ServerTest, TrustProxyTakesFirstForwardedHop) {
  ServerOptions o;
  o.trust_proxy = true;
  Harness h(o, HelloRouter());
  Client c(h.port());
  auto r =
      c.Roundtrip(BuildRequest("GET", "/users/1", {{"X-Forwarded-For", "203.0.113.9, 10.0.0.1"}}));
  ASSERT_TRUE(r);
  EXPECT_EQ(Json(*r)["ip"], "203.0.113.9");
}

TEST(ServerTest, BodyTooLargeIs413AndCloses) {
  ServerOptions o;
  o.body_limit_bytes = 1024;
  Harness h(o, HelloRouter());
  Client c(h.port());
  auto ok = c.Roundtrip(BuildRequest("POST", "/echo", {}, std::string(1024, 'a')));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);

  auto r = c.Roundtrip(BuildRequest("POST", "/echo", {}, std::string(4096, 'a')));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(Json(*r)["error"], "payload-too-large");
  EXPECT_EQ(Json(*r)["status"], 413);
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_EQ(r->Header("x-request-id").size(), 32u);
  EXPECT_TRUE(c.WaitClosed());
}

TEST(ServerTest, ChunkedBodyOverLimitIs413) {
  ServerOptions o;
  o.body_limit_bytes = 100;
  Harness h(o, HelloRouter());
  Client c(h.port());
  std::string chunk(200, 'b');
  auto r =
      c.Roundtrip("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nc8\r\n" +
                  chunk + "\r\n0\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST(ServerTest, ExpectContinueGetsInterimResponse) {
  Harness h({}, HelloRouter());
  Client c(h.port());
  ASSERT_TRUE(
      c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
             "Content-Length: 5\r\n\r\n"));
  auto interim = c.Read();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  auto r = c.Roundtrip("hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
}

TEST(ServerTest, MalformedRequestIs400AndCloses) {
  Harness h({}, HelloRouter());
  Client c(h.port());
  auto r = c.Roundtrip("GARBAGE\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(Json(*r)["error"], "invalid-request");
  EXPECT_TRUE(c.WaitClosed());
}

TEST(ServerTest, HugeHeadersAre431) {
  ServerOptions o;
  o.header_limit_bytes = 2048;
  Harness h(o, HelloRouter());
  Client c(h.port());
  auto r = c.Roundtrip(BuildRequest("GET", "/hello", {{"X-Big", std::string(4096, 'x')}}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_TRUE(c.WaitClosed());
}

TEST(ServerTest, NotFoundAndMethodNotAllowedShapes) {
  Harness h({}, HelloRouter());
  Client c(h.port());
  auto nf = c.Roundtrip(BuildRequest("GET", "/nope?token=secret"));
  ASSERT_TRUE(nf);
  EXPECT_EQ(nf->status, 404);
  nlohmann::json j = Json(*nf);
  EXPECT_EQ(j["status"], 404);
  EXPECT_EQ(j["error"], "route-not-found");
  EXPECT_TRUE(j["message"].is_string());
  EXPECT_EQ(nf->Header("cache-control"), "no-store");

  auto na = c.Roundtrip(BuildRequest("DELETE", "/hello"));  // same connection: 404 kept it open
  ASSERT_TRUE(na);
  EXPECT_EQ(na->status, 405);
  EXPECT_EQ(Json(*na)["error"], "method-not-allowed");
  EXPECT_EQ(na->Header("allow"), "GET");
}

TEST(ServerTest, RenderErrorHookShapesServerErrors) {
  ServerOptions o;
  o.render_error = [](const Request& req, const core::Error& e) {
    nlohmann::json j = {{"code", DefaultStatusFor(e.code)},
                        {"error_code", e.code},
                        {"msg", e.message},
                        {"path", req.path}};
    return Response::Json(DefaultStatusFor(e.code), j.dump());
  };
  Harness h(o, HelloRouter());
  Client c(h.port());
  auto r = c.Roundtrip(BuildRequest("GET", "/auth/v1/nope"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(Json(*r)["error_code"], "route-not-found");
  EXPECT_EQ(Json(*r)["path"], "/auth/v1/nope");
}

TEST(ServerTest, CorsPreflightIsAnsweredWithoutDispatch) {
  auto router = std::make_shared<Router>();
  std::atomic<int> calls{0};
  auto count = [&calls](Request&, Responder respond) {
    calls++;
    respond(Response::Json(200, "{}"));
  };
  router->Add("GET", "/v1/user", count);
  router->Add("POST", "/v1/user", count);
  Harness h({}, router);
  Client c(h.port());

  auto r = c.Roundtrip(BuildRequest(
      "OPTIONS", "/v1/user",
      {{"Origin", "http://localhost:3000"}, {"Access-Control-Request-Method", "POST"}}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(r->Header("access-control-allow-origin"), "http://localhost:3000");
  EXPECT_EQ(r->Header("access-control-allow-credentials"), "true");
  EXPECT_EQ(r->Header("access-control-allow-methods"), "GET, POST");
  EXPECT_EQ(r->Header("access-control-allow-headers"),
            "authorization, content-type, apikey, x-client-info, x-supabase-api-version, "
            "x-request-id");
  EXPECT_EQ(r->Header("access-control-max-age"), "600");
  EXPECT_EQ(r->Header("vary"), "Origin");

  auto r2 =
      c.Roundtrip(BuildRequest("OPTIONS", "/v1/user",
                               {{"Origin", "http://localhost:3000"},
                                {"Access-Control-Request-Method", "GET"},
                                {"Access-Control-Request-Headers", "x-custom, authorization"}}));
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->Header("access-control-allow-headers"), "x-custom, authorization");
  EXPECT_EQ(calls.load(), 0);
}

TEST(ServerTest, CorsHeadersOnActualResponses) {
  ServerOptions o;
  o.cors_allowed_origins = {"https://app.example"};
  Harness h(o, HelloRouter());
  Client c(h.port());

  auto ok = c.Roundtrip(BuildRequest("GET", "/hello", {{"Origin", "https://app.example"}}));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->Header("access-control-allow-origin"), "https://app.example");
  EXPECT_EQ(ok->Header("access-control-allow-credentials"), "true");
  EXPECT_EQ(ok->Header("access-control-expose-headers"),
            "X-Request-Id, X-Total-Count, Link, Retry-After");
  EXPECT_EQ(ok->Header("vary"), "Origin");

  auto refused = c.Roundtrip(BuildRequest("GET", "/hello", {{"Origin", "https://evil.example"}}));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 200);  // CORS is enforced by the browser
  EXPECT_EQ(refused->Header("access-control-allow-origin"), "<absent>");

  auto none = c.Roundtrip(BuildRequest("GET", "/hello"));
  ASSERT_TRUE(none);
  EXPECT_EQ(none->Header("access-control-allow-origin"), "<absent>");
}

TEST(ServerTest, RequestIdEchoedWhenSaneElseGenerated) {
  Harness h({}, HelloRouter());
  Client c(h.port());
  auto r = c.Roundtrip(BuildRequest("GET", "/hello", {{"X-Request-Id", "trace-123"}}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Header("x-request-id"), "trace-123");

  auto nf = c.Roundtrip(BuildRequest("GET", "/missing", {{"X-Request-Id", "trace-456"}}));
  ASSERT_TRUE(nf);
  EXPECT_EQ(nf->Header("x-request-id"), "trace-456");

  std::string too_long(129, 'a');
  auto g = c.Roundtrip(BuildRequest("GET", "/hello", {{"X-Request-Id", too_long}}));
  ASSERT_TRUE(g);
  EXPECT_NE(g->Header("x-request-id"), too_long);
  EXPECT_EQ(g->Header("x-request-id").size(), 32u);
}

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

TEST(ServerTest, ListenReportsAddressInUse) {
  Harness first({}, HelloRouter());
  ServerOptions o;
  o.host = "127.0.0.1";
  o.port = first.port();
  Server second(o, HelloRouter());
  core::Result<void> r = second.Listen();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("in use"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find(std::to_string(first.port())), std::string::npos);
}

TEST(ServerTest, SeveralIoThreadsServeConcurrentClients) {
  ServerOptions o;
  o.io_threads = 3;
  Harness h(o, HelloRouter());
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&] {
      Client c(h.port());
      for (int i = 0; i < 20; ++i) {
        auto r = c.Roundtrip(BuildRequest("POST", "/echo", {}, "x" + std::to_string(i)));
        if (r && r->status == 200 && r->body == "x" + std::to_string(i)) ok++;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 160);
}

}  // namespace
}  // namespace gh::http
