// app::Metrics' text: every family with its HELP and TYPE lines, the labels
// each sample carries, and the samples the seams move.
#include "app/metrics.h"

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace gh::app {
namespace {

// name{labels} -> value, and family -> type, from the exposition text; every
// line must be a comment or a well-formed sample.
struct Scraped {
  std::map<std::string, double> samples;
  std::map<std::string, std::string> types;
  std::set<std::string> helps;
};

Scraped Parse(const std::string& text) {
  static const std::regex kSample(
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*")*)?\})? (\S+)$)");
  static const std::regex kType(R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$)");
  static const std::regex kHelp(R"(^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) \S.*$)");
  Scraped s;
  std::istringstream in(text);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (std::regex_match(line, m, kType)) {
      s.types[m[1]] = m[2];
    } else if (std::regex_match(line, m, kHelp)) {
      s.helps.insert(m[1]);
    } else if (std::regex_match(line, m, kSample)) {
      s.samples[m[1].str() + m[2].str()] = std::stod(m[5].str());
    } else {
      ADD_FAILURE() << "not Prometheus text: " << line;
    }
  }
  return s;
}

core::AuditEvent Event(std::string type) {
  core::AuditEvent e;
  e.type = std::move(type);
  return e;
}

TEST(MetricsTest, EveryFamilyHasHelpAndType) {
  Metrics m;
  Scraped s = Parse(m.Scrape());
  const std::map<std::string, std::string> expected = {
      {"gatehouse_http_requests_total", "counter"},
      {"gatehouse_http_request_duration_seconds", "histogram"},
      {"gatehouse_rate_limited_total", "counter"},
      {"gatehouse_lane_rejections_total", "counter"},
      {"gatehouse_lane_queue_depth", "gauge"},
      {"gatehouse_auth_events_total", "counter"},
      {"gatehouse_signins_total", "counter"},
      {"gatehouse_signin_failures_total", "counter"},
      {"gatehouse_signups_total", "counter"},
      {"gatehouse_token_refreshes_total", "counter"},
      {"gatehouse_refresh_token_reuse_total", "counter"},
      {"gatehouse_mail_sends_total", "counter"},
      {"gatehouse_sms_sends_total", "counter"},
  };
  EXPECT_EQ(s.types, expected);
  for (const auto& [name, type] : expected) EXPECT_TRUE(s.helps.count(name)) << name;
  // Children exist (at zero) before anything happened: a rate() over them works
  // from the first scrape.
  EXPECT_EQ(
      s.samples.at(R"(gatehouse_http_requests_total{route_class="token",status_class="2xx"})"), 0);
  EXPECT_EQ(s.samples.at(R"(gatehouse_signins_total{method="password"})"), 0);
  EXPECT_EQ(s.samples.at("gatehouse_refresh_token_reuse_total"), 0);
}

TEST(MetricsTest, ResponsesCountByRouteClassAndStatusClass) {
  Metrics m;
  m.OnResponse(http::RouteClassId::kToken, 200, 0.0004);
  m.OnResponse(http::RouteClassId::kToken, 201, 0.002);
  m.OnResponse(http::RouteClassId::kToken, 401, 0.0003);
  m.OnResponse(http::RouteClassId::kHashing, 429, 0.03);
  m.OnResponse(http::RouteClassId::kNone, 404, 0.0001);
  m.OnResponse(http::RouteClassId::kPlain, 999, 0.0001);  // not a status: "other"
  m.OnRateLimited(http::RouteClassId::kGuessing);
  m.OnLaneFull(http::Lane::kHashing);
  m.OnLaneFull(http::Lane::kRemote);
  m.OnLaneFull(http::Lane::kRemote);
  Scraped s = Parse(m.Scrape());
  auto at = [&](const std::string& k) { return s.samples.at(k); };
  EXPECT_EQ(at(R"(gatehouse_http_requests_total{route_class="token",status_class="2xx"})"), 2);
  EXPECT_EQ(at(R"(gatehouse_http_requests_total{route_class="token",status_class="4xx"})"), 1);
  EXPECT_EQ(at(R"(gatehouse_http_requests_total{route_class="hashing",status_class="4xx"})"), 1);
  EXPECT_EQ(at(R"(gatehouse_http_requests_total{route_class="none",status_class="4xx"})"), 1);
  EXPECT_EQ(at(R"(gatehouse_http_requests_total{route_class="plain",status_class="other"})"), 1);
  EXPECT_EQ(at(R"(gatehouse_http_request_duration_seconds_count{route_class="token"})"), 3);
  EXPECT_EQ(
      at(R"(gatehouse_http_request_duration_seconds_bucket{route_class="token",le="0.0005"})"), 2);
  EXPECT_EQ(at(R"(gatehouse_http_request_duration_seconds_bucket{route_class="token",le="+Inf"})"),
            3);
  EXPECT_NEAR(at(R"(gatehouse_http_request_duration_seconds_sum{route_class="token"})"), 0.0027,
              1e-9);
  EXPECT_EQ(at(R"(gatehouse_rate_limited_total{route_class="guessing"})"), 1);
  EXPECT_EQ(at(R"(gatehouse_lane_rejections_total{lane="hashing"})"), 1);
  EXPECT_EQ(at(R"(gatehouse_lane_rejections_total{lane="remote"})"), 2);
  EXPECT_EQ(at(R"(gatehouse_lane_rejections_total{lane="worker"})"), 0);
}

TEST(MetricsTest, EventsCountByKindAndMethod) {
  Metrics m;
  for (const char* t :
       {"signup", "signin", "signin", "signin-failed", "signin-sms", "token-refresh",
        "token-refresh", "token-refresh-failed", "token-reuse", "signout", "never-recorded-type"})
    m.OnEvent(Event(t), true);
  m.OnMailSent(true);
  m.OnMailSent(false);
  m.OnSmsSent(true);
  Scraped s = Parse(m.Scrape());
  auto at = [&](const std::string& k) { return s.samples.at(k); };
  EXPECT_EQ(at(R"(gatehouse_signups_total{method="email"})"), 1);
  EXPECT_EQ(at(R"(gatehouse_signins_total{method="password"})"), 2);
  EXPECT_EQ(at(R"(gatehouse_signins_total{method="sms"})"), 1);
  EXPECT_EQ(at(R"(gatehouse_signin_failures_total{method="password"})"), 1);
  EXPECT_EQ(at(R"(gatehouse_token_refreshes_total{outcome="rotated"})"), 2);
  EXPECT_EQ(at(R"(gatehouse_token_refreshes_total{outcome="refused"})"), 1);
  EXPECT_EQ(at("gatehouse_refresh_token_reuse_total"), 1);
  EXPECT_EQ(at(R"(gatehouse_auth_events_total{type="signin"})"), 2);
  EXPECT_EQ(at(R"(gatehouse_auth_events_total{type="signout"})"), 1);
  EXPECT_EQ(at(R"(gatehouse_auth_events_total{type="other"})"), 1);
  EXPECT_EQ(s.samples.count(R"(gatehouse_auth_events_total{type="never-recorded-type"})"), 0u);
  EXPECT_EQ(at(R"(gatehouse_mail_sends_total{outcome="sent"})"), 1);
  EXPECT_EQ(at(R"(gatehouse_mail_sends_total{outcome="failed"})"), 1);
  EXPECT_EQ(at(R"(gatehouse_sms_sends_total{outcome="sent"})"), 1);
}

TEST(MetricsTest, QueueDepthsAreReadAtTheScrape) {
  Metrics m;
  size_t hashing = 3;
  m.WatchLanes([&] { return http::LaneDepths{1, hashing, 0}; });
  Scraped s = Parse(m.Scrape());
  EXPECT_EQ(s.samples.at(R"(gatehouse_lane_queue_depth{lane="worker"})"), 1);
  EXPECT_EQ(s.samples.at(R"(gatehouse_lane_queue_depth{lane="hashing"})"), 3);
  hashing = 5;
  s = Parse(m.Scrape());
  EXPECT_EQ(s.samples.at(R"(gatehouse_lane_queue_depth{lane="hashing"})"), 5);
  m.WatchLanes({});  // the pools went: the last values stay, nothing is called
  s = Parse(m.Scrape());
  EXPECT_EQ(s.samples.at(R"(gatehouse_lane_queue_depth{lane="hashing"})"), 5);
}

}  // namespace
}  // namespace gh::app
