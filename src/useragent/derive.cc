// What uap-core does not say, derived from what it does (see parser.h): the
// engine, the device type and the CPU architecture.

#include <algorithm>
#include <array>
#include <string>

#include "useragent/parser.h"

namespace gh::useragent {

namespace {

bool Contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

// The digits and dots right after `token` in `ua` ("" when absent).
std::string VersionAfter(std::string_view ua, std::string_view token) {
  size_t at = ua.find(token);
  if (at == std::string_view::npos) return {};
  size_t b = at + token.size(), e = b;
  while (e < ua.size() && ((ua[e] >= '0' && ua[e] <= '9') || ua[e] == '.')) ++e;
  return std::string(ua.substr(b, e - b));
}

std::string Join(std::initializer_list<const std::optional<std::string>*> parts) {
  std::string out;
  for (const auto* p : parts) {
    if (!p->has_value()) break;  // a version stops at its first unknown part
    if (!out.empty()) out.push_back('.');
    out += **p;
  }
  return out;
}

std::string Known(const std::string& family) { return family == "Other" ? std::string() : family; }

// uap-core names browsers, not engines; the engine follows from the family.
// Kept to the families that make up nearly all sign-ins, because a wrong
// engine is worse than none: every browser on iOS must use Apple's WebKit
// (App Store rule), Chromium's derivatives render with Blink, Firefox and
// its forks with Gecko, Safari with WebKit. Anything else stays "". (uap-core
// calls the old EdgeHTML Edge, before version 79, "Edge" too; it is long gone.)
struct EngineRow {
  const char* family;
  const char* engine;
};
constexpr std::array<EngineRow, 16> kEngines{{
    {"Chrome", "Blink"},
    {"Chrome Mobile", "Blink"},
    {"Chrome Mobile WebView", "Blink"},
    {"Chromium", "Blink"},
    {"Edge", "Blink"},
    {"Edge Mobile", "Blink"},
    {"Opera", "Blink"},
    {"Opera Mobile", "Blink"},
    {"Samsung Internet", "Blink"},
    {"Brave", "Blink"},
    {"Vivaldi", "Blink"},
    {"Yandex Browser", "Blink"},
    {"Firefox", "Gecko"},
    {"Firefox Mobile", "Gecko"},
    {"Safari", "WebKit"},
    {"Mobile Safari", "WebKit"},
}};

ParsedUserAgent::Engine EngineOf(std::string_view ua, const UapResult& uap) {
  ParsedUserAgent::Engine e;
  if (uap.os.family == "iOS" || uap.os.family == "iPadOS") {
    e.name = "WebKit";
  } else {
    for (const EngineRow& row : kEngines) {
      if (uap.ua.family == row.family) e.name = row.engine;
    }
  }
  // Each engine's version where its own token says it.
  if (e.name == "WebKit") e.version = VersionAfter(ua, "AppleWebKit/");
  if (e.name == "Gecko") e.version = VersionAfter(ua, "rv:");
  if (e.name == "Blink") e.version = VersionAfter(ua, "Chrome/");  // Blink is versioned with it
  return e;
}

// uap-core has no device type. In this order: its "Spider" device is a bot;
// tablets and watches by model or token; phones by model or the "Mobile" /
// "Android" tokens browsers send on phones (Android without "Mobile" is a
// tablet, as Google's guidance for Android browsers says); TVs and consoles
// by token; desktops by OS. Else "".
std::string DeviceTypeOf(std::string_view ua, const UapResult& uap) {
  const std::string& device = uap.device.family;
  const std::string& os = uap.os.family;
  if (device == "Spider") return "bot";
  if (Contains(device, "iPad") || Contains(ua, "Tablet") || os == "iPadOS") return "tablet";
  if (Contains(device, "Watch") || os == "watchOS" || Contains(ua, "Wear OS")) return "wearable";
  if (Contains(ua, "SmartTV") || Contains(ua, "SMART-TV") || Contains(ua, "AppleTV") ||
      Contains(ua, "GoogleTV") || os == "tvOS")
    return "smarttv";
  if (Contains(ua, "PlayStation") || Contains(ua, "Xbox") || Contains(ua, "Nintendo"))
    return "console";
  if (Contains(device, "iPhone") || Contains(device, "iPod") || os == "iOS") return "mobile";
  if (os == "Android") return Contains(ua, "Mobile") ? "mobile" : "tablet";
  if (Contains(ua, "Mobile") || Contains(ua, "Phone")) return "mobile";
  static constexpr std::array<std::string_view, 8> kDesktops = {
      "Windows", "Mac OS X", "Linux", "Ubuntu", "Chrome OS", "Fedora", "FreeBSD", "Debian"};
  for (std::string_view d : kDesktops) {
    if (os.rfind(d, 0) == 0) return "desktop";
  }
  return {};
}

// The architecture tokens browsers put in the platform part of the string,
// under UAParser.js's names.
std::string CpuOf(std::string_view ua) {
  struct Row {
    std::string_view token, arch;
  };
  static constexpr std::array<Row, 11> kTokens{{
      {"x86_64", "amd64"},
      {"x86-64", "amd64"},
      {"Win64", "amd64"},
      {"x64", "amd64"},
      {"WOW64", "amd64"},
      {"amd64", "amd64"},
      {"aarch64", "arm64"},
      {"arm64", "arm64"},
      {"armv7", "arm"},
      {"i686", "ia32"},
      {"i386", "ia32"},
  }};
  for (const Row& r : kTokens) {
    if (Contains(ua, r.token)) return std::string(r.arch);
  }
  return {};
}

}  // namespace

ParsedUserAgent Derive(std::string_view ua, const UapResult& uap) {
  ParsedUserAgent p;
  p.ua = std::string(ua);
  p.browser.name = Known(uap.ua.family);
  if (!p.browser.name.empty()) {
    p.browser.version = Join({&uap.ua.major, &uap.ua.minor, &uap.ua.patch});
    p.browser.major = uap.ua.major.value_or("");
  }
  p.engine = EngineOf(ua, uap);
  p.os.name = Known(uap.os.family);
  if (!p.os.name.empty())
    p.os.version = Join({&uap.os.major, &uap.os.minor, &uap.os.patch, &uap.os.patch_minor});
  if (uap.device.family != "Other") {
    p.device.vendor = uap.device.brand.value_or("");
    p.device.model = uap.device.model.value_or("");
  }
  p.device.type = DeviceTypeOf(ua, uap);
  p.cpu.architecture = CpuOf(ua);
  return p;
}

}  // namespace gh::useragent
