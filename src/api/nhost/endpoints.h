// Handler factories of the native dialect, one per endpoint; each returns an
// http::Handler bound to the flows in Deps. Grouped by file as the routes are.
#pragma once

#include "api/nhost/nhost.h"

namespace gh::api::nhost {

// signup.cc
http::Handler SignUpEmailPassword(const Deps& deps);
// signin.cc
http::Handler SignInEmailPassword(const Deps& deps);
// anonymous.cc
http::Handler SignInAnonymous(const Deps& deps);
http::Handler DeanonymizeUser(const Deps& deps);
// mfa.cc
http::Handler GenerateTotp(const Deps& deps);
http::Handler ChangeUserMfa(const Deps& deps);
http::Handler SignInMfaTotp(const Deps& deps);
http::Handler RegenerateRecoveryCodes(const Deps& deps);
// sms.cc (the last four are native extensions, see docs/api.md)
http::Handler SignInPasswordlessSms(const Deps& deps);
http::Handler SignInPasswordlessSmsOtp(const Deps& deps);
http::Handler SignUpPhonePassword(const Deps& deps);
http::Handler SignInPhonePassword(const Deps& deps);
http::Handler ChangePhone(const Deps& deps);
http::Handler VerifyPhoneChange(const Deps& deps);
// provider.cc
http::Handler SignInProvider(const Deps& deps);
http::Handler SignInProviderCallbackGet(const Deps& deps);
http::Handler SignInProviderCallbackPost(const Deps& deps);
// provider_identities.cc (the last three are native extensions, see docs/api.md)
http::Handler SignInIdToken(const Deps& deps);
http::Handler LinkIdToken(const Deps& deps);
http::Handler SignInProviderGrant(const Deps& deps);
http::Handler ListUserProviders(const Deps& deps);
http::Handler UnlinkUserProvider(const Deps& deps);
// webauthn.cc (the last two are native extensions, see docs/api.md)
http::Handler SignUpWebauthn(const Deps& deps);
http::Handler VerifySignUpWebauthn(const Deps& deps);
http::Handler SignInWebauthn(const Deps& deps);
http::Handler VerifySignInWebauthn(const Deps& deps);
http::Handler AddSecurityKey(const Deps& deps);
http::Handler VerifyAddSecurityKey(const Deps& deps);
http::Handler ElevateWebauthn(const Deps& deps);
http::Handler VerifyElevateWebauthn(const Deps& deps);
http::Handler ListSecurityKeys(const Deps& deps);
http::Handler RemoveSecurityKey(const Deps& deps);
// pat.cc (the last two are native extensions, see docs/api.md)
http::Handler CreatePat(const Deps& deps);
http::Handler SignInPat(const Deps& deps);
http::Handler ListPats(const Deps& deps);
http::Handler RevokePat(const Deps& deps);

// user_sessions.cc (native extensions, see docs/api.md)
http::Handler ListUserSessions(const Deps& deps);
http::Handler RevokeUserSession(const Deps& deps);
http::Handler RevokeOtherUserSessions(const Deps& deps);
// token.cc
http::Handler RefreshToken(const Deps& deps);
http::Handler VerifyToken(const Deps& deps);
http::Handler SignOut(const Deps& deps);
// user.cc
http::Handler GetUser(const Deps& deps);
// system.cc
http::Handler Healthz(const Deps& deps);
http::Handler Version(const Deps& deps);
http::Handler Jwks(const Deps& deps);
// GET /openapi.json: this dialect's contract (openapi/native.yaml), a native extension.
http::Handler OpenApi(const Deps& deps);

// The verified claims of the request's Bearer token, whose session must still
// be live (one session read). Errors: unauthenticated-user (no header),
// invalid-token (bad token, or its session was signed out, revoked or expired).
core::Result<auth::AccessClaims> Authenticate(const Deps& deps, const http::Request& request);
// Only the token check of Authenticate (no store read): for /token/verify.
core::Result<auth::AccessClaims> VerifyBearer(const Deps& deps, const http::Request& request);

}  // namespace gh::api::nhost
