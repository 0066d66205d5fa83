#include "config/jwt_keys.h"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

namespace gh::config {
namespace {

core::Error Bad(std::string message) {
  return core::Error(core::errc::kInvalidRequest, std::move(message));
}

// The algorithm a key type means here, checking a given `alg` against it.
// Returns an empty string and sets *why when the pair is not one we sign with.
std::string AlgFor(const std::string& kty, const std::string& crv, const std::string& given,
                   std::string* why) {
  std::string implied;
  if (kty == "RSA") {
    implied = "RS256";
  } else if (kty == "EC") {
    if (crv != "P-256") {
      *why = "EC curve \"" + crv + "\" is not supported (only P-256, for ES256)";
      return {};
    }
    implied = "ES256";
  } else if (kty == "oct") {
    implied = "HS256";
  } else if (kty == "OKP") {
    if (crv != "Ed25519") {
      *why = "OKP curve \"" + crv + "\" is not supported (only Ed25519, for EdDSA)";
      return {};
    }
    implied = "EdDSA";
  } else {
    *why = "kty \"" + kty + "\" is not supported (RSA, EC, oct or OKP)";
    return {};
  }
  if (!given.empty() && given != implied) {
    *why = "alg \"" + given + "\" is not supported for kty " + kty +
           " (Gatehouse signs and verifies RS256, ES256, EdDSA and HS256; this key type means " +
           implied + ")";
    return {};
  }
  return implied;
}

// Members each key type needs, public part first.
const std::vector<std::string>& Required(const std::string& kty) {
  static const std::map<std::string, std::vector<std::string>> kRequired = {
      {"RSA", {"n", "e"}}, {"EC", {"crv", "x", "y"}}, {"oct", {"k"}}, {"OKP", {"crv", "x"}}};
  static const std::vector<std::string> kNone;
  auto it = kRequired.find(kty);
  return it == kRequired.end() ? kNone : it->second;
}

}  // namespace

std::string DescribeJwtKey(size_t index, std::string_view kid) {
  std::string out = "key " + std::to_string(index + 1);
  if (!kid.empty()) out += " (kid \"" + std::string(kid) + "\")";
  return out;
}

core::Result<std::vector<JwtKey>> ParseJwtKeys(std::string_view json) {
  auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_array())
    return Bad("not a JSON array of JWKs like [{\"kty\":\"EC\",\"kid\":...}]");
  if (doc.empty()) return Bad("the array holds no key");
  std::vector<JwtKey> keys;
  std::set<std::string> kids;
  bool have_signer = false;
  for (size_t i = 0; i < doc.size(); ++i) {
    const nlohmann::json& j = doc[i];
    if (!j.is_object()) return Bad(DescribeJwtKey(i, "") + ": not a JSON object");
    JwtKey key;
    for (const auto& [name, value] : j.items())
      if (value.is_string()) key.members[name] = value.get<std::string>();
    auto member = [&key](const char* name) {
      auto it = key.members.find(name);
      return it == key.members.end() ? std::string() : it->second;
    };
    key.kid = member("kid");
    const std::string who = DescribeJwtKey(i, key.kid);
    if (key.kid.empty()) return Bad(who + ": kid is missing (tokens name their key by it)");
    if (!kids.insert(key.kid).second) return Bad(who + ": the same kid as an earlier key");
    const std::string kty = member("kty");
    if (kty.empty()) return Bad(who + ": kty is missing");
    std::string why;
    key.alg = AlgFor(kty, member("crv"), member("alg"), &why);
    if (key.alg.empty()) return Bad(who + ": " + why);
    for (const std::string& m : Required(kty))
      if (member(m.c_str()).empty()) return Bad(who + ": " + kty + " key without \"" + m + "\"");
    if (std::string use = member("use"); !use.empty() && use != "sig")
      return Bad(who + ": use \"" + use + "\" is not a signing key (use \"sig\")");
    key.has_private = kty == "oct" || !member("d").empty();
    // key_ops, when given, says what the key may do (RFC 7517 4.3); GoTrue
    // signs with the key that lists "sign".
    bool may_sign = true;
    if (auto ops = j.find("key_ops"); ops != j.end()) {
      if (!ops->is_array()) return Bad(who + ": key_ops is not an array");
      may_sign = std::any_of(ops->begin(), ops->end(),
                             [](const nlohmann::json& op) { return op == "sign"; });
      bool may_verify = std::any_of(ops->begin(), ops->end(),
                                    [](const nlohmann::json& op) { return op == "verify"; });
      if (!may_sign && !may_verify)
        return Bad(who + ": key_ops allow neither \"sign\" nor \"verify\"");
    }
    if (!have_signer && key.has_private && may_sign) key.signs = have_signer = true;
    keys.push_back(std::move(key));
  }
  if (!have_signer)
    return Bad(
        "no key can sign: one needs its private part (\"d\"; \"k\" for oct) and, when it has "
        "key_ops, \"sign\" among them");
  return keys;
}

std::optional<std::string> ApplyJwtKeys(Config& config) {
  if (config.jwt_keys.empty()) {
    if (!config.jwt_secret.empty()) config.jwt_algorithm = "HS256";
    return std::nullopt;
  }
  auto keys = ParseJwtKeys(config.jwt_keys);
  if (!keys) return "jwt_keys: " + keys.error().message;
  for (const JwtKey& k : *keys)
    if (k.signs) config.jwt_algorithm = k.alg;
  return std::nullopt;
}

}  // namespace gh::config
