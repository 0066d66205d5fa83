#include "http/access_log.h"

#include <cstdio>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "core/text.h"

namespace gh::http {

namespace {

std::string_view PathOnly(std::string_view target) { return target.substr(0, target.find('?')); }

// One request is one line: see core::EscapeForLog.
std::string Printable(std::string_view s) { return core::EscapeForLog(s); }

}  // namespace

std::string FormatAccessLine(const AccessRecord& r, bool json) {
  if (json) {
    nlohmann::json j = {
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

void LogAccess(const AccessRecord& record, bool json) {
  spdlog::info("{}", FormatAccessLine(record, json));
}

}  // namespace gh::http
