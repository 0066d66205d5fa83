#include "auth/audit.h"

#include <utility>

#include "core/text.h"

namespace gh::auth {

void RecordAudit(store::Store& store, core::UnixMillis at, std::string_view type,
                 std::optional<std::string> user_id, const core::ClientInfo& client,
                 std::string data_json) {
  core::AuditEvent ev;
  ev.at = at;
  ev.type = std::string(type);
  ev.user_id = std::move(user_id);
  // From request headers: see SessionService::Start.
  ev.ip = core::CleanText(client.ip, 64);
  ev.user_agent = core::CleanText(client.user_agent, 512);
  ev.data_json = std::move(data_json);
  (void)store.audit().Append(ev);
}

void NoticeEvent(store::Store& store, core::UnixMillis at, std::string_view type,
                 std::optional<std::string> user_id) {
  core::AuditEvent ev;
  ev.at = at;
  ev.type = std::string(type);
  ev.user_id = std::move(user_id);
  store.audit().Notice(ev);
}

}  // namespace gh::auth
