#include <gtest/gtest.h>

#include "http/server.h"

namespace gh::http {
namespace {

Handler Named(std::string* called, std::string name) {
  return [called, name](Request&, Responder) { *called = name; };
}

Request Make(std::string method, std::string path) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/healthz", Named(&called_, "health"));
    router_.Add("POST", "/v1/signin/email-password", Named(&called_, "signin"));
    router_.Add("GET", "/v1/signin/provider/{provider}", Named(&called_, "provider"));
    router_.Add("GET", "/v1/signin/provider/{provider}/callback", Named(&called_, "callback"));
    router_.Add("GET", "/v1/signin/provider/special", Named(&called_, "special"));
    router_.Add("GET", "/v1/user", Named(&called_, "get-user"));
    router_.Add("POST", "/v1/user", Named(&called_, "post-user"));
  }

  // Matches and calls the handler; returns its name, or "404"/"405".
  std::string Dispatch(Request& r) {
    const Router::Route* route = nullptr;
    switch (router_.Match(r, &route)) {
      case Router::MatchStatus::kNotFound:
        return "404";
      case Router::MatchStatus::kMethodNotAllowed:
        return "405";
      case Router::MatchStatus::kFound:
        break;
    }
    route->handler(r, [](Response) {});
    return called_;
  }

  Router router_;
  std::string called_;
};

TEST_F(RouterTest, LiteralRoutes) {
  Request r = Make("GET", "/healthz");
  EXPECT_EQ(Dispatch(r), "health");
  r = Make("POST", "/v1/signin/email-password");
  EXPECT_EQ(Dispatch(r), "signin");
}

TEST_F(RouterTest, ParamSegments) {
  Request r = Make("GET", "/v1/signin/provider/github");
  EXPECT_EQ(Dispatch(r), "provider");
  EXPECT_EQ(r.PathParam("provider"), "github");

  r = Make("GET", "/v1/signin/provider/google/callback");
  EXPECT_EQ(Dispatch(r), "callback");
  EXPECT_EQ(r.PathParam("provider"), "google");
}

TEST_F(RouterTest, LiteralBeatsParamWhateverTheOrder) {
  Request r = Make("GET", "/v1/signin/provider/special");
  EXPECT_EQ(Dispatch(r), "special");
  EXPECT_TRUE(r.path_params.empty());
}

TEST_F(RouterTest, QueryParameterPicksTheRouteWhateverTheOrder) {
  router_.AddWhenQuery("POST", "/auth/v1/token", "grant_type", "password", Named(&called_, "hash"));
  router_.Add("POST", "/auth/v1/token", Named(&called_, "other"));
  router_.AddWhenQuery("POST", "/auth/v1/token", "grant_type", "refresh_token",
                       Named(&called_, "refresh"));
  router_.AddWhen(
      "POST", "/auth/v1/signup", "empty body", [](const Request& r) { return r.body.empty(); },
      Named(&called_, "anonymous"));
  router_.Add("POST", "/auth/v1/signup", Named(&called_, "signup"));
  Request r = Make("POST", "/auth/v1/token");
  r.query = "grant_type=password";
  EXPECT_EQ(Dispatch(r), "hash");
  r = Make("POST", "/auth/v1/token");
  r.query = "grant_type=refresh_token";
  EXPECT_EQ(Dispatch(r), "refresh");
  r = Make("POST", "/auth/v1/token");
  r.query = "grant_type=passwordx";
  EXPECT_EQ(Dispatch(r), "other");
  r = Make("POST", "/auth/v1/token");
  EXPECT_EQ(Dispatch(r), "other");
  r = Make("GET", "/auth/v1/token");
  r.query = "grant_type=password";
  EXPECT_EQ(Dispatch(r), "405");
  r = Make("POST", "/auth/v1/signup");
  EXPECT_EQ(Dispatch(r), "anonymous");
  r.body = "{}";
  EXPECT_EQ(Dispatch(r), "signup");
}

TEST_F(RouterTest, TrailingAndDoubleSlashesIgnored) {
  Request r = Make("GET", "/v1/user/");
  EXPECT_EQ(Dispatch(r), "get-user");
  r = Make("GET", "//v1//user");
  EXPECT_EQ(Dispatch(r), "get-user");
}

TEST_F(RouterTest, NotFoundAndMethodNotAllowed) {
  Request r = Make("GET", "/nope");
  EXPECT_EQ(Dispatch(r), "404");
  r = Make("GET", "/v1/signin/provider");  // too few segments
  EXPECT_EQ(Dispatch(r), "404");
  r = Make("GET", "/v1/signin/provider/x/callback/extra");
  EXPECT_EQ(Dispatch(r), "404");
  r = Make("DELETE", "/v1/user");
  EXPECT_EQ(Dispatch(r), "405");
  r = Make("get", "/v1/user");  // methods are case-sensitive (RFC 9110)
  EXPECT_EQ(Dispatch(r), "405");
}

TEST_F(RouterTest, MethodsFor) {
  EXPECT_EQ(router_.MethodsFor("/v1/user"), (std::vector<std::string>{"GET", "POST"}));
  EXPECT_EQ(router_.MethodsFor("/v1/signin/provider/x"), (std::vector<std::string>{"GET"}));
  EXPECT_TRUE(router_.MethodsFor("/nope").empty());
}

}  // namespace
}  // namespace gh::http
