// Test helpers for the oauth tests: signing keys generated with OpenSSL, their
// public JWKs, and tokens signed with them, as an identity provider would.
#pragma once

#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/hash.h"
#include "crypto/keys.h"

namespace gh::testing {

struct TestKey {
  crypto::JwsAlg alg = crypto::JwsAlg::kRS256;
  std::string kid;
  std::string private_pem;
  std::string public_pem;
  crypto::PkeyPtr pkey;

  nlohmann::json Jwk() const {
    return nlohmann::json::parse(crypto::PublicJwk(alg, pkey.get(), kid));
  }
  // A compact JWS of `claims` under `header` (alg and kid filled in unless set).
  std::string Sign(const nlohmann::json& claims,
                   nlohmann::json header = nlohmann::json::object()) const {
    if (!header.contains("alg")) header["alg"] = std::string(crypto::JwsAlgName(alg));
    if (!header.contains("kid")) header["kid"] = kid;
    std::string input =
        crypto::Base64UrlEncode(header.dump()) + "." + crypto::Base64UrlEncode(claims.dump());
    return input + "." + crypto::Base64UrlEncode(crypto::AsymmetricSign(alg, pkey.get(), input));
  }
};

inline TestKey MakeTestKey(crypto::JwsAlg alg, std::string kid) {
  TestKey k;
  k.alg = alg;
  k.kid = std::move(kid);
  if (!crypto::GenerateKeyPairPem(alg, &k.private_pem, &k.public_pem)) std::abort();
  bool has_private = false;
  std::string why;
  k.pkey = crypto::LoadAsymmetricKey(alg, k.private_pem, "", &has_private, &why);
  if (!k.pkey) std::abort();
  return k;
}

inline std::string JwksOf(const std::vector<const TestKey*>& keys) {
  nlohmann::json doc = {{"keys", nlohmann::json::array()}};
  for (const TestKey* k : keys) doc["keys"].push_back(k->Jwk());
  return doc.dump();
}

}  // namespace gh::testing
