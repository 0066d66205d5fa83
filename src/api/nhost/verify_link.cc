// GET /verify, POST /verify: the links in verification, magic-link, reset and
// email-change mails.
//
// Mail link scanners fetch links before the person does. When
// email_verify_confirm_page is on, a GET from a browser (Accept: text/html) only
// shows a page with one button that POSTs the same parameters; the ticket is
// spent by the POST. Other clients (and every GET when the page is off) get the
// spec's 302 at once.
//
// Success redirects to redirectTo with refreshToken and type; a bad ticket
// redirects there with error and errorDescription. A redirectTo outside the
// allowed list is refused with a JSON error, never followed.
#include "api/nhost/email_routes.h"
#include "api/nhost/native_links.h"
#include "api/nhost/render.h"
#include "auth/user_options.h"
#include "notify/templates.h"

namespace gh::api::nhost {
namespace {

struct LinkParams {
  std::string ticket;
  std::string type;
  std::string redirect_to;
};

// A query string or a form body, read the same way.
LinkParams ReadParams(std::string_view text) {
  http::Request as_query;
  as_query.query = std::string(text);
  return {as_query.QueryParam("ticket"), as_query.QueryParam("type"),
          as_query.QueryParam("redirectTo")};
}

void AddLinkHeaders(http::Response& r) {
  // The URL carries a ticket: never leak it in a Referer or a cache.
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Cache-Control", "no-store");
}

http::Response Redirect(const std::string& location, int status) {
  http::Response r = http::Response::Redirect(location, status);
  AddLinkHeaders(r);
  return r;
}

// Redeems the ticket and redirects (302 after GET, 303 after POST).
http::Response Finish(const Deps& deps, const EmailDeps& email, const http::Request& request,
                      const LinkParams& p, int status) {
  std::string target = p.redirect_to.empty() ? deps.redirects.client_url : p.redirect_to;
  if (!auth::IsRedirectAllowed(deps.redirects, target))
    return ErrorResponse(core::Error(core::errc::kRedirectNotAllowed, "redirectTo is not allowed"));
  return Redirect(LinkRedirect(target, email.links.Redeem(p.ticket, ClientOf(request))), status);
}

http::Response ConfirmPage(const std::string& action, const LinkParams& p) {
  using notify::HtmlEscape;
  std::string title = "Continue";
  if (p.type == "emailVerify") title = "Verify your email";
  if (p.type == "signinPasswordless") title = "Sign in";
  if (p.type == "passwordReset") title = "Reset your password";
  if (p.type == "emailConfirmChange") title = "Confirm your new email";
  std::string html =
      "<!doctype html><html><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<meta name=\"robots\" content=\"noindex\"><title>" +
      HtmlEscape(title) +
      "</title><style>body{font-family:sans-serif;display:flex;justify-content:center;"
      "margin-top:15vh}button{font-size:1.2em;padding:.6em 1.6em;cursor:pointer}</style></head>"
      "<body><form method=\"post\" action=\"" +
      HtmlEscape(action) + "\"><h1>" + HtmlEscape(title) +
      "</h1><input type=\"hidden\" name=\"ticket\" value=\"" + HtmlEscape(p.ticket) +
      "\"><input type=\"hidden\" name=\"type\" value=\"" + HtmlEscape(p.type) +
      "\"><input type=\"hidden\" name=\"redirectTo\" value=\"" + HtmlEscape(p.redirect_to) +
      "\"><button type=\"submit\">" + HtmlEscape(title) + "</button></form></body></html>";
  http::Response r;
  r.status = 200;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(html);
  AddLinkHeaders(r);
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  return r;
}

}  // namespace

http::Handler VerifyLinkGet(const Deps& deps, const EmailDeps& email, std::string prefix) {
  return [&deps, &email, prefix](http::Request& request, http::Responder respond) {
    LinkParams p = ReadParams(request.query);
    bool browser = request.Header("accept").find("text/html") != std::string_view::npos;
    if (deps.config.email_verify_confirm_page && browser) {
      std::string target = p.redirect_to.empty() ? deps.redirects.client_url : p.redirect_to;
      if (!auth::IsRedirectAllowed(deps.redirects, target))
        return respond(ErrorResponse(
            core::Error(core::errc::kRedirectNotAllowed, "redirectTo is not allowed")));
      std::string base = deps.config.public_url;
      while (!base.empty() && base.back() == '/') base.pop_back();
      return respond(ConfirmPage(base + prefix + "/verify", p));
    }
    respond(Finish(deps, email, request, p, 302));
  };
}

http::Handler VerifyLinkPost(const Deps& deps, const EmailDeps& email) {
  return [&deps, &email](http::Request& request, http::Responder respond) {
    // The confirm page's form body; a query string works too.
    LinkParams p = ReadParams(request.body.empty() ? request.query : request.body);
    respond(Finish(deps, email, request, p, 303));
  };
}

}  // namespace gh::api::nhost
