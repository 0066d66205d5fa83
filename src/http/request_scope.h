// http::RequestIdScope and http::CurrentRequestId: the id of the request the
// calling thread is serving right now, so that a line logged deep below the
// handler (a domain event on the audit path) names the request it belongs to
// without every flow passing the id along. The pipeline opens a scope around
// each handler and each continuation it runs on a pool thread.
//
// Thread-safe: the id is per thread. A scope must end on the thread it began.
#pragma once

#include <string>
#include <string_view>

namespace gh::http {

// "" when the thread serves no request (start-up, housekeeping, io threads).
std::string_view CurrentRequestId();

class RequestIdScope {
 public:
  explicit RequestIdScope(const std::string& request_id);
  ~RequestIdScope();
  RequestIdScope(const RequestIdScope&) = delete;
  RequestIdScope& operator=(const RequestIdScope&) = delete;

 private:
  const std::string* previous_;
};

}  // namespace gh::http
