// Loopback tests of the real server, protocol side: keep-alive, limits,
// malformed input, error shapes, CORS, request ids, listening.

#include "http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
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

TEST(ServerTest, TrustProxyTakesTheHopTheProxyAppended) {
  ServerOptions o;
  o.client_ip.trust_proxy = true;
  Harness h(o, HelloRouter());
  Client c(h.port());
  // The client wrote 203.0.113.9; the one proxy appended what it saw.
  auto r =
      c.Roundtrip(BuildRequest("GET", "/users/1", {{"X-Forwarded-For", "203.0.113.9, 10.0.0.1"}}));
  ASSERT_TRUE(r);
  EXPECT_EQ(Json(*r)["ip"], "10.0.0.1");
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
  nlohmann::json j = Json(*r);
  EXPECT_EQ(j["status"], 431);  // the body agrees with the status line
  EXPECT_EQ(j["error"], "headers-too-large");
  EXPECT_TRUE(c.WaitClosed());
}

TEST(ServerTest, PathOrQueryNotUtf8Is400) {
  Harness h({}, HelloRouter());
  Client c(h.port());
  for (const char* target : {"/hello%ff", "/hello%0aforged", "/hello?x=%c3%28", "/hello?%fe=1"}) {
    auto r = c.Roundtrip(BuildRequest("GET", target));
    ASSERT_TRUE(r) << target;
    EXPECT_EQ(r->status, 400) << target;
    EXPECT_EQ(Json(*r)["error"], "invalid-request") << target;
    EXPECT_EQ(Json(*r)["status"], 400) << target;
  }
  auto ok = c.Roundtrip(BuildRequest("GET", "/hello?x=%c3%a9"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST(ServerTest, OpaqueQueryRouteTakesAnyBytes) {
  auto router = std::make_shared<Router>();
  RouteOptions opaque;
  opaque.opaque_query = true;
  router->Add(
      "GET", "/callback", [](Request&, Responder respond) { respond(Response::Json(200, "{}")); },
      opaque);
  Harness h({}, router);
  Client c(h.port());
  auto r = c.Roundtrip(BuildRequest("GET", "/callback?state=%ff%fe"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  auto bad_path = c.Roundtrip(BuildRequest("GET", "/callback%ff?state=x"));
  ASSERT_TRUE(bad_path);
  EXPECT_EQ(bad_path->status, 400);  // the path is checked for every route
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
  for (const char* name : {"access-control-allow-origin", "access-control-allow-credentials",
                           "access-control-allow-methods", "vary"}) {
    EXPECT_EQ(r->Count(name), 1) << name;
  }

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
            "X-Request-Id, X-Total-Count, Link, Retry-After, x-sb-error-code, "
            "X-Supabase-Api-Version");
  EXPECT_EQ(ok->Header("vary"), "Origin");
  EXPECT_EQ(ok->Count("access-control-allow-origin"), 1);

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

TEST(ServerTest, ListenReportsAddressInUse) {
  Harness first({}, HelloRouter());
  ServerOptions o;
  o.host = "127.0.0.1";
  o.port = first.port();
  o.errors.SetDefault(testing::TestDialectError);
  Server second(o, HelloRouter());
  core::Result<void> r = second.Listen();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("in use"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find(std::to_string(first.port())), std::string::npos);
}

TEST(ServerTest, ListenRefusesOptionsWithoutADefaultErrorRenderer) {
  ServerOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  Server server(o, HelloRouter());
  core::Result<void> r = server.Listen();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("no default error renderer"), std::string::npos)
      << r.error().message;
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
