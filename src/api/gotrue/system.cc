// GET /health, GET /settings, GET /.well-known/jwks.json, GET /openapi.json
#include "api/common/shared_answers.h"
#include "api/gotrue/endpoints.h"
#include "api/gotrue/openapi.h"
#include "api/gotrue/render.h"

namespace gh::api::gotrue {
namespace {

// The providers supabase-js and dashboards look for in /settings; each is
// false unless configured.
constexpr const char* kKnownProviders[] = {
    "apple",         "azure",  "bitbucket",  "discord", "facebook", "figma",
    "fly",           "github", "gitlab",     "google",  "kakao",    "keycloak",
    "linkedin_oidc", "notion", "slack_oidc", "spotify", "twitch",   "twitter",
    "workos",        "x",      "zoom"};

}  // namespace

http::Handler Health(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto r = deps.accounts.Ping();
    if (!r) return respond(ErrorResponse(request, r.error()));
    respond(Ok(Json{{"version", GATEHOUSE_VERSION},
                    {"name", "Gatehouse"},
                    {"description", "Gatehouse serves the GoTrue auth API"}}));
  };
}

http::Handler Settings(const Deps& deps) {
  return [&deps](http::Request&, http::Responder respond) {
    const config::Config& c = deps.config;
    Json external = Json::object();
    for (const char* name : kKnownProviders) external[name] = false;
    if (deps.oauth)
      for (const std::string& name : deps.oauth->ProviderNames()) external[name] = true;
    external["email"] =
        c.email_signin_enabled || c.email_passwordless_enabled || c.email_otp_enabled;
    external["phone"] =
        deps.sms != nullptr && (c.sms_passwordless_enabled || c.phone_password_enabled);
    external["anonymous_users"] = c.anonymous_signin_enabled;
    external["saml"] = false;
    respond(Ok(Json{{"external", external},
                    {"disable_signup", c.signup_disabled},
                    {"mailer_autoconfirm", !c.email_verification_required},
                    {"phone_autoconfirm", !c.phone_verification_required},
                    {"sms_provider", deps.sms ? c.sms_provider : ""},
                    {"saml_enabled", false}}));
  };
}

http::Handler Jwks(const Deps& deps) {
  return [&deps](http::Request&, http::Responder respond) { respond(JwksResponse(deps.tokens)); };
}

http::Handler OpenApi(const Deps&) {
  return [](http::Request&, http::Responder respond) {
    respond(ContractResponse(GoTrueOpenApiJson()));
  };
}

}  // namespace gh::api::gotrue
