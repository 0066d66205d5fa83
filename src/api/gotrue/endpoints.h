// Handler factories of the GoTrue dialect, one per endpoint; each returns an
// http::Handler bound to the flows in Deps. Grouped by file as the routes are.
#pragma once

#include "api/common/json_body.h"
#include "api/gotrue/gotrue.h"

namespace gh::api::gotrue {

// signup.cc: POST /signup with an email (or phone) and password; without
// either (IsAnonymousSignUp), an anonymous user.
http::Handler SignUp(const Deps& deps);
http::Handler SignUpAnonymous(const Deps& deps);
bool IsAnonymousSignUp(const http::Request& request);
// token.cc: POST /token?grant_type=password, ?grant_type=refresh_token, and
// the answer to any other grant type.
http::Handler TokenPassword(const Deps& deps);
http::Handler TokenRefresh(const Deps& deps);
http::Handler TokenUnsupported(const Deps& deps);
// logout.cc: POST /logout?scope=local|global|others
http::Handler Logout(const Deps& deps);
// user.cc: GET /user
http::Handler GetUser(const Deps& deps);
// One-time codes and mailed links.
// otp.cc: POST /otp (a code to a phone by SMS or WhatsApp, or a mail with a
// magic link and its code to an address), POST /magiclink (the mail alone).
http::Handler Otp(const Deps& deps);
http::Handler MagicLink(const Deps& deps);
bool IsPhoneOtp(const http::Request& request);
// "channel": sms (absent) or whatsapp.
core::Result<notify::SmsChannel> ParseChannel(const Json& body);
// Translate, with GoTrue's codes for the phone routes (phone_provider_disabled,
// over_sms_send_rate_limit).
Problem PhoneProblem(const core::Error& error);
// Translate, with GoTrue's codes for the mail routes (email_provider_disabled,
// over_email_send_rate_limit).
Problem EmailProblem(const core::Error& error);
// The app's redirect target of a mail: the redirect_to query parameter
// (supabase-js's emailRedirectTo / redirectTo), else the body's redirect_to or
// email_redirect_to; nullopt = client_url.
std::optional<std::string> RedirectParam(const http::Request& request, const Json& body);
// verify.cc: POST /verify (phone codes, mailed codes and token hashes), and
// GET /verify (the mailed link: a 303 to the app with the outcome in the fragment).
http::Handler Verify(const Deps& deps);
http::Handler VerifyLink(const Deps& deps);
bool IsPhoneChangeVerify(const http::Request& request);
bool IsPhoneVerify(const http::Request& request);
bool IsTokenHashVerify(const http::Request& request);
// recover.cc: POST /recover, POST /resend, GET /reauthenticate.
http::Handler Recover(const Deps& deps);
http::Handler Resend(const Deps& deps);
http::Handler Reauthenticate(const Deps& deps);
bool IsPhoneResend(const http::Request& request);
bool IsEmailChangeResend(const http::Request& request);
// user_update.cc: PUT /user (metadata, password, email, phone).
http::Handler UpdateUser(const Deps& deps);
bool IsPasswordUpdate(const http::Request& request);
bool IsEmailUpdate(const http::Request& request);
bool IsPhoneUpdate(const http::Request& request);
// system.cc
http::Handler Health(const Deps& deps);
http::Handler Settings(const Deps& deps);
http::Handler Jwks(const Deps& deps);
// GET /openapi.json: this dialect's contract (openapi/gotrue.yaml), an extension.
http::Handler OpenApi(const Deps& deps);
// factors.cc (second factors): POST /factors, POST /factors/{factorId}/challenge,
// POST /factors/{factorId}/verify, DELETE /factors/{factorId}
http::Handler EnrollFactor(const Deps& deps);
http::Handler ChallengeFactor(const Deps& deps);
http::Handler VerifyFactor(const Deps& deps);
http::Handler UnenrollFactor(const Deps& deps);

// external.cc (social and OIDC sign-in): GET /authorize, GET|POST /callback.
http::Handler Authorize(const Deps& deps);
http::Handler CallbackGet(const Deps& deps);
http::Handler CallbackPost(const Deps& deps);
// identities.cc (linking while signed in): GET /user/identities/authorize,
// DELETE /user/identities/{identityId}.
http::Handler LinkIdentity(const Deps& deps);
http::Handler UnlinkIdentity(const Deps& deps);
// token_oauth.cc: POST /token?grant_type=pkce (a callback's code and the app's
// verifier) and ?grant_type=id_token (a provider's ID token).
http::Handler TokenPkce(const Deps& deps);
http::Handler TokenIdToken(const Deps& deps);

// not_served.cc: SAML SSO and Web3 sign-in, as GoTrue answers with them off.
http::Handler SamlDisabled(const Deps& deps);
http::Handler Web3Disabled(const Deps& deps);

// The caller of a route that needs a user: the verified claims of the
// request's Bearer token (an `apikey` alone is not a user). Errors:
// unauthenticated-user (no Bearer token), invalid-token (a bad one).
core::Result<auth::AccessClaims> VerifyBearer(const Deps& deps, const http::Request& request);
// VerifyBearer and the user of the token's live session, in one read.
// Errors: those of VerifyBearer, session-not-found, disabled-user.
// `claims`, when given, receives the token's claims (a factor route needs the session id).
core::Result<core::User> AuthenticatedUser(const Deps& deps, const http::Request& request,
                                           auth::AccessClaims* claims = nullptr);

// GoTrue reads ids in paths and bodies as UUIDs (either case).
bool IsUuid(std::string_view s);

// The user with identities and factors, rendered: GoTrue's User.
core::Result<Json> DescribeUser(const Deps& deps, core::User user);
// The body of a sign-in's answer: GoTrue's Session, or its User alone while the
// account awaits confirmation (no session).
core::Result<Json> SignInBody(const Deps& deps, const auth::SignInOutcome& outcome);

}  // namespace gh::api::gotrue
