// The codes GoTrue's linking and PKCE grants need are finer than Nhost's
// (core/error.h): NativeOAuthCode gives the native code for the same situation
// (grant-expired -> invalid-ticket, last-identity -> invalid-request, ...) and
// `code` itself for any other. Every native error body (errors.cc) and OAuth
// redirect (native_links.cc) goes through it, so native clients keep seeing
// the codes they know.
//
// A plain function; thread-safe.
#pragma once

#include <string_view>

namespace gh::api::nhost {

std::string_view NativeOAuthCode(std::string_view code);

}  // namespace gh::api::nhost
