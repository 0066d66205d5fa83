// Attestation objects and their statements, `none` and `packed` (see
// webauthn.h). WebAuthn Level 3 section 8.2 says what a packed statement and
// its certificate must show.

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto/webauthn.h"
#include "crypto/webauthn_cbor.h"

namespace gh::crypto::webauthn {

namespace {

using detail::CborPtr;
using detail::Fail;

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct ObjFree {
  void operator()(ASN1_OBJECT* o) const { ASN1_OBJECT_free(o); }
};

// id-fido-gen-ce-aaguid: the AAGUID an attestation certificate vouches for.
constexpr char kAaguidOid[] = "1.3.6.1.4.1.45724.1.1.4";
constexpr char kAttestationOu[] = "Authenticator Attestation";

bool KeyFits(int64_t alg, EVP_PKEY* key) {
  const int id = EVP_PKEY_get_base_id(key);
  if (alg == kES256) {
    char group[32] = {0};
    size_t len = 0;
    return id == EVP_PKEY_EC && EVP_PKEY_get_group_name(key, group, sizeof(group), &len) == 1 &&
           std::string_view(group, len) == "prime256v1";
  }
  if (alg == kRS256) return id == EVP_PKEY_RSA && EVP_PKEY_get_bits(key) >= 2048;
  if (alg == kEdDSA) return id == EVP_PKEY_ED25519;
  return false;
}

bool HasAttestationOu(X509* cert) {
  X509_NAME* subject = X509_get_subject_name(cert);
  const int at = X509_NAME_get_index_by_NID(subject, NID_organizationalUnitName, -1);
  if (at < 0) return false;
  const ASN1_STRING* ou = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, at));
  const std::string_view text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(ou)),
                              static_cast<size_t>(ASN1_STRING_length(ou)));
  return text == kAttestationOu;
}

// Empty when the certificate's AAGUID extension is absent or names `aaguid`,
// else the reason.
std::string AaguidMismatch(X509* cert, std::string_view aaguid) {
  std::unique_ptr<ASN1_OBJECT, ObjFree> oid(OBJ_txt2obj(kAaguidOid, 1));
  if (!oid) return "cannot make the AAGUID OID";
  const int at = X509_get_ext_by_OBJ(cert, oid.get(), -1);
  if (at < 0) return std::string();
  X509_EXTENSION* ext = X509_get_ext(cert, at);
  if (X509_EXTENSION_get_critical(ext)) return "AAGUID extension marked critical";
  const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(ext);
  // The extension value is itself a DER OCTET STRING of 16 bytes.
  const std::string_view der(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                             static_cast<size_t>(ASN1_STRING_length(data)));
  if (der.size() != 18 || der[0] != 0x04 || der[1] != 0x10 || der.substr(2) != aaguid)
    return "certificate AAGUID differs from the authenticator's";
  return std::string();
}

core::Result<void> VerifyPacked(const cbor_item_t* stmt, const AttestationObject& obj,
                                std::string_view signed_data) {
  int64_t alg = 0;
  std::string sig;
  if (!detail::AsInt(detail::MapGet(stmt, "alg"), &alg) ||
      !detail::AsBytes(detail::MapGet(stmt, "sig"), &sig))
    return Fail("packed statement without alg or sig");
  const cbor_item_t* x5c = detail::MapGet(stmt, "x5c");
  if (!x5c) {
    // Self attestation: the credential signs for itself.
    if (alg != obj.auth_data.credential->alg) return Fail("self attestation alg differs");
    if (!VerifyCoseSignature(obj.auth_data.credential->cose_key, signed_data, sig))
      return Fail("self attestation signature does not verify");
    return core::Ok();
  }
  std::string der;
  if (!cbor_isa_array(x5c) || !cbor_array_is_definite(x5c) || cbor_array_size(x5c) == 0 ||
      !detail::AsBytes(cbor_array_handle(x5c)[0], &der))
    return Fail("x5c is not an array of certificates");
  for (size_t i = 1; i < cbor_array_size(x5c); ++i) {
    std::string ignored;
    if (!detail::AsBytes(cbor_array_handle(x5c)[i], &ignored)) return Fail("x5c entry not bytes");
  }
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<X509, X509Free> cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  const bool whole = cert && p == reinterpret_cast<const unsigned char*>(der.data()) + der.size();
  ERR_clear_error();
  if (!whole) return Fail("attestation certificate is not DER X.509");
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  ERR_clear_error();
  if (!key || !KeyFits(alg, key)) return Fail("attestation certificate key does not fit alg");
  if (!detail::VerifyWith(alg, key, signed_data, sig))
    return Fail("attestation signature does not verify");
  if (X509_get_version(cert.get()) != 2) return Fail("attestation certificate is not version 3");
  const int ca = X509_check_ca(cert.get());
  ERR_clear_error();
  if (ca != 0) return Fail("attestation certificate is a CA");
  if (!HasAttestationOu(cert.get()))
    return Fail("attestation certificate OU is not Authenticator Attestation");
  const std::string mismatch = AaguidMismatch(cert.get(), obj.auth_data.credential->aaguid);
  ERR_clear_error();
  if (!mismatch.empty()) return Fail(mismatch);
  return core::Ok();
}

}  // namespace

core::Result<AttestationObject> ParseAndVerifyAttestation(std::string_view cbor,
                                                          std::string_view client_data_hash) {
  if (cbor.size() > kMaxAttestationBytes) return Fail("attestation object too large");
  size_t used = 0;
  CborPtr root = detail::Load(cbor, &used);
  if (!root || used != cbor.size() || !cbor_isa_map(root.get()))
    return Fail("attestation object is not one CBOR map");
  AttestationObject out;
  const cbor_item_t* stmt = detail::MapGet(root.get(), "attStmt");
  if (!detail::AsText(detail::MapGet(root.get(), "fmt"), &out.fmt) ||
      !detail::AsBytes(detail::MapGet(root.get(), "authData"), &out.auth_data_bytes) || !stmt ||
      !cbor_isa_map(stmt) || !cbor_map_is_definite(stmt))
    return Fail("attestation object without fmt, attStmt or authData");
  auto auth = ParseAuthenticatorData(out.auth_data_bytes);
  if (!auth) return auth.error();
  out.auth_data = std::move(*auth);
  if (!out.auth_data.credential) return Fail("attestation without a credential");

  if (out.fmt == "none") {
    if (cbor_map_size(stmt) != 0) return Fail("none attestation with a statement");
    return out;
  }
  if (out.fmt == "packed") {
    std::string signed_data = out.auth_data_bytes;
    signed_data.append(client_data_hash);
    auto ok = VerifyPacked(stmt, out, signed_data);
    if (!ok) return ok.error();
    return out;
  }
  return Fail("unsupported attestation format");
}

}  // namespace gh::crypto::webauthn
