#include "http/access_log.h"

#include <cstdio>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/text.h"

namespace gh::http {

namespace {

std::string_view PathOnly(std::string_view target) { return target.substr(0, target.find('?')); }

// One request is one line: see core::EscapeForLog.
std::string Printable(std::string_view s) { return core::EscapeForLog(s); }

// JSON lines go through their own logger whose pattern is the message alone:
// a log shipper reads each line as one object, with no "[time] [info]" text in
// front. It writes to stdout under spdlog's console mutex, as the default
// logger does, so lines of the two never interleave.
spdlog::logger& JsonLogger() {
  static const std::shared_ptr<spdlog::logger> logger = [] {
    auto l = std::make_shared<spdlog::logger>("access-json",
                                              std::make_shared<spdlog::sinks::stdout_sink_mt>());
    l->set_pattern("%v");
    l->set_level(spdlog::get_level());
    l->flush_on(spdlog::level::info);
    return l;
  }();
  return *logger;
}

}  // namespace

std::string FormatAccessLine(const AccessRecord& r, bool json) {
  if (json) {
    nlohmann::json j = {
        {"time", core::FormatRfc3339(core::SystemClock::Instance().NowMillis())},
        {"type", "access"},
        {"method", Printable(r.method)},
        {"path", Printable(PathOnly(r.target))},
        {"status", r.status},
        {"bytes", r.bytes},
        {"duration_ms", static_cast<double>(static_cast<int64_t>(r.duration_ms * 100)) / 100},
        {"ip", Printable(r.remote_ip)},
        {"request_id", Printable(r.request_id)},
    };
    return j.dump();
  }
  std::string method = r.method.empty() ? "-" : Printable(r.method);
  std::string path = r.target.empty() ? "-" : Printable(PathOnly(r.target));
  char duration[32];
  std::snprintf(duration, sizeof(duration), "%.1f", r.duration_ms);
  return method + " " + path + " " + std::to_string(r.status) + " " + std::to_string(r.bytes) +
         "B " + duration + "ms ip=" + Printable(r.remote_ip) + " id=" + Printable(r.request_id);
}

std::string FormatEventLine(const EventRecord& r) {
  nlohmann::json j = {
      {"time", core::FormatRfc3339(core::SystemClock::Instance().NowMillis())},
      {"type", "event"},
      {"event", Printable(r.event)},
  };
  if (!r.user_id.empty()) j["user_id"] = Printable(r.user_id);
  if (!r.ip.empty()) j["ip"] = Printable(r.ip);
  if (!r.request_id.empty()) j["request_id"] = Printable(r.request_id);
  return j.dump();
}

void LogEvent(const EventRecord& record) { JsonLogger().info("{}", FormatEventLine(record)); }

void LogAccess(const AccessRecord& record, bool json) {
  if (json) {
    JsonLogger().info("{}", FormatAccessLine(record, true));
    return;
  }
  spdlog::info("{}", FormatAccessLine(record, false));
}

}  // namespace gh::http
