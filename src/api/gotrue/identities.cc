// GET /user/identities/authorize (linkIdentity) and DELETE
// /user/identities/{identityId} (unlinkIdentity), both for the Bearer's user;
// getUserIdentities reads `identities` from GET /user.
//
// Linking is a provider round trip like a sign-in, started for the signed-in
// user (OAuthStart::connect): the callback adds the identity to that user and
// sends the browser to redirect_to. supabase-js asks with
// skip_http_redirect=true and gets {url} to open itself; such a start comes
// from the app's fetch, which keeps no cookie, so it is not bound to a browser
// (the state alone finishes it, as in GoTrue).
#include "api/common/oauth_browser.h"
#include "api/gotrue/endpoints.h"
#include "api/gotrue/external.h"
#include "api/gotrue/render.h"

namespace gh::api::gotrue {

http::Handler LinkIdentity(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto claims = VerifyBearer(deps, request);
    if (!claims) return respond(ErrorResponse(request, claims.error()));
    auto start = ParseOAuthStart(deps, request);
    if (!start) return respond(ErrorResponse(request, start.error()));
    start->connect = std::string(request.BearerToken());
    const bool answer_url = request.QueryParam("skip_http_redirect") == "true";
    if (!answer_url) start->binding = StartBinding(deps.config, request);
    auto url = deps.oauth->Start(*start);
    if (!url) return respond(StartFailed(request, url.error(), start->provider));
    if (answer_url) return respond(Ok(Json{{"url", *url}}));
    respond(StartRedirect(deps, request, "/user/identities/authorize", *start, std::move(*url)));
  };
}

http::Handler UnlinkIdentity(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto user = AuthenticatedUser(deps, request);
    if (!user) return respond(ErrorResponse(request, user.error()));
    std::string id(request.PathParam("identityId"));
    if (!IsUuid(id))
      return respond(
          Render(request, Problem{404, "validation_failed", "identity_id must be an UUID"}));
    for (char& c : id)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    auto out = deps.oauth->UnlinkIdentity(user->id, id);
    if (out) return respond(Ok(Json::object()));
    // The email and phone identities are the account row itself (their id is
    // the user's): nothing to unlink there.
    if (out.error().Is(core::errc::kIdentityNotFound) && id == user->id)
      return respond(Render(request, Problem{422, "validation_failed",
                                             "The email and phone identities are the account "
                                             "itself and cannot be unlinked"}));
    respond(ErrorResponse(request, out.error()));
  };
}

}  // namespace gh::api::gotrue
