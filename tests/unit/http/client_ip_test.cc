#include "http/client_ip.h"

#include <gtest/gtest.h>

namespace gh::http {
namespace {

ClientIpResolver Make(ClientIpOptions o) {
  auto r = ClientIpResolver::Create(o);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : ClientIpResolver();
}

TEST(ClientIpTest, NothingTrustedByDefault) {
  ClientIpResolver r = Make({});
  EXPECT_FALSE(r.enabled());
  EXPECT_EQ(r.Resolve("127.0.0.1", "203.0.113.9"), "127.0.0.1");
}

TEST(ClientIpTest, OneProxyTakesTheRightmostHop) {
  ClientIpOptions o;
  o.trust_proxy = true;
  ClientIpResolver r = Make(o);
  EXPECT_EQ(r.header(), "x-forwarded-for");
  EXPECT_EQ(r.Resolve("127.0.0.1", "6.6.6.6, 203.0.113.9"), "203.0.113.9");
  EXPECT_EQ(r.Resolve("127.0.0.1", " 203.0.113.9 "), "203.0.113.9");
  EXPECT_EQ(r.Resolve("127.0.0.1", "6.6.6.6,::ffff:203.0.113.9"), "203.0.113.9");
  EXPECT_EQ(r.Resolve("127.0.0.1", "203.0.113.9:4711"), "203.0.113.9");
  EXPECT_EQ(r.Resolve("127.0.0.1", "[2001:db8::1]:80"), "2001:db8::1");
  EXPECT_EQ(r.Resolve("127.0.0.1", "2001:DB8:0::1"), "2001:db8::1");
  // Not an address where the proxy's hop should be: the peer.
  EXPECT_EQ(r.Resolve("127.0.0.1", "6.6.6.6, evil"), "127.0.0.1");
  EXPECT_EQ(r.Resolve("127.0.0.1", "6.6.6.6,"), "127.0.0.1");
  EXPECT_EQ(r.Resolve("127.0.0.1", ""), "127.0.0.1");
  EXPECT_TRUE(r.AnyPeerMayBeProxy());
}

TEST(ClientIpTest, HopCount) {
  ClientIpOptions o;
  o.hops = 2;
  ClientIpResolver r = Make(o);
  EXPECT_TRUE(r.enabled());
  EXPECT_EQ(r.Resolve("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.0.0.1"), "198.51.100.7");
  EXPECT_EQ(r.Resolve("127.0.0.1", "10.0.0.1"), "10.0.0.1");
}

TEST(ClientIpTest, TrustedNetworks) {
  ClientIpOptions o;
  o.trusted_proxies = {"127.0.0.1", "10.0.0.0/8", "fd00::/8"};
  ClientIpResolver r = Make(o);
  EXPECT_FALSE(r.AnyPeerMayBeProxy());
  EXPECT_EQ(r.Resolve("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.1.2.3, fd12::1"), "198.51.100.7");
  EXPECT_EQ(r.Resolve("10.9.8.7", "198.51.100.7"), "198.51.100.7");
  EXPECT_EQ(r.Resolve("127.0.0.1", "10.2.0.0, 10.1.2.3"), "10.2.0.0");
  EXPECT_EQ(r.Resolve("127.0.0.1", "evil, 10.1.2.3"), "10.1.2.3");
  // The peer is not a proxy of ours: its header means nothing.
  EXPECT_EQ(r.Resolve("192.0.2.1", "198.51.100.7"), "192.0.2.1");
  EXPECT_EQ(r.Resolve("127.0.0.2", "198.51.100.7"), "127.0.0.2");
  EXPECT_TRUE(r.IsTrustedProxy("10.255.255.255"));
  EXPECT_FALSE(r.IsTrustedProxy("11.0.0.0"));
  EXPECT_TRUE(r.IsTrustedProxy("fdff::1"));
  EXPECT_FALSE(r.IsTrustedProxy("fe00::1"));
}

TEST(ClientIpTest, OddPrefixes) {
  ClientIpOptions o;
  o.trusted_proxies = {"192.168.4.0/22", "0.0.0.0/0"};
  ClientIpResolver r = Make(o);
  EXPECT_TRUE(r.IsTrustedProxy("1.2.3.4"));  // /0 is everything IPv4
  EXPECT_FALSE(r.IsTrustedProxy("::1"));
  o.trusted_proxies = {"192.168.4.0/22"};
  r = Make(o);
  EXPECT_TRUE(r.IsTrustedProxy("192.168.7.255"));
  EXPECT_FALSE(r.IsTrustedProxy("192.168.8.0"));
}

TEST(ClientIpTest, BadNetworksAreRefused) {
  for (const char* bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0/8", "example.com", "::1/129",
                          "10.0.0.0/8x", "10.0.0.0/-1"}) {
    ClientIpOptions o;
    o.trusted_proxies = {bad};
    auto r = ClientIpResolver::Create(o);
    EXPECT_FALSE(r.ok()) << bad;
  }
}

TEST(ClientIpTest, OwnHeader) {
  ClientIpOptions o;
  o.header = "CF-Connecting-IP";
  ClientIpResolver r = Make(o);
  EXPECT_TRUE(r.enabled());
  EXPECT_EQ(r.header(), "cf-connecting-ip");
  EXPECT_EQ(r.Resolve("127.0.0.1", "198.51.100.7"), "198.51.100.7");
}

TEST(ClientIpTest, LongChainsAreBounded) {
  ClientIpOptions o;
  o.trusted_proxies = {"10.0.0.0/8"};
  ClientIpResolver r = Make(o);
  std::string chain;
  for (int i = 0; i < 1000; ++i) chain += "10.0.0.1, ";
  chain += "10.0.0.2";
  EXPECT_EQ(r.Resolve("10.0.0.3", chain), "10.0.0.1");
}

}  // namespace
}  // namespace gh::http
