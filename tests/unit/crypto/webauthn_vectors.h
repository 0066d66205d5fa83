// Test helper: a software authenticator. Makes WebAuthn inputs in their real
// wire formats (COSE keys, authenticator data, attestation objects none and
// packed, client data JSON, assertion signatures) from OpenSSL keys, so the
// verifier's tests and the flows' tests feed it what a browser would.
//
// Header-only; not thread-safe (each test builds its own).
#pragma once

#include <cbor.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "crypto/hash.h"
#include "crypto/webauthn.h"

namespace gh::testing::webauthn {

namespace wa = gh::crypto::webauthn;

struct PkeyDel {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDel>;

inline std::string BnBytes(EVP_PKEY* key, const char* name, size_t pad) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) throw std::runtime_error("bn param");
  std::string out(pad ? pad : static_cast<size_t>(BN_num_bytes(bn)), '\0');
  if (pad)
    BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(pad));
  else
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

// CBOR building, with every item owned until serialised.
struct Cbor {
  cbor_item_t* item;
  explicit Cbor(cbor_item_t* i) : item(i) {}
  Cbor(const Cbor&) = delete;
  ~Cbor() {
    if (item) cbor_decref(&item);
  }
  std::string Bytes() const {
    unsigned char* buf = nullptr;
    size_t size = 0;
    const size_t len = cbor_serialize_alloc(item, &buf, &size);
    std::string out(reinterpret_cast<char*>(buf), len);
    free(buf);
    return out;
  }
};

inline cbor_item_t* Int(int64_t v) {
  return v >= 0 ? cbor_build_uint64(static_cast<uint64_t>(v))
                : cbor_build_negint64(static_cast<uint64_t>(-1 - v));
}
inline cbor_item_t* Bstr(const std::string& s) {
  return cbor_build_bytestring(reinterpret_cast<cbor_data>(s.data()), s.size());
}
inline cbor_item_t* Tstr(const std::string& s) { return cbor_build_stringn(s.data(), s.size()); }
inline void Put(cbor_item_t* map, cbor_item_t* k, cbor_item_t* v) {
  cbor_map_add(map, cbor_pair{cbor_move(k), cbor_move(v)});
}

// An authenticator key pair for a COSE alg (ES256, RS256, EdDSA).
struct Key {
  int64_t alg = wa::kES256;
  Pkey pkey;

  static Key Make(int64_t alg) {
    Key k;
    k.alg = alg;
    if (alg == wa::kES256)
      k.pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    else if (alg == wa::kRS256)
      k.pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
    else
      k.pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    if (!k.pkey) throw std::runtime_error("keygen");
    return k;
  }

  std::string Cose() const {
    Cbor m(cbor_new_definite_map(alg == wa::kES256 ? 5 : 4));
    if (alg == wa::kES256) {
      Put(m.item, Int(1), Int(2));
      Put(m.item, Int(3), Int(alg));
      Put(m.item, Int(-1), Int(1));
      Put(m.item, Int(-2), Bstr(BnBytes(pkey.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32)));
      Put(m.item, Int(-3), Bstr(BnBytes(pkey.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32)));
    } else if (alg == wa::kRS256) {
      Put(m.item, Int(1), Int(3));
      Put(m.item, Int(3), Int(alg));
      Put(m.item, Int(-1), Bstr(BnBytes(pkey.get(), OSSL_PKEY_PARAM_RSA_N, 0)));
      Put(m.item, Int(-2), Bstr(BnBytes(pkey.get(), OSSL_PKEY_PARAM_RSA_E, 0)));
    } else {
      std::string x(32, '\0');
      size_t len = x.size();
      EVP_PKEY_get_raw_public_key(pkey.get(), reinterpret_cast<unsigned char*>(x.data()), &len);
      Put(m.item, Int(1), Int(1));
      Put(m.item, Int(3), Int(alg));
      Put(m.item, Int(-1), Int(6));
      Put(m.item, Int(-2), Bstr(x));
    }
    return m.Bytes();
  }

  std::string Sign(const std::string& data) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const EVP_MD* md = alg == wa::kEdDSA ? nullptr : EVP_sha256();
    size_t len = 0;
    std::string sig;
    if (EVP_DigestSignInit(ctx, nullptr, md, nullptr, pkey.get()) == 1 &&
        EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) == 1) {
      sig.resize(len);
      EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size());
      sig.resize(len);
    }
    EVP_MD_CTX_free(ctx);
    if (sig.empty()) throw std::runtime_error("sign");
    return sig;
  }
};

inline std::string Be32(uint32_t v) {
  return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                     static_cast<char>(v >> 8), static_cast<char>(v)};
}

inline const std::string kAaguid =
    std::string("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10", 16);

// Authenticator data: with `cose` set, attested credential data (flag AT).
inline std::string AuthData(const std::string& rp_id, uint8_t flags, uint32_t count,
                            const std::string& credential_id = "", const std::string& cose = "",
                            const std::string& aaguid = kAaguid) {
  std::string out = crypto::Sha256(rp_id);
  if (!cose.empty()) flags |= wa::kFlagAt;
  out.push_back(static_cast<char>(flags));
  out += Be32(count);
  if (!cose.empty()) {
    out += aaguid;
    out.push_back(static_cast<char>(credential_id.size() >> 8));
    out.push_back(static_cast<char>(credential_id.size() & 0xff));
    out += credential_id;
    out += cose;
  }
  return out;
}

