// The JSON forms of WebAuthn's browser-facing values, shared by both dialects:
// PublicKeyCredentialCreationOptions / RequestOptions as their JSON (binary
// members base64url, what PublicKeyCredential.parseCreationOptionsFromJSON
// reads), and a PublicKeyCredential as its toJSON() back into PasskeyFlow's
// responses. Malformed credentials are Error{invalid-request} naming the member.
// Stateless; thread-safe.
#pragma once

#include "api/common/json_body.h"
#include "auth/passkeys.h"

namespace gh::api {

Json CreationOptionsJson(const auth::CreationOptions& options);
Json RequestOptionsJson(const auth::RequestOptions& options);

// `credential` is the credential object itself (id, rawId, type, response, ...).
core::Result<auth::AttestationResponse> ParseAttestationJson(const Json& credential);
core::Result<auth::AssertionResponse> ParseAssertionJson(const Json& credential);

}  // namespace gh::api
