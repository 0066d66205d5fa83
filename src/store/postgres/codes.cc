// PgCodes: single-use codes, links and tickets, stored as hashes only (rows and
// statements: codec/codes.h).

#include "store/codec/codes.h"
#include "store/postgres/pg_db.h"
#include "store/postgres/pg_store.h"

namespace gh::store::postgres {

namespace {

constexpr PgSql kInsert(codec::kInsertCode);
constexpr PgSql kSelectByHash(codec::kSelectCodeByHash);
constexpr PgSql kSelectLatest(codec::kSelectLatestCode);
constexpr PgSql kCountAttempt(codec::kCountCodeAttempt);
constexpr PgSql kConsume(codec::kConsumeCode);
constexpr PgSql kConsumeAll(codec::kConsumeAllCodes);
constexpr PgSql kPurge(codec::kPurgeCodes);

Result<std::optional<core::OneTimeCode>> FindOne(Db& db, const char* sql, std::string_view purpose,
                                                 std::string_view key) {
  return db.Single("codes.find", [&](Connection& conn) -> Result<std::optional<core::OneTimeCode>> {
    PgResult r = conn.Run(sql, Params().Add(purpose).Add(key));
    if (r.rows() == 0) return std::optional<core::OneTimeCode>();
    return std::optional<core::OneTimeCode>(ReadRecord(r, 0, codec::ReadCode));
  });
}

}  // namespace

Result<void> PgCodes::Insert(const core::OneTimeCode& c) {
  return db_.Single("codes.insert", [&](Connection& conn) -> Result<void> {
    conn.Run(kInsert, BoundParams(codec::BindCode, c));
    return core::Ok();
  });
}

Result<std::optional<core::OneTimeCode>> PgCodes::FindByHash(std::string_view purpose,
                                                             std::string_view code_hash) {
  return FindOne(db_, kSelectByHash, purpose, code_hash);
}

Result<std::optional<core::OneTimeCode>> PgCodes::FindLatest(std::string_view purpose,
                                                             std::string_view recipient) {
  return FindOne(db_, kSelectLatest, purpose, recipient);
}

Result<int> PgCodes::RecordFailedAttempt(std::string_view id) {
  return db_.Single("codes.attempt", [&](Connection& conn) -> Result<int> {
    PgResult r = conn.Run(kCountAttempt, Params().Add(id));
    if (r.rows() == 0) return core::Error(core::errc::kInvalidOtp, "Invalid code");
    return static_cast<int>(r.Int(0, 0));
  });
}

Result<bool> PgCodes::Consume(std::string_view id, core::UnixMillis now) {
  // A concurrent caller waits for the first one's row lock, then re-checks
  // `consumed_at IS NULL` against the committed row and matches nothing.
  return db_.Single("codes.consume", [&](Connection& conn) -> Result<bool> {
    return conn.Run(kConsume, Params().Add(now).Add(id)).affected() == 1;
  });
}

Result<void> PgCodes::ConsumeAll(std::string_view purpose, std::string_view recipient,
                                 core::UnixMillis now) {
  return db_.Single("codes.consume_all", [&](Connection& conn) -> Result<void> {
    conn.Run(kConsumeAll, Params().Add(now).Add(purpose).Add(recipient));
    return core::Ok();
  });
}

Result<int> PgCodes::Purge(core::UnixMillis before) {
  return db_.Single("codes.purge", [&](Connection& conn) -> Result<int> {
    return conn.Run(kPurge, Params().Add(before)).affected();
  });
}

}  // namespace gh::store::postgres
