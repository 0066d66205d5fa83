// auth::RecordAudit: appends one event to the store's audit log. Best effort:
// a failed audit write never fails the sign-in, sign-out or change it records.
// Every domain event goes this way (or NoticeEvent's), which is where metrics
// observe them (core/events.h).
//
// Thread-safe as the store is.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/types.h"
#include "store/store.h"

namespace gh::auth {

// `client` gives the IP and user agent (the agent cut to 512 bytes);
// `data_json` is a JSON object with the event's details.
void RecordAudit(store::Store& store, core::UnixMillis at, std::string_view type,
                 std::optional<std::string> user_id, const core::ClientInfo& client = {},
                 std::string data_json = "{}");

// Reports an event too frequent to keep (a token refresh) the same way, through
// store::AuditLog::Notice: nothing is written; metrics see it.
void NoticeEvent(store::Store& store, core::UnixMillis at, std::string_view type,
                 std::optional<std::string> user_id = std::nullopt);

}  // namespace gh::auth
