#include "crypto/keys.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "crypto/hash.h"
#include "crypto/json_scan.h"

namespace gh::crypto {

namespace {

constexpr size_t kEs256CoordinateBytes = 32;
constexpr int kMinRsaBits = 2048;

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
struct EcdsaSigFree {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, EcdsaSigFree>;

// SHA-256 fetched once: an implicit fetch on every sign/verify costs a
// lock and a lookup in OpenSSL 3. Never freed; it lives as long as the process.
const EVP_MD* Sha256Md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

// Ed25519 signs the message itself, with no separate digest.
const EVP_MD* DigestFor(JwsAlg alg) { return alg == JwsAlg::kEdDSA ? nullptr : Sha256Md(); }

BioPtr MemBio(std::string_view pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

bool KeyFitsAlg(JwsAlg alg, EVP_PKEY* key, std::string* why) {
  switch (alg) {
    case JwsAlg::kES256: {
      char group[64] = {0};
      size_t len = 0;
      if (!EVP_PKEY_is_a(key, "EC") ||
          EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                         &len) != 1 ||
          (std::string_view(group, len) != "prime256v1" &&
           std::string_view(group, len) != "P-256")) {
        *why = "ES256 needs a P-256 EC key";
        return false;
      }
      return true;
    }
    case JwsAlg::kRS256:
      if (!EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_get_bits(key) < kMinRsaBits) {
        *why = "RS256 needs an RSA key of at least 2048 bits";
        return false;
      }
      return true;
    case JwsAlg::kEdDSA:
      if (!EVP_PKEY_is_a(key, "ED25519")) {
        *why = "EdDSA needs an Ed25519 key";
        return false;
      }
      return true;
    case JwsAlg::kHS256:
      break;
  }
  *why = "not an asymmetric algorithm";
  return false;
}

// ECDSA in JOSE is R||S, each left-padded to the curve size (RFC 7518 3.4);
// OpenSSL speaks DER.
std::string EcdsaDerToJose(std::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) return std::string();
  std::string out(2 * kEs256CoordinateBytes, '\0');
  auto* raw = reinterpret_cast<unsigned char*>(out.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), raw, kEs256CoordinateBytes) < 0 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), raw + kEs256CoordinateBytes,
                   kEs256CoordinateBytes) < 0) {
    return std::string();
  }
  return out;
}

std::string EcdsaJoseToDer(std::string_view jose) {
  if (jose.size() != 2 * kEs256CoordinateBytes) return std::string();
  const auto* raw = reinterpret_cast<const unsigned char*>(jose.data());
  BnPtr r(BN_bin2bn(raw, kEs256CoordinateBytes, nullptr));
  BnPtr s(BN_bin2bn(raw + kEs256CoordinateBytes, kEs256CoordinateBytes, nullptr));
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return std::string();
  r.release();  // now owned by sig
  s.release();
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return std::string();
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

// Big-endian bytes of a key's BIGNUM parameter; `pad` > 0 left-pads to that size.
bool BnParam(EVP_PKEY* key, const char* name, int pad, std::string* out) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) return false;
  BnPtr owned(bn);
  int len = pad > 0 ? pad : BN_num_bytes(bn);
  out->assign(static_cast<size_t>(len), '\0');
  auto* p = reinterpret_cast<unsigned char*>(out->data());
  return (pad > 0 ? BN_bn2binpad(bn, p, pad) : BN_bn2bin(bn, p)) >= 0;
}

}  // namespace

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return len > 0 ? std::string(data, static_cast<size_t>(len)) : std::string();
}

bool ParseJwsAlg(std::string_view name, JwsAlg* alg) {
  if (name == "HS256") {
    *alg = JwsAlg::kHS256;
  } else if (name == "ES256") {
    *alg = JwsAlg::kES256;
  } else if (name == "RS256") {
    *alg = JwsAlg::kRS256;
  } else if (name == "EdDSA") {
    *alg = JwsAlg::kEdDSA;
  } else {
    return false;
  }
  return true;
}

std::string_view JwsAlgName(JwsAlg alg) {
  switch (alg) {
    case JwsAlg::kHS256:
      return "HS256";
    case JwsAlg::kES256:
      return "ES256";
    case JwsAlg::kRS256:
      return "RS256";
    case JwsAlg::kEdDSA:
      return "EdDSA";
  }
  return "";
}

