#include "net/http_client.h"

#include <gtest/gtest.h>

#include "notify/fake_http_server.h"

namespace gh::net {
namespace {

using gh::testing::FakeHttpServer;
using gh::testing::FakeRequest;
using gh::testing::FakeResponse;

// The caller's code for "no answer came" (oauth-provider-error, cannot-send-sms).
constexpr std::string_view kUnreachable = "test-unreachable";

TEST(FormEncodeTest, EscapesReservedCharacters) {
  EXPECT_EQ(FormEncode({{"a", "b c"}, {"redirect_uri", "http://x/y?z=1&w"}, {"k~", "é"}}),
            "a=b%20c&redirect_uri=http%3A%2F%2Fx%2Fy%3Fz%3D1%26w&k~=%C3%A9");
  EXPECT_EQ(FormEncode({}), "");
}

HttpRequest Get(const std::string& url) {
  HttpRequest req;
  req.url = url;
  return req;
}

TEST(CurlHttpClientTest, PostsFormWithBasicAuthAndHeaders) {
  FakeHttpServer server([](const FakeRequest&) {
    FakeResponse r;
    r.status = 201;
    r.body = R"({"ok":true})";
    return r;
  });
  auto client = MakeCurlHttpClient(5, kUnreachable);
  HttpRequest req;
  req.method = "POST";
  req.url = server.url() + "/token";
  req.body = "a=1";
  req.headers = {{"Accept", "application/json"},
                 {"Content-Type", "application/x-www-form-urlencoded"}};
  req.basic_user = "id";
  req.basic_password = "secret";
  auto resp = client->Send(req);
  ASSERT_TRUE(resp.ok()) << resp.error().message;
  EXPECT_EQ(resp->status, 201);
  EXPECT_EQ(resp->body, R"({"ok":true})");
  bool saw_type = false;
  for (const auto& [name, value] : resp->headers)
    if (name == "content-type") saw_type = value == "application/json";
  EXPECT_TRUE(saw_type);
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].path, "/token");
  EXPECT_EQ(seen[0].body, "a=1");
  EXPECT_EQ(seen[0].headers["accept"], "application/json");
  EXPECT_EQ(seen[0].headers["authorization"], "Basic aWQ6c2VjcmV0");
}

TEST(CurlHttpClientTest, GetReturnsErrorStatusesAsAnswers) {
  FakeHttpServer server([](const FakeRequest&) {
    FakeResponse r;
    r.status = 404;
    r.body = "nope";
    return r;
  });
  auto resp = MakeCurlHttpClient(5, kUnreachable)->Send(Get(server.url() + "/x"));
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->status, 404);
  EXPECT_EQ(server.requests().at(0).method, "GET");
}

TEST(CurlHttpClientTest, RefusesBodiesOverOneMebibyte) {
  FakeHttpServer server([](const FakeRequest&) {
    FakeResponse r;
    r.body = std::string((1 << 20) + 10, 'x');
    return r;
  });
  auto resp = MakeCurlHttpClient(5, kUnreachable)->Send(Get(server.url() + "/big"));
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.error().code, kUnreachable);
}

TEST(CurlHttpClientTest, DoesNotFollowRedirects) {
  FakeHttpServer server([](const FakeRequest&) {
    FakeResponse r;
    r.status = 302;
    return r;
  });
  auto resp = MakeCurlHttpClient(5, kUnreachable)->Send(Get(server.url() + "/r"));
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->status, 302);
}

TEST(CurlHttpClientTest, UnreachableHostIsProviderError) {
  auto resp = MakeCurlHttpClient(2, kUnreachable)->Send(Get("http://127.0.0.1:1/x"));
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.error().code, kUnreachable);
  EXPECT_NE(resp.error().message.find("127.0.0.1:1"), std::string::npos);
}

}  // namespace
}  // namespace gh::net
