// Shared helpers for the store tests: a temporary directory, a migrated store
// in it, and small factories for domain records.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/store.h"

namespace gh::store::testing {

constexpr core::UnixMillis kT0 = 1'700'000'000'000;
constexpr int64_t kDay = 24 * 3600 * 1000;

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "gh-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::unique_ptr<Store> OpenMigrated(const std::string& url, int pool_size = 4) {
  auto opened = OpenStore(url, pool_size);
  EXPECT_TRUE(opened.ok()) << (opened.ok() ? "" : opened.error().message);
  if (!opened.ok()) return nullptr;
  std::unique_ptr<Store> store = std::move(opened).value();
  auto migrated = store->Migrate();
  EXPECT_TRUE(migrated.ok()) << (migrated.ok() ? "" : migrated.error().message);
  return store;
}

// A test with a migrated store in a temporary file.
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenMigrated("sqlite://" + dir_.File("test.db"));
    ASSERT_NE(store_, nullptr);
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

inline core::User MakeUser(const std::string& id, const std::string& email) {
  core::User u;
  u.id = id;
  u.created_at = kT0;
  u.updated_at = kT0;
  u.display_name = "User " + id;
  u.locale = "en";
  u.email = email;
  u.default_role = "user";
  u.roles = {"user", "me"};
  return u;
}

inline core::SessionRecord MakeSession(const std::string& id, const std::string& user_id,
                                       core::UnixMillis created_at = kT0) {
  core::SessionRecord s;
  s.id = id;
  s.user_id = user_id;
  s.created_at = created_at;
  s.refreshed_at = created_at;
  s.expires_at = created_at + 30 * kDay;
  s.user_agent = "test-agent";
  s.ip = "127.0.0.1";
  return s;
}

inline core::RefreshTokenRecord MakeToken(const std::string& id, const std::string& hash,
                                          core::UnixMillis created_at = kT0) {
  core::RefreshTokenRecord t;
  t.id = id;
  t.token_hash = hash;
  t.created_at = created_at;
  t.expires_at = created_at + 30 * kDay;
  return t;
}

}  // namespace gh::store::testing
