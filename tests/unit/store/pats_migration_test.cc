// Migration 7 on both backends: a database as the release before it left it
// (migrations 1-6) gains the personal_access_tokens table with every user and
// session carried over, and its tokens go with their user.

#include <gtest/gtest.h>

#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store_test_util.h"

namespace gh::store::testing {
namespace {

class PatsMigrationTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    old_url_ = postgres() ? url_ : "sqlite://" + dir_.File("old.db");
    old_schema_ = postgres() ? schema_ + "_old" : std::string("auth");
    auto opened = OpenStore(old_url_, 2, old_schema_);
    ASSERT_TRUE(opened.ok());
    old_ = std::move(*opened);
    auto at6 = postgres() ? dynamic_cast<postgres::PgStore&>(*old_).MigrateUpTo(6)
                          : dynamic_cast<sqlite::SqliteStore&>(*old_).MigrateUpTo(6);
    ASSERT_TRUE(at6.ok()) << at6.error().message;
  }
  void TearDown() override {
    old_.reset();
    if (postgres() && !old_schema_.empty())
      PgQuery(url_, "DROP SCHEMA IF EXISTS " + old_schema_ + " CASCADE");
    StoreTest::TearDown();
  }

  std::vector<std::string> Sql(const std::string& sql) {
    return postgres() ? PgQuery(url_, "SET search_path TO " + old_schema_ + "; " + sql)
                      : SqliteQuery(dir_.File("old.db"), sql);
  }

  std::string old_url_;
  std::string old_schema_;
  std::unique_ptr<Store> old_;
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
