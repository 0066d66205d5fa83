// useragent::Parser against uap-core's own test cases (Debian's uap-core ships
// them beside the rules), plus the derivations uap-core has no cases for and
// the behaviour without a rule file.
#include "useragent/parser.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace gh::useragent {
namespace {

constexpr char kRules[] = "/usr/share/uap-core/regexes.yaml";
constexpr char kTests[] = "/usr/share/uap-core/tests/";
// Every case of the agent and OS files; the device file's first 2,000 of its
// 16,000 (all of them pass too, in about 3 s: too slow for every build).
constexpr size_t kSample = 2000;

constexpr char kChromeWindows[] =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.130 Safari/537.36";
constexpr char kSafariIphone[] =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1";
constexpr char kFirefoxLinux[] =
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
constexpr char kChromeAndroidTablet[] =
    "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-T520 Build/TP1A.220624.014) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";

Parser& Shared() {
  static Parser parser(kRules);
  return parser;
}

// A test file's field: its text, or nullopt for an empty YAML value.
std::optional<std::string> Opt(const YAML::Node& n) {
  if (!n || n.IsNull()) return std::nullopt;
  std::string v = n.as<std::string>();
  if (v.empty()) return std::nullopt;
  return v;
}

std::string Show(const std::optional<std::string>& v) { return v ? "'" + *v + "'" : "null"; }

TEST(UapCoreCases, RulesLoad) { ASSERT_TRUE(Shared().RulesLoaded()) << Shared().LoadError(); }

// Runs `check` on the first kSample cases of uap-core's test file `name`.
template <typename Check>
void ForEachCase(const std::string& name, Check check) {
  YAML::Node cases = YAML::LoadFile(std::string(kTests) + name)["test_cases"];
  ASSERT_TRUE(cases.IsSequence());
  size_t n = 0;
  for (const YAML::Node& c : cases) {
    if (n == kSample) break;
    ++n;
    const std::string ua = c["user_agent_string"].as<std::string>();
    check(c, ua, Shared().ParseRules(ua));
  }
  EXPECT_EQ(n, std::min(cases.size(), kSample));
}

TEST(UapCoreCases, UserAgents) {
  ForEachCase("test_ua.yaml", [](const YAML::Node& c, const std::string& ua, const UapResult& r) {
    EXPECT_EQ(r.ua.family, c["family"].as<std::string>()) << ua;
    EXPECT_EQ(Show(r.ua.major), Show(Opt(c["major"]))) << ua;
    EXPECT_EQ(Show(r.ua.minor), Show(Opt(c["minor"]))) << ua;
    EXPECT_EQ(Show(r.ua.patch), Show(Opt(c["patch"]))) << ua;
  });
}

TEST(UapCoreCases, OperatingSystems) {
  ForEachCase("test_os.yaml", [](const YAML::Node& c, const std::string& ua, const UapResult& r) {
    EXPECT_EQ(r.os.family, c["family"].as<std::string>()) << ua;
    EXPECT_EQ(Show(r.os.major), Show(Opt(c["major"]))) << ua;
    EXPECT_EQ(Show(r.os.minor), Show(Opt(c["minor"]))) << ua;
    EXPECT_EQ(Show(r.os.patch), Show(Opt(c["patch"]))) << ua;
    EXPECT_EQ(Show(r.os.patch_minor), Show(Opt(c["patch_minor"]))) << ua;
  });
}

TEST(UapCoreCases, Devices) {
  ForEachCase("test_device.yaml",
              [](const YAML::Node& c, const std::string& ua, const UapResult& r) {
                EXPECT_EQ(r.device.family, c["family"].as<std::string>()) << ua;
                EXPECT_EQ(Show(r.device.brand), Show(Opt(c["brand"]))) << ua;
                EXPECT_EQ(Show(r.device.model), Show(Opt(c["model"]))) << ua;
              });
}

TEST(Derive, ChromeOnWindows) {
  ParsedUserAgent p = Shared().Parse(kChromeWindows);
  EXPECT_EQ(p.ua, kChromeWindows);
  EXPECT_EQ(p.browser.name, "Chrome");
  EXPECT_EQ(p.browser.version, "120.0.6099");
  EXPECT_EQ(p.browser.major, "120");
  EXPECT_EQ(p.engine.name, "Blink");
  EXPECT_EQ(p.engine.version, "120.0.6099.130");
  EXPECT_EQ(p.os.name, "Windows");
  EXPECT_EQ(p.os.version, "10");
  EXPECT_EQ(p.device.type, "desktop");
  EXPECT_EQ(p.device.vendor, "");
  EXPECT_EQ(p.cpu.architecture, "amd64");
}

TEST(Derive, SafariOnIphone) {
  ParsedUserAgent p = Shared().Parse(kSafariIphone);
  EXPECT_EQ(p.browser.name, "Mobile Safari");
  EXPECT_EQ(p.browser.major, "17");
  EXPECT_EQ(p.browser.version, "17.1.2");
  EXPECT_EQ(p.engine.name, "WebKit");
  EXPECT_EQ(p.engine.version, "605.1.15");
  EXPECT_EQ(p.os.name, "iOS");
  EXPECT_EQ(p.os.version, "17.1.2");
  EXPECT_EQ(p.device.vendor, "Apple");
  EXPECT_EQ(p.device.model, "iPhone");
  EXPECT_EQ(p.device.type, "mobile");
  EXPECT_EQ(p.cpu.architecture, "");
}

TEST(Derive, FirefoxOnLinuxAndAndroidTablet) {
  ParsedUserAgent f = Shared().Parse(kFirefoxLinux);
  EXPECT_EQ(f.browser.name, "Firefox");
  EXPECT_EQ(f.engine.name, "Gecko");
  EXPECT_EQ(f.engine.version, "121.0");
  EXPECT_EQ(f.os.name, "Ubuntu");
  EXPECT_EQ(f.device.type, "desktop");
  EXPECT_EQ(f.cpu.architecture, "amd64");
  ParsedUserAgent t = Shared().Parse(kChromeAndroidTablet);
  EXPECT_EQ(t.os.name, "Android");
  EXPECT_EQ(t.device.vendor, "Samsung");
  EXPECT_EQ(t.device.model, "SM-T520");
  EXPECT_EQ(t.device.type, "tablet");  // Android without "Mobile"
  EXPECT_EQ(t.engine.name, "Blink");
}

TEST(Derive, NothingKnownIsEmpty) {
  ParsedUserAgent p = Shared().Parse("");
  EXPECT_EQ(p, ParsedUserAgent{});
  ParsedUserAgent q = Shared().Parse("\x01\xff not a browser");
  EXPECT_EQ(q.browser.name, "");
  EXPECT_EQ(q.os.name, "");
  EXPECT_EQ(q.device.type, "");
}

TEST(Parser, MissingRulesLeaveFieldsEmpty) {
  Parser parser("/nonexistent/regexes.yaml");
  ParsedUserAgent p = parser.Parse(kChromeWindows);
  EXPECT_FALSE(parser.RulesLoaded());
  EXPECT_NE(parser.LoadError().find("/nonexistent/regexes.yaml"), std::string::npos);
  EXPECT_EQ(p.ua, kChromeWindows);
  EXPECT_EQ(p.browser.name, "");
  EXPECT_EQ(p.os.name, "");
  EXPECT_EQ(parser.ParseRules(kChromeWindows).ua.family, "Other");
}

TEST(Parser, CacheIsBoundedAndAnswersStayTheSame) {
  Parser parser(kRules, 2);
  ParsedUserAgent chrome = parser.Parse(kChromeWindows);
  for (int i = 0; i < 50; ++i) parser.Parse("Agent/" + std::to_string(i));  // evicts
  EXPECT_EQ(parser.Parse(kChromeWindows), chrome);
  EXPECT_EQ(parser.Parse(kChromeWindows), chrome);  // now from the cache
}

TEST(Parser, ParsesFromManyThreadsAtOnce) {
  Parser parser(kRules, 8);
  const std::vector<std::string> agents = {kChromeWindows, kSafariIphone, kFirefoxLinux,
                                           kChromeAndroidTablet};
  std::vector<ParsedUserAgent> expected;
  for (const auto& a : agents) expected.push_back(Derive(a, Shared().ParseRules(a)));
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        size_t k = (i + t) % agents.size();
        if (!(parser.Parse(agents[k]) == expected[k])) ++wrong[t];
        parser.Parse("Other/" + std::to_string(i));
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace gh::useragent
