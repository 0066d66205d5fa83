// The WebAuthn verifier against inputs in their real wire formats, made by
// the software authenticator in webauthn_vectors.h.
#include "crypto/webauthn.h"

#include <gtest/gtest.h>

#include "crypto/hash.h"
#include "crypto/webauthn_vectors.h"

namespace gh::crypto::webauthn {
namespace {

namespace tw = gh::testing::webauthn;

const std::string kChallenge = "0123456789abcdef0123456789abcdef";

Expectations Expect() {
  Expectations e;
  e.challenge = kChallenge;
  e.rp_id = "example.com";
  e.origins = {"https://example.com", "https://app.example.com"};
  return e;
}

std::string Reason(const core::Error& e) { return e.message; }

class EachAlg : public ::testing::TestWithParam<int64_t> {};

TEST_P(EachAlg, RegistersAndAssertsWithNoneAttestation) {
  tw::Authenticator a(GetParam());
  auto [cd, att] = a.Create(kChallenge);
  auto reg = VerifyRegistration(cd, att, Expect());
  ASSERT_TRUE(reg.ok()) << Reason(reg.error());
  EXPECT_EQ(reg->credential_id, a.credential_id);
  EXPECT_EQ(reg->alg, GetParam());
  EXPECT_EQ(reg->fmt, "none");
  EXPECT_EQ(reg->aaguid, tw::kAaguid);
  EXPECT_TRUE(reg->user_verified);

  auto s = a.Get(kChallenge);
  auto asr = VerifyAssertion(s.client_data, s.auth_data, s.signature, reg->cose_key,
                             reg->sign_count, Expect());
  ASSERT_TRUE(asr.ok()) << Reason(asr.error());
  EXPECT_EQ(asr->sign_count, 1u);

  // The same assertion signed by another key of the same kind fails.
  tw::Authenticator other(GetParam());
  auto forged = other.Get(kChallenge);
  EXPECT_FALSE(VerifyAssertion(forged.client_data, forged.auth_data, forged.signature,
                               reg->cose_key, 0, Expect())
                   .ok());
}

TEST_P(EachAlg, PackedSelfAttestation) {
  tw::Authenticator a(GetParam());
  const std::string cd = tw::ClientData("webauthn.create", kChallenge, a.origin);
  const std::string ad = tw::AuthData(a.rp_id, kFlagUp, 0, a.credential_id, a.key.Cose());
  auto reg = VerifyRegistration(cd, tw::PackedAttestation(ad, cd, a.key), Expect());
  ASSERT_TRUE(reg.ok()) << Reason(reg.error());
  EXPECT_EQ(reg->fmt, "packed");
  // Signed over other client data: refused.
  const std::string other = tw::ClientData("webauthn.create", kChallenge, a.origin, false) + " ";
  EXPECT_FALSE(VerifyRegistration(cd, tw::PackedAttestation(ad, other, a.key), Expect()).ok());
}

TEST_P(EachAlg, PackedX5cAttestation) {
  tw::Authenticator a;
  tw::Key attester = tw::Key::Make(GetParam());
  const std::string cd = tw::ClientData("webauthn.create", kChallenge, a.origin);
  const std::string ad = tw::AuthData(a.rp_id, kFlagUp, 0, a.credential_id, a.key.Cose());
  const std::string cert = tw::AttestationCert(attester);
  auto reg = VerifyRegistration(cd, tw::PackedAttestation(ad, cd, attester, {cert}), Expect());
  ASSERT_TRUE(reg.ok()) << Reason(reg.error());
  EXPECT_EQ(reg->fmt, "packed");
}

INSTANTIATE_TEST_SUITE_P(Algs, EachAlg, ::testing::Values(kES256, kRS256, kEdDSA));

TEST(WebauthnAttestation, X5cCertificateRules) {
  tw::Authenticator a;
  tw::Key attester = tw::Key::Make(kES256);
  const std::string cd = tw::ClientData("webauthn.create", kChallenge, a.origin);
  const std::string ad = tw::AuthData(a.rp_id, kFlagUp, 0, a.credential_id, a.key.Cose());
  auto with = [&](const tw::CertSpec& spec) {
    return VerifyRegistration(
        cd, tw::PackedAttestation(ad, cd, attester, {tw::AttestationCert(attester, spec)}),
        Expect());
  };
  tw::CertSpec ca;
  ca.ca = true;
  EXPECT_EQ(Reason(with(ca).error()), "attestation certificate is a CA");
  tw::CertSpec ou;
  ou.ou = "Something Else";
  EXPECT_EQ(Reason(with(ou).error()),
            "attestation certificate OU is not Authenticator Attestation");
  tw::CertSpec aaguid;
  aaguid.aaguid = std::string(16, 'z');
  EXPECT_EQ(Reason(with(aaguid).error()), "certificate AAGUID differs from the authenticator's");
  tw::CertSpec no_aaguid;
  no_aaguid.aaguid.reset();
  EXPECT_TRUE(with(no_aaguid).ok());
  // Signed by a key other than the certificate's.
  tw::Key stranger = tw::Key::Make(kES256);
  auto wrong = VerifyRegistration(
      cd, tw::PackedAttestation(ad, cd, stranger, {tw::AttestationCert(attester)}), Expect());
  EXPECT_EQ(Reason(wrong.error()), "attestation signature does not verify");
  // Self attestation whose alg is not the credential's.
  tw::Key rsa = tw::Key::Make(kRS256);
  EXPECT_EQ(Reason(VerifyRegistration(cd, tw::PackedAttestation(ad, cd, rsa), Expect()).error()),
            "self attestation alg differs");
}

TEST(WebauthnAttestation, RefusesOtherFormatsAndNoneWithStatement) {
  tw::Authenticator a;
  const std::string cd = tw::ClientData("webauthn.create", kChallenge, a.origin);
  const std::string ad = tw::AuthData(a.rp_id, kFlagUp, 0, a.credential_id, a.key.Cose());
  EXPECT_EQ(Reason(VerifyRegistration(cd, tw::AttObject("fido-u2f", ad, cbor_new_definite_map(0)),
                                      Expect())
                       .error()),
            "unsupported attestation format");
  cbor_item_t* stmt = cbor_new_definite_map(1);
  tw::Put(stmt, tw::Tstr("alg"), tw::Int(-7));
  EXPECT_EQ(Reason(VerifyRegistration(cd, tw::AttObject("none", ad, stmt), Expect()).error()),
            "none attestation with a statement");
  // Authenticator data without a credential.
  EXPECT_FALSE(
      VerifyRegistration(cd, tw::NoneAttestation(tw::AuthData(a.rp_id, kFlagUp, 0)), Expect())
          .ok());
  EXPECT_FALSE(VerifyRegistration(cd, "not cbor", Expect()).ok());
}

TEST(WebauthnClientData, ChecksTypeChallengeOriginAndCrossOrigin) {
  tw::Authenticator a;
  auto [cd, att] = a.Create(kChallenge);
  Expectations e = Expect();
  e.challenge = "another challenge of enough size";
  EXPECT_EQ(Reason(VerifyRegistration(cd, att, e).error()), "client data challenge differs");
  e = Expect();
  e.origins = {"https://evil.example"};
  EXPECT_EQ(Reason(VerifyRegistration(cd, att, e).error()), "origin not allowed");
  EXPECT_EQ(
      Reason(VerifyRegistration(tw::ClientData("webauthn.get", kChallenge, a.origin), att, Expect())
                 .error()),
      "client data type is not webauthn.create");
  EXPECT_EQ(Reason(VerifyRegistration(tw::ClientData("webauthn.create", kChallenge, a.origin, true),
                                      att, Expect())
                       .error()),
            "cross-origin ceremony");
  EXPECT_FALSE(ParseClientData("{\"type\":\"webauthn.get\"}").ok());
  EXPECT_FALSE(ParseClientData("[]").ok());
  EXPECT_FALSE(
      ParseClientData("{\"type\":\"webauthn.get\",\"challenge\":\"a=\",\"origin\":\"https://x\"}")
          .ok());
  auto ok = ParseClientData(
      "{\"type\":\"webauthn.get\",\"challenge\":\"YWJj\",\"origin\":\"https://x\","
      "\"other_keys_can_be_added_here\":\"x\"}");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->challenge, "abc");
}

TEST(WebauthnAuthData, RpIdFlagsAndLayout) {
  tw::Authenticator a;
  a.rp_id = "other.example";
  auto [cd, att] = a.Create(kChallenge);
  EXPECT_EQ(Reason(VerifyRegistration(cd, att, Expect()).error()), "RP id hash differs");
  tw::Authenticator b;
  auto no_up = b.Create(kChallenge, kFlagUv);
  EXPECT_EQ(Reason(VerifyRegistration(no_up.first, no_up.second, Expect()).error()),
            "user not present");
  auto no_uv = b.Create(kChallenge, kFlagUp);
  Expectations e = Expect();
  EXPECT_TRUE(VerifyRegistration(no_uv.first, no_uv.second, e).ok());
  e.require_user_verification = true;
  EXPECT_EQ(Reason(VerifyRegistration(no_uv.first, no_uv.second, e).error()), "user not verified");

  EXPECT_FALSE(ParseAuthenticatorData(std::string(36, '\0')).ok());
  const std::string plain = tw::AuthData("example.com", kFlagUp | kFlagUv, 0x01020304);
  auto ad = ParseAuthenticatorData(plain);
  ASSERT_TRUE(ad.ok());
  EXPECT_EQ(ad->sign_count, 0x01020304u);
  EXPECT_FALSE(ad->credential.has_value());
  EXPECT_FALSE(ParseAuthenticatorData(plain + "x").ok());  // trailing bytes
  EXPECT_FALSE(ParseAuthenticatorData(tw::AuthData("example.com", kFlagUp | kFlagBs, 0)).ok());
  // Attested data cut inside the COSE key.
  const std::string full = tw::AuthData("example.com", kFlagUp, 0, "id", b.key.Cose());
  EXPECT_TRUE(ParseAuthenticatorData(full).ok());
  EXPECT_FALSE(ParseAuthenticatorData(full.substr(0, full.size() - 3)).ok());
  // Extensions after the key (flag ED) are read and must be a map.
  std::string with_ext = tw::AuthData("example.com", kFlagUp | kFlagEd, 0, "id", b.key.Cose());
  EXPECT_FALSE(ParseAuthenticatorData(with_ext).ok());
  with_ext.push_back('\xa0');  // an empty map
  EXPECT_TRUE(ParseAuthenticatorData(with_ext).ok());
}

TEST(WebauthnCose, RefusesBadKeys) {
  EXPECT_FALSE(CheckCoseKey("").ok());
  tw::Cbor wrong_curve(cbor_new_definite_map(5));
  tw::Put(wrong_curve.item, tw::Int(1), tw::Int(2));
  tw::Put(wrong_curve.item, tw::Int(3), tw::Int(kES256));
  tw::Put(wrong_curve.item, tw::Int(-1), tw::Int(2));  // P-384
  tw::Put(wrong_curve.item, tw::Int(-2), tw::Bstr(std::string(32, '\1')));
  tw::Put(wrong_curve.item, tw::Int(-3), tw::Bstr(std::string(32, '\1')));
  EXPECT_FALSE(CheckCoseKey(wrong_curve.Bytes()).ok());
  tw::Cbor off_curve(cbor_new_definite_map(5));
  tw::Put(off_curve.item, tw::Int(1), tw::Int(2));
  tw::Put(off_curve.item, tw::Int(3), tw::Int(kES256));
  tw::Put(off_curve.item, tw::Int(-1), tw::Int(1));
  tw::Put(off_curve.item, tw::Int(-2), tw::Bstr(std::string(32, '\1')));
  tw::Put(off_curve.item, tw::Int(-3), tw::Bstr(std::string(32, '\1')));
  EXPECT_EQ(Reason(CheckCoseKey(off_curve.Bytes()).error()), "EC point is not on P-256");
  tw::Cbor unknown(cbor_new_definite_map(2));
  tw::Put(unknown.item, tw::Int(1), tw::Int(2));
  tw::Put(unknown.item, tw::Int(3), tw::Int(-35));  // ES384
  EXPECT_EQ(Reason(CheckCoseKey(unknown.Bytes()).error()), "unsupported COSE algorithm");
  tw::Key k = tw::Key::Make(kEdDSA);
  EXPECT_FALSE(CheckCoseKey(k.Cose() + "x").ok());
  size_t used = 0;
  EXPECT_TRUE(CheckCoseKey(k.Cose() + "x", &used).ok());
  EXPECT_EQ(used, k.Cose().size());
}

// Inputs the fuzz targets found: collection headers that declare far more
// elements than there are bytes (libcbor would allocate them all first).
TEST(WebauthnCbor, HugeDeclaredLengthsAreRefusedBeforeAllocating) {
  const std::string huge_map("\xbb\x03\x00\x00\x00\x00\x00\x00\x00\x2a\xff\xff\x00", 13);
  const std::string huge_array("\x9a\x9a\x9a\x0a\x0a\x0a", 6);
  EXPECT_FALSE(CheckCoseKey(huge_map).ok());
  EXPECT_FALSE(ParseAndVerifyAttestation(huge_array, std::string(32, 'h')).ok());
  EXPECT_FALSE(ParseAndVerifyAttestation(huge_map, std::string(32, 'h')).ok());
  std::string ad = tw::AuthData("example.com", kFlagUp | kFlagAt, 0) + std::string(16, 'a');
  ad += std::string("\x00\x01x", 3) + huge_map;
  EXPECT_FALSE(ParseAuthenticatorData(ad).ok());
  // Indefinite lengths are refused too (canonical CBOR has none).
  EXPECT_FALSE(CheckCoseKey(std::string("\xbf\x01\x02\xff", 4)).ok());
}

TEST(WebauthnAssertion, SignCountCloneCheck) {
  EXPECT_TRUE(SignCountAdvances(0, 0));
  EXPECT_TRUE(SignCountAdvances(0, 1));
  EXPECT_TRUE(SignCountAdvances(5, 6));
  EXPECT_FALSE(SignCountAdvances(5, 5));
  EXPECT_FALSE(SignCountAdvances(5, 4));
  EXPECT_FALSE(SignCountAdvances(5, 0));

  tw::Authenticator a;
  a.count = 10;
  auto s = a.Get(kChallenge);  // count 11
  EXPECT_TRUE(
      VerifyAssertion(s.client_data, s.auth_data, s.signature, a.key.Cose(), 10, Expect()).ok());
  auto back = VerifyAssertion(s.client_data, s.auth_data, s.signature, a.key.Cose(), 11, Expect());
  EXPECT_EQ(Reason(back.error()), "sign count did not advance: cloned authenticator?");
}

TEST(WebauthnAssertion, ChecksClientDataAndFlags) {
  tw::Authenticator a;
  auto s = a.Get(kChallenge);
  Expectations e = Expect();
  e.challenge = "something else entirely, 32 byte";
  EXPECT_FALSE(VerifyAssertion(s.client_data, s.auth_data, s.signature, a.key.Cose(), 0, e).ok());
  auto created = a.Create(kChallenge);
  EXPECT_FALSE(
      VerifyAssertion(created.first, s.auth_data, s.signature, a.key.Cose(), 0, Expect()).ok());
  auto no_uv = a.Get(kChallenge, kFlagUp);
  e = Expect();
  e.require_user_verification = true;
  EXPECT_EQ(Reason(VerifyAssertion(no_uv.client_data, no_uv.auth_data, no_uv.signature,
                                   a.key.Cose(), 0, e)
                       .error()),
            "user not verified");
  std::string tampered = s.auth_data;
  tampered[36] ^= 1;
  EXPECT_FALSE(
      VerifyAssertion(s.client_data, tampered, s.signature, a.key.Cose(), 0, Expect()).ok());
}

}  // namespace
}  // namespace gh::crypto::webauthn
