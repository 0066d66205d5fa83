// Access log: one line per request, written through spdlog; with JSON lines,
// one line per domain event too.
//
// Only the path is logged, never the query string or the body: both carry
// secrets (refresh tokens, tickets, passwords) in this server.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gh::http {

struct AccessRecord {
  std::string_view method;
  std::string_view target;  // as received; the query is cut off when formatting
  int status = 0;
  size_t bytes = 0;  // response body bytes
  double duration_ms = 0;
  std::string_view remote_ip;
  std::string_view request_id;
};

// `GET /v1/user 200 123B 1.4ms ip=1.2.3.4 id=abc`, or one JSON object when `json`.
// Control characters are escaped so a crafted path cannot forge log lines.
std::string FormatAccessLine(const AccessRecord& record, bool json);

// Writes FormatAccessLine() at info level. Thread-safe (spdlog is).
void LogAccess(const AccessRecord& record, bool json);

// A domain event (a sign-in, a refresh, ...) for the JSON log: the type and
// who, never what was presented (no token, code or password reaches here).
struct EventRecord {
  std::string_view event;    // the audit type: "signin", "signin-failed", ...
  std::string_view user_id;  // "" when none or unknown
  std::string_view ip;
  std::string_view request_id;  // "" outside a request
};

// `{"time":...,"type":"event","event":"signin","user_id":...,"ip":...,"request_id":...}`
// (members that are empty left out), escaped as FormatAccessLine does.
std::string FormatEventLine(const EventRecord& record);
// Writes FormatEventLine() through the JSON access log's logger.
void LogEvent(const EventRecord& record);

}  // namespace gh::http