inline std::string ClientData(const std::string& type, const std::string& challenge,
                              const std::string& origin, bool cross_origin = false) {
  return "{\"type\":\"" + type + "\",\"challenge\":\"" + crypto::Base64UrlEncode(challenge) +
         "\",\"origin\":\"" + origin + "\",\"crossOrigin\":" + (cross_origin ? "true" : "false") +
         "}";
}

// An attestation object; `stmt` is consumed.
inline std::string AttObject(const std::string& fmt, const std::string& auth_data,
                             cbor_item_t* stmt) {
  Cbor m(cbor_new_definite_map(3));
  Put(m.item, Tstr("fmt"), Tstr(fmt));
  Put(m.item, Tstr("attStmt"), stmt);
  Put(m.item, Tstr("authData"), Bstr(auth_data));
  return m.Bytes();
}

inline std::string NoneAttestation(const std::string& auth_data) {
  return AttObject("none", auth_data, cbor_new_definite_map(0));
}

// packed: signed by `signer` over authData || SHA-256(clientDataJSON); with
// `x5c` (DER certificates) a full statement, else self attestation.
inline std::string PackedAttestation(const std::string& auth_data, const std::string& client_data,
                                     const Key& signer, const std::vector<std::string>& x5c = {}) {
  cbor_item_t* stmt = cbor_new_definite_map(x5c.empty() ? 2 : 3);
  Put(stmt, Tstr("alg"), Int(signer.alg));
  Put(stmt, Tstr("sig"), Bstr(signer.Sign(auth_data + crypto::Sha256(client_data))));
  if (!x5c.empty()) {
    cbor_item_t* arr = cbor_new_definite_array(x5c.size());
    for (const std::string& c : x5c) cbor_array_push(arr, cbor_move(Bstr(c)));
    Put(stmt, Tstr("x5c"), arr);
  }
  return AttObject("packed", auth_data, stmt);
}

struct CertSpec {
  std::string ou = "Authenticator Attestation";
  bool ca = false;
  std::optional<std::string> aaguid = kAaguid;
};

// A self-signed version-3 attestation certificate for `key`, DER.
inline std::string AttestationCert(const Key& key, const CertSpec& spec = {}) {
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600 * 24);
  X509_NAME* name = X509_get_subject_name(x);
  auto add = [&](const char* f, const std::string& v) {
    X509_NAME_add_entry_by_txt(name, f, MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(v.data()),
                               static_cast<int>(v.size()), -1, 0);
  };
  add("C", "SE");
  add("O", "Gatehouse Test");
  add("OU", spec.ou);
  add("CN", "Test Authenticator");
  X509_set_issuer_name(x, name);
  X509_set_pubkey(x, key.pkey.get());
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  X509_EXTENSION* bc = X509V3_EXT_conf_nid(nullptr, &ctx, NID_basic_constraints,
                                           spec.ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  X509_add_ext(x, bc, -1);
  X509_EXTENSION_free(bc);
  if (spec.aaguid) {
    ASN1_OBJECT* oid = OBJ_txt2obj("1.3.6.1.4.1.45724.1.1.4", 1);
    std::string der = std::string("\x04\x10", 2) + *spec.aaguid;
    ASN1_OCTET_STRING* os = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(os, reinterpret_cast<const unsigned char*>(der.data()),
                          static_cast<int>(der.size()));
    X509_EXTENSION* ext = X509_EXTENSION_create_by_OBJ(nullptr, oid, 0, os);
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    ASN1_OCTET_STRING_free(os);
    ASN1_OBJECT_free(oid);
  }
  X509_sign(x, key.pkey.get(), key.alg == wa::kEdDSA ? nullptr : EVP_sha256());
  unsigned char* buf = nullptr;
  const int len = i2d_X509(x, &buf);
  std::string out(reinterpret_cast<char*>(buf), static_cast<size_t>(len));
  OPENSSL_free(buf);
  X509_free(x);
  return out;
}

// A credential as a browser would hold it: its key, id and counter.
struct Authenticator {
  Key key;
  std::string credential_id;
  uint32_t count = 0;
  std::string rp_id = "example.com";
  std::string origin = "https://example.com";

  explicit Authenticator(int64_t alg = wa::kES256, std::string id = "cred-1")
      : key(Key::Make(alg)), credential_id(std::move(id)) {}

  // Client data and a none attestation object for a create() with `challenge`.
  std::pair<std::string, std::string> Create(const std::string& challenge,
                                             uint8_t flags = wa::kFlagUp | wa::kFlagUv) const {
    const std::string cd = ClientData("webauthn.create", challenge, origin);
    return {cd, NoneAttestation(AuthData(rp_id, flags, count, credential_id, key.Cose()))};
  }

  struct Signed {
    std::string client_data, auth_data, signature;
  };
  // An assertion for a get() with `challenge`; advances the counter first.
  Signed Get(const std::string& challenge, uint8_t flags = wa::kFlagUp | wa::kFlagUv) {
    ++count;
    Signed s;
    s.client_data = ClientData("webauthn.get", challenge, origin);
    s.auth_data = AuthData(rp_id, flags, count);
    s.signature = key.Sign(s.auth_data + crypto::Sha256(s.client_data));
    return s;
  }
};

}  // namespace gh::testing::webauthn
