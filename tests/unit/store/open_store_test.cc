#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

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

// Opening a PostgreSQL store connects nothing, so these need no server.
TEST(OpenStoreTest, PostgresUrlsOpenLazily) {
  for (const char* url : {"postgres://u:p@127.0.0.1:1/db", "postgresql://127.0.0.1:1/db"}) {
    auto r = OpenStore(url);
    EXPECT_TRUE(r.ok()) << url << ": " << (r.ok() ? "" : r.error().message);
  }
}

TEST(OpenStoreTest, PostgresSchemaNameIsValidated) {
  for (const char* schema : {"", "Auth", "auth-x", "1auth", "pg_auth", "a;drop", "a\"b", "a b"}) {
    auto r = OpenStore("postgres://127.0.0.1:1/db", 2, schema);
    ASSERT_FALSE(r.ok()) << schema;
    EXPECT_EQ(r.error().code, core::errc::kInvalidRequest) << schema;
  }
  EXPECT_FALSE(OpenStore("postgres://127.0.0.1:1/db", 2, std::string(64, 'a')).ok());
  EXPECT_TRUE(OpenStore("postgres://127.0.0.1:1/db", 2, std::string(63, 'a')).ok());
  EXPECT_TRUE(OpenStore("postgres://127.0.0.1:1/db", 2, "_tenant_42").ok());
}

TEST(OpenStoreTest, MalformedPostgresUrlIsRejected) {
  auto r = OpenStore("postgres://127.0.0.1:1/db?nonsense_option=1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kInvalidRequest);
}

// Nothing listens on port 1: every call fails fast with service-unavailable.
TEST(OpenStoreTest, UnreachablePostgresIsServiceUnavailable) {
  auto opened = OpenStore("postgres://nobody@127.0.0.1:1/db", 2);
  ASSERT_TRUE(opened.ok());
  for (int i = 0; i < 3; ++i) {
    const auto start = std::chrono::steady_clock::now();
    auto r = (*opened)->users().FindById("u1");
    const auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::errc::kUnavailable);
    EXPECT_EQ(r.error().retry_after_seconds, 1);
    EXPECT_LT(elapsed, std::chrono::seconds(5));
  }
  EXPECT_EQ((*opened)->Migrate().error().code, core::errc::kUnavailable);
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
