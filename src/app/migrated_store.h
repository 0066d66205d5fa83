// app::OpenMigrated: the configured store, opened and migrated, as every command
// that touches the database (serve, migrate, keys, users) needs it first.
// Not thread-safe to call concurrently for one database only in the sense that
// migrations serialise themselves (see store::Store::Migrate); the returned store
// is thread-safe.
#pragma once

#include <memory>

#include "config/config.h"
#include "core/error.h"
#include "store/store.h"

namespace gh::app {

// Opens config.database_url and applies pending migrations. A failed migration
// keeps its error code with "database migration failed: " before the message.
core::Result<std::unique_ptr<store::Store>> OpenMigrated(const config::Config& config);

}  // namespace gh::app
