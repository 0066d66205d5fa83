// Answers both dialects give alike, whatever their shapes elsewhere: the
// caller's Bearer token checked, the public keys, and a dialect's contract.
//
// Plain functions; thread-safe as the TokenService is.
#pragma once

#include <string_view>

#include "auth/tokens.h"
#include "core/error.h"
#include "http/message.h"

namespace gh::api {

// The verified claims of the request's "Authorization: Bearer" token (an API
// key in another header is no user). Says nothing about the session being
// live. Errors: unauthenticated-user (no Bearer token), invalid-token.
core::Result<auth::AccessClaims> BearerClaims(const auth::TokenService& tokens,
                                              const http::Request& request);

// GET .../.well-known/jwks.json: the key set as it stands after any due reload,
// cacheable for five minutes.
http::Response JwksResponse(const auth::TokenService& tokens);

// GET .../openapi.json: a dialect's contract (embedded JSON), cacheable.
http::Response ContractResponse(std::string_view json);

}  // namespace gh::api
