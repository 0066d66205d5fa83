#include "http/message.h"

#include <gtest/gtest.h>

#include "http/text.h"

namespace gh::http {
namespace {

Request WithQuery(std::string query) {
  Request r;
  r.query = std::move(query);
  return r;
}

Request WithAuthorization(std::string value) {
  Request r;
  r.headers.emplace_back("authorization", std::move(value));
  return r;
}

TEST(MessageTest, HeaderIsCaseInsensitiveAndFirstWins) {
  Request r;
  r.headers = {{"content-type", "application/json"}, {"x-a", "1"}, {"x-a", "2"}};
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  EXPECT_EQ(r.Header("x-a"), "1");
  EXPECT_EQ(r.Header("missing"), "");
}

TEST(MessageTest, PathParam) {
  Request r;
  r.path_params = {{"provider", "github"}};
  EXPECT_EQ(r.PathParam("provider"), "github");
  EXPECT_EQ(r.PathParam("other"), "");
}

TEST(MessageTest, QueryParamDecodesPercentAndPlus) {
  Request r =
      WithQuery("redirectTo=https%3A%2F%2Fapp.example%2Fa%3Fb%3D1&name=John+Doe&e=a%2Bb%40x.io");
  EXPECT_EQ(r.QueryParam("redirectTo"), "https://app.example/a?b=1");
  EXPECT_EQ(r.QueryParam("name"), "John Doe");
  EXPECT_EQ(r.QueryParam("e"), "a+b@x.io");
  EXPECT_EQ(r.QueryParam("missing"), "");
}

TEST(MessageTest, QueryParamEdgeCases) {
  Request r = WithQuery("&&flag&empty=&dup=1&dup=2&bad=%zz%4&en%63oded=yes");
  EXPECT_TRUE(r.HasQueryParam("flag"));
  EXPECT_EQ(r.QueryParam("flag"), "");
  EXPECT_TRUE(r.HasQueryParam("empty"));
  EXPECT_EQ(r.QueryParam("dup"), "1");
  EXPECT_EQ(r.QueryParam("bad"), "%zz%4");    // malformed escapes kept literally
  EXPECT_EQ(r.QueryParam("encoded"), "yes");  // keys are decoded too
  EXPECT_FALSE(r.HasQueryParam("fla"));
  EXPECT_FALSE(WithQuery("").HasQueryParam("x"));
}

TEST(MessageTest, BearerToken) {
  EXPECT_EQ(WithAuthorization("Bearer abc.def.ghi").BearerToken(), "abc.def.ghi");
  EXPECT_EQ(WithAuthorization("bearer abc").BearerToken(), "abc");
  EXPECT_EQ(WithAuthorization("BEARER   abc  ").BearerToken(), "abc");
  EXPECT_EQ(WithAuthorization("Bearerabc").BearerToken(), "");
  EXPECT_EQ(WithAuthorization("Bearer ").BearerToken(), "");
  EXPECT_EQ(WithAuthorization("Basic dXNlcjpwYXNz").BearerToken(), "");
  EXPECT_EQ(Request().BearerToken(), "");
}

TEST(MessageTest, Cookie) {
  Request r;
  r.headers = {{"cookie", "a=1; gh_oauth_binding=abc-_9;theme=\"dark\" "},
               {"cookie", "late=2"}};
  EXPECT_EQ(r.Cookie("gh_oauth_binding"), "abc-_9");
  EXPECT_EQ(r.Cookie("a"), "1");
  EXPECT_EQ(r.Cookie("theme"), "dark");  // quotes and trailing space dropped
  EXPECT_EQ(r.Cookie("late"), "2");      // a second Cookie header counts too
  EXPECT_EQ(r.Cookie("gh_oauth"), "");   // names match whole
  EXPECT_EQ(r.Cookie("missing"), "");
  Request junk;
  junk.headers = {{"cookie", ";;=x; novalue; =; b"}};
  EXPECT_EQ(junk.Cookie("novalue"), "");
  EXPECT_EQ(Request().Cookie("a"), "");
}

TEST(TextTest, PercentDecodePathKeepsPlus) {
  EXPECT_EQ(PercentDecode("/a%20b+c", /*plus_as_space=*/false), "/a b+c");
  EXPECT_EQ(PercentDecode("%", false), "%");
  EXPECT_EQ(PercentDecode("%41%42", false), "AB");
}

}  // namespace
}  // namespace gh::http
