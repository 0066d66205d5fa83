#include "http/request_scope.h"

namespace gh::http {

namespace {
// Points at the id inside the Request (or continuation state) that the scope's
// caller keeps alive for the scope's length: no copy per request.
thread_local const std::string* current = nullptr;
}  // namespace

std::string_view CurrentRequestId() { return current ? std::string_view(*current) : ""; }

RequestIdScope::RequestIdScope(const std::string& request_id) : previous_(current) {
  current = &request_id;
}

RequestIdScope::~RequestIdScope() { current = previous_; }

}  // namespace gh::http
