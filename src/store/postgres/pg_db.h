// The PostgreSQL store's connection pool and the two ways a Store method runs:
// a single statement (atomic on its own) or an explicit transaction. Internal
// to src/store/postgres/.
//
// Thread safety: Db and Pool are safe to share between threads; a leased
// Connection belongs to one thread until the lease ends.
//
// Outages: a call that finds the server gone returns Error{service-unavailable}
// at once (connecting is bounded by connect_timeout) instead of waiting for
// it. Broken connections are dropped when their lease ends and new ones are
// made on later calls, so service resumes by itself once the server is back.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <type_traits>
#include <vector>

#include "core/error.h"
#include "store/postgres/pg_conn.h"

namespace gh::store::postgres {

// Up to `size` connections, opened on first need and reused after.
class Pool {
 public:
  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<Connection> conn, bool reused)
        : pool_(pool), conn_(std::move(conn)), reused_(reused) {}
    ~Lease() { pool_.Release(std::move(conn_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Connection& operator*() { return *conn_; }
    Connection* operator->() { return conn_.get(); }
    // True when the connection served an earlier lease (so it may have been
    // broken by a server restart while idle).
    bool reused() const { return reused_; }

   private:
    Pool& pool_;
    std::unique_ptr<Connection> conn_;
    bool reused_;
  };

  Pool(ConnectOptions options, int size) : options_(std::move(options)), size_(size) {}

  // Lends an idle connection, or opens a new one while fewer than `size`
  // exist, or waits (bounded) for one to come back. Throws PgError when the
  // server cannot be reached or the wait times out.
  Lease Acquire();

 private:
  void Release(std::unique_ptr<Connection> conn);

  const ConnectOptions options_;
  const int size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;  // idle + leased + being opened
};

class Db {
 public:
  Db(ConnectOptions options, int pool_size) : pool_(std::move(options), pool_size) {}

  // Runs `fn(Connection&)` outside an explicit transaction. Every Store method
  // using it issues exactly one statement, which PostgreSQL runs atomically on
  // its own, saving the BEGIN and COMMIT round trips on the hot reads.
  template <typename Fn>
  auto Single(const char* what, Fn&& fn) -> std::invoke_result_t<Fn&, Connection&> {
    return Run(what, /*transaction=*/false, fn);
  }

  // Runs `fn(Connection&)` in a READ COMMITTED transaction, committed when it
  // returns an ok Result and rolled back otherwise. Statements that must see
  // each other's rows under concurrency take row locks (SELECT ... FOR UPDATE).
  template <typename Fn>
  auto Transaction(const char* what, Fn&& fn) -> std::invoke_result_t<Fn&, Connection&> {
    return Run(what, /*transaction=*/true, fn);
  }

 private:
  template <typename Fn>
  auto Run(const char* what, bool transaction, Fn& fn) -> std::invoke_result_t<Fn&, Connection&> {
    using R = std::invoke_result_t<Fn&, Connection&>;
    for (int attempt = 0;; ++attempt) {
      try {
        Pool::Lease conn = pool_.Acquire();
        conn->ResetRoundTrips();
        try {
          if (transaction) conn->Begin();
          R result = fn(*conn);
          if (transaction) {
            if (result.ok()) {
              conn->Commit();
            } else {
              conn->RollbackQuietly();
            }
          }
          return result;
        } catch (const PgError& e) {
          conn->RollbackQuietly();
          // An idle connection that died under us (the server restarted and
          // StillAlive could not tell yet) failing on BEGIN changed nothing:
          // try once more on a fresh connection rather than report an outage
          // that is already over.
          const bool nothing_sent = transaction && conn->round_trips() == 0;
          if (e.connection_lost && conn.reused() && nothing_sent && attempt == 0) continue;
          throw;
        } catch (...) {  // e.g. bad_alloc: never return a connection mid-transaction
          conn->RollbackQuietly();
          throw;
        }
      } catch (const PgError& e) {
        return R(ToError(e, what));
      }
    }
  }

  Pool pool_;
};

}  // namespace gh::store::postgres
