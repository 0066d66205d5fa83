// The GoTrue admin API (/admin/users...): who may call it (RequireAdmin: a
// service_role API key, or the admin secret) and the user routes over
// auth::AdminFlow. supabase-js's auth.admin.* methods call these.
#include "api/gotrue/admin.h"

#include "api/gotrue/endpoints.h"
#include "api/gotrue/render.h"
#include "crypto/hash.h"

namespace gh::api::gotrue {

std::optional<http::Response> RequireAdmin(const Deps& deps, const http::Request& request) {
  const std::string& secret = deps.config.admin_secret;
  std::string_view sent_secret = request.Header("x-hasura-admin-secret");
  if (!sent_secret.empty()) {
    if (!secret.empty() && crypto::ConstantTimeEquals(sent_secret, secret)) return std::nullopt;
    return Render(request, Problem{403, "not_admin", "User not allowed"});
  }
  // supabase-js's admin client sends the service key both as Bearer and as
  // apikey; a server calling by hand may send only one of them.
  std::string_view token = request.BearerToken();
  if (token.empty()) token = request.Header("apikey");
  if (token.empty())
    return ErrorResponse(request, core::Error(core::errc::kUnauthenticated,
                                              "This endpoint requires a Bearer token"));
  if (deps.api_keys) {
    auto role = deps.api_keys->Role(token);
    if (role && *role == auth::kServiceRole) return std::nullopt;
    if (role) return Render(request, Problem{403, "not_admin", "User not allowed"});
  }
  // A user's access token is well signed but no admin; anything else is a bad JWT.
  if (deps.tokens.Verify(token))
    return Render(request, Problem{403, "not_admin", "User not allowed"});
  return Render(request,
                Problem{403, "bad_jwt", "invalid JWT: unable to parse or verify signature"});
}

http::Handler AdminOnly(const Deps& deps, std::function<http::Response(const http::Request&)> run) {
  return [&deps, run = std::move(run)](http::Request& request, http::Responder respond) {
    if (auto refused = RequireAdmin(deps, request)) return respond(std::move(*refused));
    respond(run(request));
  };
}

// page / per_page: positive integers; absent = 1 / 50 (GoTrue's defaults).
bool PageParam(const http::Request& request, const char* name, int64_t fallback, int64_t* out) {
  *out = fallback;
  if (!request.HasQueryParam(name)) return true;
  const std::string text = request.QueryParam(name);
  if (text.empty() || text.size() > 9) return false;
  for (char ch : text)
    if (ch < '0' || ch > '9') return false;
  *out = std::stoll(text);
  return true;
}

namespace {

const auto& Admin = AdminOnly;

http::Response UserAnswer(const Deps& deps, const http::Request& request,
                          core::Result<core::User> user) {
  // The admin routes word a taken address as GoTrue's admin API does, not as sign-up.
  if (!user && user.error().Is(core::errc::kEmailAlreadyInUse))
    return Render(request, Problem{422, "email_exists",
                                   "A user with this email address has already been registered"});
  if (!user) return ErrorResponse(request, user.error());
  auto body = DescribeUser(deps, std::move(*user));
  return body ? Ok(*body) : ErrorResponse(request, body.error());
}

// A string field where "" means "not given", as GoTrue reads email and phone.
core::Result<std::optional<std::string>> NonEmpty(const Json& body, const char* name) {
  auto v = OptString(body, name);
  if (v && v->has_value() && (*v)->empty()) v->reset();
  return v;
}

// GoTrue's AdminUserParams as our change. `creating`: "" ban_duration and
// password mean none.
core::Result<auth::AdminUserChange> ChangeOf(const http::Request& request) {
  auto body = ParseJsonObject(request.body, /*empty_ok=*/true);
  if (!body) return body.error();
  auth::AdminUserChange c;
  auto email = NonEmpty(*body, "email");
  if (!email) return email.error();
  c.email = std::move(*email);
  auto phone = NonEmpty(*body, "phone");
  if (!phone) return phone.error();
  c.phone = std::move(*phone);
  auto password = OptString(*body, "password");
  if (!password) return password.error();
  c.password = std::move(*password);
  auto email_confirm = OptBool(*body, "email_confirm");
  if (!email_confirm) return email_confirm.error();
  c.email_confirm = *email_confirm;
  auto phone_confirm = OptBool(*body, "phone_confirm");
  if (!phone_confirm) return phone_confirm.error();
  c.phone_confirm = *phone_confirm;
  auto user_metadata = OptObjectText(*body, "user_metadata");
  if (!user_metadata) return user_metadata.error();
  c.user_metadata_json = std::move(*user_metadata);
  auto app_metadata = OptObjectText(*body, "app_metadata");
  if (!app_metadata) return app_metadata.error();
  c.app_metadata_json = std::move(*app_metadata);
  auto ban = NonEmpty(*body, "ban_duration");
  if (!ban) return ban.error();
  c.ban_duration = std::move(*ban);
  return c;
}

core::Result<Json> UsersJson(const Deps& deps, std::vector<core::User> users) {
  Json out = Json::array();
  for (core::User& u : users) {
    auto body = DescribeUser(deps, std::move(u));
    if (!body) return body.error();
    out.push_back(std::move(*body));
  }
  return out;
}

// Our extensions of the listing: `q` (an id, email or phone, found by its
// index) and `after` (keyset pages, for logs of millions of users).
http::Response FindOrListAfter(const Deps& deps, const std::string& path,
                               const http::Request& request, int64_t per_page) {
  auto users = request.HasQueryParam("q")
                   ? deps.admin->Find(request.QueryParam("q"))
                   : deps.admin->ListAfter(request.QueryParam("after"), per_page);
  if (!users) return ErrorResponse(request, users.error());
  const bool full_page = !request.HasQueryParam("q") && std::ssize(*users) == per_page;
  std::string next = full_page ? users->back().id : "";
  auto body = UsersJson(deps, std::move(*users));
  if (!body) return ErrorResponse(request, body.error());
  http::Response r = Ok(Json{{"users", std::move(*body)}, {"aud", deps.config.jwt_audience}});
  if (!next.empty())
    r.headers.emplace_back("Link", "<" + path + "?after=" + next +
                                       "&per_page=" + std::to_string(per_page) + ">; rel=\"next\"");
  return r;
}

http::Response ListUsers(const Deps& deps, const std::string& path, const http::Request& request) {
  int64_t page = 1, per_page = 50;
  if (!PageParam(request, "page", 1, &page) || !PageParam(request, "per_page", 50, &per_page))
    return Render(request, Problem{400, "validation_failed", "Bad Pagination Parameters"});
  if (request.HasQueryParam("q") || request.HasQueryParam("after"))
    return FindOrListAfter(deps, path, request, per_page);
  auto listed = deps.admin->List(page, per_page, request.QueryParam("filter"));
  if (!listed) return ErrorResponse(request, listed.error());
  auto users = UsersJson(deps, std::move(listed->users));
  if (!users) return ErrorResponse(request, users.error());
  http::Response r = Ok(Json{{"users", std::move(*users)}, {"aud", deps.config.jwt_audience}});
  // supabase-js reads the page numbers from Link (`page=` must come first).
  const int64_t last = std::max<int64_t>(1, (listed->total + per_page - 1) / per_page);
  auto link = [&](int64_t p, const char* rel) {
    return "<" + path + "?page=" + std::to_string(p) + "&per_page=" + std::to_string(per_page) +
           ">; rel=\"" + rel + "\"";
  };
  std::string links;
  if (page < last) links = link(page + 1, "next") + ", ";
  links += link(last, "last");
  r.headers.emplace_back("X-Total-Count", std::to_string(listed->total));
  r.headers.emplace_back("Link", std::move(links));
  return r;
}

}  // namespace

void RegisterAdminRoutes(http::Router& router, const Deps& deps, const http::RouteClasses& classes,
                         const std::string& prefix) {
  if (deps.admin == nullptr) return;
  namespace budget = http::budget;
  const http::RouteOptions reads = http::Spending(classes.guessing, budget::kAdmin);
  const http::RouteOptions hashes = http::Spending(classes.hashing, budget::kAdmin);
  auth::AdminFlow& admin = *deps.admin;
  const std::string users = prefix + "/admin/users";
  const std::string user = users + "/{id}";
  router.Add(
      "GET", users,
      Admin(deps, [&deps, users](const http::Request& r) { return ListUsers(deps, users, r); }),
      reads);
  router.Add("POST", users,
             Admin(deps,
                   [&deps, &admin](const http::Request& r) {
                     auto change = ChangeOf(r);
                     if (!change) return ErrorResponse(r, change.error());
                     // GoTrue: a user made without a password has none to sign in with.
                     if (change->password && change->password->empty()) change->password.reset();
                     return UserAnswer(deps, r, admin.Create(*change));
                   }),
             hashes);
  router.Add("GET", user,
             Admin(deps,
                   [&deps, &admin](const http::Request& r) {
                     return UserAnswer(deps, r, admin.Get(r.PathParam("id")));
                   }),
             reads);
  router.Add("PUT", user,
             Admin(deps,
                   [&deps, &admin](const http::Request& r) {
                     auto change = ChangeOf(r);
                     if (!change) return ErrorResponse(r, change.error());
                     return UserAnswer(deps, r, admin.Update(r.PathParam("id"), *change));
                   }),
             hashes);
  router.Add("DELETE", user,
             Admin(deps,
                   [&admin](const http::Request& r) {
                     // should_soft_delete is read and answered as a hard delete (docs/gotrue.md).
                     auto body = ParseJsonObject(r.body, /*empty_ok=*/true);
                     if (!body) return ErrorResponse(r, body.error());
                     if (auto soft = OptBool(*body, "should_soft_delete"); !soft)
                       return ErrorResponse(r, soft.error());
                     auto done = admin.Delete(r.PathParam("id"));
                     return done ? Ok(Json::object()) : ErrorResponse(r, done.error());
                   }),
             reads);
  router.Add("GET", user + "/factors",
             Admin(deps,
                   [&admin](const http::Request& r) {
                     auto factors = admin.Factors(r.PathParam("id"));
                     if (!factors) return ErrorResponse(r, factors.error());
                     Json out = Json::array();
                     for (const auto& f : *factors) out.push_back(FactorJson(f));
                     return Ok(out);
                   }),
             reads);
  router.Add("DELETE", user + "/factors/{fid}",
             Admin(deps,
                   [&admin](const http::Request& r) {
                     auto factor = admin.DeleteFactor(r.PathParam("id"), r.PathParam("fid"));
                     return factor ? Ok(FactorJson(*factor)) : ErrorResponse(r, factor.error());
                   }),
             reads);
  // Extension: end every session of a user without holding one of its tokens.
  router.Add("POST", user + "/logout",
             Admin(deps,
                   [&admin](const http::Request& r) {
                     auto n = admin.SignOut(r.PathParam("id"));
                     if (!n) return ErrorResponse(r, n.error());
                     http::Response out;
                     out.status = 204;
                     out.content_type.clear();
                     return out;
                   }),
             reads);
  RegisterAdminActivityRoutes(router, deps, reads, prefix);
  RegisterAdminConsoleRoutes(router, deps, reads, prefix);
}

}  // namespace gh::api::gotrue
