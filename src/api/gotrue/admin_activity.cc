// Our extensions of the GoTrue admin API, for operators and the console: a
// user's sessions as devices (GET /admin/users/{id}/sessions, DELETE
// /admin/users/{id}/sessions/{sid}) and the audit log (GET /admin/audit).
// GoTrue has an /admin/audit too; its entries' shape is kept ({id, payload
// {action, actor_id, log_type, traits}, created_at, ip_address}) and our
// filters and keyset pages are added.
#include "api/common/device_json.h"
#include "api/gotrue/admin.h"
#include "api/gotrue/endpoints.h"
#include "api/gotrue/render.h"
#include "core/percent_encoding.h"

namespace gh::api::gotrue {
namespace {

Json SessionJson(const std::string& user_id, const auth::DeviceSession& s) {
  return {{"id", s.id},
          {"user_id", user_id},
          {"created_at", TimeJson(s.created_at)},
          {"updated_at", TimeJson(s.last_active_at)},
          {"refreshed_at", TimeJson(s.last_active_at)},
          {"ip", s.ip},
          {"user_agent", s.user_agent.ua},
          {"device", UserAgentJson(s.user_agent)}};
}

Json AuditEntryJson(const store::ListedAuditEvent& listed) {
  const core::AuditEvent& e = listed.event;
  Json traits = Json::parse(e.data_json, nullptr, /*allow_exceptions=*/false);
  if (!traits.is_object()) traits = Json::object();
  return {{"id", std::to_string(listed.id)},
          {"payload",
           {{"action", e.type},
            {"actor_id", e.user_id.value_or("")},
            {"log_type", e.type.rfind("admin-", 0) == 0 ? "team" : "account"},
            {"traits", std::move(traits)}}},
          {"created_at", TimeJson(e.at)},
          {"ip_address", e.ip},
          {"user_agent", e.user_agent}};
}

// A time filter: RFC 3339 (or PostgreSQL's text form). False when malformed.
bool TimeParam(const http::Request& request, const char* name, core::UnixMillis* out) {
  *out = 0;
  if (!request.HasQueryParam(name)) return true;
  auto t = core::ParseTimestamp(request.QueryParam(name));
  if (!t) return false;
  *out = *t;
  return true;
}

http::Response ListAudit(const Deps& deps, const std::string& path, const http::Request& request) {
  store::AuditQuery q;
  int64_t per_page = 50, before = 0;
  if (!PageParam(request, "per_page", 50, &per_page) || !PageParam(request, "before", 0, &before))
    return Render(request, Problem{400, "validation_failed", "Bad Pagination Parameters"});
  if (!TimeParam(request, "since", &q.since) || !TimeParam(request, "until", &q.until))
    return Render(request,
                  Problem{400, "validation_failed", "since and until must be RFC 3339 times"});
  q.limit = static_cast<int>(std::min<int64_t>(per_page, 100000));
  q.before_id = before;
  q.user_id = request.QueryParam("user_id");
  q.type = request.QueryParam("type");
  auto events = deps.admin->Audit(q);
  if (!events) return ErrorResponse(request, events.error());
  Json out = Json::array();
  for (const auto& e : *events) out.push_back(AuditEntryJson(e));
  http::Response r = Ok(out);
  if (std::ssize(*events) == per_page) {
    // The next page keeps the filters and continues below the last id.
    std::string link = path + "?before=" + std::to_string(events->back().id) +
                       "&per_page=" + std::to_string(per_page);
    for (const char* name : {"user_id", "type", "since", "until"})
      if (request.HasQueryParam(name))
        link += std::string("&") + name + "=" + core::PercentEncode(request.QueryParam(name));
    r.headers.emplace_back("Link", "<" + link + ">; rel=\"next\"");
  }
  return r;
}

}  // namespace

void RegisterAdminActivityRoutes(http::Router& router, const Deps& deps,
                                 const http::RouteOptions& reads, const std::string& prefix) {
  auth::AdminFlow& admin = *deps.admin;
  const std::string sessions = prefix + "/admin/users/{id}/sessions";
  router.Add("GET", sessions,
             AdminOnly(deps,
                       [&admin](const http::Request& r) {
                         const std::string id(r.PathParam("id"));
                         auto listed = admin.Sessions(id);
                         if (!listed) return ErrorResponse(r, listed.error());
                         Json out = Json::array();
                         for (const auto& s : *listed) out.push_back(SessionJson(id, s));
                         return Ok(Json{{"sessions", std::move(out)}});
                       }),
             reads);
  router.Add("DELETE", sessions + "/{sid}",
             AdminOnly(deps,
                       [&admin](const http::Request& r) {
                         auto done = admin.RevokeSession(r.PathParam("id"), r.PathParam("sid"));
                         if (!done) return ErrorResponse(r, done.error());
                         http::Response out;
                         out.status = 204;
                         out.content_type.clear();
                         return out;
                       }),
             reads);
  const std::string audit = prefix + "/admin/audit";
  router.Add(
      "GET", audit,
      AdminOnly(deps, [&deps, audit](const http::Request& r) { return ListAudit(deps, audit, r); }),
      reads);
}

}  // namespace gh::api::gotrue
