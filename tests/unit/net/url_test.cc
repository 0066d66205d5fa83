#include "net/url.h"

#include <gtest/gtest.h>

namespace gh::net {
namespace {

bool Allowed(std::string_view pattern, std::string_view url) {
  auto p = UrlPattern::Parse(pattern);
  EXPECT_TRUE(p) << pattern << ": " << (p ? "" : p.error().message);
  if (!p) return false;
  auto u = ParseUrl(url);
  return u && p->Matches(*u);
}

TEST(ParseUrlTest, ReadsThePieces) {
  auto u = ParseUrl("HTTPS://App.Example.COM:8443/a/./b/../c?x=1&y=%20#frag");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "app.example.com");
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->path, "/a/c");
  EXPECT_EQ(u->query, "x=1&y=%20");
  EXPECT_EQ(u->fragment, "frag");

  auto d = ParseUrl("https://app.example.com");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->port, 443);
  EXPECT_EQ(d->path, "/");
  auto loop = ParseUrl("http://127.0.0.1:3000/after");
  ASSERT_TRUE(loop);
  EXPECT_EQ(loop->host, "127.0.0.1");
  EXPECT_EQ(ParseUrl("http://[::1]:3000/")->host, "[::1]");
  auto app = ParseUrl("myapp://callback/path");
  ASSERT_TRUE(app);
  EXPECT_EQ(app->host, "callback");
  EXPECT_EQ(app->port, -1);
}

TEST(ParseUrlTest, InternationalHostsBecomeALabels) {
  auto u = ParseUrl("https://bücher.example.com/x");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->host, "xn--bcher-kva.example.com");
  EXPECT_EQ(ParseUrl("https://xn--bcher-kva.example.com/")->host, "xn--bcher-kva.example.com");
}

// Every one of these reads, in a browser, as a host other than the one it seems
// to name, or as no single host at all.
TEST(ParseUrlTest, RefusesWhatABrowserReadsDifferently) {
  for (const char* bad : {
           "https://evil%2ecom?.example.com",  // percent-encoded dot: evil.com
           "https://evil%2Ecom#.example.com",
           "https://134744072?.example.com",   // 8.8.8.8
           "https://0x08080808#.example.com",  // 8.8.8.8
           "https://010.8.8.8/",               // octal
           "https://8.8.8.010/",
           "https://8.8.2056/",  // short form
           "https://0x8.8.8.8/",
           "https://evil%2ecom\\.example.com",  // '\' is '/' to a browser
           "https://app.example.com\\@evil.com",
           "https://evil\xe3\x80\x82"
           "com?.example.com",  // U+3002 ideographic full stop
           "https://evil\xef\xbc\x8e"
           "com/",                                  // U+FF0E full-width full stop
           "https://\xef\xbd\x85vil.example.com/",  // full-width 'e': not what it looks like
           "https://\xef\xbc\x91\xef\xbc\x92\xef\xbc\x97.0.0.1/",  // full-width digits
           "https://user:pw@app.example.com/",
           "https://app.example.com@evil.com/",
           "https://@app.example.com/",
           "https:///evil.com",
           "https://",
           "https:app.example.com",
           "//app.example.com/",
           "app.example.com",
           "https://app.example.com./",
           "https://app..example.com/",
           "https://app.example.com:99999/",
           "https://app.example.com:8x/",
           "https://app.example.com/%2e%2e/admin",
           "https://app.example.com/a/.%2E/admin",
           "https://app.example.com/ x",
           "https://app.example.com/\tx",
           "https://app.example.com/\nx",
           "https://app.example.com/\xff",
           "https://[fe80::1%25eth0]/",
           "https://ex ample.com/",
           "",
       }) {
    EXPECT_FALSE(ParseUrl(bad)) << bad;
  }
}

