#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/access_log.h"
#include "http/cors.h"

namespace gh::http {
namespace {

std::string HeaderOf(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "<absent>";
}

TEST(CorsPolicyTest, AllowsExactOriginsOrAny) {
  CorsPolicy some({"https://app.example/", "https://admin.example"});
  EXPECT_TRUE(some.Allows("https://app.example"));  // trailing slash in config ignored
  EXPECT_TRUE(some.Allows("https://admin.example"));
  EXPECT_FALSE(some.Allows("https://evil.example"));
  EXPECT_FALSE(some.Allows(""));
  CorsPolicy any({"*"});
  EXPECT_TRUE(any.Allows("http://localhost:3000"));
  CorsPolicy none({});
  EXPECT_FALSE(none.Allows("http://localhost:3000"));
}

TEST(CorsPolicyTest, DecorateEchoesOrigin) {
  CorsPolicy any({"*"});
  Response r;
  any.Decorate("http://localhost:3000", &r);
  EXPECT_EQ(HeaderOf(r, "Access-Control-Allow-Origin"), "http://localhost:3000");
  EXPECT_EQ(HeaderOf(r, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(HeaderOf(r, "Vary"), "Origin");
  EXPECT_EQ(HeaderOf(r, "Access-Control-Expose-Headers"),
            "X-Request-Id, X-Total-Count, Link, Retry-After, x-sb-error-code, "
            "X-Supabase-Api-Version");

  Response none;
  any.Decorate("", &none);
  EXPECT_TRUE(none.headers.empty());
}

TEST(CorsPolicyTest, PreflightFromRefusedOriginIsBare) {
  CorsPolicy some({"https://app.example"});
  Request req;
  req.method = "OPTIONS";
  req.headers = {{"origin", "https://evil.example"}, {"access-control-request-method", "POST"}};
  ASSERT_TRUE(CorsPolicy::IsPreflight(req));
  Response r = some.Preflight(req, {"POST"});
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.headers.empty());
  some.Decorate(req.Header("origin"), &r);
  EXPECT_EQ(HeaderOf(r, "Access-Control-Allow-Origin"), "<absent>");
  EXPECT_EQ(HeaderOf(r, "Vary"), "Origin");
}

TEST(AccessLogTest, TextLineOmitsQuery) {
  AccessRecord rec{"GET", "/v1/verify?ticket=secret&type=x", 302, 0, 1.34, "10.0.0.1", "rid"};
  std::string line = FormatAccessLine(rec, false);
  EXPECT_EQ(line, "GET /v1/verify 302 0B 1.3ms ip=10.0.0.1 id=rid");
  EXPECT_EQ(line.find("secret"), std::string::npos);
}

TEST(AccessLogTest, JsonLine) {
  AccessRecord rec{"POST", "/v1/token?x=1", 200, 42, 3.5, "::1", "abc"};
  nlohmann::json j = nlohmann::json::parse(FormatAccessLine(rec, true));
  EXPECT_EQ(j["method"], "POST");
  EXPECT_EQ(j["path"], "/v1/token");
  EXPECT_EQ(j["status"], 200);
  EXPECT_EQ(j["bytes"], 42);
  EXPECT_EQ(j["ip"], "::1");
  EXPECT_EQ(j["request_id"], "abc");
}

TEST(AccessLogTest, ControlCharactersEscaped) {
  AccessRecord rec{"GET", "/a\nFAKE LINE", 404, 0, 0, "1.1.1.1", "id"};
  std::string line = FormatAccessLine(rec, false);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find("\\x0a"), std::string::npos);
}

}  // namespace
}  // namespace gh::http
