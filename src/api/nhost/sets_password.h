// The lane walk of the native handlers that set a password (sign-up, phone
// sign-up, deanonymize, change and reset): api::SetsPassword
// (api/common/request_lanes.h) with the native error shape.
//
// Thread-safe; holds nothing between calls.
#pragma once

#include <functional>
#include <string_view>

#include "api/nhost/nhost.h"

namespace gh::api::nhost {

// Answers respond(run(request)): at once, or, when the breach check is on, after
// asking about the body's string member `field` here, on the hash lane with a
// copy of the request (429 server-overloaded when its queue is full).
void SetsPassword(const Deps& deps, http::Request& request, http::Responder respond,
                  std::string_view field, std::function<http::Response(const http::Request&)> run);

}  // namespace gh::api::nhost
