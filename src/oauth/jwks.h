// oauth::JwkSet, an identity provider's published signing keys (a JWKS
// document, RFC 7517 5), and oauth::JwksCache, which fetches one provider's
// JWKS over HttpClient and keeps it.
//
// A JwkSet is an immutable value, safe to share. A JwksCache is internally
// locked and safe to share between threads; its fetches block.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "crypto/jws.h"
#include "oauth/http_client.h"

namespace gh::oauth {

class JwkSet {
 public:
  // Parses {"keys":[...]}. Keys this server can verify with (RS256 and ES256
  // signature keys) are kept; the rest (encryption keys, other curves, keys
  // that do not check out) are skipped, because providers publish several
  // kinds side by side. Errors: invalid-request when the text is not such a
  // document or holds no usable key.
  static core::Result<JwkSet> Parse(std::string_view json);

  // The key named `kid`; with no kid in the token (has_kid false), the only
  // key when there is exactly one. Null when none fits.
  std::shared_ptr<const crypto::ForeignKey> Find(bool has_kid, std::string_view kid) const;
  size_t size() const { return keys_.size(); }

 private:
  std::vector<std::shared_ptr<const crypto::ForeignKey>> keys_;
};

class JwksCache {
 public:
  // The cache keeps a document for its Cache-Control max-age, clamped to
  // [kMinTtlSeconds, kMaxTtlSeconds] (kDefaultTtlSeconds without one).
  static constexpr int64_t kDefaultTtlSeconds = 3600;
  static constexpr int64_t kMinTtlSeconds = 60;
  static constexpr int64_t kMaxTtlSeconds = 86400;
  // A kid not in the cached document triggers a refetch at most this often, so
  // tokens with made-up kids cannot turn us into a flood against the provider.
  static constexpr int64_t kRefetchIntervalSeconds = 30;

  JwksCache(std::shared_ptr<HttpClient> http, const core::Clock& clock);
  JwksCache(const JwksCache&) = delete;
  JwksCache& operator=(const JwksCache&) = delete;

  // The key of `jws` from the JWKS at `url`: from the cached document when it
  // is fresh and has the kid; otherwise fetched (an expired document whose
  // refetch fails is still used, so a provider's short outage does not stop
  // sign-ins). Errors: invalid-token "unknown kid" when no key fits after the
  // refetch; oauth-provider-error when there is no document at all.
  core::Result<std::shared_ptr<const crypto::ForeignKey>> KeyFor(const std::string& url,
                                                                 const crypto::DecodedJws& jws);

 private:
  core::Result<JwkSet> Fetch(const std::string& url, int64_t* ttl_seconds);

  std::shared_ptr<HttpClient> http_;
  const core::Clock& clock_;
  std::mutex mu_;  // guards everything below; held across a fetch so one fetch runs at a time
  std::string url_;
  std::shared_ptr<const JwkSet> keys_;
  int64_t expires_at_ = 0;  // seconds
  int64_t last_attempt_ = INT64_MIN / 2;
};

}  // namespace gh::oauth
