// http::ClientIpResolver: which address a request came from, when Gatehouse
// sits behind reverse proxies that name the client in a header.
//
// The client writes whatever it likes into X-Forwarded-For; each proxy only
// appends the address it saw on the right. So the one hop worth believing is
// the one the nearest proxy we trust appended: walking the list from the right,
// the first address that is not one of our proxies. Our proxies are named either
// by a list of networks (trusted_proxies: hops inside them are skipped, and the
// header is read only when the TCP peer itself is one of them) or by a count
// (hops: the client is the hops-th address from the right; trust_proxy alone
// means one proxy). Anything that is not a plain IP address at the chosen
// position falls back to the TCP peer, so a client can never pick its own rate
// limit key. The result is printed in canonical form (IPv4-mapped IPv6 as IPv4).
//
// Immutable after construction: safe to share between threads.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace gh::http {

struct ClientIpOptions {
  bool trust_proxy = false;                  // behind one proxy (= hops 1)
  std::vector<std::string> trusted_proxies;  // CIDRs or plain addresses of our proxies
  int hops = 0;                              // number of proxies in front; 0 = unset
  std::string header;                        // empty = X-Forwarded-For
};

class ClientIpResolver {
 public:
  // Fails with invalid-request naming the first entry of trusted_proxies that
  // is not an address or a network.
  static core::Result<ClientIpResolver> Create(const ClientIpOptions& options);
  // Trusts nothing: every request is its TCP peer.
  ClientIpResolver();

  // True when some header is read at all.
  bool enabled() const { return enabled_; }
  // The header read (lower case), e.g. "x-forwarded-for".
  const std::string& header() const { return header_; }

  // The client address for a request whose TCP peer is `peer` and whose
  // configured header holds `forwarded` (empty when absent).
  std::string Resolve(std::string_view peer, std::string_view forwarded) const;

  // True when `peer` is one of the networks in trusted_proxies.
  bool IsTrustedProxy(std::string_view peer) const;
  // True when every peer has to be taken for a proxy (a hop count without a
  // list): per-IP limits on the TCP peer then do not make sense.
  bool AnyPeerMayBeProxy() const { return enabled_ && networks_.empty(); }

  // Canonical text of an IP address ("::ffff:1.2.3.4" -> "1.2.3.4"; "[::1]",
  // "1.2.3.4:80" accepted), or nullopt when `text` is not one.
  static std::optional<std::string> Canonical(std::string_view text);

 private:
  // An address as 16 bytes (IPv4 as IPv4-mapped IPv6) and a prefix length
  // counted on those 16 bytes.
  struct Network {
    std::array<uint8_t, 16> bytes{};
    int prefix = 128;
  };
  static std::optional<std::array<uint8_t, 16>> Bytes(std::string_view canonical);
  bool InNetworks(std::string_view canonical) const;

  bool enabled_ = false;
  int hops_ = 1;
  std::string header_ = "x-forwarded-for";
  std::vector<Network> networks_;
};

}  // namespace gh::http
