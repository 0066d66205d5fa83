#include "auth/hooked_store.h"

#include <spdlog/spdlog.h>

namespace gh::auth {

HookedStore::HookedStore(store::Store& inner, const Hooks& hooks)
    : inner_(inner), users_(inner.users(), hooks) {}

store::Result<void> HookedStore::HookedUsers::Create(const core::User& user) {
  if (auto allowed = hooks_.BeforeUserCreated(user); !allowed) return allowed.error();
  if (auto created = inner_.Create(user); !created) return created;
  if (auto told = hooks_.AfterUserCreated(user); !told)
    spdlog::warn("user {} created; the after user created hook failed: {}", user.id,
                 told.error().message);
  return core::Ok();
}

}  // namespace gh::auth
