// The plumbing under the SQLite store: connections with cached prepared
// statements, a small pool of them, and read / write transactions that turn
// SQLite failures into core::Error. Internal to src/store/sqlite/.
//
// Thread safety: a Connection (and any Stmt from it) is used by one thread at a
// time; the Pool hands each out exclusively. Db is safe to share between threads.
//
// Inside this directory a failed sqlite3 call throws DbError; Db::Read and
// Db::Write catch it at the edge of every public Store method and return a
// core::Error instead, so no exception crosses the store interface. Checking
// every bind and step by hand would triple each query without making it clearer.
#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "store/codec/codec.h"

namespace gh::store::sqlite {

// A failed sqlite3 call: its extended result code and the library's message.
struct DbError {
  int code = SQLITE_ERROR;
  std::string detail;
};

// Maps a DbError to the store's error contract (see store/store.h) and logs the
// detail to stderr when it is not an expected conflict. `what` names the operation.
core::Error ToError(const DbError& e, const char* what);

class Connection;

// One use of a cached prepared statement. Columns and bind indexes follow
// SQLite's conventions (bind from 1, columns from 0). The destructor resets the
// statement so that it holds neither a read snapshot nor bound values.
class Stmt {
 public:
  Stmt(Connection& conn, sqlite3_stmt* stmt) : conn_(conn), stmt_(stmt) {}
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& Bind(int index, std::string_view text);
  Stmt& Bind(int index, const std::string& text) { return Bind(index, std::string_view(text)); }
  Stmt& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Stmt& Bind(int index, int64_t value);
  Stmt& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Stmt& Bind(int index, bool value) { return Bind(index, static_cast<int64_t>(value ? 1 : 0)); }
  Stmt& Bind(int index, const std::optional<std::string>& text);
  Stmt& Bind(int index, const std::optional<int64_t>& value);

  // Steps once: true when a row is ready, false when the statement is done.
  bool Step();
  // Steps to the end (for statements that return no rows) and returns the
  // number of rows changed.
  int Run();

  std::string Text(int col) const;
  std::optional<std::string> OptText(int col) const;
  int64_t Int(int col) const;
  std::optional<int64_t> OptInt(int col) const;
  bool Bool(int col) const { return Int(col) != 0; }

 private:
  Connection& conn_;
  sqlite3_stmt* stmt_;
};

// A codec's parameters bound into a statement, from ?`first` on.
class StmtParams final : public codec::ParamSink {
 public:
  explicit StmtParams(Stmt& st, int first = 1) : st_(st), next_(first) {}
  void Text(std::string_view v) override { st_.Bind(next_++, v); }
  void OptText(const std::optional<std::string>& v) override { st_.Bind(next_++, v); }
  void Int(int64_t v) override { st_.Bind(next_++, v); }
  void OptInt(const std::optional<int64_t>& v) override { st_.Bind(next_++, v); }
  void Bool(bool v) override { st_.Bind(next_++, v); }

 private:
  Stmt& st_;
  int next_;
};

// The current row of a statement, read by a codec from column `first` on.
class StmtRow final : public codec::RowReader {
 public:
  explicit StmtRow(const Stmt& st, int first = 0) : st_(st), col_(first) {}
  std::string Text() override { return st_.Text(col_++); }
  std::optional<std::string> OptText() override { return st_.OptText(col_++); }
  int64_t Int() override { return st_.Int(col_++); }
  std::optional<int64_t> OptInt() override { return st_.OptInt(col_++); }
  bool Bool() override { return st_.Bool(col_++); }

 private:
  const Stmt& st_;
  int col_;
};

// Binds `record` into `st` with a codec's Bind function (from ?1 on).
template <typename Record>
Stmt& BindRecord(Stmt& st, void (*bind)(codec::ParamSink&, const Record&), const Record& record) {
  StmtParams params(st);
  bind(params, record);
  return st;
}

// Reads the statement's current row with a codec's Read function.
template <typename Read>
auto ReadRecord(const Stmt& st, Read read) {
  StmtRow row(st);
  return read(row);
}

// One sqlite3 connection, configured for the store (WAL, foreign keys, busy
// timeout), with a cache of the statements it has prepared.
class Connection {
 public:
  // Opens (creating if needed) the database file, or an in-memory database
  // for ":memory:". Throws DbError.
  explicit Connection(const std::string& path);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Returns the cached statement for `sql`, preparing it on first use.
  // REQUIRES: `sql` has static storage duration (a string literal); its address
  // is the cache key, which keeps the hot paths free of hashing and copies.
  Stmt Prepare(const char* sql);
  // Runs one or more statements without caching them (pragmas, migrations).
  void Exec(const char* sql);

