// Internal to crypto/webauthn*.cc: owning handles and typed look-ups over
// libcbor items, and COSE keys as OpenSSL keys. Only definite-length items
// are read: authenticators encode CTAP2's canonical CBOR, which has no
// indefinite lengths.
//
// Thread safety: functions are pure; an item is used by one thread.
#pragma once

#include <cbor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "crypto/keys.h"

namespace gh::crypto::webauthn::detail {

struct CborFree {
  void operator()(cbor_item_t* item) const { cbor_decref(&item); }
};
using CborPtr = std::unique_ptr<cbor_item_t, CborFree>;

// Error{invalid-webauthn} with `reason`.
core::Error Fail(std::string_view reason);

// Decodes one CBOR item from the front of `bytes`; *consumed gets its length.
// Null on malformed input.
CborPtr Load(std::string_view bytes, size_t* consumed);

// The value under an integer or a text key of a definite map, or null.
const cbor_item_t* MapGet(const cbor_item_t* map, int64_t key);
const cbor_item_t* MapGet(const cbor_item_t* map, std::string_view key);

// An unsigned or negative integer that fits int64_t.
bool AsInt(const cbor_item_t* item, int64_t* out);
// A definite byte string or text string.
bool AsBytes(const cbor_item_t* item, std::string* out);
bool AsText(const cbor_item_t* item, std::string* out);

// The OpenSSL key of a COSE_Key map; sets *alg. Null with *why on a key that
// is not one of ES256, RS256, EdDSA or does not load.
PkeyPtr CoseToPkey(const cbor_item_t* map, int64_t* alg, std::string* why);

// Verifies `signature` of `data` under `key` as COSE `alg` signs (see
// VerifyCoseSignature).
bool VerifyWith(int64_t alg, EVP_PKEY* key, std::string_view data, std::string_view signature);

}  // namespace gh::crypto::webauthn::detail