PkeyPtr LoadAsymmetricKey(JwsAlg alg, std::string_view private_pem, std::string_view public_pem,
                          bool* has_private, std::string* why) {
  PkeyPtr key;
  *has_private = !private_pem.empty();
  if (*has_private) {
    BioPtr bio = MemBio(private_pem);
    key.reset(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!key) {
      ERR_clear_error();
      *why = "cannot parse private key PEM";
      return nullptr;
    }
  }
  if (!public_pem.empty()) {
    BioPtr bio = MemBio(public_pem);
    PkeyPtr pub(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!pub) {
      ERR_clear_error();
      *why = "cannot parse public key PEM";
      return nullptr;
    }
    if (key && EVP_PKEY_eq(key.get(), pub.get()) != 1) {
      ERR_clear_error();
      *why = "public key does not match private key";
      return nullptr;
    }
    if (!key) key = std::move(pub);
  }
  if (!key) {
    *why = "no key material";
    return nullptr;
  }
  if (!KeyFitsAlg(alg, key.get(), why)) return nullptr;
  return key;
}

bool GenerateKeyPairPem(JwsAlg alg, std::string* private_pem, std::string* public_pem) {
  PkeyPtr key;
  switch (alg) {
    case JwsAlg::kES256:
      key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
      break;
    case JwsAlg::kRS256:
      key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(kMinRsaBits)));
      break;
    case JwsAlg::kEdDSA:
      key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
      break;
    case JwsAlg::kHS256:
      return false;
  }
  if (!key) return false;
  BioPtr priv(BIO_new(BIO_s_mem()));
  BioPtr pub(BIO_new(BIO_s_mem()));
  if (!priv || !pub ||
      PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_PUBKEY(pub.get(), key.get()) != 1) {
    ERR_clear_error();
    return false;
  }
  *private_pem = BioContents(priv.get());
  *public_pem = BioContents(pub.get());
  return true;
}

std::string AsymmetricSign(JwsAlg alg, EVP_PKEY* key, std::string_view input) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, DigestFor(alg), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, in, input.size()) != 1) {
    ERR_clear_error();
    return std::string();
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                     input.size()) != 1) {
    ERR_clear_error();
    return std::string();
  }
  sig.resize(len);
  return alg == JwsAlg::kES256 ? EcdsaDerToJose(sig) : sig;
}

bool AsymmetricVerify(JwsAlg alg, EVP_PKEY* key, std::string_view input,
                      std::string_view signature) {
  std::string der;
  if (alg == JwsAlg::kES256) {
    der = EcdsaJoseToDer(signature);
    if (der.empty()) return false;
    signature = der;
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, DigestFor(alg), nullptr, key) == 1 &&
            EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                             input.size()) == 1;
  // A failed verification leaves reasons on this thread's error queue; drop
  // them so they do not surface in some unrelated later call.
  ERR_clear_error();
  return ok;
}

std::string PublicJwk(JwsAlg alg, EVP_PKEY* key, std::string_view kid) {
  std::string jwk = "{";
  switch (alg) {
    case JwsAlg::kES256: {
      std::string x, y;
      if (!BnParam(key, OSSL_PKEY_PARAM_EC_PUB_X, kEs256CoordinateBytes, &x) ||
          !BnParam(key, OSSL_PKEY_PARAM_EC_PUB_Y, kEs256CoordinateBytes, &y)) {
        return std::string();
      }
      jwk += "\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + Base64UrlEncode(x) + "\",\"y\":\"" +
             Base64UrlEncode(y) + "\"";
      break;
    }
    case JwsAlg::kRS256: {
      std::string n, e;
      if (!BnParam(key, OSSL_PKEY_PARAM_RSA_N, 0, &n) ||
          !BnParam(key, OSSL_PKEY_PARAM_RSA_E, 0, &e)) {
        return std::string();
      }
      jwk += "\"kty\":\"RSA\",\"n\":\"" + Base64UrlEncode(n) + "\",\"e\":\"" + Base64UrlEncode(e) +
             "\"";
      break;
    }
    case JwsAlg::kEdDSA: {
      unsigned char raw[32];
      size_t len = sizeof raw;
      if (EVP_PKEY_get_raw_public_key(key, raw, &len) != 1) return std::string();
      jwk += "\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" +
             Base64UrlEncode(std::string_view(reinterpret_cast<char*>(raw), len)) + "\"";
      break;
    }
    case JwsAlg::kHS256:
      return std::string();  // secrets are never published
  }
  jwk += ",\"kid\":" + JsonQuote(kid) + ",\"alg\":\"" + std::string(JwsAlgName(alg)) +
         "\",\"use\":\"sig\"}";
  return jwk;
}

}  // namespace gh::crypto
