#include "store/postgres/pg_db.h"

#include <chrono>

namespace gh::store::postgres {

namespace {

// How long a call waits for a connection when all of them are lent out. Every
// lease is itself bounded (see pg_conn.cc), so this is only reached under an
// overload, where a quick 503 beats a queue that grows without end.
constexpr auto kAcquireTimeout = std::chrono::seconds(10);

}  // namespace

Pool::Lease Pool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (!cv_.wait_for(lock, kAcquireTimeout, [this] { return !idle_.empty() || open_ < size_; })) {
      throw PgError{"", "", "timed out waiting for a free connection", false};
    }
    if (idle_.empty()) break;
    std::unique_ptr<Connection> conn = std::move(idle_.back());
    idle_.pop_back();
    if (conn->StillAlive()) return Lease(*this, std::move(conn), /*reused=*/true);
    --open_;  // dropped (outside the lock would be nicer, but closing a dead socket is quick)
  }
  ++open_;
  lock.unlock();
  try {
    return Lease(*this, std::make_unique<Connection>(options_), /*reused=*/false);
  } catch (...) {
    lock.lock();
    --open_;
    cv_.notify_one();
    throw;
  }
}

void Pool::Release(std::unique_ptr<Connection> conn) {
  if (conn == nullptr) return;
  std::unique_ptr<Connection> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (conn->reusable()) {
      idle_.push_back(std::move(conn));
    } else {
      dropped = std::move(conn);  // closed below, outside the lock
      --open_;
    }
  }
  cv_.notify_one();
}

}  // namespace gh::store::postgres
