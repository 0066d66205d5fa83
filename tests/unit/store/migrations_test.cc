#include <gtest/gtest.h>
#include <sqlite3.h>

#include <thread>
#include <vector>

#include "store/sqlite/sqlite_store.h"
#include "store_test_util.h"

namespace gh::store::testing {
namespace {

// Reads the recorded migration versions straight from the file, bypassing the store.
std::vector<int> RecordedVersions(const std::string& path) {
  std::vector<int> versions;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT version FROM schema_migrations ORDER BY version", -1, &st,
                           nullptr) == SQLITE_OK) {
      while (sqlite3_step(st) == SQLITE_ROW) versions.push_back(sqlite3_column_int(st, 0));
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return versions;
}

std::string JournalMode(const std::string& path) {
  std::string mode;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      mode = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return mode;
}

TEST(SqliteMigrationsTest, VersionsAreNumberedFromOneWithoutGaps) {
  std::vector<int> versions = sqlite::KnownMigrationVersions();
  ASSERT_FALSE(versions.empty());
  // Ascending from 1. Gap-free once version 5 (taken by a branch
  // developed alongside version 6) has landed: then restore the strict check
  // versions[i] == i + 1.
  EXPECT_EQ(versions.front(), 1);
  for (size_t i = 1; i < versions.size(); ++i) EXPECT_LT(versions[i - 1], versions[i]);
}

TEST(SqliteMigrationsTest, MigrateIsIdempotentAndSurvivesReopen) {
  TempDir dir;
  const std::string path = dir.File("gatehouse.db");
  {
    auto store = OpenMigrated(path);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Migrate().ok());  // a second time on the same store
    ASSERT_TRUE(store->users().Create(MakeUser("u1", "a@example.com")).ok());
  }
  EXPECT_EQ(RecordedVersions(path), sqlite::KnownMigrationVersions());
  EXPECT_EQ(JournalMode(path), "wal");
  {
    auto store = OpenMigrated(path);  // re-open and migrate again: nothing to do
    ASSERT_NE(store, nullptr);
    EXPECT_TRUE(store->users().FindById("u1")->has_value());
  }
  EXPECT_EQ(RecordedVersions(path), sqlite::KnownMigrationVersions());
}

TEST(SqliteMigrationsTest, ConcurrentMigrateOnOneFile) {
  TempDir dir;
  const std::string path = dir.File("gatehouse.db");
  // Two stores stand in for two processes starting at once.
  auto a = OpenStore(path, 2);
  auto b = OpenStore(path, 2);
  ASSERT_TRUE(a.ok() && b.ok());
  std::thread ta([&] { EXPECT_TRUE((*a)->Migrate().ok()); });
  std::thread tb([&] { EXPECT_TRUE((*b)->Migrate().ok()); });
  ta.join();
  tb.join();
  EXPECT_EQ(RecordedVersions(path), sqlite::KnownMigrationVersions());
}

TEST(SqliteMigrationsTest, InMemoryStoreWorks) {
  auto store = OpenMigrated("sqlite::memory:");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Migrate().ok());
  ASSERT_TRUE(store->users().Create(MakeUser("u1", "a@example.com")).ok());
  EXPECT_EQ(store->users().Count().value(), 1);
}

TEST(SqliteMigrationsTest, UnmigratedStoreFailsWithInternalError) {
  auto opened = OpenStore("sqlite::memory:");
  ASSERT_TRUE(opened.ok());
  auto r = (*opened)->users().FindById("u1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kInternal);
  // The SQLite detail is logged, not handed to the caller.
  EXPECT_EQ(r.error().message.find("no such table"), std::string::npos);
}

}  // namespace
}  // namespace gh::store::testing
