#include "api/console/console.h"

#include <memory>

#include "api/console/assets.h"
#include "notify/templates.h"

namespace gh::api::console {
namespace {

using notify::HtmlEscape;  // the one the mail templates and the verify page use

constexpr std::string_view kAdminApiMark = "@ADMIN_API@";

http::Response Asset(std::string body, std::string content_type, const char* cache_control) {
  http::Response r;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  r.headers.emplace_back("Content-Security-Policy", kConsoleCsp);
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  r.headers.emplace_back("Cache-Control", cache_control);
  return r;
}

http::Handler Serve(std::string body, std::string content_type) {
  auto shared = std::make_shared<const std::string>(std::move(body));
  return [shared, content_type = std::move(content_type)](http::Request&, http::Responder respond) {
    respond(Asset(*shared, content_type, "no-cache"));
  };
}

}  // namespace

void RegisterRoutes(http::Router& router, const std::string& admin_api,
                    const http::RouteOptions& options) {
  std::string page(ConsoleAsset("index.html"));
  if (size_t at = page.find(kAdminApiMark); at != std::string::npos)
    page.replace(at, kAdminApiMark.size(), HtmlEscape(admin_api));
  auto shared_page = std::make_shared<const std::string>(std::move(page));
  const std::string mount = kConsoleMount;
  // The router drops a final slash, so /console and /console/ are one route;
  // the page's relative links need the slash, so /console is sent there.
  router.Add(
      "GET", mount,
      [shared_page](http::Request& request, http::Responder respond) {
        if (request.path.empty() || request.path.back() != '/')
          return respond(http::Response::Redirect("console/"));
        respond(Asset(*shared_page, "text/html; charset=utf-8", "no-store"));
      },
      options);
  router.Add("GET", mount + "/console.js",
             Serve(std::string(ConsoleAsset("console.js")), "text/javascript; charset=utf-8"),
             options);
  router.Add("GET", mount + "/console.css",
             Serve(std::string(ConsoleAsset("console.css")), "text/css; charset=utf-8"), options);
}

}  // namespace gh::api::console
