#include "http/client_ip.h"

#include <algorithm>
#include <charconv>

#include <boost/asio/ip/address.hpp>

#include "http/text.h"

namespace gh::http {

namespace {

namespace ip = boost::asio::ip;

std::optional<ip::address> ParseAddress(std::string_view text) {
  text = TrimSpaces(text);
  if (text.empty() || text.size() > 64) return std::nullopt;
  // "[v6]" or "[v6]:port" (RFC 7239 style), "v4:port".
  if (text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    text = text.substr(1, close - 1);
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    text = text.substr(0, text.find(':'));
  }
  boost::system::error_code ec;
  ip::address addr = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  if (addr.is_v6()) {
    ip::address_v6 v6 = addr.to_v6();
    if (v6.is_v4_mapped()) return ip::address(ip::make_address_v4(ip::v4_mapped, v6));
    // A zone id ("fe80::1%eth0") says nothing about who the client is.
    if (v6.scope_id() != 0) v6.scope_id(0);
    return ip::address(v6);
  }
  return addr;
}

std::vector<std::string_view> SplitHops(std::string_view list) {
  std::vector<std::string_view> hops;
  // A proxy chain longer than this is an attack, not a deployment.
  constexpr size_t kMaxHops = 64;
  while (!list.empty() && hops.size() < kMaxHops) {
    size_t comma = list.rfind(',');
    std::string_view hop = comma == std::string_view::npos ? list : list.substr(comma + 1);
    hops.push_back(TrimSpaces(hop));  // rightmost first
    if (comma == std::string_view::npos) break;
    list = list.substr(0, comma);
  }
  return hops;
}

}  // namespace

ClientIpResolver::ClientIpResolver() = default;

std::optional<std::string> ClientIpResolver::Canonical(std::string_view text) {
  auto addr = ParseAddress(text);
  if (!addr) return std::nullopt;
  return addr->to_string();
}

std::optional<std::array<uint8_t, 16>> ClientIpResolver::Bytes(std::string_view text) {
  auto addr = ParseAddress(text);
  if (!addr) return std::nullopt;
  ip::address_v6 v6 =
      addr->is_v4() ? ip::make_address_v6(ip::v4_mapped, addr->to_v4()) : addr->to_v6();
  ip::address_v6::bytes_type b = v6.to_bytes();
  std::array<uint8_t, 16> out{};
  std::copy(b.begin(), b.end(), out.begin());
  return out;
}

core::Result<ClientIpResolver> ClientIpResolver::Create(const ClientIpOptions& o) {
  ClientIpResolver r;
  for (const std::string& entry : o.trusted_proxies) {
    std::string_view text = TrimSpaces(entry);
    if (text.empty()) continue;
    std::string_view addr_text = text;
    int prefix = -1;
    if (size_t slash = text.find('/'); slash != std::string_view::npos) {
      addr_text = text.substr(0, slash);
      std::string_view len = text.substr(slash + 1);
      auto [p, ec] = std::from_chars(len.data(), len.data() + len.size(), prefix);
      if (len.empty() || ec != std::errc() || p != len.data() + len.size() || prefix < 0)
        prefix = -2;
    }
    auto parsed = ParseAddress(addr_text);
    auto bytes = Bytes(addr_text);
    const int max_prefix = parsed && parsed->is_v4() ? 32 : 128;
    if (!parsed || !bytes || prefix == -2 || prefix > max_prefix) {
      return core::Error(core::errc::kInvalidRequest,
                         "trusted_proxies: \"" + std::string(text) +
                             "\" is not an IP address or a network such as 10.0.0.0/8");
    }
    Network n;
    n.bytes = *bytes;
    n.prefix = prefix < 0 ? 128 : (parsed->is_v4() ? 96 + prefix : prefix);
    r.networks_.push_back(n);
  }
  r.hops_ = o.hops > 0 ? o.hops : 1;
  if (!o.header.empty()) r.header_ = ToLower(TrimSpaces(o.header));
  r.enabled_ = o.trust_proxy || o.hops > 0 || !r.networks_.empty() || !o.header.empty();
  return r;
}

bool ClientIpResolver::InNetworks(std::string_view canonical) const {
  auto bytes = Bytes(canonical);
  if (!bytes) return false;
  for (const Network& n : networks_) {
    int bits = n.prefix;
    bool match = true;
    for (int i = 0; i < 16 && bits > 0 && match; ++i, bits -= 8) {
      uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
      match = ((*bytes)[i] & mask) == (n.bytes[i] & mask);
    }
    if (match) return true;
  }
  return false;
}

bool ClientIpResolver::IsTrustedProxy(std::string_view peer) const { return InNetworks(peer); }

std::string ClientIpResolver::Resolve(std::string_view peer, std::string_view forwarded) const {
  std::string fallback(peer);
  if (!enabled_ || forwarded.empty()) return fallback;
  std::vector<std::string_view> hops = SplitHops(forwarded);
  if (hops.empty()) return fallback;

  if (!networks_.empty()) {
    // Only our own proxies may tell us who the client is.
    if (!InNetworks(peer)) return fallback;
    std::string last_trusted = fallback;
    for (std::string_view hop : hops) {
      auto canonical = Canonical(hop);
      if (!canonical) return last_trusted;  // garbage left of our proxies
      if (!InNetworks(*canonical)) return *canonical;
      last_trusted = *canonical;
    }
    return last_trusted;  // the whole chain is ours: its far end is the client
  }
  // A count of proxies: each of the nearest hops_ proxies appended one address;
  // the hops_-th from the right is what the farthest of them saw. A shorter
  // list than that (a request that skipped a proxy) gives its leftmost address.
  size_t index = std::min(hops.size(), static_cast<size_t>(hops_)) - 1;
  auto canonical = Canonical(hops[index]);
  return canonical ? *canonical : fallback;
}

}  // namespace gh::http
