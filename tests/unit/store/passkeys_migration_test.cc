// Migration 8 on both backends: a database as the release before it left it
// (migrations up to 6, users with sessions, factors and codes) gains the
// passkeys table with nothing else changed, and the store works on it.

#include <gtest/gtest.h>

#include "old_store_test.h"

namespace gh::store::testing {
namespace {

class PasskeysMigrationTest : public OldStoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    OpenOldAt(6);
  }
};

TEST_P(PasskeysMigrationTest, OldRowsStayAndPasskeysFit) {
  // Rows written through the v6 schema by the store itself.
  core::User u = MakeUser("u1", "a@example.com");
  u.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$abc$def";
  ASSERT_TRUE(old_->users().Create(u).ok());
  core::MfaFactor f;
  f.id = "f1";
  f.user_id = "u1";
  f.type = "totp";
  f.secret_encrypted = "sealed";
  f.created_at = f.updated_at = kT0;
  f.verified_at = kT0 + 1;
  ASSERT_TRUE(old_->factors().Create(f).ok());
  const auto users_before = Sql("SELECT id || ' ' || email || ' ' || password_hash FROM users");
  EXPECT_TRUE(Sql("SELECT count(*) FROM schema_migrations WHERE version = 8") ==
              std::vector<std::string>{"0"});

  ASSERT_TRUE(old_->Migrate().ok());

  EXPECT_EQ(Sql("SELECT id || ' ' || email || ' ' || password_hash FROM users"), users_before);
  EXPECT_EQ(Sql("SELECT count(*) FROM schema_migrations WHERE version = 8"),
            std::vector<std::string>{"1"});
  auto user = old_->users().FindById("u1").value();
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->verified_mfa_type, "totp");  // a passkey table changes no second factor
  ASSERT_EQ(old_->factors().ListForUser("u1").value().size(), 1u);
  core::WebauthnCredential c;
  c.id = "p1";
  c.user_id = "u1";
  c.credential_id = "cred";
  c.public_key = "cose";
  c.created_at = kT0;
  ASSERT_TRUE(old_->passkeys().Create(c).value());
  EXPECT_EQ(old_->passkeys().ListForUser("u1").value().size(), 1u);
  // Migrating again is a no-op.
  ASSERT_TRUE(old_->Migrate().ok());
  EXPECT_EQ(old_->passkeys().ListForUser("u1").value().size(), 1u);
}

GH_STORE_BACKENDS(PasskeysMigrationTest);

}  // namespace
}  // namespace gh::store::testing
