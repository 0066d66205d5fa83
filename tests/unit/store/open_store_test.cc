#include <gtest/gtest.h>
#include <sys/stat.h>

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

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

// The database holds the signing keys: owner-only, whatever the umask.
TEST(OpenStoreTest, NewSqliteFilesAreOwnerOnly) {
  TempDir dir;
  const mode_t old_mask = ::umask(022);
  const std::string path = dir.File("data/gatehouse.db");
  {
    auto store = OpenMigrated("sqlite://" + path);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(ModeOf(dir.File("data")), 0700u);
    EXPECT_EQ(ModeOf(path), 0600u);
    EXPECT_EQ(ModeOf(path + "-wal"), 0600u);
    EXPECT_EQ(ModeOf(path + "-shm"), 0600u);
  }
  ::umask(old_mask);
}

TEST(OpenStoreTest, LooseExistingFilesAreRefused) {
  TempDir dir;
  const std::string path = dir.File("gatehouse.db");
  { ASSERT_NE(OpenMigrated("sqlite://" + path), nullptr); }
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  auto r = OpenStore("sqlite://" + path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kInvalidRequest);
  EXPECT_NE(r.error().message.find("chmod 600"), std::string::npos) << r.error().message;
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  EXPECT_TRUE(OpenStore("sqlite://" + path).ok());
  // A folder others may write (no sticky bit) is refused too.
  ASSERT_EQ(::chmod(dir.path().c_str(), 0777), 0);
  EXPECT_FALSE(OpenStore("sqlite://" + path).ok());
  ASSERT_EQ(::chmod(dir.path().c_str(), 0700), 0);
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