  void Begin(bool immediate);
  void Commit();
  // Rolls back an open transaction, if any; never throws.
  void RollbackQuietly() noexcept;

  [[noreturn]] void Fail(int rc);
  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
};

// A fixed set of connections lent out one thread at a time.
class Pool {
 public:
  class Lease {
   public:
    Lease(Pool& pool, Connection* conn) : pool_(pool), conn_(conn) {}
    ~Lease() { pool_.Release(conn_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Connection& operator*() { return *conn_; }
    Connection* operator->() { return conn_; }

   private:
    Pool& pool_;
    Connection* conn_;
  };

  // Opens `size` connections to `path`. Throws DbError.
  Pool(const std::string& path, int size);
  // Blocks until a connection is free.
  Lease Acquire();

 private:
  void Release(Connection* conn);

  std::vector<std::unique_ptr<Connection>> all_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Connection*> free_;
};

// The database: a pool plus the rules for transactions. Every public Store
// method is one Read or one Write.
class Db {
 public:
  // `pool_size` is forced to 1 for ":memory:", where each connection would
  // otherwise see a database of its own.
  static core::Result<std::unique_ptr<Db>> Open(const std::string& path, int pool_size);

  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  bool in_memory() const { return in_memory_; }

  // Runs `fn(Connection&)` in a read transaction (one consistent snapshot).
  // `fn` returns a Result<T>; a DbError thrown by it becomes an Error.
  template <typename Fn>
  auto Read(const char* what, Fn&& fn) -> std::invoke_result_t<Fn&, Connection&> {
    return Run(what, /*write=*/false, fn);
  }

  // Runs `fn(Connection&)` in a write transaction, committed when it returns
  // an ok Result and rolled back otherwise. Writers in this process queue on a
  // mutex, and BEGIN IMMEDIATE takes SQLite's write lock up front, so two
  // writers can never deadlock upgrading read locks; other processes are waited
  // for through busy_timeout.
  template <typename Fn>
  auto Write(const char* what, Fn&& fn) -> std::invoke_result_t<Fn&, Connection&> {
    return Run(what, /*write=*/true, fn);
  }

 private:
  Db(const std::string& path, int pool_size, bool in_memory)
      : pool_(path, pool_size), in_memory_(in_memory) {}

  // Copies the WAL back into the database file off the request path. SQLite's
  // automatic checkpoint would run inside whichever commit crosses the
  // threshold and make that request pay for an fsync (a 20 ms refresh p99 here).
  void StartCheckpointer(const std::string& path);
  void CheckpointLoop(sqlite3* db);

  template <typename Fn>
  auto Run(const char* what, bool write, Fn& fn) -> std::invoke_result_t<Fn&, Connection&> {
    using R = std::invoke_result_t<Fn&, Connection&>;
    Pool::Lease conn = pool_.Acquire();
    std::unique_lock<std::mutex> writer(write_mu_, std::defer_lock);
    if (write) writer.lock();
    try {
      conn->Begin(write);
      R result = fn(*conn);
      if (result.ok()) {
        conn->Commit();
      } else {
        conn->RollbackQuietly();
      }
      return result;
    } catch (const DbError& e) {
      conn->RollbackQuietly();
      return R(ToError(e, what));
    } catch (...) {  // e.g. bad_alloc: never return a connection mid-transaction
      conn->RollbackQuietly();
      throw;
    }
  }

  Pool pool_;
  std::mutex write_mu_;
  bool in_memory_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool stopping_ = false;  // guarded by checkpoint_mu_
  std::thread checkpointer_;
};

}  // namespace gh::store::sqlite
