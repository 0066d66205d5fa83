// PgCounters: the shared hit counters (statements: codec/counters.h).

#include "store/codec/counters.h"
#include "store/postgres/pg_db.h"
#include "store/postgres/pg_store.h"

namespace gh::store::postgres {

namespace {

constexpr PgSql kHit(codec::kHitCounter);
constexpr PgSql kForgive(codec::kForgiveHit);
constexpr PgSql kPurge(codec::kPurgeCounters);

}  // namespace

Result<CounterWindow> PgCounters::Hit(std::string_view key_hash, core::UnixMillis now,
                                      int64_t window_millis) {
  return db_.Single("counters.hit", [&](Connection& conn) -> Result<CounterWindow> {
    PgResult r = conn.Run(kHit, Params().Add(key_hash).Add(now).Add(now + window_millis));
    return CounterWindow{r.Int(0, 0), r.Int(0, 1)};
  });
}

Result<void> PgCounters::Forgive(std::string_view key_hash, core::UnixMillis now) {
  return db_.Single("counters.forgive", [&](Connection& conn) -> Result<void> {
    conn.Run(kForgive, Params().Add(key_hash).Add(now));
    return core::Ok();
  });
}

Result<int> PgCounters::Purge(core::UnixMillis before) {
  return db_.Single("counters.purge", [&](Connection& conn) -> Result<int> {
    return conn.Run(kPurge, Params().Add(before)).affected();
  });
}

}  // namespace gh::store::postgres
