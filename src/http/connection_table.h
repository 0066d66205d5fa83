// http::ConnectionTable: the live connections of a Server, and the caps on
// them (in all, and per client IP).
//
// At a cap, the connection that has been idle longest within it (waiting for a
// first or next request, nothing in flight) is shed to make room: a flood of
// idle sockets costs the flooder its oldest ones, not everyone else their
// service. When every connection within the cap is busy, the new one is refused.
// Shedding is asynchronous (the connection closes itself on its own strand), so
// connections chosen but not gone yet count as room already made.
//
// Thread-safe: connections come and go from any io thread. Admit() is meant to
// be called from one thread at a time (the listener's strand).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/client_ip.h"

namespace gh::http {

// What the table needs of a connection.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual const std::string& peer_ip() const = 0;
  // Waiting for a request with nothing in flight; since when (steady ms).
  // Read from other threads.
  virtual bool idle() const = 0;
  virtual int64_t idle_since_ms() const = 0;
  // Closes the connection soon if it is still idle then (a request may have
  // begun since it was chosen: then it is served). Any thread.
  virtual void Shed() = 0;
  // The server is stopping: close when idle, finish the request in flight.
  virtual void OnServerStopping() = 0;

  // Chosen for shedding (set by the table; cleared by a connection that turned
  // out busy).
  bool MarkShed() { return !shed_.exchange(true); }
  void ClearShed() { shed_.store(false); }
  bool shedding() const { return shed_.load(); }

 private:
  std::atomic<bool> shed_{false};
};

class ConnectionTable {
 public:
  struct Caps {
    size_t max_connections = 1;  // >= 1
    size_t max_per_ip = 0;       // 0 = no per-IP cap
    ClientIpResolver proxies;    // peers exempt from the per-IP cap
  };

  ConnectionTable() = default;
  ConnectionTable(const ConnectionTable&) = delete;
  ConnectionTable& operator=(const ConnectionTable&) = delete;

  void SetCaps(Caps caps);
  const Caps& caps() const { return caps_; }

  // Registers `c` if it fits (shedding the idle-longest connection within a
  // full cap); false = refused, not registered.
  bool Admit(const std::shared_ptr<Connection>& c);
  // Forgets `c` (its destructor calls this). Unknown connections are ignored.
  void Remove(const Connection* c);
  // Sheds the connection idle longest, if any (to free a descriptor).
  void ShedOneIdle();

  size_t size() const;
  std::vector<std::shared_ptr<Connection>> Snapshot() const;

 private:
  using Weak = std::weak_ptr<Connection>;
  // REQUIRES: mu_ held. Victims go to `victims`, to be shed and dropped by the
  // caller after unlocking (the last reference runs ~Connection -> Remove).
  bool AdmitLocked(const std::string& ip, std::vector<std::shared_ptr<Connection>>* victims);

  Caps caps_;  // set before serving
  mutable std::mutex mu_;
  std::unordered_map<const Connection*, Weak> all_;  // guarded by mu_
  std::unordered_map<std::string, size_t> per_ip_;   // guarded by mu_
};

}  // namespace gh::http
