// auth::DeviceSessions (see device_sessions.h).

#include "auth/device_sessions.h"

#include "auth/audit.h"

namespace gh::auth {

DeviceSessions::DeviceSessions(store::Store& store, const core::Clock& clock,
                               SessionService& sessions, useragent::Parser& user_agents)
    : store_(store), clock_(clock), sessions_(sessions), user_agents_(user_agents) {}

core::Result<std::vector<DeviceSession>> DeviceSessions::List(std::string_view user_id,
                                                              std::string_view current_session_id) {
  auto records = sessions_.List(user_id);
  if (!records) return records.error();
  std::vector<DeviceSession> out;
  out.reserve(records->size());
  for (const core::SessionRecord& r : *records) {
    DeviceSession d;
    d.id = r.id;
    d.created_at = r.created_at;
    d.last_active_at = r.refreshed_at;
    d.ip = r.refreshed_ip;
    d.current = !current_session_id.empty() && r.id == current_session_id;
    // Parsed here, not at sign-in: most sessions are never listed.
    d.user_agent = user_agents_.Parse(r.refreshed_user_agent);
    out.push_back(std::move(d));
  }
  return out;
}

core::Result<void> DeviceSessions::Revoke(std::string_view user_id, std::string_view session_id) {
  const core::UnixMillis now = clock_.NowMillis();
  auto session = store_.sessions().Find(session_id);
  if (!session) return session.error();
  // Another user's session is answered as an unknown one: ids tell nothing.
  if (!session->has_value() || (*session)->user_id != user_id || (*session)->revoked_at ||
      (*session)->expires_at <= now)
    return core::Error(core::errc::kUserSessionNotFound, "No such session");
  if (auto r = store_.sessions().Revoke(session_id, "signout-device", now); !r) return r;
  RecordAudit(store_, now, "signout-device", std::string(user_id), {},
              "{\"session_id\":\"" + std::string(session_id) + "\"}");
  return core::Ok();
}

core::Result<int> DeviceSessions::RevokeOthers(std::string_view user_id,
                                               std::string_view keep_session_id) {
  return sessions_.SignOutOthers(user_id, keep_session_id);
}

}  // namespace gh::auth
