// Migration 5 on both backends: a database as the release before it left it
// (migrations 1-3, second factors on the users row) migrates to one factor row
// per user with a second factor, nothing lost. That those users still sign in
// with their codes is tests/unit/auth/mfa_factors_test.cc.

#include <gtest/gtest.h>

#include "old_store_test.h"

namespace gh::store::testing {
namespace {

class FactorsMigrationTest : public OldStoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    OpenOldAt(3);
  }
  void InsertUser(const std::string& id, const std::string& mfa_type, const std::string& secret) {
    auto quoted = [](const std::string& s) { return s.empty() ? "NULL" : "'" + s + "'"; };
    Sql("INSERT INTO users (id, created_at, updated_at, email, default_role, active_mfa_type, "
        "totp_secret_encrypted) VALUES ('" +
        id + "', 1000, 2000, '" + id + "@example.com', 'user', " + quoted(mfa_type) + ", " +
        quoted(secret) + ")");
  }
};

TEST_P(FactorsMigrationTest, UsersSecondFactorsBecomeFactorRows) {
  InsertUser("active", "totp", "sealed-active");
  InsertUser("pending", "", "sealed-pending");
  InsertUser("plain", "", "");
  InsertUser("marked", "totp", "");  // on, but without a secret: still asked for one
  Sql("INSERT INTO mfa_recovery_codes (user_id, code_hash, created_at) VALUES "
      "('active', 't1:aa', 2000), ('active', 't1:bb', 2000)");

  ASSERT_TRUE(old_->Migrate().ok());

  auto active = old_->factors().ListForUser("active").value();
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].type, "totp");
  EXPECT_EQ(active[0].secret_encrypted, "sealed-active");
  EXPECT_EQ(active[0].verified_at, 2000);
  EXPECT_EQ(active[0].created_at, 2000);
  EXPECT_EQ(active[0].updated_at, 2000);
  EXPECT_EQ(active[0].id.size(), 36u);
  EXPECT_EQ(active[0].id[14], '4');  // a version 4 UUID
  EXPECT_EQ(old_->users().FindById("active")->value().verified_mfa_type, "totp");
  EXPECT_EQ(old_->mfa().ListRecoveryCodes("active").value(),
            (std::vector<std::string>{"t1:aa", "t1:bb"}));

  auto pending = old_->factors().ListForUser("pending").value();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_FALSE(pending[0].verified());
  EXPECT_EQ(pending[0].secret_encrypted, "sealed-pending");
  EXPECT_FALSE(old_->users().FindById("pending")->value().verified_mfa_type.has_value());
  EXPECT_TRUE(old_->users().FindById("pending")->value().has_totp_factor);
  EXPECT_TRUE(old_->users().FindById("active")->value().has_totp_factor);

  EXPECT_TRUE(old_->factors().ListForUser("plain").value().empty());
  EXPECT_FALSE(old_->users().FindById("plain")->value().verified_mfa_type.has_value());
  EXPECT_FALSE(old_->users().FindById("plain")->value().has_totp_factor);

  auto marked = old_->factors().ListForUser("marked").value();
  ASSERT_EQ(marked.size(), 1u);
  EXPECT_TRUE(marked[0].verified());
  EXPECT_FALSE(marked[0].secret_encrypted.has_value());

  EXPECT_NE(active[0].id, pending[0].id);
  // The old columns are still there and unchanged for a rollback.
  EXPECT_EQ(Sql("SELECT active_mfa_type || ' ' || totp_secret_encrypted FROM users WHERE id = "
                "'active'"),
            std::vector<std::string>{"totp sealed-active"});

  // Migrating again carries nothing twice.
  ASSERT_TRUE(old_->Migrate().ok());
  EXPECT_EQ(old_->factors().ListForUser("active").value().size(), 1u);
}

GH_STORE_BACKENDS(FactorsMigrationTest);

}  // namespace
}  // namespace gh::store::testing
