#include "auth/address_proof.h"

#include <gtest/gtest.h>

namespace gh::auth {
namespace {

core::User UnprovenPasswordUser() {
  core::User u;
  u.id = "u1";
  u.email = "victim@example.com";
  u.password_hash = "$argon2id$someone-else-chose-this";
  return u;
}

const ProofPolicy kRequired{true, true};
constexpr core::UnixMillis kNow = 1'700'000'000'000;

TEST(AddressProofTest, PossessionDropsAPasswordNobodyProvedAndEndsSessions) {
  for (auto channel : {ProvenChannel::kEmail, ProvenChannel::kPhone}) {
    core::User u = UnprovenPasswordUser();
    ProofEffect e = ApplyAddressProof(kRequired, channel, ProofKind::kPossessionOnly, u, kNow);
    EXPECT_TRUE(e.changed);
    EXPECT_TRUE(e.password_dropped);
    EXPECT_TRUE(e.end_sessions);
    EXPECT_FALSE(u.password_hash.has_value());
    EXPECT_TRUE(channel == ProvenChannel::kEmail ? u.email_verified() : u.phone_number_verified());
  }
}

TEST(AddressProofTest, TheSignUpsOwnConfirmationKeepsItsPassword) {
  core::User u = UnprovenPasswordUser();
  ProofEffect e =
      ApplyAddressProof(kRequired, ProvenChannel::kEmail, ProofKind::kConfirmsPassword, u, kNow);
  EXPECT_TRUE(e.changed);
  EXPECT_FALSE(e.password_dropped);
  EXPECT_FALSE(e.end_sessions);
  EXPECT_TRUE(u.password_hash.has_value());
  EXPECT_TRUE(u.email_verified());
}

TEST(AddressProofTest, APasswordIsProvenOnceAnyAddressWas) {
  core::User u = UnprovenPasswordUser();
  u.phone_number = "+15550001111";
  u.phone_confirmed_at = kNow;  // whoever set the password could sign in with it
  ProofEffect e =
      ApplyAddressProof(kRequired, ProvenChannel::kEmail, ProofKind::kPossessionOnly, u, kNow);
  EXPECT_TRUE(e.changed);
  EXPECT_FALSE(e.password_dropped);
  EXPECT_TRUE(u.password_hash.has_value());

  core::User verified = UnprovenPasswordUser();
  verified.email_confirmed_at = kNow - 1;
  e = ApplyAddressProof(kRequired, ProvenChannel::kEmail, ProofKind::kPossessionOnly, verified,
                        kNow);
  EXPECT_FALSE(e.changed);
  EXPECT_FALSE(e.end_sessions);
  EXPECT_TRUE(verified.password_hash.has_value());
}

TEST(AddressProofTest, WithoutVerificationRequiredOnlyTheFlagChanges) {
  core::User u = UnprovenPasswordUser();
  ProofEffect e = ApplyAddressProof(ProofPolicy{false, true}, ProvenChannel::kEmail,
                                    ProofKind::kPossessionOnly, u, kNow);
  EXPECT_TRUE(u.email_verified());
  EXPECT_FALSE(e.password_dropped);
  EXPECT_TRUE(u.password_hash.has_value());
  // The phone side follows its own setting.
  core::User p = UnprovenPasswordUser();
  e = ApplyAddressProof(ProofPolicy{false, true}, ProvenChannel::kPhone, ProofKind::kPossessionOnly,
                        p, kNow);
  EXPECT_TRUE(e.password_dropped);
}

TEST(AddressProofTest, AnAnonymousAccountLosesItsSessionsWhateverTheProof) {
  for (auto kind : {ProofKind::kConfirmsPassword, ProofKind::kPossessionOnly}) {
    core::User u;
    u.id = "anon";
    u.is_anonymous = true;
    u.email = "victim@example.com";
    ProofEffect e = ApplyAddressProof(kRequired, ProvenChannel::kEmail, kind, u, kNow);
    EXPECT_TRUE(e.changed);
    EXPECT_TRUE(e.end_sessions);
    EXPECT_FALSE(e.password_dropped);
  }
}

TEST(AddressProofTest, AnAccountWithoutPasswordKeepsItsSessions) {
  core::User u;
  u.id = "u2";
  u.email = "otp-user@example.com";
  ProofEffect e =
      ApplyAddressProof(kRequired, ProvenChannel::kEmail, ProofKind::kPossessionOnly, u, kNow);
  EXPECT_TRUE(e.changed);
  EXPECT_FALSE(e.end_sessions);
}

}  // namespace
}  // namespace gh::auth
