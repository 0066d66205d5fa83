// POST /signin/idtoken and POST /link/idtoken (the spec's native-app paths),
// and our extensions (docs/api.md): POST /signin/provider/grant trades a
// one-time grant code from the callback for a session; GET /user/providers
// lists the signed-in user's linked identities; DELETE /user/providers/{provider}
// unlinks one.
#include "api/nhost/endpoints.h"
#include "api/nhost/render.h"

namespace gh::api::nhost {
namespace {

// The spec names google and apple; a generic OpenID Connect provider configured
// here works too. Anything else is a malformed request, not a switched-off one.
core::Error ForeignProvider(const core::Error& e, const std::string& provider) {
  if (e.Is(core::errc::kDisabledEndpoint) && provider != "google" && provider != "apple")
    return core::Error(core::errc::kInvalidRequest,
                       "provider must be apple, google or an OpenID Connect provider of this "
                       "server");
  return e;
}

struct IdTokenBody {
  std::string provider;
  std::string id_token;
  std::optional<std::string> nonce;
};

core::Result<IdTokenBody> ParseIdTokenBody(const Json& body) {
  auto provider = ReqString(body, "provider");
  if (!provider) return provider.error();
  auto id_token = ReqString(body, "idToken");
  if (!id_token) return id_token.error();
  auto nonce = OptString(body, "nonce");
  if (!nonce) return nonce.error();
  return IdTokenBody{std::move(*provider), std::move(*id_token), std::move(*nonce)};
}

core::Result<auth::SignInOutcome> RunSignInIdToken(const Deps& deps, const http::Request& request) {
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  if (auto r = OnlyMembers(*body, {"provider", "idToken", "nonce", "options"}); !r)
    return r.error();
  auto fields = ParseIdTokenBody(*body);
  if (!fields) return fields.error();
  auto options = ParseSignUpOptions(*body);
  if (!options) return options.error();
  auth::IdTokenSignIn req{fields->provider, fields->id_token, fields->nonce, std::move(*options),
                          ClientOf(request)};
  auto out = deps.oauth->SignInWithIdToken(req);
  if (!out) return ForeignProvider(out.error(), fields->provider);
  return out;
}

core::Result<void> RunLinkIdToken(const Deps& deps, const http::Request& request) {
  auto claims = Authenticate(deps, request);
  if (!claims) return claims.error();
  if (claims->is_anonymous)
    return core::Error(core::errc::kForbiddenAnonymous,
                       "Anonymous users cannot link a provider; deanonymize first");
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  if (auto r = OnlyMembers(*body, {"provider", "idToken", "nonce"}); !r) return r.error();
  auto fields = ParseIdTokenBody(*body);
  if (!fields) return fields.error();
  auto linked =
      deps.oauth->LinkIdToken(claims->user_id, fields->provider, fields->id_token, fields->nonce);
  if (!linked) return ForeignProvider(linked.error(), fields->provider);
  return linked;
}

core::Result<auth::SignInOutcome> RunGrant(const Deps& deps, const http::Request& request) {
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  if (auto r = OnlyMembers(*body, {"grant"}); !r) return r.error();
  auto grant = ReqString(*body, "grant");
  if (!grant) return grant.error();
  return deps.oauth->RedeemGrant(*grant, ClientOf(request));
}

Json IdentityJson(const core::Identity& i) {
  Json j = {{"id", i.id},
            {"provider", i.provider},
            {"providerUserId", i.provider_user_id},
            {"createdAt", core::FormatRfc3339(i.created_at)},
            {"updatedAt", core::FormatRfc3339(i.updated_at)}};
  if (i.email) j["email"] = *i.email;
  return j;
}

}  // namespace

http::Handler SignInIdToken(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto out = RunSignInIdToken(deps, request);
    respond(out ? Ok(SignInJson(*out)) : ErrorResponse(out.error()));
  };
}

http::Handler LinkIdToken(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto out = RunLinkIdToken(deps, request);
    respond(out ? OkString() : ErrorResponse(out.error()));
  };
}

http::Handler SignInProviderGrant(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto out = RunGrant(deps, request);
    respond(out ? Ok(SignInJson(*out)) : ErrorResponse(out.error()));
  };
}

http::Handler ListUserProviders(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto claims = Authenticate(deps, request);
    if (!claims) return respond(ErrorResponse(claims.error()));
    auto identities = deps.oauth->ListIdentities(claims->user_id);
    if (!identities) return respond(ErrorResponse(identities.error()));
    Json list = Json::array();
    for (const auto& i : *identities) list.push_back(IdentityJson(i));
    respond(Ok(Json{{"providers", std::move(list)}}));
  };
}

http::Handler UnlinkUserProvider(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto claims = Authenticate(deps, request);
    if (!claims) return respond(ErrorResponse(claims.error()));
    auto out = deps.oauth->Unlink(claims->user_id, request.PathParam("provider"));
    respond(out ? OkString() : ErrorResponse(out.error()));
  };
}

}  // namespace gh::api::nhost
