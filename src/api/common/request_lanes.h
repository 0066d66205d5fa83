// What both dialects do alike with a request before a flow sees it: who the
// client is (ClientOf), and the lane walk of routes that set a password
// (SetsPassword).
//
// SetsPassword: with the breach check on (password_hibp_enabled) those routes run
// on the remote lane; the check's service is asked there, then the request goes
// on to the hash lane, so a slow range API holds neither the workers token
// refresh needs nor the hash threads sign-in needs. With the check off the routes
// run on the hash lane and nothing moves.
//
// Thread-safe; holds nothing between calls.
#pragma once

#include <functional>
#include <string_view>

#include "auth/password.h"
#include "core/types.h"
#include "http/message.h"

namespace gh::api {

// The client's IP and user agent, for sessions and the audit log (cleaned to
// valid UTF-8 and bounded).
core::ClientInfo ClientOf(const http::Request& request);

// Answers respond(run(request)): at once, or, when the breach check is on, after
// asking about the body's string member `field` here, on the hash lane with a
// copy of the request; when that queue is full, respond(busy(error)) with
// server-overloaded.
void SetsPassword(const auth::PasswordFlow& passwords, http::Request& request,
                  http::Responder respond, std::string_view field,
                  std::function<http::Response(const http::Request&)> run,
                  std::function<http::Response(const core::Error&)> busy);

}  // namespace gh::api
