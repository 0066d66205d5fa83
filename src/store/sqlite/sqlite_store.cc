// SqliteStore: owns the Db and the per-table stores, and the few operations
// that belong to no table (migrations, health check, shared secrets).

#include "store/sqlite/sqlite_store.h"

#include "core/clock.h"
#include "store/sqlite/sqlite_db.h"

namespace gh::store::sqlite {

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, int pool_size) {
  auto db = Db::Open(path, pool_size);
  if (!db.ok()) return db.error();
  return std::unique_ptr<Store>(std::make_unique<SqliteStore>(std::move(db).value()));
}

SqliteStore::SqliteStore(std::unique_ptr<Db> db)
    : db_(std::move(db)),
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

SqliteStore::~SqliteStore() = default;

Result<void> SqliteStore::Migrate() { return ApplyMigrations(*db_); }

Result<void> SqliteStore::Ping() {
  return db_->Read("ping", [](Connection& conn) -> Result<void> {
    conn.Prepare("SELECT 1").Step();
    return core::Ok();
  });
}

Result<std::string> SqliteStore::GetOrInsertSecret(std::string_view name,
                                                   std::string_view candidate) {
  return db_->Write("secrets.get_or_insert", [&](Connection& conn) -> Result<std::string> {
    conn.Prepare(
            "INSERT INTO secrets (name, value, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO NOTHING")
        .Bind(1, name)
        .Bind(2, candidate)
        .Bind(3, core::SystemClock::Instance().NowMillis())
        .Run();
    Stmt st = conn.Prepare("SELECT value FROM secrets WHERE name = ?");
    st.Bind(1, name).Step();
    return st.Text(0);
  });
}

}  // namespace gh::store::sqlite
