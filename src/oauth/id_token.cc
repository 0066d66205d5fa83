#include "oauth/id_token.h"

#include <algorithm>
#include <limits>

#include "crypto/hash.h"
#include "crypto/json_scan.h"

namespace gh::oauth {
namespace {

core::Error Invalid(std::string_view reason) {
  return core::Error(core::errc::kInvalidToken, std::string(reason));
}

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// OpenID Connect Core 3.1.3.7: the token must name us as an audience and name
// no audience we do not trust (a token minted for several parties is usable by
// each of them, so one of them could replay it here). `azp`, when present, must
// be one of ours as well (Google's native tokens carry the app's client id there).
bool AudienceMatches(const nlohmann::json& claims, const std::vector<std::string>& accepted) {
  const nlohmann::json& aud = claims["aud"];
  if (aud.is_string()) {
    if (!Contains(accepted, aud.get<std::string>())) return false;
  } else if (aud.is_array() && !aud.empty()) {
    for (const auto& a : aud) {
      if (!a.is_string() || !Contains(accepted, a.get<std::string>())) return false;
    }
  } else {
    return false;
  }
  auto azp = claims.find("azp");
  return azp == claims.end() || (azp->is_string() && Contains(accepted, azp->get<std::string>()));
}

// Saturating: claim values are the token's, and must not overflow our sums.
int64_t AddClamped(int64_t a, int64_t b) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  return a > kMax - b ? kMax : a + b;
}

}  // namespace

core::Result<nlohmann::json> VerifyIdToken(std::string_view token, const KeyLookup& keys,
                                           const IdTokenCheck& check) {
  auto decoded = crypto::DecodeCompactJws(token);
  if (!decoded.ok()) return decoded.error();
  auto key = keys(decoded.value());
  if (!key.ok()) return key.error();
  if (!key.value()->Verifies(decoded.value())) return Invalid("bad signature");

  // The strict scan first: it refuses repeated members, which nlohmann would
  // silently resolve one way while another reader resolves them the other.
  crypto::JsonScan scan;
  if (!scan.Parse(decoded->payload_json)) return Invalid("malformed claims");
  auto claims = nlohmann::json::parse(decoded->payload_json, nullptr, false);
  if (!claims.is_object()) return Invalid("malformed claims");

  std::string iss;
  if (!scan.GetString("iss", &iss) || !Contains(check.issuers, iss)) {
    return Invalid("wrong issuer");
  }
  if (!claims.contains("aud") || !AudienceMatches(claims, check.audiences)) {
    return Invalid("wrong audience");
  }
  std::string sub;
  if (!scan.GetString("sub", &sub) || sub.empty()) return Invalid("missing sub");

  int64_t leeway = std::max<int64_t>(check.leeway_seconds, 0);
  int64_t exp = 0;
  if (!scan.GetInt64("exp", &exp)) return Invalid("missing or invalid exp");
  if (check.now_seconds >= AddClamped(exp, leeway)) return Invalid("token expired");
  int64_t latest_now = AddClamped(check.now_seconds, leeway);
  int64_t iat = 0;
  if (scan.Has("iat")) {
    if (!scan.GetInt64("iat", &iat)) return Invalid("invalid iat");
    if (iat > latest_now) return Invalid("issued in the future");
  }
  int64_t nbf = 0;
  if (scan.Has("nbf")) {
    if (!scan.GetInt64("nbf", &nbf)) return Invalid("invalid nbf");
    if (nbf > latest_now) return Invalid("token not yet valid");
  }

  if (check.nonce) {
    std::string nonce;
    if (!scan.GetString("nonce", &nonce)) return Invalid("missing nonce");
    bool raw = crypto::ConstantTimeEquals(nonce, *check.nonce);
    bool hashed = crypto::ConstantTimeEquals(nonce, crypto::Sha256Hex(*check.nonce));
    if (check.nonce->empty() || (!raw && !hashed)) return Invalid("wrong nonce");
  }
  return claims;
}

bool ClaimIsTrue(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return false;
  return (it->is_boolean() && it->get<bool>()) ||
         (it->is_string() && it->get<std::string>() == "true");
}

std::string ClaimString(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace gh::oauth
