// auth::AdminFlow: what an operator (a service_role API key, the admin secret)
// may do to any account: list, create, read, change, ban and delete users, end
// their sessions, remove their factors. No HTTP and no dialect: the GoTrue
// admin routes and the admin console (issue 17) both call it.
//
// Thread-safe as the store is; blocking store calls, and a password hash on
// Create / Update when a password is given (run them on the hash lane).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/device_sessions.h"
#include "auth/password.h"
#include "auth/sessions.h"
#include "auth/user_options.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/types.h"
#include "crypto/password.h"
#include "store/store.h"

namespace gh::auth {

// How long a ban lasts: "none" (lift it) or a Go duration ("24h", "1h30m",
// "90s", "1.5h"; units ns us ms s m h). Errors: invalid-request.
struct BanDuration {
  bool lift = false;
  int64_t millis = 0;
};
core::Result<BanDuration> ParseBanDuration(std::string_view text);

// Fields an operator sets; nullopt = left as it is (or the default on Create).
struct AdminUserChange {
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::optional<std::string> password;
  std::optional<bool> email_confirm;
  std::optional<bool> phone_confirm;
  std::optional<std::string> user_metadata_json;  // a JSON object: replaces the user's
  std::optional<std::string> app_metadata_json;   // a JSON object: merged (provider kept)
  std::optional<std::string> ban_duration;        // ParseBanDuration
  std::optional<std::string> role;                // default_role; must be allowed
};

struct UserPage {
  std::vector<core::User> users;
  int64_t total = 0;  // matching users, all pages
};

class AdminFlow {
 public:
  AdminFlow(store::Store& store, const core::Clock& clock, const crypto::PasswordHasher& hasher,
            PasswordFlow& passwords, SessionService& sessions, DeviceSessions& devices,
            const NewUserPolicy& policy)
      : store_(store),
        clock_(clock),
        hasher_(hasher),
        passwords_(passwords),
        sessions_(sessions),
        devices_(devices),
        policy_(policy) {}

  // Users in id order, `per_page` (1..1000) from page `page` (1-based).
  // `filter`, when not empty, keeps users whose email or phone contains it
  // (then the scan is bounded to kMaxFilterScan users). Errors: invalid-request.
  core::Result<UserPage> List(int64_t page, int64_t per_page, std::string_view filter);
  static constexpr int64_t kMaxFilterScan = 100000;
  // A keyset page: up to `limit` (1..1000) users with ids after `after_id` ("" =
  // from the first), in id order; costs the same at any depth. Errors:
  // invalid-request.
  core::Result<std::vector<core::User>> ListAfter(std::string_view after_id, int64_t limit);
  // The user an operator types: a user id, an email address or a phone number,
  // each found through its index (no scan). Empty when none matches.
  core::Result<std::vector<core::User>> Find(std::string_view query);

  // A new user with an email or a phone (or both). Errors: invalid-request
  // (neither, bad address, bad metadata or ban), email-already-in-use,
  // phone-already-in-use, password-too-short.
  core::Result<core::User> Create(const AdminUserChange& change);
  // Errors: user-not-found, invalid-request (an id that is not a UUID).
  core::Result<core::User> Get(std::string_view user_id);
  // Applies `change`; a ban (or a new password) also ends every session.
  // Errors: those of Get and Create.
  core::Result<core::User> Update(std::string_view user_id, const AdminUserChange& change);
  // Deletes the user and all it owns. Errors: user-not-found.
  core::Result<void> Delete(std::string_view user_id);
  // Ends every session of the user; returns how many. Errors: user-not-found.
  core::Result<int> SignOut(std::string_view user_id);
  // The user's live sessions as devices, newest first. Errors: user-not-found.
  core::Result<std::vector<DeviceSession>> Sessions(std::string_view user_id);
  // Ends one live session of the user (its refresh token fails from now on).
  // Errors: user-not-found, user-session-not-found.
  core::Result<void> RevokeSession(std::string_view user_id, std::string_view session_id);
  // Audit events matching `query`, newest first; limit 1..1000. Errors:
  // invalid-request.
  core::Result<std::vector<store::ListedAuditEvent>> Audit(const store::AuditQuery& query);
  // The user's factors. Errors: user-not-found.
  core::Result<std::vector<core::MfaFactor>> Factors(std::string_view user_id);
  // Removes one factor of the user. Errors: user-not-found, mfa-factor-not-found.
  core::Result<core::MfaFactor> DeleteFactor(std::string_view user_id, std::string_view factor_id);

 private:
  core::Result<void> Apply(const AdminUserChange& change, core::User& user, bool* end_sessions);

  store::Store& store_;
  const core::Clock& clock_;
  const crypto::PasswordHasher& hasher_;
  PasswordFlow& passwords_;
  SessionService& sessions_;
  DeviceSessions& devices_;
  const NewUserPolicy& policy_;
};

}  // namespace gh::auth
