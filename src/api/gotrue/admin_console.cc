// Admin-only extensions the operators' console reads (GET /admin/settings,
// GET /admin/stats): the effective settings as `gatehouse config check`
// prints them, secrets masked, and the last minutes' sign-ins, sign-ups,
// refreshes, failures and rate-limit refusals.
#include "api/gotrue/admin.h"
#include "api/gotrue/endpoints.h"
#include "api/gotrue/render.h"
#include "config/settings.h"

namespace gh::api::gotrue {
namespace {

Json CountsJson(const core::ActivityCounts& c) {
  return {{"sign_ins", c.sign_ins},
          {"sign_ups", c.sign_ups},
          {"refreshes", c.refreshes},
          {"failures", c.failures},
          {"rate_limited", c.rate_limited}};
}

http::Response SettingsAnswer(const Deps& deps) {
  Json settings = Json::array();
  for (const config::DescribedSetting& d : config::DescribeSettings(deps.config))
    settings.push_back({{"key", d.key}, {"value", d.value}, {"secret", d.secret}});
  return Ok(Json{{"settings", std::move(settings)}});
}

http::Response StatsAnswer(const Deps& deps) {
  Json minutes = Json::array();
  Json totals = nullptr;
  if (deps.activity) {
    for (const core::ActivityMinute& m : deps.activity->LastMinutes(core::kActivityMinutes)) {
      Json row = CountsJson(m.counts);
      row["start"] = TimeJson(m.start);
      minutes.push_back(std::move(row));
    }
    totals = CountsJson(deps.activity->Totals());
  }
  return Ok(Json{{"minutes", std::move(minutes)}, {"totals", std::move(totals)}});
}

}  // namespace

void RegisterAdminConsoleRoutes(http::Router& router, const Deps& deps,
                                const http::RouteOptions& reads, const std::string& prefix) {
  router.Add("GET", prefix + "/admin/settings",
             AdminOnly(deps, [&deps](const http::Request&) { return SettingsAnswer(deps); }),
             reads);
  router.Add("GET", prefix + "/admin/stats",
             AdminOnly(deps, [&deps](const http::Request&) { return StatsAnswer(deps); }), reads);
}

}  // namespace gh::api::gotrue
