// POST /pat, POST /signin/pat, and the native extensions GET /pat and
// DELETE /pat/{id} (a user's personal access tokens, see docs/api.md).
#include "api/nhost/endpoints.h"
#include "api/nhost/render.h"

namespace gh::api::nhost {
namespace {

core::Result<auth::CreatedPat> RunCreate(const Deps& deps, const http::Request& request) {
  auto claims = Authenticate(deps, request);
  if (!claims) return claims.error();
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  if (auto r = OnlyMembers(*body, {"expiresAt", "metadata"}); !r) return r.error();
  auto expires = ReqString(*body, "expiresAt");
  if (!expires) return expires.error();
  auto at = core::ParseTimestamp(*expires);
  if (!at)
    return core::Error(core::errc::kInvalidRequest, "\"expiresAt\" must be an RFC 3339 date-time");
  auto metadata = OptObjectText(*body, "metadata");
  if (!metadata) return metadata.error();
  auth::CreatePatRequest req;
  req.user_id = claims->user_id;
  req.session_aal = claims->aal;
  req.expires_at = *at;
  req.metadata_json = metadata->value_or("{}");
  req.client = ClientOf(request);
  return deps.pats.Create(req);
}

core::Result<auth::SignInOutcome> RunSignIn(const Deps& deps, const http::Request& request) {
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  if (auto r = OnlyMembers(*body, {"personalAccessToken"}); !r) return r.error();
  auto token = ReqString(*body, "personalAccessToken");
  if (!token) return token.error();
  return deps.pats.SignIn({*token, ClientOf(request)});
}

// One row of GET /pat: what the token is for and when, never the token.
Json PatJson(const core::PersonalAccessToken& t) {
  Json metadata = Json::parse(t.metadata_json, nullptr, /*allow_exceptions=*/false);
  if (!metadata.is_object()) metadata = Json::object();
  Json j = {{"id", t.id},
            {"createdAt", core::FormatRfc3339(t.created_at)},
            {"expiresAt", core::FormatRfc3339(t.expires_at)},
            {"metadata", std::move(metadata)}};
  if (t.last_used_at) j["lastUsedAt"] = core::FormatRfc3339(*t.last_used_at);
  return j;
}

}  // namespace

http::Handler CreatePat(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto made = RunCreate(deps, request);
    if (!made) return respond(ErrorResponse(made.error()));
    respond(Ok(Json{{"id", made->record.id}, {"personalAccessToken", made->token}}));
  };
}

http::Handler SignInPat(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto out = RunSignIn(deps, request);
    respond(out ? Ok(SignInJson(*out)) : ErrorResponse(out.error()));
  };
}

http::Handler ListPats(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto claims = Authenticate(deps, request);
    if (!claims) return respond(ErrorResponse(claims.error()));
    auto pats = deps.pats.List(claims->user_id);
    if (!pats) return respond(ErrorResponse(pats.error()));
    Json list = Json::array();
    for (const auto& t : *pats) list.push_back(PatJson(t));
    respond(Ok(Json{{"personalAccessTokens", std::move(list)}}));
  };
}

http::Handler RevokePat(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto claims = Authenticate(deps, request);
    if (!claims) return respond(ErrorResponse(claims.error()));
    auto r = deps.pats.Revoke(claims->user_id, request.PathParam("id"), ClientOf(request));
    respond(r ? OkString() : ErrorResponse(r.error()));
  };
}

}  // namespace gh::api::nhost
