#include "http/connection_table.h"

#include <algorithm>
#include <utility>

namespace gh::http {

void ConnectionTable::SetCaps(Caps caps) {
  caps.max_connections = std::max<size_t>(1, caps.max_connections);
  std::lock_guard<std::mutex> lock(mu_);
  caps_ = std::move(caps);
}

bool ConnectionTable::Admit(const std::shared_ptr<Connection>& c) {
  std::vector<std::shared_ptr<Connection>> victims;
  bool admitted;
  {
    std::lock_guard<std::mutex> lock(mu_);
    admitted = AdmitLocked(c->peer_ip(), &victims);
    if (admitted) {
      all_.emplace(c.get(), c);
      ++per_ip_[c->peer_ip()];
    }
  }
  for (auto& v : victims) v->Shed();
  return admitted;
}

bool ConnectionTable::AdmitLocked(const std::string& ip,
                                  std::vector<std::shared_ptr<Connection>>* victims) {
  const bool ip_capped = caps_.max_per_ip > 0 && !caps_.proxies.AnyPeerMayBeProxy() &&
                         !caps_.proxies.IsTrustedProxy(ip);
  auto it = per_ip_.find(ip);
  const size_t from_ip = it == per_ip_.end() ? 0 : it->second;
  const bool ip_full = ip_capped && from_ip >= caps_.max_per_ip;
  if (!ip_full && all_.size() < caps_.max_connections) return true;  // no scan needed

  // At a cap: count what is already on its way out, and find who has been
  // idle longest, overall and from this IP.
  size_t leaving = 0, leaving_ip = 0;
  const Weak* oldest = nullptr;
  const Weak* oldest_ip = nullptr;
  int64_t oldest_since = 0, oldest_ip_since = 0;
  for (const auto& [ptr, weak] : all_) {
    const bool same_ip = ptr->peer_ip() == ip;
    if (ptr->shedding()) {
      ++leaving;
      if (same_ip) ++leaving_ip;
      continue;
    }
    if (!ptr->idle()) continue;
    const int64_t since = ptr->idle_since_ms();
    if (!oldest || since < oldest_since) {
      oldest = &weak;
      oldest_since = since;
    }
    if (same_ip && (!oldest_ip || since < oldest_ip_since)) {
      oldest_ip = &weak;
      oldest_ip_since = since;
    }
  }
  auto shed = [&leaving, victims](const Weak* candidate) {
    std::shared_ptr<Connection> victim = candidate ? candidate->lock() : nullptr;
    if (!victim) return false;
    if (victim->MarkShed()) ++leaving;
    victims->push_back(std::move(victim));
    return true;
  };
  if (ip_capped && from_ip - std::min(from_ip, leaving_ip) >= caps_.max_per_ip) {
    if (!shed(oldest_ip)) return false;  // that IP's connections are all busy
    if (oldest == oldest_ip) oldest = nullptr;
  }
  if (all_.size() - std::min(all_.size(), leaving) >= caps_.max_connections) {
    if (!shed(oldest)) return false;  // every connection is busy: refuse the new one
  }
  return true;
}

void ConnectionTable::Remove(const Connection* c) {
  std::lock_guard<std::mutex> lock(mu_);
  if (all_.erase(c) == 0) return;
  auto it = per_ip_.find(c->peer_ip());
  if (it != per_ip_.end() && --it->second == 0) per_ip_.erase(it);
}

void ConnectionTable::ShedOneIdle() {
  std::shared_ptr<Connection> victim;  // dropped outside mu_
  {
    std::lock_guard<std::mutex> lock(mu_);
    const Weak* best = nullptr;
    int64_t since = 0;
    for (const auto& [ptr, weak] : all_) {
      if (!ptr->idle() || ptr->shedding() || (best && ptr->idle_since_ms() >= since)) continue;
      best = &weak;
      since = ptr->idle_since_ms();
    }
    if (best) victim = best->lock();
    if (victim) victim->MarkShed();
  }
  if (victim) victim->Shed();
}

size_t ConnectionTable::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return all_.size();
}

std::vector<std::shared_ptr<Connection>> ConnectionTable::Snapshot() const {
  std::vector<std::shared_ptr<Connection>> live;
  std::lock_guard<std::mutex> lock(mu_);
  live.reserve(all_.size());
  for (const auto& [ptr, weak] : all_) {
    if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  return live;
}

}  // namespace gh::http
