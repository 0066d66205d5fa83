#include "auth/audit.h"

#include <utility>

namespace gh::auth {

void RecordAudit(store::Store& store, core::UnixMillis at, std::string_view type,
                 std::optional<std::string> user_id, const core::ClientInfo& client,
                 std::string data_json) {
  core::AuditEvent ev;
  ev.at = at;
  ev.type = std::string(type);
  ev.user_id = std::move(user_id);
  ev.ip = client.ip;
  ev.user_agent = client.user_agent.substr(0, 512);
  ev.data_json = std::move(data_json);
  (void)store.audit().Append(ev);
}

}  // namespace gh::auth
