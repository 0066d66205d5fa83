// Migration 7 on both backends: a database as the release before it left it
// (migrations 1-6) gains the personal_access_tokens table with every user and
// session carried over, and its tokens go with their user.

#include <gtest/gtest.h>

#include "old_store_test.h"

namespace gh::store::testing {
namespace {

class PatsMigrationTest : public OldStoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    OpenOldAt(6);
  }
};

TEST_P(PatsMigrationTest, AddsTheTableAndKeepsEveryRow) {
  // Written through the store at version 6: the rows the previous release keeps.
  ASSERT_TRUE(old_->users().Create(MakeUser("u1", "a@example.com")).ok());
  ASSERT_TRUE(old_->users().Create(MakeUser("u2", "b@example.com")).ok());
  EXPECT_EQ(Sql("SELECT count(*) FROM schema_migrations WHERE version = 7"),
            std::vector<std::string>{"0"});

  ASSERT_TRUE(old_->Migrate().ok());
  EXPECT_EQ(Sql("SELECT count(*) FROM schema_migrations WHERE version = 7"),
            std::vector<std::string>{"1"});
  EXPECT_EQ(old_->users().Count().value(), 2);
  EXPECT_EQ(old_->users().FindById("u1")->value().email, "a@example.com");

  core::PersonalAccessToken t;
  t.id = "p1";
  t.user_id = "u1";
  t.token_hash = "h1";
  t.created_at = kT0;
  t.expires_at = kT0 + kDay;
  ASSERT_TRUE(old_->pats().Create(t).ok());
  EXPECT_EQ(old_->pats().FindByHash("h1")->value().user_id, "u1");
  ASSERT_TRUE(old_->users().Delete("u1").ok());
  EXPECT_FALSE(old_->pats().FindByHash("h1")->has_value());

  ASSERT_TRUE(old_->Migrate().ok());  // again: nothing changes
  EXPECT_EQ(old_->users().Count().value(), 1);
}

GH_STORE_BACKENDS(PatsMigrationTest);

}  // namespace
}  // namespace gh::store::testing