TEST(UrlPatternTest, WildcardCoversExactlyOneLabel) {
  const char* p = "https://*.example.com";
  EXPECT_TRUE(Allowed(p, "https://app.example.com"));
  EXPECT_TRUE(Allowed(p, "https://app.example.com/any/path?q=1#f"));
  EXPECT_TRUE(Allowed(p, "https://APP.example.com:443/x"));
  EXPECT_FALSE(Allowed(p, "https://example.com/"));
  EXPECT_FALSE(Allowed(p, "https://a.b.example.com/"));
  EXPECT_FALSE(Allowed(p, "http://app.example.com/"));
  EXPECT_FALSE(Allowed(p, "https://app.example.com:8443/"));
  EXPECT_FALSE(Allowed(p, "https://app.example.com.evil.com/"));
  EXPECT_FALSE(Allowed(p, "https://appexample.com/"));
  EXPECT_FALSE(Allowed(p, "https://evil.com/.example.com"));
  for (const char* bypass : {"https://evil%2ecom?.example.com", "https://evil%2Ecom#.example.com",
                             "https://134744072?.example.com", "https://0x08080808#.example.com",
                             "https://evil%2ecom\\.example.com",
                             "https://evil\xe3\x80\x82"
                             "com?.example.com"})
    EXPECT_FALSE(Allowed(p, bypass)) << bypass;

  EXPECT_TRUE(Allowed("https://app-*.example.com", "https://app-pr-12.example.com/"));
  EXPECT_FALSE(Allowed("https://app-*.example.com", "https://app-.example.com/"));
  EXPECT_FALSE(Allowed("https://app-*.example.com", "https://app-a.b.example.com/"));
  EXPECT_TRUE(Allowed("https://*.example.com/**", "https://app.example.com/welcome"));
  EXPECT_TRUE(Allowed("https://*.example.co.uk", "https://app.example.co.uk/"));
  EXPECT_TRUE(Allowed("https://*.myname.github.io", "https://docs.myname.github.io/"));
  EXPECT_TRUE(Allowed("http://*.localhost:3000", "http://app.localhost:3000/"));
}

TEST(UrlPatternTest, PathPrefixAtSegmentBoundaryAndPorts) {
  const char* p = "https://app.example.com/auth";
  EXPECT_TRUE(Allowed(p, "https://app.example.com/auth"));
  EXPECT_TRUE(Allowed(p, "https://app.example.com/auth/"));
  EXPECT_TRUE(Allowed(p, "https://app.example.com/auth/callback?x=1"));
  EXPECT_TRUE(Allowed(p, "https://app.example.com/auth?x=1"));
  EXPECT_FALSE(Allowed(p, "https://app.example.com/authx"));
  EXPECT_FALSE(Allowed(p, "https://app.example.com/"));
  EXPECT_FALSE(Allowed(p, "https://app.example.com/auth/../admin"));  // is /admin
  EXPECT_FALSE(Allowed(p, "https://app.example.com/auth/%2e%2e/admin"));
  EXPECT_TRUE(Allowed("https://app.example.com/auth/**", "https://app.example.com/auth/x/y"));
  EXPECT_FALSE(Allowed("https://app.example.com/auth/**", "https://app.example.com/other"));
  EXPECT_TRUE(Allowed("http://localhost:3000/*", "http://localhost:3000/a/b"));
  EXPECT_FALSE(Allowed("http://localhost:3000/app/*", "http://localhost:3000/other"));

  EXPECT_TRUE(Allowed("http://localhost:3000", "http://localhost:3000/x"));
  EXPECT_FALSE(Allowed("http://localhost:3000", "http://localhost:3001/x"));
  EXPECT_FALSE(Allowed("http://localhost:3000", "http://localhost/x"));
  EXPECT_TRUE(Allowed("http://localhost", "http://localhost:80/x"));
  EXPECT_TRUE(Allowed("http://127.0.0.1:3000", "http://127.0.0.1:3000/after"));
  EXPECT_FALSE(Allowed("http://127.0.0.1:3000", "http://2130706433:3000/after"));
  EXPECT_TRUE(Allowed("myapp://callback", "myapp://callback/done"));
  EXPECT_FALSE(Allowed("myapp://callback", "otherapp://callback/done"));
  EXPECT_TRUE(Allowed("https://bücher.example.com", "https://xn--bcher-kva.example.com/x"));
}

TEST(UrlPatternTest, RefusesPatternsThatCannotBeMeant) {
  for (const char* bad : {
           "https://example.*",  // wildcard TLD
           "https://*.com",      // whole public suffixes
           "https://*.co.uk",
           "https://*.github.io",
           "https://app-*.com",
           "https://*",                    //
           "https://app.example.com/*/x",  // '*' in the path
           "https://app.example.com/a/*b",
           "https://app.example.com/a*",
           "https://app.example.com/?x=1",
           "https://app.example.com/#f",
           "https://1.2.3.*/",
           "https://user@*.example.com",
           "not a url",
           "",
       }) {
    EXPECT_FALSE(UrlPattern::Parse(bad)) << bad;
  }
}

}  // namespace
}  // namespace gh::net
