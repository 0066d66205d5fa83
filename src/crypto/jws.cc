#include "crypto/jws.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include "crypto/hash.h"
#include "crypto/json_scan.h"

namespace gh::crypto {

namespace {

constexpr size_t kP256CoordinateBytes = 32;
constexpr int kMinRsaBits = 2048;
// Far beyond any real key (RSA-16384 is 2 KiB); bounds the bignum work.
constexpr size_t kMaxRsaModulusBytes = 2048;
constexpr size_t kMaxRsaExponentBytes = 8;

core::Error InvalidToken(std::string_view reason) {
  return core::Error(core::errc::kInvalidToken, std::string(reason));
}

core::Error InvalidJwk(std::string_view kid, std::string_view why) {
  return core::Error(
      core::errc::kInvalidRequest,
      "JWK " + std::string(kid.empty() ? "(no kid)" : kid) + ": " + std::string(why));
}

struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

// Builds a public key of `type` ("RSA" or "EC") from `params` and checks it
// (EVP_PKEY_public_check: the EC point lies on the curve, the RSA values are sane).
PkeyPtr PublicKeyFromParams(const char* type, OSSL_PARAM_BLD* bld) {
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  PkeyPtr key(raw);
  PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  bool ok = check && EVP_PKEY_public_check(check.get()) == 1;
  ERR_clear_error();
  return ok ? std::move(key) : nullptr;
}

}  // namespace

PkeyPtr RsaKey(std::string_view n, std::string_view e, std::string* why) {
  if (n.empty() || n.size() > kMaxRsaModulusBytes || e.empty() || e.size() > kMaxRsaExponentBytes) {
    *why = "RSA n or e has an impossible size";
    return nullptr;
  }
  const auto* np = reinterpret_cast<const unsigned char*>(n.data());
  const auto* ep = reinterpret_cast<const unsigned char*>(e.data());
  BnPtr bn_n(BN_bin2bn(np, static_cast<int>(n.size()), nullptr));
  BnPtr bn_e(BN_bin2bn(ep, static_cast<int>(e.size()), nullptr));
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    *why = "cannot build RSA key";
    return nullptr;
  }
  PkeyPtr key = PublicKeyFromParams("RSA", bld.get());
  if (!key) {
    *why = "RSA key does not check out";
  } else if (EVP_PKEY_get_bits(key.get()) < kMinRsaBits) {
    *why = "RSA key is shorter than 2048 bits";
    key.reset();
  }
  return key;
}

PkeyPtr P256Key(std::string_view x, std::string_view y, std::string* why) {
  if (x.size() != kP256CoordinateBytes || y.size() != kP256CoordinateBytes) {
    *why = "P-256 coordinates must be 32 bytes";
    return nullptr;
  }
  // SEC 1 uncompressed point: 0x04 || X || Y.
  std::string point = "\x04";
  point.append(x);
  point.append(y);
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    *why = "cannot build EC key";
    return nullptr;
  }
  PkeyPtr key = PublicKeyFromParams("EC", bld.get());
  if (!key) *why = "EC point is not on P-256";
  return key;
}

core::Result<DecodedJws> DecodeCompactJws(std::string_view token) {
  // Compact JWS is unpadded base64url (RFC 7515 2); refusing '=' keeps each
  // token to exactly one spelling.
  if (token.empty() || token.size() > kMaxJwsBytes || token.find('=') != std::string_view::npos) {
    return InvalidToken("malformed token");
  }
  size_t dot1 = token.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return InvalidToken("malformed token");
  }
  DecodedJws out;
  if (!Base64UrlDecode(token.substr(0, dot1), &out.header_json) ||
      !Base64UrlDecode(token.substr(dot1 + 1, dot2 - dot1 - 1), &out.payload_json) ||
      !Base64UrlDecode(token.substr(dot2 + 1), &out.signature)) {
    return InvalidToken("malformed token");
  }
  out.signing_input = std::string(token.substr(0, dot2));

  JsonScan header;
  if (!header.Parse(out.header_json)) return InvalidToken("malformed header");
  std::string alg_name;
  if (!header.GetString("alg", &alg_name)) return InvalidToken("missing alg");
  // "none" and anything unknown fail here, before a key is even chosen.
  if (!ParseJwsAlg(alg_name, &out.alg)) return InvalidToken("unsupported alg");
  // We understand no critical extensions, so RFC 7515 4.1.11 says reject.
  if (header.Has("crit")) return InvalidToken("unsupported crit header");
  if (header.Has("kid")) {
    if (!header.GetString("kid", &out.kid)) return InvalidToken("malformed kid");
    out.has_kid = true;
  }
  return out;
}

core::Result<std::shared_ptr<const ForeignKey>> ForeignKey::FromJwk(const JwkFields& jwk) {
  if (!jwk.use.empty() && jwk.use != "sig") return InvalidJwk(jwk.kid, "not a signature key");
  std::shared_ptr<ForeignKey> key(new ForeignKey());
  key->kid_ = jwk.kid;
  std::string why;
  if (jwk.kty == "RSA") {
    if (!jwk.alg.empty() && jwk.alg != "RS256") return InvalidJwk(jwk.kid, "alg is not RS256");
    std::string n, e;
    if (!Base64UrlDecode(jwk.n, &n) || !Base64UrlDecode(jwk.e, &e)) {
      return InvalidJwk(jwk.kid, "n or e is not base64url");
    }
    key->alg_ = JwsAlg::kRS256;
    key->pkey_ = RsaKey(n, e, &why);
  } else if (jwk.kty == "EC") {
    if (jwk.crv != "P-256") return InvalidJwk(jwk.kid, "curve is not P-256");
    if (!jwk.alg.empty() && jwk.alg != "ES256") return InvalidJwk(jwk.kid, "alg is not ES256");
    std::string x, y;
    if (!Base64UrlDecode(jwk.x, &x) || !Base64UrlDecode(jwk.y, &y)) {
      return InvalidJwk(jwk.kid, "x or y is not base64url");
    }
    key->alg_ = JwsAlg::kES256;
    key->pkey_ = P256Key(x, y, &why);
  } else {
    return InvalidJwk(jwk.kid, "unsupported kty");
  }
  if (!key->pkey_) return InvalidJwk(jwk.kid, why);
  return std::shared_ptr<const ForeignKey>(std::move(key));
}

bool ForeignKey::Verifies(const DecodedJws& jws) const {
  return jws.alg == alg_ && AsymmetricVerify(alg_, pkey_.get(), jws.signing_input, jws.signature);
}

}  // namespace gh::crypto
