// The libpq plumbing under the PostgreSQL store: one connection with its own
// prepared statements, query parameters, results, and the mapping of server
// failures to core::Error. Internal to src/store/postgres/.
//
// Thread safety: a Connection (and any PgResult it returned) is used by one
// thread at a time; the Pool (pg_db.h) lends each out exclusively.
//
// As in the SQLite store, a failed libpq call throws PgError inside this
// directory and Db (pg_db.h) turns it into a core::Error at the edge of every
// public Store method, so no exception crosses the store interface.
#pragma once

#include <libpq-fe.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "store/codec/codec.h"

namespace gh::store::postgres {

// A failed libpq call or statement.
struct PgError {
  std::string sqlstate;          // five characters from the server; empty for client-side failures
  std::string constraint;        // the violated constraint's name, when the server names one
  std::string detail;            // the server's or libpq's message (logged, never returned)
  bool connection_lost = false;  // the connection is unusable (or could not be made)
};

// Maps a PgError to the store's error contract (see store/store.h) and logs the
// detail to stderr unless it is an expected conflict. `what` names the operation.
core::Error ToError(const PgError& e, const char* what);

// Query parameters, all sent as text (the server parses them into the column's
// type). A null data() string_view is sent as '' (not NULL), as in the SQLite store.
class Params {
 public:
  Params& Add(std::string_view text);
  Params& Add(const std::string& text) { return Add(std::string_view(text)); }
  Params& Add(const char* text) { return Add(std::string_view(text)); }
  Params& Add(int64_t value);
  Params& Add(int value) { return Add(static_cast<int64_t>(value)); }
  Params& Add(bool value) { return Add(std::string_view(value ? "t" : "f")); }
  Params& Add(const std::optional<std::string>& text);
  Params& Add(const std::optional<int64_t>& value);
  // Adds a text[] parameter (a PostgreSQL array literal with every element quoted).
  Params& AddTextArray(const std::vector<std::string>& items);
  Params& Null();

  int size() const { return static_cast<int>(text_.size()); }
  // Pointers into this object: valid until the next Add.
  const char* const* values() const;

 private:
  std::vector<std::string> text_;
  std::vector<char> is_null_;
  mutable std::vector<const char*> pointers_;
};

// One statement's result. Rows and columns count from 0.
class PgResult {
 public:
  explicit PgResult(PGresult* res) : res_(res) {}
  ~PgResult() { PQclear(res_); }
  PgResult(PgResult&& other) noexcept : res_(other.res_) { other.res_ = nullptr; }
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;

  int rows() const { return PQntuples(res_); }
  // The number of rows an INSERT / UPDATE / DELETE changed.
  int affected() const;

  bool IsNull(int row, int col) const { return PQgetisnull(res_, row, col) != 0; }
  std::string Text(int row, int col) const;
  std::optional<std::string> OptText(int row, int col) const;
  int64_t Int(int row, int col) const;
  std::optional<int64_t> OptInt(int row, int col) const;
  bool Bool(int row, int col) const;
  // A one-dimensional text[] column (NULL reads as empty).
  std::vector<std::string> TextArray(int row, int col) const;

 private:
  PGresult* res_;
};

// A statement of the codecs (written with ?1, ?2, ... placeholders) rewritten
// at compile time into PostgreSQL's $1, $2, .... Declared constexpr at
// namespace scope, it has static storage like a literal, so Connection::Run
// caches it by address as it does literals.
template <size_t N>
struct PgSql {
  char text[N] = {};
  consteval PgSql(const char (&sql)[N]) {  // NOLINT: implicit on purpose
    for (size_t i = 0; i < N; ++i) text[i] = sql[i] == '?' ? '$' : sql[i];
  }
  constexpr operator const char*() const { return text; }  // NOLINT
};

// A codec's parameters appended to a Params.
class ParamsSink final : public codec::ParamSink {
 public:
  explicit ParamsSink(Params& params) : params_(params) {}
  void Text(std::string_view v) override { params_.Add(v); }
  void OptText(const std::optional<std::string>& v) override { params_.Add(v); }
  void Int(int64_t v) override { params_.Add(v); }
  void OptInt(const std::optional<int64_t>& v) override { params_.Add(v); }
  void Bool(bool v) override { params_.Add(v); }

 private:
  Params& params_;
};

// One row of a result, read by a codec from column `first` on.
class ResultRow final : public codec::RowReader {
 public:
  ResultRow(const PgResult& result, int row, int first = 0)
      : result_(result), row_(row), col_(first) {}
  std::string Text() override { return result_.Text(row_, col_++); }
  std::optional<std::string> OptText() override { return result_.OptText(row_, col_++); }
  int64_t Int() override { return result_.Int(row_, col_++); }
  std::optional<int64_t> OptInt() override { return result_.OptInt(row_, col_++); }
  bool Bool() override { return result_.Bool(row_, col_++); }
  // The next column not yet read.
  int column() const { return col_; }

 private:
  const PgResult& result_;
  int row_;
  int col_;
};

// The parameters of `record` as a codec's Bind function lists them.
template <typename Record>
Params BoundParams(void (*bind)(codec::ParamSink&, const Record&), const Record& record) {
  Params params;
  ParamsSink sink(params);
  bind(sink, record);
  return params;
}

// Row `row` of `result` read with a codec's Read function.
template <typename Read>
auto ReadRecord(const PgResult& result, int row, Read read) {
  ResultRow reader(result, row);
  return read(reader);
}

// Connection settings shared by every connection of a store.
struct ConnectOptions {
  std::string url;     // postgres://... or postgresql://...
  std::string schema;  // REQUIRES: ValidSchemaName(schema)
};

// True when `name` is a lower-case SQL identifier usable unquoted as a schema:
// [a-z_][a-z0-9_]*, at most 63 bytes, not starting with "pg_".
bool ValidSchemaName(std::string_view name);

// One libpq connection with search_path set to the store's schema and a cache
// of the statements it has prepared.
class Connection {
 public:
  // Connects (bounded by connect_timeout) and sets search_path. Throws PgError
  // with connection_lost set when the server cannot be reached.
  explicit Connection(const ConnectOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs the statement `sql`, preparing it on this connection on first use
  // (PQprepare once, PQexecPrepared after). Throws PgError on failure.
  // REQUIRES: `sql` has static storage duration (a string literal); its address
  // is the cache key, which keeps the hot paths free of hashing and copies.
  PgResult Run(const char* sql, const Params& params = Params());
  // Runs one or more statements unprepared (transaction control, migrations).
  void Exec(const char* sql);

  // Prepared like any statement, so a transaction costs no parsing either.
  void Begin();
  void Commit();
  // Rolls back an open transaction, if any; never throws.
  void RollbackQuietly() noexcept;

  // False once the connection broke (or was left inside a transaction); the
  // pool then drops it rather than lend it out again.
  bool reusable() const {
    return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
  }
  // Reads whatever the server sent while the connection sat idle, without
  // blocking, and reports whether it is still usable. A server that restarted
  // has closed the socket (after a FATAL message), which this notices before a
  // statement is wasted on it.
  bool StillAlive();
  // Round trips that succeeded since the last ResetRoundTrips (see Db::Run).
  int round_trips() const { return round_trips_; }
  void ResetRoundTrips() { round_trips_ = 0; }

 private:
  [[noreturn]] void Fail(PGresult* res);
  PgResult Check(PGresult* res);

  PGconn* conn_ = nullptr;
  std::unordered_map<const char*, std::string> prepared_;  // sql literal -> statement name
  int round_trips_ = 0;
};

}  // namespace gh::store::postgres
