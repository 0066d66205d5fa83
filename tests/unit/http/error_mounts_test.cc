// The mount table that picks the dialect for errors the server raises itself:
// selection on its own, then through the real server with a second, fake
// dialect mounted beside a native-like one.

#include "http/error_mounts.h"

#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "http/server_harness.h"

namespace gh::http {
namespace {

using testing::BuildRequest;
using testing::Client;
using testing::Harness;
using testing::Json;

// A renderer that only says who it is.
ErrorRenderer Named(std::string name) {
  return [name](const Request&, const core::Error&) { return Response::Json(200, name); };
}

std::string Pick(const ErrorMounts& mounts, std::string_view path) {
  Request request;
  request.path = std::string(path);
  return mounts.Render(request, core::Error(core::errc::kNotFound, "x")).body;
}

TEST(ErrorMountsTest, LongestPrefixWinsOnSegmentBoundaries) {
  ErrorMounts m;
  m.SetDefault(Named("default"));
  m.Mount("/v1", Named("native"));
  m.Mount("/auth/v1/", Named("gotrue"));  // a trailing slash is ignored
  m.Mount("/auth", Named("auth"));

  EXPECT_EQ(Pick(m, "/v1"), "native");
  EXPECT_EQ(Pick(m, "/v1/"), "native");
  EXPECT_EQ(Pick(m, "/v1/signin/email-password"), "native");
  EXPECT_EQ(Pick(m, "/v10/user"), "default");  // a prefix of characters, not of segments
  EXPECT_EQ(Pick(m, "/auth/v1"), "gotrue");
  EXPECT_EQ(Pick(m, "/auth/v1/token"), "gotrue");  // longer than "/auth", added before it
  EXPECT_EQ(Pick(m, "/auth/v2/token"), "auth");
  EXPECT_EQ(Pick(m, "/authx"), "default");
  EXPECT_EQ(Pick(m, "/"), "default");
  EXPECT_EQ(Pick(m, ""), "default");  // a request too broken to have a path
}

TEST(ErrorMountsTest, RootMountHoldsEveryPathAndRemountReplaces) {
  ErrorMounts m;
  m.SetDefault(Named("default"));
  EXPECT_EQ(Pick(m, "/v1/user"), "default");
  m.Mount("/", Named("root"));
  m.Mount("/v1", Named("old"));
  m.Mount("/v1", Named("new"));
  EXPECT_EQ(Pick(m, "/anything"), "root");
  EXPECT_EQ(Pick(m, "/"), "root");
  EXPECT_EQ(Pick(m, "/v1/user"), "new");
}

// A second dialect with a shape of its own ({code, error_code, msg}) and a
// status table of its own: it answers an unknown method as 404, so the test
// sees that the status line is the dialect's choice, not the server's.
Response FakeDialectError(const Request& request, const core::Error& e) {
  int status = 400;
  if (e.code == core::errc::kNotFound || e.code == core::errc::kMethodNotAllowed) status = 404;
  if (e.code == core::errc::kPayloadTooLarge) status = 413;
  if (e.code == core::errc::kTooManyRequests) status = 429;
  if (e.code == core::errc::kHeadersTooLarge) status = 431;
  nlohmann::json j = {
      {"code", status}, {"error_code", e.code}, {"msg", e.message}, {"path", request.path}};
  return Response::Json(status, j.dump());
}

class MountedServerTest : public ::testing::Test {
 protected:
  MountedServerTest() {
    auto router = std::make_shared<Router>();
    auto ok = [](Request&, Responder respond) { respond(Response::Json(200, "{}")); };
    for (const char* prefix : {"/v1", "/auth/v1"}) {
      std::string p = prefix;
      router->Add("GET", p + "/hello", ok);
      router->Add("POST", p + "/echo", ok);
      router->Add("POST", p + "/limited", ok,
                  RouteOptions{Lane::kWorker, /*rate_limit_per_minute=*/6,
                               /*rate_limit_burst=*/1});
    }
    ServerOptions o;
    o.body_limit_bytes = 1024;
    o.header_limit_bytes = 2048;
    o.errors.SetDefault(testing::TestDialectError);
    o.errors.Mount("/v1", testing::TestDialectError);
    o.errors.Mount("/auth/v1", FakeDialectError);
    harness_ = std::make_unique<Harness>(o, router);
  }

  // The native-like shape {status, error, message}.
  static void ExpectNative(const testing::Reply& r, int status, std::string_view code) {
    EXPECT_EQ(r.status, status);
    nlohmann::json j = Json(r);
    EXPECT_EQ(j["status"], status);
    EXPECT_EQ(j["error"], code);
    EXPECT_FALSE(j.contains("error_code"));
  }
  // The fake dialect's shape {code, error_code, msg, path}.
  static void ExpectFake(const testing::Reply& r, int status, std::string_view code,
                         std::string_view path) {
    EXPECT_EQ(r.status, status);
    nlohmann::json j = Json(r);
    EXPECT_EQ(j["code"], status);
    EXPECT_EQ(j["error_code"], code);
    EXPECT_EQ(j["path"], path);
    EXPECT_TRUE(j["msg"].is_string());
    EXPECT_FALSE(j.contains("error"));
  }

