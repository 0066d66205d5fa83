#include "store/sqlite/sqlite_db.h"

#include <chrono>
#include <cstdio>

namespace gh::store::sqlite {

namespace {

// How long a connection waits for another process's write lock before giving
// up with SQLITE_BUSY (writers in this process queue on Db's mutex instead).
constexpr int kBusyTimeoutMillis = 5000;
constexpr int kWalRestartFrames = 50'000;  // 4 KiB pages

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

}  // namespace

core::Error ToError(const DbError& e, const char* what) {
  const int primary = e.code & 0xff;
  if (e.code == SQLITE_CONSTRAINT_UNIQUE || e.code == SQLITE_CONSTRAINT_PRIMARYKEY) {
    // SQLite names the column in the message: "UNIQUE constraint failed: users.email".
    if (Contains(e.detail, "users.email")) {
      return core::Error(core::errc::kEmailAlreadyInUse, "Email already in use");
    }
    if (Contains(e.detail, "users.phone_number")) {
      return core::Error(core::errc::kPhoneAlreadyInUse, "Phone number already in use");
    }
  }
  std::fprintf(stderr, "gatehouse store: %s failed: %s (sqlite code %d)\n", what, e.detail.c_str(),
               e.code);
  switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
    case SQLITE_NOMEM:
      // Contention or a passing I/O problem: a retry may well succeed.
      return core::Error(core::errc::kUnavailable, "The database is unavailable, try again", 1);
    default:
      return core::Error(core::errc::kInternal, "Internal server error");
  }
}

// --- Stmt ---

Stmt::~Stmt() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Stmt& Stmt::Bind(int index, std::string_view text) {
  // A default-constructed string_view has a null data(), which SQLite would
  // bind as NULL; an empty string must stay an empty string.
  const char* data = text.data() != nullptr ? text.data() : "";
  int rc = sqlite3_bind_text(stmt_, index, data, static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) conn_.Fail(rc);
  return *this;
}

Stmt& Stmt::Bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, static_cast<sqlite3_int64>(value));
  if (rc != SQLITE_OK) conn_.Fail(rc);
  return *this;
}

Stmt& Stmt::Bind(int index, const std::optional<std::string>& text) {
  if (text) return Bind(index, std::string_view(*text));
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) conn_.Fail(rc);
  return *this;
}

Stmt& Stmt::Bind(int index, const std::optional<int64_t>& value) {
  if (value) return Bind(index, *value);
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) conn_.Fail(rc);
  return *this;
}

bool Stmt::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  conn_.Fail(rc);
}

int Stmt::Run() {
  while (Step()) {
  }
  return sqlite3_changes(conn_.handle());
}

std::string Stmt::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (p == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::optional<std::string> Stmt::OptText(int col) const {
  if (sqlite3_column_type(stmt_, col) == SQLITE_NULL) return std::nullopt;
  return Text(col);
}

int64_t Stmt::Int(int col) const { return static_cast<int64_t>(sqlite3_column_int64(stmt_, col)); }

std::optional<int64_t> Stmt::OptInt(int col) const {
  if (sqlite3_column_type(stmt_, col) == SQLITE_NULL) return std::nullopt;
  return Int(col);
}

// --- Connection ---

Connection::Connection(const std::string& path) {
  // NOMUTEX: the pool already guarantees one thread per connection at a time.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    DbError e{rc, db_ ? sqlite3_errmsg(db_) : "cannot allocate a connection"};
    sqlite3_close(db_);
    db_ = nullptr;
    throw e;
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, kBusyTimeoutMillis);
  // WAL lets readers run beside the one writer; synchronous=NORMAL is durable
  // across application crashes and only risks the last commits on power loss.
  if (path != ":memory:") Exec("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0");
  Exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON");
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

void Connection::Fail(int rc) {
  const int code = sqlite3_extended_errcode(db_);
  throw DbError{code != SQLITE_OK ? code : rc, sqlite3_errmsg(db_)};
}

Stmt Connection::Prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return Stmt(*this, it->second);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) Fail(rc);
  cache_.emplace(sql, stmt);
  return Stmt(*this, stmt);
}

void Connection::Exec(const char* sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    DbError e{sqlite3_extended_errcode(db_), message ? message : sqlite3_errstr(rc)};
    sqlite3_free(message);
    throw e;
  }
}

void Connection::Begin(bool immediate) { Prepare(immediate ? "BEGIN IMMEDIATE" : "BEGIN").Run(); }

void Connection::Commit() { Prepare("COMMIT").Run(); }

void Connection::RollbackQuietly() noexcept {
  if (db_ == nullptr || sqlite3_get_autocommit(db_)) return;  // no transaction open
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

// --- Pool ---

Pool::Pool(const std::string& path, int size) {
  for (int i = 0; i < size; ++i) {
    all_.push_back(std::make_unique<Connection>(path));
    free_.push_back(all_.back().get());
  }
}

Pool::Lease Pool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return !free_.empty(); });
  Connection* conn = free_.back();
  free_.pop_back();
  return Lease(*this, conn);
}

void Pool::Release(Connection* conn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(conn);
  }
  cv_.notify_one();
}

// --- Db ---

core::Result<std::unique_ptr<Db>> Db::Open(const std::string& path, int pool_size) {
  const bool in_memory = path == ":memory:";
  if (in_memory || pool_size < 1) pool_size = 1;
  try {
    std::unique_ptr<Db> db(new Db(path, pool_size, in_memory));
    if (!in_memory) db->StartCheckpointer(path);
    return db;
  } catch (const DbError& e) {
    return ToError(e, "open");
  }
}

Db::~Db() {
  {
    std::lock_guard<std::mutex> lock(checkpoint_mu_);
    stopping_ = true;
  }
  checkpoint_cv_.notify_all();
  if (checkpointer_.joinable()) checkpointer_.join();
}

void Db::StartCheckpointer(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    sqlite3_close(db);
    throw DbError{SQLITE_CANTOPEN, "cannot open the checkpoint connection"};
  }
  sqlite3_busy_timeout(db, kBusyTimeoutMillis);
  checkpointer_ = std::thread([this, db] { CheckpointLoop(db); });
}

void Db::CheckpointLoop(sqlite3* db) {
  std::unique_lock<std::mutex> lock(checkpoint_mu_);
  while (!checkpoint_cv_.wait_for(lock, std::chrono::milliseconds(250),
                                  [this] { return stopping_; })) {
    lock.unlock();
    // PASSIVE never waits for or blocks writers; the next writer after a
    // complete checkpoint restarts the WAL from its beginning.
    int log_frames = 0, checkpointed = 0;
    sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_frames, &checkpointed);
    // Readers that never pause can keep a passive checkpoint from finishing;
    // past ~200 MB of WAL, briefly make writers wait so the file restarts.
    if (log_frames > kWalRestartFrames)
      sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
    lock.lock();
  }
  sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  sqlite3_close(db);
}

}  // namespace gh::store::sqlite
