// auth::AccountService: reading and (in later flows) changing a signed-in user's
// own account. Thread-safe; blocking store calls.
#pragma once

#include <string_view>

#include "core/error.h"
#include "core/types.h"
#include "store/store.h"

namespace gh::auth {

class AccountService {
 public:
  explicit AccountService(store::Store& store) : store_(store) {}

  // The user with this id. Errors: invalid-token when no such user (the token
  // outlived its user), disabled-user.
  core::Result<core::User> Get(std::string_view user_id);
  // A cheap database round trip, for health checks.
  core::Result<void> Ping() { return store_.Ping(); }

 private:
  store::Store& store_;
};

}  // namespace gh::auth
