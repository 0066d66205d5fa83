// A fixture for migration tests: beside StoreTest's store, a second database
// of the same backend left at an older migration, as the release before wrote
// it, with raw SQL on it for rows in the old shape.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store_test_util.h"

namespace gh::store::testing {

class OldStoreTest : public StoreTest {
 protected:
  // Opens `old_` migrated up to `version` (only); call from SetUp.
  void OpenOldAt(int version) {
    old_url_ = postgres() ? url_ : "sqlite://" + dir_.File("old.db");
    old_schema_ = postgres() ? schema_ + "_old" : std::string("auth");
    auto opened = OpenStore(old_url_, 2, old_schema_);
    ASSERT_TRUE(opened.ok());
    old_ = std::move(*opened);
    auto at = postgres() ? dynamic_cast<postgres::PgStore&>(*old_).MigrateUpTo(version)
                         : dynamic_cast<sqlite::SqliteStore&>(*old_).MigrateUpTo(version);
    ASSERT_TRUE(at.ok()) << at.error().message;
  }
  void TearDown() override {
    old_.reset();
    if (postgres() && !old_schema_.empty())
      PgQuery(url_, "DROP SCHEMA IF EXISTS " + old_schema_ + " CASCADE");
    StoreTest::TearDown();
  }

  // Raw SQL on the old database, as the previous release wrote its rows.
  std::vector<std::string> Sql(const std::string& sql) {
    return postgres() ? PgQuery(url_, "SET search_path TO " + old_schema_ + "; " + sql)
                      : SqliteQuery(dir_.File("old.db"), sql);
  }

  std::string old_url_;
  std::string old_schema_;
  std::unique_ptr<Store> old_;
};

}  // namespace gh::store::testing
