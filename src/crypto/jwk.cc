#include "crypto/jwk.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <memory>
#include <vector>

#include "crypto/hash.h"
#include "crypto/keys.h"

namespace gh::crypto {
namespace {

struct BldFree {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamsFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct CtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
using CtxPtr = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;

core::Error Bad(std::string why) {
  ERR_clear_error();
  return core::Error(core::errc::kInvalidRequest, std::move(why));
}

std::string Member(const std::map<std::string, std::string>& m, const char* name) {
  auto it = m.find(name);
  return it == m.end() ? std::string() : it->second;
}

// Decodes member `name` (base64url); false when absent or not base64url.
bool Bytes(const std::map<std::string, std::string>& m, const char* name, std::string* out) {
  std::string text = Member(m, name);
  return !text.empty() && Base64UrlDecode(text, out) && !out->empty();
}

// PEMs of `key` (the private one only when `with_private`).
bool ToPem(EVP_PKEY* key, bool with_private, core::SigningKeyRecord* r) {
  BioPtr pub(BIO_new(BIO_s_mem()));
  if (!pub || PEM_write_bio_PUBKEY(pub.get(), key) != 1) return false;
  r->public_pem = BioContents(pub.get());
  if (with_private) {
    BioPtr priv(BIO_new(BIO_s_mem()));
    if (!priv ||
        PEM_write_bio_PrivateKey(priv.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
      return false;
    r->private_pem = BioContents(priv.get());
  }
  return true;
}

// Builds an RSA or EC key from OpenSSL parameters and checks it.
core::Result<PkeyPtr> FromData(const char* type, OSSL_PARAM_BLD* bld, bool with_private,
                               const std::string& what) {
  std::unique_ptr<OSSL_PARAM, ParamsFree> params(OSSL_PARAM_BLD_to_param(bld));
  CtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, with_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                        params.get()) != 1)
    return Bad(what + ": OpenSSL cannot build a key from these numbers");
  PkeyPtr key(raw);
  CtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1)
    return Bad(what + ": the public key is not valid");
  if (with_private && EVP_PKEY_pairwise_check(check.get()) != 1)
    return Bad(what + ": the private part (d) does not belong to the public key");
  return key;
}

bool PushBn(OSSL_PARAM_BLD* bld, const char* param, const std::string& bytes,
            std::vector<BnPtr>* keep) {
  BnPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                     static_cast<int>(bytes.size()), nullptr));
  if (!bn || OSSL_PARAM_BLD_push_BN(bld, param, bn.get()) != 1) return false;
  keep->push_back(std::move(bn));  // the builder refers to it until to_param
  return true;
}

core::Result<PkeyPtr> Rsa(const std::map<std::string, std::string>& m, bool with_private) {
  std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
  std::vector<BnPtr> keep;
  std::string n, e;
  if (!Bytes(m, "n", &n) || !Bytes(m, "e", &e)) return Bad("RSA key: n or e is not base64url");
  bool ok = bld && PushBn(bld.get(), OSSL_PKEY_PARAM_RSA_N, n, &keep) &&
            PushBn(bld.get(), OSSL_PKEY_PARAM_RSA_E, e, &keep);
  if (with_private) {
    // The CRT numbers make the pairwise check (and signing) possible.
    const std::pair<const char*, const char*> kPrivate[] = {
        {"d", OSSL_PKEY_PARAM_RSA_D},          {"p", OSSL_PKEY_PARAM_RSA_FACTOR1},
        {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},    {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},
        {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2}, {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1}};
    for (const auto& [member, param] : kPrivate) {
      std::string bytes;
      if (!Bytes(m, member, &bytes))
        return Bad(std::string("RSA private key: \"") + member +
                   "\" is missing or not base64url (d, p, q, dp, dq and qi are all needed)");
      ok = ok && PushBn(bld.get(), param, bytes, &keep);
    }
  }
  if (!ok) return Bad("RSA key: cannot read its numbers");
  return FromData("RSA", bld.get(), with_private, "RSA key");
}

core::Result<PkeyPtr> Ec(const std::map<std::string, std::string>& m, bool with_private) {
  std::string x, y;
  if (!Bytes(m, "x", &x) || !Bytes(m, "y", &y) || x.size() != 32 || y.size() != 32)
    return Bad("EC key: x and y must be 32 bytes each (P-256), base64url");
  std::string point = "\x04" + x + y;  // uncompressed SEC1 point
  std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
  std::vector<BnPtr> keep;
  bool ok =
      bld &&
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0) == 1 &&
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) == 1;
  if (with_private) {
    std::string d;
    if (!Bytes(m, "d", &d) || d.size() != 32)
      return Bad("EC private key: d must be 32 bytes, base64url");
    ok = ok && PushBn(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d, &keep);
  }
  if (!ok) return Bad("EC key: cannot read its numbers");
  return FromData("EC", bld.get(), with_private, "EC key");
}

core::Result<PkeyPtr> Ed25519(const std::map<std::string, std::string>& m, bool with_private) {
  std::string x;
  if (!Bytes(m, "x", &x) || x.size() != 32)
    return Bad("OKP key: x must be 32 bytes (Ed25519), base64url");
  const auto* px = reinterpret_cast<const unsigned char*>(x.data());
  if (!with_private) {
    PkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, px, x.size()));
    if (!key) return Bad("OKP key: not an Ed25519 public key");
    return key;
  }
  std::string d;
  if (!Bytes(m, "d", &d) || d.size() != 32)
    return Bad("OKP private key: d must be 32 bytes, base64url");
  PkeyPtr key(EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(d.data()), d.size()));
  unsigned char pub[32];
  size_t len = sizeof pub;
  if (!key || EVP_PKEY_get_raw_public_key(key.get(), pub, &len) != 1 || len != x.size() ||
      CRYPTO_memcmp(pub, px, len) != 0)
    return Bad("OKP key: the private part (d) does not belong to x");
  return key;
}

}  // namespace

core::Result<core::SigningKeyRecord> SigningKeyFromJwk(
    std::string_view kid, std::string_view alg, const std::map<std::string, std::string>& members,
    bool with_private) {
  core::SigningKeyRecord r;
  r.kid = std::string(kid);
  r.algorithm = std::string(alg);
  if (alg == "HS256") {
    std::string k;
    if (!Bytes(members, "k", &k)) return Bad("oct key: k is missing or not base64url");
    if (k.size() < kMinHmacSecretBytes)
      return Bad("oct key: k is " + std::to_string(k.size()) + " bytes; HS256 needs at least 32");
    r.private_pem = Base64UrlEncode(k);
    return r;
  }
  core::Result<PkeyPtr> key =
      alg == "RS256"   ? Rsa(members, with_private)
      : alg == "ES256" ? Ec(members, with_private)
      : alg == "EdDSA" ? Ed25519(members, with_private)
                       : core::Result<PkeyPtr>(Bad("unsupported algorithm " + std::string(alg)));
  if (!key) return key.error();
  if (alg == "RS256" && EVP_PKEY_get_bits(key->get()) < 2048)
    return Bad("RSA key: " + std::to_string(EVP_PKEY_get_bits(key->get())) +
               " bits; RS256 needs at least 2048");
  if (!ToPem(key->get(), with_private, &r)) return Bad("cannot export the key");
  return r;
}

}  // namespace gh::crypto
