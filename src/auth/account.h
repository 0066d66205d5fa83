// auth::AccountService: reading and (in later flows) changing a signed-in user's
// own account, and RequireActive, the one rule for whether an account may be
// used at all. Thread-safe; blocking store calls.
#pragma once

#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "core/types.h"
#include "store/store.h"

namespace gh::auth {

// Ok while `user` may sign in and use its sessions at `now`; disabled-user
// when an operator disabled it or banned it until a later time (the two are
// refused alike, in every dialect). Every flow checks an account through here.
core::Result<void> RequireActive(const core::User& user, core::UnixMillis now);

// A user with what a dialect shows beside the row: the identities it signs in
// with at providers, and its second factors (secrets never leave the store).
struct UserProfile {
  core::User user;
  std::vector<core::Identity> identities;
  std::vector<core::MfaFactor> factors;
};

class AccountService {
 public:
  AccountService(store::Store& store, const core::Clock& clock) : store_(store), clock_(clock) {}

  // The user with this id. Errors: invalid-token when no such user (the token
  // outlived its user), disabled-user.
  core::Result<core::User> Get(std::string_view user_id);
  // `user` with its identities and factors, unverified ones included. Reads
  // only what the row says may exist: identities when app_metadata names an
  // identity provider, factors when the user has one (a store read each).
  // Errors: a store error.
  core::Result<UserProfile> Describe(core::User user);
  // Merges the JSON object `updates_json` into the user's metadata, member by
  // member (a null member removes that key), and returns the user as written.
  // Errors: invalid-request (not an object, or the result over
  // kMaxMetadataBytes), invalid-token (user gone), disabled-user, the store's.
  core::Result<core::User> MergeMetadata(std::string_view user_id, std::string_view updates_json);
  static constexpr size_t kMaxMetadataBytes = 16 * 1024;
  // A cheap database round trip, for health checks.
  core::Result<void> Ping() { return store_.Ping(); }

 private:
  store::Store& store_;
  const core::Clock& clock_;
};

}  // namespace gh::auth
