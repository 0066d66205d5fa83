#include "api/nhost/sets_password.h"

#include <utility>

#include "api/common/request_lanes.h"

namespace gh::api::nhost {

void SetsPassword(const Deps& deps, http::Request& request, http::Responder respond,
                  std::string_view field, std::function<http::Response(const http::Request&)> run) {
  api::SetsPassword(deps.password, request, std::move(respond), field, std::move(run),
                    [](const core::Error& e) { return ErrorResponse(e); });
}

}  // namespace gh::api::nhost
