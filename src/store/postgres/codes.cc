// PgCodes: single-use codes, links and tickets (stored as hashes only).

#include "store/postgres/pg_db.h"
#include "store/postgres/pg_store.h"

namespace gh::store::postgres {

namespace {

#define GH_CODE_COLUMNS                                                                  \
  "id, user_id, purpose, recipient, code_hash, data, created_at, expires_at, attempts, " \
  "consumed_at"

constexpr const char* kInsert = "INSERT INTO one_time_codes (" GH_CODE_COLUMNS
                                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
constexpr const char* kSelectByHash = "SELECT " GH_CODE_COLUMNS
                                      " FROM one_time_codes WHERE purpose = $1 AND code_hash = $2 "
                                      "AND consumed_at IS NULL ORDER BY created_at DESC, id DESC "
                                      "LIMIT 1";
constexpr const char* kSelectLatest = "SELECT " GH_CODE_COLUMNS
                                      " FROM one_time_codes WHERE purpose = $1 AND recipient = $2 "
                                      "AND consumed_at IS NULL ORDER BY created_at DESC, id DESC "
                                      "LIMIT 1";

#undef GH_CODE_COLUMNS

core::OneTimeCode ReadCode(const PgResult& r, int row) {
  core::OneTimeCode c;
  c.id = r.Text(row, 0);
  c.user_id = r.OptText(row, 1);
  c.purpose = r.Text(row, 2);
  c.recipient = r.Text(row, 3);
  c.code_hash = r.Text(row, 4);
  c.data_json = r.Text(row, 5);
  c.created_at = r.Int(row, 6);
  c.expires_at = r.Int(row, 7);
  c.attempts = static_cast<int>(r.Int(row, 8));
  c.consumed_at = r.OptInt(row, 9);
  return c;
}

Result<std::optional<core::OneTimeCode>> FindOne(Db& db, const char* sql, std::string_view purpose,
                                                 std::string_view key) {
  return db.Single("codes.find", [&](Connection& conn) -> Result<std::optional<core::OneTimeCode>> {
    PgResult r = conn.Run(sql, Params().Add(purpose).Add(key));
    if (r.rows() == 0) return std::optional<core::OneTimeCode>();
    return std::optional<core::OneTimeCode>(ReadCode(r, 0));
  });
}

}  // namespace

Result<void> PgCodes::Insert(const core::OneTimeCode& c) {
  return db_.Single("codes.insert", [&](Connection& conn) -> Result<void> {
    conn.Run(kInsert, Params()
                          .Add(c.id)
                          .Add(c.user_id)
                          .Add(c.purpose)
                          .Add(c.recipient)
                          .Add(c.code_hash)
                          .Add(c.data_json)
                          .Add(c.created_at)
                          .Add(c.expires_at)
                          .Add(c.attempts)
                          .Add(c.consumed_at));
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
    PgResult r = conn.Run(
        "UPDATE one_time_codes SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts",
        Params().Add(id));
    if (r.rows() == 0) return core::Error(core::errc::kInvalidOtp, "Invalid code");
    return static_cast<int>(r.Int(0, 0));
  });
}

Result<bool> PgCodes::Consume(std::string_view id, core::UnixMillis now) {
  // Compare-and-set: a concurrent caller waits for the first one's row lock,
  // then re-checks `consumed_at IS NULL` against the committed row and matches
  // nothing, so only one caller sees a change.
  return db_.Single("codes.consume", [&](Connection& conn) -> Result<bool> {
    return conn.Run(
                   "UPDATE one_time_codes SET consumed_at = $1 WHERE id = $2 AND "
                   "consumed_at IS NULL",
                   Params().Add(now).Add(id))
               .affected() == 1;
  });
}

Result<void> PgCodes::ConsumeAll(std::string_view purpose, std::string_view recipient,
                                 core::UnixMillis now) {
  return db_.Single("codes.consume_all", [&](Connection& conn) -> Result<void> {
    conn.Run(
        "UPDATE one_time_codes SET consumed_at = $1 "
        "WHERE purpose = $2 AND recipient = $3 AND consumed_at IS NULL",
        Params().Add(now).Add(purpose).Add(recipient));
    return core::Ok();
  });
}

Result<int> PgCodes::Purge(core::UnixMillis before) {
  return db_.Single("codes.purge", [&](Connection& conn) -> Result<int> {
    return conn
        .Run("DELETE FROM one_time_codes WHERE expires_at < $1 OR consumed_at < $1",
             Params().Add(before))
        .affected();
  });
}

}  // namespace gh::store::postgres
