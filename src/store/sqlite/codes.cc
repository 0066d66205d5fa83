// SqliteCodes: single-use codes, links and tickets, stored as hashes only
// (rows and statements: codec/codes.h).

#include "store/codec/codes.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace gh::store::sqlite {

namespace {

Result<std::optional<core::OneTimeCode>> FindOne(Db& db, const char* sql, std::string_view purpose,
                                                 std::string_view key) {
  return db.Read("codes.find", [&](Connection& conn) -> Result<std::optional<core::OneTimeCode>> {
    Stmt st = conn.Prepare(sql);
    if (!st.Bind(1, purpose).Bind(2, key).Step()) return std::optional<core::OneTimeCode>();
    return std::optional<core::OneTimeCode>(ReadRecord(st, codec::ReadCode));
  });
}

}  // namespace

Result<void> SqliteCodes::Insert(const core::OneTimeCode& c) {
  return db_.Write("codes.insert", [&](Connection& conn) -> Result<void> {
    Stmt st = conn.Prepare(codec::kInsertCode);
    BindRecord(st, codec::BindCode, c).Run();
    return core::Ok();
  });
}

Result<std::optional<core::OneTimeCode>> SqliteCodes::FindByHash(std::string_view purpose,
                                                                 std::string_view code_hash) {
  return FindOne(db_, codec::kSelectCodeByHash, purpose, code_hash);
}

Result<std::optional<core::OneTimeCode>> SqliteCodes::FindLatest(std::string_view purpose,
                                                                 std::string_view recipient) {
  return FindOne(db_, codec::kSelectLatestCode, purpose, recipient);
}

Result<int> SqliteCodes::RecordFailedAttempt(std::string_view id) {
  return db_.Write("codes.attempt", [&](Connection& conn) -> Result<int> {
    Stmt st = conn.Prepare(codec::kCountCodeAttempt);
    if (!st.Bind(1, id).Step()) return core::Error(core::errc::kInvalidOtp, "Invalid code");
    int attempts = static_cast<int>(st.Int(0));
    // RETURNING rows must be stepped to the end before the change is complete.
    while (st.Step()) {
    }
    return attempts;
  });
}

Result<bool> SqliteCodes::Consume(std::string_view id, core::UnixMillis now) {
  return db_.Write("codes.consume", [&](Connection& conn) -> Result<bool> {
    return conn.Prepare(codec::kConsumeCode).Bind(1, now).Bind(2, id).Run() == 1;
  });
}

Result<void> SqliteCodes::ConsumeAll(std::string_view purpose, std::string_view recipient,
                                     core::UnixMillis now) {
  return db_.Write("codes.consume_all", [&](Connection& conn) -> Result<void> {
    conn.Prepare(codec::kConsumeAllCodes).Bind(1, now).Bind(2, purpose).Bind(3, recipient).Run();
    return core::Ok();
  });
}

Result<int> SqliteCodes::Purge(core::UnixMillis before) {
  return db_.Write("codes.purge", [&](Connection& conn) -> Result<int> {
    return conn.Prepare(codec::kPurgeCodes).Bind(1, before).Run();
  });
}

}  // namespace gh::store::sqlite
