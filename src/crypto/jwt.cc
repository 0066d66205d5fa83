#include "crypto/jwt.h"

#include <limits>
#include <unordered_set>

#include "crypto/hash.h"
#include "crypto/json_scan.h"
#include "crypto/jws.h"
#include "crypto/keys.h"
#include "crypto/random.h"

namespace gh::crypto {

namespace {

constexpr size_t kHmacSecretBytes = 32;
constexpr size_t kKidRandomBytes = 16;

core::Error InvalidToken(std::string reason) {
  return core::Error(core::errc::kInvalidToken, std::move(reason));
}

core::Error InvalidKey(std::string_view kid, std::string_view why) {
  return core::Error(core::errc::kInvalidRequest,
                     "signing key " + std::string(kid) + ": " + std::string(why));
}

}  // namespace

struct KeyRing::Key {
  std::string kid;
  JwsAlg alg = JwsAlg::kES256;
  PkeyPtr pkey;             // asymmetric algorithms
  std::string hmac_secret;  // HS256
  bool can_sign = false;
  // Precomputed so that Sign only appends the payload and the signature.
  std::string header_b64;
};

core::Result<core::SigningKeyRecord> GenerateSigningKey(std::string_view algorithm,
                                                        core::UnixMillis now) {
  JwsAlg alg;
  if (!ParseJwsAlg(algorithm, &alg)) {
    return core::Error(core::errc::kInvalidRequest,
                       "unsupported signing algorithm: " + std::string(algorithm));
  }
  core::SigningKeyRecord record;
  // Operators type kids as arguments (`gatehouse keys retire KID`), where a
  // leading '-' (one base64url character in 64) would read as an option.
  do {
    record.kid = RandomToken(kKidRandomBytes);
  } while (record.kid.empty() || record.kid.front() == '-');
  record.algorithm = std::string(JwsAlgName(alg));
  record.created_at = now;
  if (alg == JwsAlg::kHS256) {
    record.private_pem = RandomToken(kHmacSecretBytes);
  } else if (!GenerateKeyPairPem(alg, &record.private_pem, &record.public_pem)) {
    return core::Error(core::errc::kInternal, "key generation failed");
  }
  return record;
}

core::Result<std::shared_ptr<const KeyRing>> KeyRing::Create(
    const std::vector<core::SigningKeyRecord>& records) {
  std::shared_ptr<KeyRing> ring(new KeyRing());
  std::unordered_set<std::string> kids;
  bool have_active = false;
  std::vector<std::string> jwks;
  for (const core::SigningKeyRecord& r : records) {
    auto key = std::make_unique<Key>();
    key->kid = r.kid;
    // The kid travels in the header and selects the verifying key; an empty
    // or repeated one would make that choice ambiguous.
    if (r.kid.empty()) return InvalidKey("(empty)", "kid is empty");
    if (!kids.insert(r.kid).second) return InvalidKey(r.kid, "duplicate kid");
    if (!ParseJwsAlg(r.algorithm, &key->alg)) {
      return InvalidKey(r.kid, "unsupported algorithm " + r.algorithm);
    }
    if (key->alg == JwsAlg::kHS256) {
      if (!Base64UrlDecode(r.private_pem, &key->hmac_secret)) {
        return InvalidKey(r.kid, "HS256 secret is not base64url");
      }
      if (key->hmac_secret.size() < kMinHmacSecretBytes) {
        return InvalidKey(r.kid, "HS256 secret is shorter than 32 bytes");
      }
      key->can_sign = true;
    } else {
      std::string why;
      key->pkey = LoadAsymmetricKey(key->alg, r.private_pem, r.public_pem, &key->can_sign, &why);
      if (!key->pkey) return InvalidKey(r.kid, why);
      std::string jwk = PublicJwk(key->alg, key->pkey.get(), key->kid);
      if (jwk.empty()) return InvalidKey(r.kid, "cannot export public key");
      jwks.push_back(std::move(jwk));
    }
    key->header_b64 = Base64UrlEncode("{\"alg\":\"" + std::string(JwsAlgName(key->alg)) +
                                      "\",\"typ\":\"JWT\",\"kid\":" + JsonQuote(key->kid) + "}");
    bool signs = !have_active && !r.retired_at.has_value();
    if (signs) {
      if (!key->can_sign) return InvalidKey(r.kid, "active key has no private key");
      have_active = true;
      ring->keys_.insert(ring->keys_.begin(), std::move(key));
    } else {
      ring->keys_.push_back(std::move(key));
    }
  }
  if (!have_active) {
    return core::Error(core::errc::kInvalidRequest, "no active signing key");
  }
  std::string json = "{\"keys\":[";
  for (size_t i = 0; i < jwks.size(); ++i) {
    if (i > 0) json += ",";
    json += jwks[i];
  }
  json += "]}";
  ring->jwks_json_ = std::move(json);
  return std::shared_ptr<const KeyRing>(std::move(ring));
}

KeyRing::~KeyRing() = default;

const std::string& KeyRing::active_kid() const { return keys_[0]->kid; }

const std::string& KeyRing::algorithm() const {
  // Names are stable strings; keep one per algorithm so a reference can be returned.
  static const std::string kNames[] = {"HS256", "ES256", "RS256", "EdDSA"};
  return kNames[static_cast<int>(keys_[0]->alg)];
}

std::string KeyRing::Sign(std::string_view payload_json) const {
  const Key& key = *keys_[0];
  std::string token = key.header_b64;
  token.push_back('.');
  token += Base64UrlEncode(payload_json);
  std::string sig = key.alg == JwsAlg::kHS256 ? HmacSha256(key.hmac_secret, token)
                                              : AsymmetricSign(key.alg, key.pkey.get(), token);
  if (sig.empty()) return std::string();
  token.push_back('.');
  token += Base64UrlEncode(sig);
  return token;
}

core::Result<VerifiedJwt> KeyRing::Verify(std::string_view token, int64_t now_seconds,
                                          int64_t leeway_seconds) const {
  return VerifyAs(token, now_seconds, leeway_seconds, /*api_key=*/false);
}

core::Result<VerifiedJwt> KeyRing::VerifyApiKey(std::string_view token, int64_t now_seconds) const {
  return VerifyAs(token, now_seconds, 0, /*api_key=*/true);
}

core::Result<VerifiedJwt> KeyRing::VerifyAs(std::string_view token, int64_t now_seconds,
                                            int64_t leeway_seconds, bool api_key) const {
  auto decoded = DecodeCompactJws(token);
  if (!decoded.ok()) return decoded.error();
  DecodedJws& jws = decoded.value();

  const Key* key = nullptr;
  if (jws.has_kid) {
    for (const auto& k : keys_) {
      if (k->kid == jws.kid) {
        key = k.get();
        break;
      }
    }
    if (key == nullptr) return InvalidToken(std::string(kUnknownKid));
  } else if (api_key) {
    // A kid-less API key was signed by whichever key the team had (often the
    // HS256 secret beside newer JWKs): the first key of the header's alg.
    for (const auto& k : keys_) {
      if (k->alg == jws.alg) {
        key = k.get();
        break;
      }
    }
    if (key == nullptr) return InvalidToken("alg does not match key");
  } else {
    key = keys_[0].get();
  }
  JwsAlg alg = jws.alg;
  std::string_view signing_input = jws.signing_input;
  const std::string& signature = jws.signature;
  // The key decides the algorithm, never the token: this is what stops an
  // HS256 token "signed" with a public key from passing as ES256/RS256.
  if (alg != key->alg) return InvalidToken("alg does not match key");

  bool signature_ok =
      alg == JwsAlg::kHS256
          ? ConstantTimeEquals(HmacSha256(key->hmac_secret, signing_input), signature)
          : AsymmetricVerify(alg, key->pkey.get(), signing_input, signature);
  if (!signature_ok) return InvalidToken("bad signature");

  JsonScan claims;
  if (!claims.Parse(jws.payload_json)) return InvalidToken("malformed claims");
  VerifiedJwt out;
  // An access token without exp would never expire, so exp is required; an
  // API key may lack one (many Supabase projects' keys do).
  if (api_key && !claims.Has("exp")) {
    out.exp = std::numeric_limits<int64_t>::max();
  } else if (!claims.GetInt64("exp", &out.exp)) {
    return InvalidToken("missing or invalid exp");
  }
  if (claims.Has("iat") && !claims.GetInt64("iat", &out.iat)) return InvalidToken("invalid iat");
  if (claims.Has("sub") && !claims.GetString("sub", &out.sub)) return InvalidToken("invalid sub");
  int64_t nbf = 0;
  if (claims.Has("nbf") && !claims.GetInt64("nbf", &nbf)) return InvalidToken("invalid nbf");
  // Saturating sums: claim values are attacker-chosen and must not overflow.
  if (leeway_seconds < 0) leeway_seconds = 0;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t expires = out.exp > kMax - leeway_seconds ? kMax : out.exp + leeway_seconds;
  if (now_seconds >= expires) return InvalidToken("token expired");
  int64_t latest_now = now_seconds > kMax - leeway_seconds ? kMax : now_seconds + leeway_seconds;
  if (claims.Has("nbf") && nbf > latest_now) return InvalidToken("token not yet valid");
  out.kid = key->kid;
  out.payload_json = std::move(jws.payload_json);
  return out;
}

}  // namespace gh::crypto
