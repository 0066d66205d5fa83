#include "http/connection_table.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace gh::http {
namespace {

// A connection whose idleness the test sets; Shed() closes it at once when idle.
class FakeConnection final : public Connection {
 public:
  FakeConnection(ConnectionTable& table, std::string ip, bool idle, int64_t since)
      : idle_(idle), table_(table), ip_(std::move(ip)), since_(since) {}
  ~FakeConnection() override { table_.Remove(this); }
  const std::string& peer_ip() const override { return ip_; }
  bool idle() const override { return idle_; }
  int64_t idle_since_ms() const override { return since_; }
  void Shed() override {
    if (idle_) {
      closed = true;
    } else {
      ClearShed();
    }
  }
  void OnServerStopping() override {}
  bool closed = false;
  bool idle_;

 private:
  ConnectionTable& table_;
  std::string ip_;
  int64_t since_;
};

ConnectionTable::Caps Caps(size_t all, size_t per_ip) {
  ConnectionTable::Caps c;
  c.max_connections = all;
  c.max_per_ip = per_ip;
  return c;
}

TEST(ConnectionTableTest, AtTheGlobalCapTheIdleLongestIsShed) {
  ConnectionTable t;
  t.SetCaps(Caps(3, 0));
  std::vector<std::shared_ptr<FakeConnection>> c;
  for (int i = 0; i < 3; ++i) {
    c.push_back(std::make_shared<FakeConnection>(t, "10.0.0." + std::to_string(i), true, 100 - i));
    ASSERT_TRUE(t.Admit(c.back()));
  }
  auto fresh = std::make_shared<FakeConnection>(t, "10.0.0.9", true, 200);
  EXPECT_TRUE(t.Admit(fresh));
  EXPECT_TRUE(c[2]->closed);  // idle since 98: the longest
  EXPECT_FALSE(c[0]->closed);
  EXPECT_FALSE(c[1]->closed);
  // The shed one still counts until it is gone, but as room already made:
  // the next arrival sheds another instead of being refused.
  auto next = std::make_shared<FakeConnection>(t, "10.0.0.10", true, 201);
  EXPECT_TRUE(t.Admit(next));
  EXPECT_TRUE(c[1]->closed);
}

TEST(ConnectionTableTest, BusyConnectionsAreNeverShedAndTheNewOneIsRefused) {
  ConnectionTable t;
  t.SetCaps(Caps(2, 0));
  auto a = std::make_shared<FakeConnection>(t, "10.0.0.1", false, 1);
  auto b = std::make_shared<FakeConnection>(t, "10.0.0.2", false, 2);
  ASSERT_TRUE(t.Admit(a));
  ASSERT_TRUE(t.Admit(b));
  auto c = std::make_shared<FakeConnection>(t, "10.0.0.3", true, 3);
  EXPECT_FALSE(t.Admit(c));
  EXPECT_EQ(t.size(), 2u);
  b.reset();  // one ends
  EXPECT_TRUE(t.Admit(c));
}

TEST(ConnectionTableTest, PerIpCapShedsThatIpsOwnIdleConnection) {
  ConnectionTable t;
  t.SetCaps(Caps(100, 2));
  auto other = std::make_shared<FakeConnection>(t, "10.0.0.9", true, 0);  // idle longest overall
  auto a = std::make_shared<FakeConnection>(t, "10.0.0.1", true, 10);
  auto b = std::make_shared<FakeConnection>(t, "10.0.0.1", false, 5);
  ASSERT_TRUE(t.Admit(other));
  ASSERT_TRUE(t.Admit(a));
  ASSERT_TRUE(t.Admit(b));
  auto c = std::make_shared<FakeConnection>(t, "10.0.0.1", true, 20);
  EXPECT_TRUE(t.Admit(c));
  EXPECT_TRUE(a->closed);
  EXPECT_FALSE(other->closed);
  a.reset();
  // Now b (busy) and c: the next from that IP sheds c, never b.
  auto d = std::make_shared<FakeConnection>(t, "10.0.0.1", true, 30);
  EXPECT_TRUE(t.Admit(d));
  EXPECT_TRUE(c->closed);
  c.reset();
  d->idle_ = false;
  auto e = std::make_shared<FakeConnection>(t, "10.0.0.1", true, 40);
  EXPECT_FALSE(t.Admit(e));  // both busy
  // Other addresses are not affected.
  auto f = std::make_shared<FakeConnection>(t, "10.0.0.2", true, 50);
  EXPECT_TRUE(t.Admit(f));
}

TEST(ConnectionTableTest, TrustedProxiesAreExemptFromThePerIpCap) {
  ConnectionTable t;
  ClientIpOptions o;
  o.trusted_proxies = {"10.1.0.0/16"};
  ConnectionTable::Caps caps = Caps(100, 1);
  caps.proxies = *ClientIpResolver::Create(o);
  t.SetCaps(caps);
  std::vector<std::shared_ptr<FakeConnection>> keep;
  for (int i = 0; i < 10; ++i) {
    keep.push_back(std::make_shared<FakeConnection>(t, "10.1.2.3", true, i));
    EXPECT_TRUE(t.Admit(keep.back()));
  }
  for (auto& k : keep) EXPECT_FALSE(k->closed);
}

TEST(ConnectionTableTest, ShedOneIdleAndSnapshot) {
  ConnectionTable t;
  t.SetCaps(Caps(10, 0));
  auto a = std::make_shared<FakeConnection>(t, "10.0.0.1", true, 7);
  auto b = std::make_shared<FakeConnection>(t, "10.0.0.2", true, 3);
  ASSERT_TRUE(t.Admit(a));
  ASSERT_TRUE(t.Admit(b));
  EXPECT_EQ(t.Snapshot().size(), 2u);
  t.ShedOneIdle();
  EXPECT_TRUE(b->closed);
  EXPECT_FALSE(a->closed);
}

}  // namespace
}  // namespace gh::http
