// CBOR look-ups, COSE keys and authenticator data (see webauthn.h and
// webauthn_cbor.h).

#include "crypto/webauthn_cbor.h"

#include <openssl/err.h>

#include <limits>

#include "crypto/webauthn.h"

namespace gh::crypto::webauthn {

namespace detail {

namespace {

// COSE_Key labels and values (RFC 9052 / RFC 9053).
constexpr int64_t kKty = 1;
constexpr int64_t kAlg = 3;
constexpr int64_t kCrvOrN = -1;  // EC2/OKP crv; RSA n
constexpr int64_t kXOrE = -2;    // EC2/OKP x; RSA e
constexpr int64_t kY = -3;
constexpr int64_t kKtyOkp = 1;
constexpr int64_t kKtyEc2 = 2;
constexpr int64_t kKtyRsa = 3;
constexpr int64_t kCrvP256 = 1;
constexpr int64_t kCrvEd25519 = 6;

// What the pre-scan of SizesFit tracks: the bytes left from the current
// header on, the items still to come in the first top-level item, and
// whether every collection so far could fit.
struct SizeScan {
  size_t remaining = 0;
  size_t pending = 1;
  bool ok = true;
};

// libcbor allocates a definite array or map for its declared length before
// reading a single element, so a five-byte header can ask for gigabytes (the
// fuzz targets found it). Walk the headers of the first item with libcbor's
// streaming decoder first and refuse any collection that declares more
// elements than there are bytes left (each element takes at least one), and
// indefinite lengths, which CTAP2's canonical CBOR never uses.
bool SizesFit(std::string_view bytes) {
  cbor_callbacks cb = cbor_empty_callbacks;
  cb.array_start = [](void* ctx, size_t n) {
    auto* s = static_cast<SizeScan*>(ctx);
    if (n > s->remaining)
      s->ok = false;
    else
      s->pending += n;
  };
  cb.map_start = [](void* ctx, size_t n) {
    auto* s = static_cast<SizeScan*>(ctx);
    if (n > s->remaining / 2)
      s->ok = false;
    else
      s->pending += 2 * n;
  };
  cb.tag = [](void* ctx, uint64_t) { ++static_cast<SizeScan*>(ctx)->pending; };
  auto refuse = [](void* ctx) { static_cast<SizeScan*>(ctx)->ok = false; };
  cb.indef_array_start = refuse;
  cb.indef_map_start = refuse;
  cb.byte_string_start = refuse;
  cb.string_start = refuse;
  SizeScan scan;
  size_t pos = 0;
  while (scan.pending > 0 && scan.ok) {
    if (pos >= bytes.size()) return false;
    scan.remaining = bytes.size() - pos;
    --scan.pending;
    const cbor_decoder_result r = cbor_stream_decode(
        reinterpret_cast<cbor_data>(bytes.data() + pos), bytes.size() - pos, &cb, &scan);
    if (r.status != CBOR_DECODER_FINISHED || r.read == 0) return false;
    pos += r.read;
  }
  return scan.ok;
}

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

core::Error Fail(std::string_view reason) {
  return core::Error(core::errc::kInvalidWebauthn, std::string(reason));
}

CborPtr Load(std::string_view bytes, size_t* consumed) {
  *consumed = 0;
  if (bytes.empty() || bytes.size() > kMaxAttestationBytes || !SizesFit(bytes)) return nullptr;
  cbor_load_result result{};
  CborPtr item(cbor_load(reinterpret_cast<cbor_data>(bytes.data()), bytes.size(), &result));
  if (!item || result.error.code != CBOR_ERR_NONE) return nullptr;
  *consumed = result.read;
  return item;
}

const cbor_item_t* MapGet(const cbor_item_t* map, int64_t key) {
  if (!map || !cbor_isa_map(map) || !cbor_map_is_definite(map)) return nullptr;
  const cbor_pair* pairs = cbor_map_handle(map);
  for (size_t i = 0; i < cbor_map_size(map); ++i) {
    int64_t k = 0;
    if (AsInt(pairs[i].key, &k) && k == key) return pairs[i].value;
  }
  return nullptr;
}

const cbor_item_t* MapGet(const cbor_item_t* map, std::string_view key) {
  if (!map || !cbor_isa_map(map) || !cbor_map_is_definite(map)) return nullptr;
  const cbor_pair* pairs = cbor_map_handle(map);
  for (size_t i = 0; i < cbor_map_size(map); ++i) {
    std::string k;
    if (AsText(pairs[i].key, &k) && k == key) return pairs[i].value;
  }
  return nullptr;
}

bool AsInt(const cbor_item_t* item, int64_t* out) {
  if (!item) return false;
  const uint64_t v = cbor_isa_uint(item) || cbor_isa_negint(item) ? cbor_get_int(item) : 0;
  if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
  if (cbor_isa_uint(item)) {
    *out = static_cast<int64_t>(v);
    return true;
  }
  if (cbor_isa_negint(item)) {
    *out = -1 - static_cast<int64_t>(v);  // CBOR major type 1 encodes -1 - n
    return true;
  }
  return false;
}

bool AsBytes(const cbor_item_t* item, std::string* out) {
  if (!item || !cbor_isa_bytestring(item) || !cbor_bytestring_is_definite(item)) return false;
  out->assign(reinterpret_cast<const char*>(cbor_bytestring_handle(item)),
              cbor_bytestring_length(item));
  return true;
}

bool AsText(const cbor_item_t* item, std::string* out) {
  if (!item || !cbor_isa_string(item) || !cbor_string_is_definite(item)) return false;
  out->assign(reinterpret_cast<const char*>(cbor_string_handle(item)), cbor_string_length(item));
  return true;
}

PkeyPtr CoseToPkey(const cbor_item_t* map, int64_t* alg, std::string* why) {
  int64_t kty = 0;
  if (!map || !cbor_isa_map(map) || !AsInt(MapGet(map, kKty), &kty) ||
      !AsInt(MapGet(map, kAlg), alg)) {
    *why = "COSE key without kty or alg";
    return nullptr;
  }
  int64_t crv = 0;
  std::string a, b;
  if (*alg == kES256) {
    if (kty != kKtyEc2 || !AsInt(MapGet(map, kCrvOrN), &crv) || crv != kCrvP256 ||
        !AsBytes(MapGet(map, kXOrE), &a) || !AsBytes(MapGet(map, kY), &b)) {
      *why = "ES256 key is not an EC2 P-256 key with x and y";
      return nullptr;
    }
    return P256Key(a, b, why);
  }
  if (*alg == kRS256) {
    if (kty != kKtyRsa || !AsBytes(MapGet(map, kCrvOrN), &a) || !AsBytes(MapGet(map, kXOrE), &b)) {
      *why = "RS256 key is not an RSA key with n and e";
      return nullptr;
    }
    return RsaKey(a, b, why);
  }
  if (*alg == kEdDSA) {
    if (kty != kKtyOkp || !AsInt(MapGet(map, kCrvOrN), &crv) || crv != kCrvEd25519 ||
        !AsBytes(MapGet(map, kXOrE), &a) || a.size() != 32) {
      *why = "EdDSA key is not an OKP Ed25519 key with a 32-byte x";
      return nullptr;
    }
    PkeyPtr key(EVP_PKEY_new_raw_public_key(
        EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(a.data()), a.size()));
    ERR_clear_error();
    if (!key) *why = "not an Ed25519 public key";
    return key;
  }
  *why = "unsupported COSE algorithm";
  return nullptr;
}

bool VerifyWith(int64_t alg, EVP_PKEY* key, std::string_view data, std::string_view signature) {
  if (!key || (alg != kES256 && alg != kRS256 && alg != kEdDSA)) return false;
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  // Ed25519 signs the message itself; the others hash it with SHA-256.
  const EVP_MD* md = alg == kEdDSA ? nullptr : EVP_sha256();
  const bool ok =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) == 1;
  // A failed verification leaves reasons on this thread's error queue.
  ERR_clear_error();
  return ok;
}

}  // namespace detail

using detail::CborPtr;

core::Result<int64_t> CheckCoseKey(std::string_view bytes, size_t* consumed) {
  size_t used = 0;
  CborPtr item = detail::Load(bytes, &used);
  if (!item) return detail::Fail("COSE key is not CBOR");
  if (!consumed && used != bytes.size()) return detail::Fail("bytes after the COSE key");
  int64_t alg = 0;
  std::string why;
  if (!detail::CoseToPkey(item.get(), &alg, &why)) return detail::Fail(why);
  if (consumed) *consumed = used;
  return alg;
}

bool VerifyCoseSignature(std::string_view cose_key, std::string_view data,
                         std::string_view signature) {
  size_t used = 0;
  CborPtr item = detail::Load(cose_key, &used);
  if (!item || used != cose_key.size()) return false;
  int64_t alg = 0;
  std::string why;
  PkeyPtr key = detail::CoseToPkey(item.get(), &alg, &why);
  return key && detail::VerifyWith(alg, key.get(), data, signature);
}

core::Result<AuthenticatorData> ParseAuthenticatorData(std::string_view bytes) {
  constexpr size_t kFixed = 37;  // rpIdHash 32, flags 1, signCount 4
  if (bytes.size() < kFixed || bytes.size() > kMaxAttestationBytes)
    return detail::Fail("authenticator data has an impossible length");
  const auto* u = reinterpret_cast<const unsigned char*>(bytes.data());
  AuthenticatorData out;
  out.rp_id_hash = std::string(bytes.substr(0, 32));
  out.flags = u[32];
  out.sign_count =
      (uint32_t{u[33]} << 24) | (uint32_t{u[34]} << 16) | (uint32_t{u[35]} << 8) | uint32_t{u[36]};
  if (out.backed_up() && !out.backup_eligible())
    return detail::Fail("backup state without backup eligibility");
  size_t pos = kFixed;
  if (out.flags & kFlagAt) {
    constexpr size_t kAttestedFixed = 18;  // aaguid 16, credentialIdLength 2
    if (bytes.size() - pos < kAttestedFixed) return detail::Fail("attested data is cut short");
    AttestedCredential cred;
    cred.aaguid = std::string(bytes.substr(pos, 16));
    const size_t id_len = (size_t{u[pos + 16]} << 8) | size_t{u[pos + 17]};
    pos += kAttestedFixed;
    if (id_len == 0 || id_len > kMaxCredentialIdBytes || bytes.size() - pos < id_len)
      return detail::Fail("credential id has an impossible length");
    cred.credential_id = std::string(bytes.substr(pos, id_len));
    pos += id_len;
    size_t used = 0;
    auto alg = CheckCoseKey(bytes.substr(pos), &used);
    if (!alg) return alg.error();
    cred.alg = *alg;
    cred.cose_key = std::string(bytes.substr(pos, used));
    pos += used;
    out.credential = std::move(cred);
  }
  if (out.flags & kFlagEd) {
    size_t used = 0;
    CborPtr ext = detail::Load(bytes.substr(pos), &used);
    if (!ext || !cbor_isa_map(ext.get())) return detail::Fail("extensions are not a CBOR map");
    pos += used;
  }
  if (pos != bytes.size()) return detail::Fail("bytes after the authenticator data");
  return out;
}

}  // namespace gh::crypto::webauthn
