#include "app/migrated_store.h"

namespace gh::app {

core::Result<std::unique_ptr<store::Store>> OpenMigrated(const config::Config& config) {
  auto store =
      store::OpenStore(config.database_url, config.database_pool_size, config.database_schema);
  if (!store) return store.error();
  if (auto r = (*store)->Migrate(); !r)
    return core::Error(r.error().code, "database migration failed: " + r.error().message);
  return std::move(*store);
}

}  // namespace gh::app
