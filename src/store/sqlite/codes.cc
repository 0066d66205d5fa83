// SqliteCodes: single-use codes, links and tickets (stored as hashes only).

#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace gh::store::sqlite {

namespace {

#define GH_CODE_COLUMNS                                                                  \
  "id, user_id, purpose, recipient, code_hash, data, created_at, expires_at, attempts, " \
  "consumed_at"

constexpr const char* kInsert =
    "INSERT INTO one_time_codes (" GH_CODE_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kSelectByHash = "SELECT " GH_CODE_COLUMNS
                                      " FROM one_time_codes WHERE purpose = ? AND code_hash = ? "
                                      "AND consumed_at IS NULL ORDER BY created_at DESC, id DESC "
                                      "LIMIT 1";
constexpr const char* kSelectLatest = "SELECT " GH_CODE_COLUMNS
                                      " FROM one_time_codes WHERE purpose = ? AND recipient = ? "
                                      "AND consumed_at IS NULL ORDER BY created_at DESC, id DESC "
                                      "LIMIT 1";

#undef GH_CODE_COLUMNS

core::OneTimeCode ReadCode(const Stmt& st) {
  core::OneTimeCode c;
  c.id = st.Text(0);
  c.user_id = st.OptText(1);
  c.purpose = st.Text(2);
  c.recipient = st.Text(3);
  c.code_hash = st.Text(4);
  c.data_json = st.Text(5);
  c.created_at = st.Int(6);
  c.expires_at = st.Int(7);
  c.attempts = static_cast<int>(st.Int(8));
  c.consumed_at = st.OptInt(9);
  return c;
}

Result<std::optional<core::OneTimeCode>> FindOne(Db& db, const char* sql, std::string_view purpose,
                                                 std::string_view key) {
  return db.Read("codes.find", [&](Connection& conn) -> Result<std::optional<core::OneTimeCode>> {
    Stmt st = conn.Prepare(sql);
    if (!st.Bind(1, purpose).Bind(2, key).Step()) return std::optional<core::OneTimeCode>();
    return std::optional<core::OneTimeCode>(ReadCode(st));
  });
}

}  // namespace

Result<void> SqliteCodes::Insert(const core::OneTimeCode& c) {
  return db_.Write("codes.insert", [&](Connection& conn) -> Result<void> {
    conn.Prepare(kInsert)
        .Bind(1, c.id)
        .Bind(2, c.user_id)
        .Bind(3, c.purpose)
        .Bind(4, c.recipient)
        .Bind(5, c.code_hash)
        .Bind(6, c.data_json)
        .Bind(7, c.created_at)
        .Bind(8, c.expires_at)
        .Bind(9, c.attempts)
        .Bind(10, c.consumed_at)
        .Run();
    return core::Ok();
  });
}

Result<std::optional<core::OneTimeCode>> SqliteCodes::FindByHash(std::string_view purpose,
                                                                 std::string_view code_hash) {
  return FindOne(db_, kSelectByHash, purpose, code_hash);
}

Result<std::optional<core::OneTimeCode>> SqliteCodes::FindLatest(std::string_view purpose,
                                                                 std::string_view recipient) {
  return FindOne(db_, kSelectLatest, purpose, recipient);
}

Result<int> SqliteCodes::RecordFailedAttempt(std::string_view id) {
  return db_.Write("codes.attempt", [&](Connection& conn) -> Result<int> {
    Stmt st = conn.Prepare(
        "UPDATE one_time_codes SET attempts = attempts + 1 WHERE id = ? RETURNING attempts");
    if (!st.Bind(1, id).Step()) return core::Error(core::errc::kInvalidOtp, "Invalid code");
    int attempts = static_cast<int>(st.Int(0));
    // RETURNING rows must be stepped to the end before the change is complete.
    while (st.Step()) {
    }
    return attempts;
  });
}

Result<bool> SqliteCodes::Consume(std::string_view id, core::UnixMillis now) {
  // Compare-and-set: of any number of concurrent callers only one sees a change.
  return db_.Write("codes.consume", [&](Connection& conn) -> Result<bool> {
    return conn.Prepare(
                   "UPDATE one_time_codes SET consumed_at = ? WHERE id = ? AND consumed_at IS NULL")
               .Bind(1, now)
               .Bind(2, id)
               .Run() == 1;
  });
}

Result<void> SqliteCodes::ConsumeAll(std::string_view purpose, std::string_view recipient,
                                     core::UnixMillis now) {
  return db_.Write("codes.consume_all", [&](Connection& conn) -> Result<void> {
    conn.Prepare(
            "UPDATE one_time_codes SET consumed_at = ? "
            "WHERE purpose = ? AND recipient = ? AND consumed_at IS NULL")
        .Bind(1, now)
        .Bind(2, purpose)
        .Bind(3, recipient)
        .Run();
    return core::Ok();
  });
}

Result<int> SqliteCodes::Purge(core::UnixMillis before) {
  return db_.Write("codes.purge", [&](Connection& conn) -> Result<int> {
    return conn.Prepare("DELETE FROM one_time_codes WHERE expires_at < ?1 OR consumed_at < ?1")
        .Bind(1, before)
        .Run();
  });
}

}  // namespace gh::store::sqlite
