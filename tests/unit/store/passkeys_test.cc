// store::Passkeys against both backends: every field round trips, a
// credential id is registered once over all users, the sign-count
// compare-and-set, delete only by the owner, and the cascade with the user.

#include <gtest/gtest.h>

#include "store_test_util.h"

namespace gh::store::testing {
namespace {

core::WebauthnCredential MakePasskey(const std::string& id, const std::string& user_id,
                                     core::UnixMillis created_at = kT0) {
  core::WebauthnCredential c;
  c.id = id;
  c.user_id = user_id;
  c.credential_id = "cred-" + id;
  c.public_key = "cose-" + id;
  c.created_at = created_at;
  return c;
}

class PasskeysTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    ASSERT_TRUE(store_->users().Create(MakeUser("u1", "a@example.com")).ok());
    ASSERT_TRUE(store_->users().Create(MakeUser("u2", "b@example.com")).ok());
  }
};

TEST_P(PasskeysTest, EveryFieldRoundTrips) {
  core::WebauthnCredential c = MakePasskey("p1", "u1");
  c.sign_count = 4'000'000'000;  // beyond int32: counters are unsigned 32-bit
  c.aaguid = "0102030405060708090a0b0c0d0e0f10";
  c.transports = "internal,hybrid";
  c.nickname = "laptop";
  c.backup_eligible = true;
  c.backed_up = true;
  c.last_used_at = kT0 + 9;
  ASSERT_TRUE(store_->passkeys().Create(c).value());
  auto got = store_->passkeys().FindByCredentialId("cred-p1").value();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->id, "p1");
  EXPECT_EQ(got->user_id, "u1");
  EXPECT_EQ(got->public_key, "cose-p1");
  EXPECT_EQ(got->sign_count, 4'000'000'000);
  EXPECT_EQ(got->aaguid, c.aaguid);
  EXPECT_EQ(got->transports, "internal,hybrid");
  EXPECT_EQ(got->nickname, "laptop");
  EXPECT_TRUE(got->backup_eligible);
  EXPECT_TRUE(got->backed_up);
  EXPECT_EQ(got->created_at, kT0);
  EXPECT_EQ(got->last_used_at, kT0 + 9);

  ASSERT_TRUE(store_->passkeys().Create(MakePasskey("p2", "u1", kT0 + 1)).value());
  auto bare = store_->passkeys().FindByCredentialId("cred-p2").value();
  ASSERT_TRUE(bare.has_value());
  EXPECT_FALSE(bare->backup_eligible);
  EXPECT_FALSE(bare->last_used_at.has_value());
  EXPECT_FALSE(store_->passkeys().FindByCredentialId("nope").value().has_value());
  auto list = store_->passkeys().ListForUser("u1").value();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, "p1");
  EXPECT_EQ(list[1].id, "p2");
  EXPECT_TRUE(store_->passkeys().ListForUser("u2").value().empty());
}

TEST_P(PasskeysTest, ACredentialIdIsRegisteredOnce) {
  ASSERT_TRUE(store_->passkeys().Create(MakePasskey("p1", "u1")).value());
  core::WebauthnCredential again = MakePasskey("p9", "u2");
  again.credential_id = "cred-p1";
  EXPECT_FALSE(store_->passkeys().Create(again).value());
  EXPECT_EQ(store_->passkeys().FindByCredentialId("cred-p1").value()->user_id, "u1");
  EXPECT_TRUE(store_->passkeys().ListForUser("u2").value().empty());
}

TEST_P(PasskeysTest, RecordUseIsACompareAndSetOnTheSignCount) {
  core::WebauthnCredential c = MakePasskey("p1", "u1");
  c.sign_count = 5;
  ASSERT_TRUE(store_->passkeys().Create(c).value());
  EXPECT_TRUE(store_->passkeys().RecordUse("p1", 5, 6, true, kT0 + 1).value());
  // A second assertion that read 5 too loses.
  EXPECT_FALSE(store_->passkeys().RecordUse("p1", 5, 7, false, kT0 + 2).value());
  auto got = store_->passkeys().FindByCredentialId("cred-p1").value();
  EXPECT_EQ(got->sign_count, 6);
  EXPECT_TRUE(got->backed_up);
  EXPECT_EQ(got->last_used_at, kT0 + 1);
  EXPECT_FALSE(store_->passkeys().RecordUse("nope", 0, 1, false, kT0).value());
}

TEST_P(PasskeysTest, DeleteOnlyByTheOwnerAndCascade) {
  ASSERT_TRUE(store_->passkeys().Create(MakePasskey("p1", "u1")).value());
  ASSERT_TRUE(store_->passkeys().Create(MakePasskey("p2", "u2")).value());
  EXPECT_FALSE(store_->passkeys().Delete("u2", "p1").value());
  EXPECT_TRUE(store_->passkeys().Delete("u1", "p1").value());
  EXPECT_FALSE(store_->passkeys().Delete("u1", "p1").value());
  ASSERT_TRUE(store_->users().Delete("u2").ok());
  EXPECT_FALSE(store_->passkeys().FindByCredentialId("cred-p2").value().has_value());
  EXPECT_FALSE(store_->passkeys().Create(MakePasskey("p3", "nobody")).ok());
}

GH_STORE_BACKENDS(PasskeysTest);

}  // namespace
}  // namespace gh::store::testing
