// POST /signup: email + password, or no credentials at all (an anonymous user,
// supabase-js's signInAnonymously).
#include "api/common/request_lanes.h"
#include "api/gotrue/endpoints.h"
#include "api/gotrue/render.h"

namespace gh::api::gotrue {
namespace {

// GoTrue's `data`: the new user's user_metadata (an object; absent = {}).
core::Result<std::optional<std::string>> UserData(const Json& body) {
  return OptObjectText(body, "data");
}

core::Result<auth::SignInOutcome> RunEmail(const Deps& deps, const http::Request& request,
                                           const Json& body) {
  auto email = ReqString(body, "email");
  if (!email) return email.error();
  auto password = OptString(body, "password");
  if (!password) return password.error();
  if (!password->has_value() || (*password)->empty())
    return core::Error(core::errc::kInvalidRequest, "Signup requires a valid password");
  auto data = UserData(body);
  if (!data) return data.error();
  auth::EmailPasswordSignUp req;
  req.email = std::move(*email);
  req.password = std::move(**password);
  req.options.metadata_json = std::move(*data);
  if (std::string to = request.QueryParam("redirect_to"); !to.empty())
    req.options.redirect_to = std::move(to);
  req.client = ClientOf(request);
  req.links = &deps.links;
  return deps.password.SignUp(req);
}

core::Result<auth::SignInOutcome> RunPhone(const Deps& deps, const http::Request& request,
                                           const Json& body) {
  if (!deps.sms) return core::Error(core::errc::kDisabledEndpoint, "Phone signups are disabled");
  auto phone = ReqString(body, "phone");
  if (!phone) return phone.error();
  auto password = OptString(body, "password");
  if (!password) return password.error();
  if (!password->has_value() || (*password)->empty())
    return core::Error(core::errc::kInvalidRequest, "Signup requires a valid password");
  auto channel = ParseChannel(body);
  if (!channel) return channel.error();
  auto data = UserData(body);
  if (!data) return data.error();
  auth::PhonePasswordSignUp req;
  req.phone_number = std::move(*phone);
  req.password = std::move(**password);
  req.channel = *channel;
  req.options.metadata_json = std::move(*data);
  req.client = ClientOf(request);
  return deps.sms->SignUpWithPassword(req);
}

core::Result<Json> Run(const Deps& deps, const http::Request& request) {
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  auto phone = OptString(*body, "phone");
  if (!phone) return phone.error();
  // A phone and password; the number gets a code
  // (POST /verify type sms) unless phone verification is off.
  const bool by_phone = phone->has_value() && !(*phone)->empty();
  auto out = by_phone ? RunPhone(deps, request, *body) : RunEmail(deps, request, *body);
  if (!out) return out.error();
  return SignInBody(deps, *out);
}

core::Result<Json> RunAnonymous(const Deps& deps, const http::Request& request) {
  auto body = ParseJsonObject(request.body, /*empty_ok=*/true);
  if (!body) return body.error();
  auto data = UserData(*body);
  if (!data) return data.error();
  auth::AnonymousSignIn req;
  req.metadata_json = std::move(*data);
  req.client = ClientOf(request);
  auto out = deps.anonymous.SignIn(req);
  if (!out) return out.error();
  return SignInBody(deps, *out);
}

}  // namespace

bool IsAnonymousSignUp(const http::Request& request) {
  Json body = Json::parse(request.body.empty() ? std::string_view("{}") : request.body, nullptr,
                          /*allow_exceptions=*/false);
  if (!body.is_object()) return false;
  auto given = [&](const char* name) {
    auto it = body.find(name);
    return it != body.end() && !(it->is_string() && it->get_ref<const std::string&>().empty()) &&
           !it->is_null();
  };
  return !given("email") && !given("phone");
}

http::Handler SignUp(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    api::SetsPassword(
        deps.password, request, std::move(respond), "password",
        [&deps](const http::Request& r) {
          auto out = Run(deps, r);
          return out ? Ok(*out)
                     : Render(r, TranslateDisabled(out.error(), "email_provider_disabled",
                                                   "Email signups are disabled"));
        },
        [&request](const core::Error& e) { return ErrorResponse(request, e); });
  };
}

http::Handler SignUpAnonymous(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto out = RunAnonymous(deps, request);
    respond(out ? Ok(*out)
                : Render(request, TranslateDisabled(out.error(), "anonymous_provider_disabled",
                                                    "Anonymous sign-ins are disabled")));
  };
}

}  // namespace gh::api::gotrue
