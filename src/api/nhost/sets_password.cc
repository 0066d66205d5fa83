#include "api/nhost/sets_password.h"

#include <memory>
#include <utility>

#include "api/common/json_body.h"

namespace gh::api::nhost {

void SetsPassword(const Deps& deps, http::Request& request, http::Responder respond,
                  std::string_view field, std::function<http::Response(const http::Request&)> run) {
  if (!deps.password.ScreensBreaches() || !request.continue_on) return respond(run(request));
  // A body that does not parse is refused by `run`; it asks nothing here.
  if (auto body = ParseJsonObject(request.body)) {
    auto it = body->find(std::string(field));
    if (it != body->end() && it->is_string()) deps.password.ScreenAhead(it->get<std::string>());
  }
  auto copy = std::make_shared<http::Request>(request);
  copy->continue_on = nullptr;
  bool queued = request.continue_on(http::Lane::kHashing,
                                    [copy, respond, run = std::move(run)] { respond(run(*copy)); });
  if (!queued)
    respond(ErrorResponse(
        core::Error(core::errc::kOverloaded, "Server is busy, try again shortly", 1)));
}

}  // namespace gh::api::nhost
