#include "app/observability.h"

#include <utility>

#include "api/nhost/errors.h"
#include "core/error.h"
#include "crypto/hash.h"
#include "http/access_log.h"
#include "http/request_scope.h"

namespace gh::app {

void AddMetricsRoute(http::Router& router, Metrics& metrics, std::string token,
                     http::RouteOptions options) {
  // Digests of equal length: the comparison's time says nothing of the
  // token's length or contents.
  std::string token_hash = token.empty() ? "" : crypto::Sha256Hex(token);
  router.Add(
      "GET", "/metrics",
      [&metrics, token_hash = std::move(token_hash)](http::Request& req, http::Responder respond) {
        if (!token_hash.empty() &&
            !crypto::ConstantTimeEquals(crypto::Sha256Hex(req.BearerToken()), token_hash)) {
          http::Response r = api::nhost::RenderError(
              req, core::Error(core::errc::kUnauthenticated, "Metrics need the metrics token"));
          r.headers.emplace_back("WWW-Authenticate", "Bearer");
          respond(std::move(r));
          return;
        }
        http::Response r;
        r.content_type = "text/plain; version=0.0.4; charset=utf-8";
        r.body = metrics.Scrape();
        r.headers.emplace_back("Cache-Control", "no-store");
        respond(std::move(r));
      },
      std::move(options));
}

void EventLines::OnEvent(const core::AuditEvent& event, bool /*kept*/) {
  http::LogEvent({event.type, event.user_id ? std::string_view(*event.user_id) : "", event.ip,
                  http::CurrentRequestId()});
}

}  // namespace gh::app
