#include "store/postgres/pg_conn.h"

#include <poll.h>

#include <charconv>
#include <cstdio>

namespace gh::store::postgres {

namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Failures a retry a moment later may well survive: the server is gone,
// restarting or full, or this transaction lost a race the server broke up.
bool Retryable(const PgError& e) {
  if (e.connection_lost) return true;
  const std::string& s = e.sqlstate;
  return StartsWith(s, "08") ||  // connection exception
         s == "57P01" ||         // admin_shutdown
         s == "57P02" ||         // crash_shutdown
         s == "57P03" ||         // cannot_connect_now (starting up / shutting down)
         s == "53300" ||         // too_many_connections
         s == "40001" ||         // serialization_failure
         s == "40P01" ||         // deadlock_detected
         s == "55P03";           // lock_not_available
}

std::string TrimNewline(const char* message) {
  std::string s = message != nullptr ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Defaults every connection gets unless the URL says otherwise. The timeouts
// are what keep a call from hanging on a dead or unreachable server: connecting
// gives up after 3 s, and an established connection whose peer went silent is
// declared dead by TCP keepalives / tcp_user_timeout within ~10 s.
constexpr const char* kDefaultKeys[] = {
    "connect_timeout",  "keepalives",       "keepalives_idle", "keepalives_interval",
    "keepalives_count", "tcp_user_timeout", "application_name"};
constexpr const char* kDefaultValues[] = {"3", "1", "5", "2", "2", "10000", "gatehouse"};
constexpr size_t kDefaults = sizeof(kDefaultKeys) / sizeof(kDefaultKeys[0]);
static_assert(kDefaults == sizeof(kDefaultValues) / sizeof(kDefaultValues[0]));

}  // namespace

core::Error ToError(const PgError& e, const char* what) {
  if (e.sqlstate == "23505") {  // unique_violation; constraint names are set in migrations.cc
    if (e.constraint == "users_email_key") {
      return core::Error(core::errc::kEmailAlreadyInUse, "Email already in use");
    }
    if (e.constraint == "users_phone_number_key") {
      return core::Error(core::errc::kPhoneAlreadyInUse, "Phone number already in use");
    }
  }
  std::fprintf(stderr, "gatehouse store: %s failed: %s (sqlstate %s)\n", what, e.detail.c_str(),
               e.sqlstate.empty() ? "none" : e.sqlstate.c_str());
  if (Retryable(e)) {
    return core::Error(core::errc::kUnavailable, "The database is unavailable, try again", 1);
  }
  return core::Error(core::errc::kInternal, "Internal server error");
}

bool ValidSchemaName(std::string_view name) {
  if (name.empty() || name.size() > 63 || StartsWith(name, "pg_")) return false;
  if (name[0] >= '0' && name[0] <= '9') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// --- Params ---

Params& Params::Add(std::string_view text) {
  text_.emplace_back(text.data() != nullptr ? text : std::string_view());
  is_null_.push_back(0);
  return *this;
}

Params& Params::Add(int64_t value) {
  text_.push_back(std::to_string(value));
  is_null_.push_back(0);
  return *this;
}

Params& Params::Add(const std::optional<std::string>& text) {
  return text ? Add(std::string_view(*text)) : Null();
}

Params& Params::Add(const std::optional<int64_t>& value) { return value ? Add(*value) : Null(); }

Params& Params::AddTextArray(const std::vector<std::string>& items) {
  std::string literal = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) literal += ',';
    literal += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  literal += '}';
  text_.push_back(std::move(literal));
  is_null_.push_back(0);
  return *this;
}

Params& Params::Null() {
  text_.emplace_back();
  is_null_.push_back(1);
  return *this;
}

const char* const* Params::values() const {
  pointers_.resize(text_.size());
  for (size_t i = 0; i < text_.size(); ++i) {
    pointers_[i] = is_null_[i] ? nullptr : text_[i].c_str();
  }
  return pointers_.data();
}

// --- PgResult ---

int PgResult::affected() const {
  const char* n = PQcmdTuples(res_);
  int value = 0;
  std::from_chars(n, n + std::char_traits<char>::length(n), value);
  return value;
}

std::string PgResult::Text(int row, int col) const {
  return std::string(PQgetvalue(res_, row, col), static_cast<size_t>(PQgetlength(res_, row, col)));
}

std::optional<std::string> PgResult::OptText(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Text(row, col);
}

int64_t PgResult::Int(int row, int col) const {
  const char* v = PQgetvalue(res_, row, col);
  int64_t value = 0;
  std::from_chars(v, v + PQgetlength(res_, row, col), value);
  return value;
}

std::optional<int64_t> PgResult::OptInt(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Int(row, col);
}

bool PgResult::Bool(int row, int col) const { return PQgetvalue(res_, row, col)[0] == 't'; }

std::vector<std::string> PgResult::TextArray(int row, int col) const {
  // The text form of a one-dimensional array: {a,"b c","d\"e"}. The server
  // quotes every element that is empty or holds a delimiter, quote, backslash,
  // space or the word NULL, so unquoted elements need no unescaping.
  std::vector<std::string> out;
  const char* p = PQgetvalue(res_, row, col);
  if (IsNull(row, col) || *p != '{') return out;
  ++p;
  while (*p != '\0' && *p != '}') {
    std::string item;
    if (*p == '"') {
      ++p;
      while (*p != '\0' && *p != '"') {
        if (*p == '\\' && p[1] != '\0') ++p;
        item += *p++;
      }
      if (*p == '"') ++p;
    } else {
      while (*p != '\0' && *p != ',' && *p != '}') item += *p++;
    }
    out.push_back(std::move(item));
    if (*p == ',') ++p;
  }
  return out;
}

// --- Connection ---

Connection::Connection(const ConnectOptions& options) {
  const char* keys[kDefaults + 2];
  const char* values[kDefaults + 2];
  for (size_t i = 0; i < kDefaults; ++i) {
    keys[i] = kDefaultKeys[i];
    values[i] = kDefaultValues[i];
  }
  // Last, so that settings in the URL override the defaults above.
  keys[kDefaults] = "dbname";
  values[kDefaults] = options.url.c_str();
  keys[kDefaults + 1] = nullptr;
  values[kDefaults + 1] = nullptr;
  conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn_ == nullptr) throw PgError{"", "", "cannot allocate a connection", true};
  if (PQstatus(conn_) != CONNECTION_OK) {
    PgError e{"", "", TrimNewline(PQerrorMessage(conn_)), true};
    PQfinish(conn_);
    conn_ = nullptr;
    throw e;
  }
  // A parameter, not spliced SQL; the name is validated anyway (it is also
  // spliced into CREATE SCHEMA by the migrations).
  const char* schema[] = {options.schema.c_str()};
  PGresult* res = PQexecParams(conn_,
                               "SELECT pg_catalog.set_config('search_path', $1, false), "
                               "pg_catalog.set_config('client_min_messages', 'warning', false)",
                               1, nullptr, schema, nullptr, nullptr, 0);
  if (PQresultStatus(res) != PGRES_TUPLES_OK) {
    PgError e{"", "", TrimNewline(PQresultErrorMessage(res)), PQstatus(conn_) != CONNECTION_OK};
    PQclear(res);
    PQfinish(conn_);
    conn_ = nullptr;
    throw e;
  }
  PQclear(res);
}

