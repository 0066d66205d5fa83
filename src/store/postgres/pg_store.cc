// PgStore: owns the Db and the per-table stores, and the few operations that
// belong to no table (migrations, health check, shared secrets).

#include "store/postgres/pg_store.h"

#include <libpq-fe.h>

#include "core/clock.h"
#include "store/postgres/pg_db.h"

namespace gh::store::postgres {

Result<std::unique_ptr<Store>> OpenPgStore(std::string_view url, int pool_size,
                                           std::string_view schema) {
  if (!ValidSchemaName(schema)) {
    return core::Error(core::errc::kInvalidRequest,
                       "Invalid PostgreSQL schema name (expected [a-z_][a-z0-9_]*)");
  }
  // Parse now so that a typo fails at start-up, not on the first request.
  char* message = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(std::string(url).c_str(), &message);
  PQfreemem(message);  // may hold the URL, password included: not logged
  if (parsed == nullptr) {
    return core::Error(core::errc::kInvalidRequest, "Invalid PostgreSQL URL");
  }
  PQconninfoFree(parsed);
  if (pool_size < 1) pool_size = 1;
  return std::unique_ptr<Store>(
      std::make_unique<PgStore>(std::string(url), pool_size, std::string(schema)));
}

PgStore::PgStore(std::string url, int pool_size, std::string schema)
    : schema_(schema),
      db_(std::make_unique<Db>(ConnectOptions{std::move(url), std::move(schema)}, pool_size)),
      users_(*db_),
      sessions_(*db_),
      identities_(*db_),
      codes_(*db_),
      keys_(*db_),
      audit_(*db_),
      mfa_(*db_),
      factors_(*db_),
      passkeys_(*db_),
      pats_(*db_),
      oauth_(*db_),
      counters_(*db_) {}

PgStore::~PgStore() = default;

Result<void> PgStore::Migrate() { return ApplyMigrations(*db_, schema_); }

Result<void> PgStore::Ping() {
  return db_->Single("ping", [](Connection& conn) -> Result<void> {
    conn.Run("SELECT 1");
    return core::Ok();
  });
}

Result<std::string> PgStore::GetOrInsertSecret(std::string_view name, std::string_view candidate) {
  // Two statements: ON CONFLICT DO NOTHING waits for a concurrent inserter to
  // commit, and the SELECT (a new snapshot under READ COMMITTED) then sees
  // whichever row won.
  return db_->Transaction("secrets.get_or_insert", [&](Connection& conn) -> Result<std::string> {
    conn.Run(
        "INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, $3) "
        "ON CONFLICT (name) DO NOTHING",
        Params().Add(name).Add(candidate).Add(core::SystemClock::Instance().NowMillis()));
    PgResult r = conn.Run("SELECT value FROM secrets WHERE name = $1", Params().Add(name));
    if (r.rows() != 1) return core::Error(core::errc::kInternal, "Internal server error");
    return r.Text(0, 0);
  });
}

}  // namespace gh::store::postgres
