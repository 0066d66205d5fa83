#include <gtest/gtest.h>

#include <filesystem>

#include "store_test_util.h"

namespace gh::store::testing {
namespace {

TEST(OpenStoreTest, AbsoluteSqliteUrlCreatesParentDirectories) {
  TempDir dir;
  const std::string path = dir.File("nested/deeper/gatehouse.db");
  auto store = OpenMigrated("sqlite://" + path);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST(OpenStoreTest, RelativeSqliteUrl) {
  TempDir dir;
  const auto old = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  {
    auto store = OpenMigrated("sqlite://./data/rel.db");
    EXPECT_NE(store, nullptr);
  }
  std::filesystem::current_path(old);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "data" / "rel.db"));
}

TEST(OpenStoreTest, BarePathEndingInDb) {
  TempDir dir;
  const std::string path = dir.File("bare.db");
  auto store = OpenMigrated(path);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST(OpenStoreTest, MemoryUrl) {
  auto store = OpenMigrated("sqlite::memory:");
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->Ping().ok());
}

TEST(OpenStoreTest, PostgresIsNotBuiltYet) {
  for (const char* url : {"postgres://u:p@localhost/db", "postgresql://localhost/db"}) {
    auto r = OpenStore(url);
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.error().code, core::errc::kInvalidRequest);
    EXPECT_EQ(r.error().message, "PostgreSQL store not built yet");
  }
}

TEST(OpenStoreTest, UnknownUrlsAreRejected) {
  for (const char* url : {"", "mysql://localhost/db", "data/gatehouse.txt", "sqlite://"}) {
    auto r = OpenStore(url);
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.error().code, core::errc::kInvalidRequest) << url;
  }
}

}  // namespace
}  // namespace gh::store::testing