Connection::~Connection() { PQfinish(conn_); }

void Connection::Fail(PGresult* res) {
  PgError e;
  if (res != nullptr) {
    const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char* constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
    e.sqlstate = state != nullptr ? state : "";
    e.constraint = constraint != nullptr ? constraint : "";
    e.detail = TrimNewline(PQresultErrorMessage(res));
    PQclear(res);
  }
  if (e.detail.empty()) e.detail = TrimNewline(PQerrorMessage(conn_));
  e.connection_lost = PQstatus(conn_) != CONNECTION_OK;
  throw e;
}

PgResult Connection::Check(PGresult* res) {
  const ExecStatusType status = PQresultStatus(res);
  if (res == nullptr || (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)) Fail(res);
  ++round_trips_;
  return PgResult(res);
}

PgResult Connection::Run(const char* sql, const Params& params) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "gh" + std::to_string(prepared_.size());
    Check(PQprepare(conn_, name.c_str(), sql, 0, nullptr));
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  return Check(PQexecPrepared(conn_, it->second.c_str(), params.size(), params.values(), nullptr,
                              nullptr, 0));
}

void Connection::Exec(const char* sql) { Check(PQexec(conn_, sql)); }

void Connection::Begin() { Run("BEGIN"); }

void Connection::Commit() { Run("COMMIT"); }

void Connection::RollbackQuietly() noexcept {
  if (PQstatus(conn_) != CONNECTION_OK) return;
  const PGTransactionStatusType t = PQtransactionStatus(conn_);
  if (t != PQTRANS_INTRANS && t != PQTRANS_INERROR) return;
  PQclear(PQexec(conn_, "ROLLBACK"));
}

bool Connection::StillAlive() {
  // A few rounds: the first read may return the server's goodbye message and
  // only the next one the end of the stream.
  for (int i = 0; i < 4 && PQstatus(conn_) == CONNECTION_OK; ++i) {
    pollfd p{PQsocket(conn_), POLLIN, 0};
    if (poll(&p, 1, 0) <= 0) break;  // nothing to read: idle and fine
    if (PQconsumeInput(conn_) == 0) return false;
  }
  return PQstatus(conn_) == CONNECTION_OK;
}

}  // namespace gh::store::postgres
