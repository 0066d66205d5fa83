#include "api/common/request_lanes.h"

#include <memory>
#include <utility>

#include "api/common/json_body.h"
#include "core/text.h"

namespace gh::api {

core::ClientInfo ClientOf(const http::Request& request) {
  // Header bytes are the client's choice: valid UTF-8 from here on.
  return core::ClientInfo{core::CleanText(request.remote_ip, 64),
                          core::CleanText(request.Header("user-agent"), 512)};
}

void SetsPassword(const auth::PasswordFlow& passwords, http::Request& request,
                  http::Responder respond, std::string_view field,
                  std::function<http::Response(const http::Request&)> run,
                  std::function<http::Response(const core::Error&)> busy) {
  if (!passwords.ScreensBreaches() || !request.continue_on) return respond(run(request));
  // A body that does not parse is refused by `run`; it asks nothing here.
  if (auto body = ParseJsonObject(request.body)) {
    auto it = body->find(std::string(field));
    if (it != body->end() && it->is_string()) passwords.ScreenAhead(it->get<std::string>());
  }
  auto copy = std::make_shared<http::Request>(request);
  copy->continue_on = nullptr;
  bool queued = request.continue_on(http::Lane::kHashing,
                                    [copy, respond, run = std::move(run)] { respond(run(*copy)); });
  if (!queued)
    respond(busy(core::Error(core::errc::kOverloaded, "Server is busy, try again shortly", 1)));
}

}  // namespace gh::api
