// auth::DeviceSessions: a user's sessions as devices, for the user to review
// and end one by one, and the same for an operator acting on any user: each
// live session with when it started, when and from where it was last seen
// (its last refresh, or its sign-in before the first), and that device's
// parsed user agent. Ending one revokes its session row, so its refresh token
// fails from the next use on, on every instance.
//
// Thread-safe; calls block on the store and belong on a worker thread. The
// user-agent parser is shared and thread-safe (useragent/parser.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "auth/sessions.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/types.h"
#include "store/store.h"
#include "useragent/parser.h"

namespace gh::auth {

// One live session of a user, as a sessions list shows it.
struct DeviceSession {
  std::string id;
  core::UnixMillis created_at = 0;
  core::UnixMillis last_active_at = 0;    // the last refresh, or the sign-in
  std::string ip;                         // of the last refresh, or the sign-in
  bool current = false;                   // the session the request's access token names
  useragent::ParsedUserAgent user_agent;  // of the last refresh, or the sign-in
};

class DeviceSessions {
 public:
  // Everything must outlive the flow.
  DeviceSessions(store::Store& store, const core::Clock& clock, SessionService& sessions,
                 useragent::Parser& user_agents);
  DeviceSessions(const DeviceSessions&) = delete;
  DeviceSessions& operator=(const DeviceSessions&) = delete;

  // The user's live sessions, newest first; the one named `current_session_id`
  // (may be empty: an operator's listing) has `current`. Errors: a store error.
  core::Result<std::vector<DeviceSession>> List(std::string_view user_id,
                                                std::string_view current_session_id = {});
  // Ends the live session `session_id` of `user_id`: its refresh token is
  // refused from then on and access tokens naming it stop passing the session
  // check. Errors: user-session-not-found (no live session with this id of
  // this user: unknown, another user's or already ended give the same answer),
  // a store error.
  core::Result<void> Revoke(std::string_view user_id, std::string_view session_id);
  // Ends every live session of the user but `keep_session_id`; returns how many.
  core::Result<int> RevokeOthers(std::string_view user_id, std::string_view keep_session_id);

 private:
  store::Store& store_;
  const core::Clock& clock_;
  SessionService& sessions_;
  useragent::Parser& user_agents_;
};

}  // namespace gh::auth
