// SqliteCounters: the hit counters (statements: codec/counters.h). The server
// counts in process with SQLite (one instance per file); this keeps the store
// interface whole and lets the tests run the statements on both backends.

#include "store/codec/counters.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace gh::store::sqlite {

Result<CounterWindow> SqliteCounters::Hit(std::string_view key_hash, core::UnixMillis now,
                                          int64_t window_millis) {
  return db_.Write("counters.hit", [&](Connection& conn) -> Result<CounterWindow> {
    Stmt st = conn.Prepare(codec::kHitCounter);
    st.Bind(1, key_hash).Bind(2, now).Bind(3, now + window_millis).Step();
    return CounterWindow{st.Int(0), st.Int(1)};
  });
}

Result<void> SqliteCounters::Forgive(std::string_view key_hash, core::UnixMillis now) {
  return db_.Write("counters.forgive", [&](Connection& conn) -> Result<void> {
    conn.Prepare(codec::kForgiveHit).Bind(1, key_hash).Bind(2, now).Run();
    return core::Ok();
  });
}

Result<int> SqliteCounters::Purge(core::UnixMillis before) {
  return db_.Write("counters.purge", [&](Connection& conn) -> Result<int> {
    return conn.Prepare(codec::kPurgeCounters).Bind(1, before).Run();
  });
}

}  // namespace gh::store::sqlite
