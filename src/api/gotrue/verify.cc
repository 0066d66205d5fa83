// POST /verify and GET /verify: spending what a phone or a mailbox got, as
// supabase-js verifyOtp sends it and as GoTrue's mailed links are followed.
//
// - type sms signs in by phone; type phone_change moves the user the code was
//   sent for to the new number (as GoTrue, no user token: supabase-js sends
//   none).
// - email + token (the six digits of a mail) or token_hash (the ticket its link
//   carries) with type signup, invite, magiclink, email, recovery or
//   email_change: the mailed ticket is spent by EmailLinkFlow; each type names
//   the kinds of mail it accepts (email: a sign-up or magic-link mail).
// - GET /verify?token=..&type=..&redirect_to=.. is the mailed link: it spends the
//   ticket and answers GoTrue's 303 to redirect_to (client_url when absent or
//   not allowed) with the session, or the error, in the URL fragment.
#include <array>
#include <span>

#include "api/common/request_lanes.h"
#include "api/gotrue/endpoints.h"
#include "api/gotrue/render.h"
#include "auth/user_options.h"

namespace gh::api::gotrue {
namespace {

using auth::LinkKind;

constexpr std::array<LinkKind, 1> kSignup = {LinkKind::kEmailVerify};
constexpr std::array<LinkKind, 2> kEmailSignIn = {LinkKind::kMagicLink, LinkKind::kEmailVerify};
constexpr std::array<LinkKind, 1> kRecovery = {LinkKind::kPasswordReset};
// An anonymous user's updateUser({email}) mails a verification (the email is
// new to the account), which GoTrue's clients verify as email_change.
constexpr std::array<LinkKind, 2> kEmailChange = {LinkKind::kEmailChange, LinkKind::kEmailVerify};

// The kinds of mail a GoTrue verification type accepts; empty = not an email type.
std::span<const LinkKind> KindsOf(std::string_view type) {
  if (type == "signup" || type == "invite") return kSignup;
  if (type == "magiclink" || type == "email") return kEmailSignIn;
  if (type == "recovery") return kRecovery;
  if (type == "email_change") return kEmailChange;
  return {};
}

core::Result<Json> RunPhone(const Deps& deps, const http::Request& request, const Json& body,
                            const std::string& type) {
  if (!deps.sms) return core::Error(core::errc::kDisabledEndpoint, "Phone logins are disabled");
  auto phone = ReqString(body, "phone");
  if (!phone) return phone.error();
  auto token = ReqString(body, "token");
  if (!token) return token.error();
  if (type == "sms") {
    auth::SmsCodeSignIn req{std::move(*phone), std::move(*token), ClientOf(request),
                            &kSecondFactorPolicy};
    auto out = deps.sms->SignIn(req);
    if (!out) return out.error();
    return SignInBody(deps, *out);
  }
  auto changed = deps.sms->VerifyPhoneChange({"", std::move(*phone), std::move(*token)});
  if (!changed) return changed.error();
  return DescribeUser(deps, std::move(*changed));
}

// GoTrue's answer to a spent mail: the session, or (an email change, which
// starts none here) the user as it is now.
core::Result<Json> OutcomeBody(const Deps& deps, const auth::LinkOutcome& out) {
  if (!out.session) {
    if (!out.user) return core::Error(core::errc::kInvalidTicket, "Invalid or expired ticket");
    return DescribeUser(deps, *out.user);
  }
  auto profile = deps.accounts.Describe(out.session->user);
  if (!profile) return profile.error();
  return SessionJson(*out.session, *profile, deps.config.jwt_audience);
}

core::Result<Json> RunEmail(const Deps& deps, const http::Request& request, const Json& body,
                            std::span<const LinkKind> kinds) {
  auto token_hash = OptString(body, "token_hash");
  if (!token_hash) return token_hash.error();
  auto email = OptString(body, "email");
  if (!email) return email.error();
  auto token = OptString(body, "token");
  if (!token) return token.error();
  core::Result<auth::LinkOutcome> out = core::Error(core::errc::kInternal, "unset");
  if (token_hash->has_value() && !(*token_hash)->empty()) {
    out = deps.email_links.Redeem(**token_hash, ClientOf(request), kinds, &kSecondFactorPolicy);
  } else {
    if (!email->has_value() || (*email)->empty())
      return core::Error(core::errc::kInvalidRequest,
                         "Verify requires the email address the token was sent to");
    if (!token->has_value() || (*token)->empty())
      return core::Error(core::errc::kInvalidRequest, "Verify requires a token or a token hash");
    out = deps.email_links.RedeemCode(kinds, **email, **token, ClientOf(request),
                                      &kSecondFactorPolicy);
  }
  if (!out) return out.error();
  return OutcomeBody(deps, *out);
}

// "name=value&..." for a URL fragment, values percent-encoded.
std::string Fragment(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += auth::UrlEncode(k) + "=" + auth::UrlEncode(v);
  }
  return out;
}

// `target` with its fragment replaced by `fragment`.
std::string WithFragment(std::string target, const std::string& fragment) {
  if (size_t hash = target.find('#'); hash != std::string::npos) target.resize(hash);
  return target + "#" + fragment;
}

// GoTrue's OAuth-style name for the status of a refused link.
std::string OAuthErrorOf(int status) {
  if (status == 401) return "unauthorized_client";
  if (status == 403) return "access_denied";
  if (status >= 500) return status == 503 ? "temporarily_unavailable" : "server_error";
  return "invalid_request";
}

http::Response SeeOther(const std::string& location) {
  http::Response r = http::Response::Redirect(location, 303);
  // The URL carries a ticket and then a session: never in a Referer or a cache.
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

http::Response FollowLink(const Deps& deps, const http::Request& request) {
  const std::string token = request.QueryParam("token");
  const std::string type = request.QueryParam("type");
  if (token.empty())
    return Render(request, Problem{400, "validation_failed", "Verify requires a token"});
  if (type.empty())
    return Render(request,
                  Problem{400, "validation_failed", "Verify requires a verification type"});
  // As GoTrue: a redirect_to outside the allowed list falls back to the site URL.
  std::string target = request.QueryParam("redirect_to");
  if (target.empty() || !auth::IsRedirectAllowed(deps.redirects, target))
    target = deps.redirects.client_url;
  std::span<const LinkKind> kinds = KindsOf(type);
  core::Result<auth::LinkOutcome> out =
      kinds.empty()
          ? core::Result<auth::LinkOutcome>(
                core::Error(core::errc::kInvalidRequest, "Unsupported verification type"))
          : deps.email_links.Redeem(token, ClientOf(request), kinds, &kSecondFactorPolicy);
  if (!out) {
    Problem p = EmailProblem(out.error());
    return SeeOther(WithFragment(target, Fragment({{"error", OAuthErrorOf(p.status)},
                                                   {"error_code", p.error_code},
                                                   {"error_description", p.message},
                                                   {"sb", ""}})));
  }
  if (!out->session) {
    // An email change starts no session here: only its confirmation travels.
    return SeeOther(WithFragment(
        target, Fragment({{"message", "Email change confirmed"}, {"type", type}, {"sb", ""}})));
  }
  const auth::SessionGrant& g = *out->session;
  return SeeOther(
      WithFragment(target, Fragment({{"access_token", g.access_token},
                                     {"expires_at", std::to_string(g.access_token_expires_at)},
                                     {"expires_in", std::to_string(g.access_token_expires_in)},
                                     {"refresh_token", g.refresh_token},
                                     {"token_type", "bearer"},
                                     {"type", type},
                                     {"sb", ""}})));
}

}  // namespace

bool IsPhoneChangeVerify(const http::Request& request) {
  Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  auto type = body.is_object() ? body.find("type") : body.end();
  return body.is_object() && type != body.end() && *type == "phone_change";
}

bool IsPhoneVerify(const http::Request& request) {
  Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  auto type = body.is_object() ? body.find("type") : body.end();
  return body.is_object() && type != body.end() && (*type == "sms" || *type == "phone_change");
}

bool IsTokenHashVerify(const http::Request& request) {
  Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  auto hash = body.is_object() ? body.find("token_hash") : body.end();
  return body.is_object() && hash != body.end() && hash->is_string() &&
         !hash->get_ref<const std::string&>().empty();
}

http::Handler Verify(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto body = ParseJsonObject(request.body);
    if (!body) return respond(ErrorResponse(request, body.error()));
    auto type = ReqString(*body, "type");
    if (!type)
      return respond(Render(
          request, Problem{400, "validation_failed", "Verify requires a verification type"}));
    if (*type == "sms" || *type == "phone_change") {
      auto out = RunPhone(deps, request, *body, *type);
      return respond(out ? Ok(*out) : Render(request, PhoneProblem(out.error())));
    }
    std::span<const LinkKind> kinds = KindsOf(*type);
    if (kinds.empty())
      return respond(
          Render(request, Problem{400, "validation_failed", "Unsupported verification type"}));
    auto out = RunEmail(deps, request, *body, kinds);
    respond(out ? Ok(*out) : Render(request, EmailProblem(out.error())));
  };
}

http::Handler VerifyLink(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    respond(FollowLink(deps, request));
  };
}

}  // namespace gh::api::gotrue