  std::unique_ptr<Harness> harness_;
};

TEST_F(MountedServerTest, NotFoundTakesTheShapeOfThePathsMount) {
  Client c(harness_->port());
  auto fake = c.Roundtrip(BuildRequest("GET", "/auth/v1/nope"));
  ASSERT_TRUE(fake);
  ExpectFake(*fake, 404, "route-not-found", "/auth/v1/nope");
  EXPECT_EQ(fake->Header("cache-control"), "no-store");  // the pipeline still decorates

  auto native = c.Roundtrip(BuildRequest("GET", "/v1/nope"));
  ASSERT_TRUE(native);
  ExpectNative(*native, 404, "route-not-found");

  auto nowhere = c.Roundtrip(BuildRequest("GET", "/auth/v10/nope"));  // under no mount
  ASSERT_TRUE(nowhere);
  ExpectNative(*nowhere, 404, "route-not-found");
}

TEST_F(MountedServerTest, MethodNotAllowedIsTheDialectsStatusWithAllowKept) {
  Client c(harness_->port());
  auto fake = c.Roundtrip(BuildRequest("DELETE", "/auth/v1/hello"));
  ASSERT_TRUE(fake);
  ExpectFake(*fake, 404, "method-not-allowed", "/auth/v1/hello");
  EXPECT_EQ(fake->Header("allow"), "GET");

  auto native = c.Roundtrip(BuildRequest("DELETE", "/v1/hello"));
  ASSERT_TRUE(native);
  ExpectNative(*native, 405, "method-not-allowed");
  EXPECT_EQ(native->Header("allow"), "GET");
}

TEST_F(MountedServerTest, PayloadTooLargeBeforeRoutingUsesTheTargetsMount) {
  {
    Client c(harness_->port());
    auto fake = c.Roundtrip(BuildRequest("POST", "/auth/v1/echo", {}, std::string(4096, 'a')));
    ASSERT_TRUE(fake);
    ExpectFake(*fake, 413, "payload-too-large", "/auth/v1/echo");
    EXPECT_EQ(fake->Header("connection"), "close");
  }
  Client c(harness_->port());
  auto native = c.Roundtrip(BuildRequest("POST", "/v1/echo", {}, std::string(4096, 'a')));
  ASSERT_TRUE(native);
  ExpectNative(*native, 413, "payload-too-large");
}

// Refused before the header is parsed: the path comes from the raw request line.
TEST_F(MountedServerTest, HeadersTooLargeAndMalformedUseTheRequestLinesMount) {
  const std::string big(4096, 'x');
  {
    Client c(harness_->port());
    auto fake = c.Roundtrip(BuildRequest("GET", "/auth/v1/hello", {{"X-Big", big}}));
    ASSERT_TRUE(fake);
    ExpectFake(*fake, 431, "headers-too-large", "/auth/v1/hello");
  }
  {
    Client c(harness_->port());
    auto native = c.Roundtrip(BuildRequest("GET", "/v1/hello", {{"X-Big", big}}));
    ASSERT_TRUE(native);
    ExpectNative(*native, 431, "headers-too-large");
  }
  {
    Client c(harness_->port());
    auto fake = c.Roundtrip("GET /auth/v1/hello HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n");
    ASSERT_TRUE(fake);
    ExpectFake(*fake, 400, "invalid-request", "/auth/v1/hello");
  }
  Client c(harness_->port());
  auto garbage = c.Roundtrip("\x01\x02 nonsense\r\n\r\n");  // no path to go by: the default
  ASSERT_TRUE(garbage);
  ExpectNative(*garbage, 400, "invalid-request");
}

TEST_F(MountedServerTest, RateLimitTakesTheDialectsShapeAndKeepsRetryAfter) {
  Client c(harness_->port());
  for (const char* path : {"/auth/v1/limited", "/v1/limited"}) {
    auto ok = c.Roundtrip(BuildRequest("POST", path, {}, "{}"));
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200) << path;
  }
  auto fake = c.Roundtrip(BuildRequest("POST", "/auth/v1/limited", {}, "{}"));
  ASSERT_TRUE(fake);
  ExpectFake(*fake, 429, "too-many-requests", "/auth/v1/limited");
  EXPECT_NE(fake->Header("retry-after"), "<absent>");  // added by the pipeline

  auto native = c.Roundtrip(BuildRequest("POST", "/v1/limited", {}, "{}"));
  ASSERT_TRUE(native);
  ExpectNative(*native, 429, "too-many-requests");
  EXPECT_NE(native->Header("retry-after"), "<absent>");
}

}  // namespace
}  // namespace gh::http
