#include "oauth/jwks.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>

namespace gh::oauth {
namespace {

// A JWKS is a few KiB; Google's is under 2 KiB with two keys.
constexpr size_t kMaxJwksBytes = 256 * 1024;
constexpr size_t kMaxKeys = 64;

core::Error InvalidJwks(std::string why) {
  return core::Error(core::errc::kInvalidRequest, "JWKS: " + std::move(why));
}

std::string StringMember(const nlohmann::json& obj, const char* name) {
  auto it = obj.find(name);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// max-age from a Cache-Control header, or -1.
int64_t MaxAge(const HttpResponse& response) {
  for (const auto& [name, value] : response.headers) {
    if (name != "cache-control") continue;
    size_t at = value.find("max-age=");
    if (at == std::string::npos) continue;
    const char* begin = value.data() + at + 8;
    const char* end = value.data() + value.size();
    int64_t seconds = -1;
    auto [ptr, ec] = std::from_chars(begin, end, seconds);
    if (ec == std::errc() && ptr != begin) return seconds;
  }
  return -1;
}

}  // namespace

core::Result<JwkSet> JwkSet::Parse(std::string_view json) {
  if (json.size() > kMaxJwksBytes) return InvalidJwks("document too large");
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (!doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    return InvalidJwks("not an object with a keys array");
  }
  JwkSet set;
  for (const auto& entry : doc["keys"]) {
    if (set.keys_.size() == kMaxKeys) break;
    if (!entry.is_object()) continue;
    crypto::JwkFields f;
    f.kty = StringMember(entry, "kty");
    f.kid = StringMember(entry, "kid");
    f.alg = StringMember(entry, "alg");
    f.use = StringMember(entry, "use");
    f.crv = StringMember(entry, "crv");
    f.x = StringMember(entry, "x");
    f.y = StringMember(entry, "y");
    f.n = StringMember(entry, "n");
    f.e = StringMember(entry, "e");
    auto key = crypto::ForeignKey::FromJwk(f);
    if (key.ok()) set.keys_.push_back(std::move(key.value()));
  }
  if (set.keys_.empty()) return InvalidJwks("no usable RS256 or ES256 signature key");
  return set;
}

std::shared_ptr<const crypto::ForeignKey> JwkSet::Find(bool has_kid, std::string_view kid) const {
  if (!has_kid) return keys_.size() == 1 ? keys_[0] : nullptr;
  for (const auto& key : keys_) {
    if (key->kid() == kid) return key;
  }
  return nullptr;
}

JwksCache::JwksCache(std::shared_ptr<HttpClient> http, const core::Clock& clock)
    : http_(std::move(http)), clock_(clock) {}

core::Result<JwkSet> JwksCache::Fetch(const std::string& url, int64_t* ttl_seconds) {
  HttpRequest req;
  req.url = url;
  req.headers = {{"Accept", "application/json"}};
  auto resp = http_->Send(req);
  if (!resp.ok()) return resp.error();
  if (resp->status != 200) {
    return core::Error(core::errc::kOAuthProviderError,
                       "JWKS answered HTTP " + std::to_string(resp->status));
  }
  auto set = JwkSet::Parse(resp->body);
  if (!set.ok()) return core::Error(core::errc::kOAuthProviderError, set.error().message);
  int64_t max_age = MaxAge(*resp);
  *ttl_seconds =
      max_age < 0 ? kDefaultTtlSeconds : std::clamp(max_age, kMinTtlSeconds, kMaxTtlSeconds);
  return set;
}

core::Result<std::shared_ptr<const crypto::ForeignKey>> JwksCache::KeyFor(
    const std::string& url, const crypto::DecodedJws& jws) {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t now = clock_.NowSeconds();
  if (url != url_) {  // a discovery document that moved its jwks_uri
    url_ = url;
    keys_.reset();
    last_attempt_ = INT64_MIN / 2;
  }
  if (keys_ && now < expires_at_) {
    if (auto key = keys_->Find(jws.has_kid, jws.kid)) return key;
  }
  // Stale, or fresh without the kid: refetch, but never more than once per
  // interval (once a second while there is no document at all), so neither an
  // outage nor made-up kids turn every sign-in into a call to the provider.
  int64_t interval = keys_ ? kRefetchIntervalSeconds : 1;
  if (now - last_attempt_ >= interval) {
    last_attempt_ = now;
    int64_t ttl = 0;
    auto fetched = Fetch(url, &ttl);
    if (fetched.ok()) {
      keys_ = std::make_shared<const JwkSet>(std::move(fetched.value()));
      expires_at_ = now + ttl;
    } else if (!keys_) {
      return fetched.error();
    }
  }
  if (!keys_) {
    return core::Error(core::errc::kOAuthProviderError, "JWKS not available yet: " + url);
  }
  if (auto key = keys_->Find(jws.has_kid, jws.kid)) return key;
  return core::Error(core::errc::kInvalidToken, "unknown kid");
}

}  // namespace gh::oauth
