// Shared helpers for the store tests: a temporary directory, a migrated store
// of either backend, and small factories for domain records.
//
// Most store tests are parameterised over the backend: GH_STORE_BACKENDS(Suite)
// runs Suite against "sqlite" (a temp file) and "postgres" (a fresh schema in
// the server GATEHOUSE_TEST_PG_URL names, dropped after the test). Under ctest a
// fixture starts that server and exports GATEHOUSE_TEST_PG_DIR, whose `url`
// file holds the URL. Without either the postgres runs FAIL, so CI cannot skip
// them by accident; GATEHOUSE_TEST_SKIP_PG=1 skips them on purpose.
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

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

inline std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : std::string();
}

// The test server's URL: $GATEHOUSE_TEST_PG_URL, else the `url` file in
// $GATEHOUSE_TEST_PG_DIR (written by scripts/pg-test-server.sh); empty if neither.
inline std::string PgTestUrl() {
  std::string url = Env("GATEHOUSE_TEST_PG_URL");
  if (!url.empty()) return url;
  const std::string dir = Env("GATEHOUSE_TEST_PG_DIR");
  if (dir.empty()) return std::string();
  std::ifstream in(dir + "/url");
  std::getline(in, url);
  return url;
}

inline bool SkipPg() { return Env("GATEHOUSE_TEST_SKIP_PG") == "1"; }

inline constexpr const char* kNoPgMessage =
    "No PostgreSQL test server: set GATEHOUSE_TEST_PG_URL (or run through ctest, whose "
    "fixture starts one), or set GATEHOUSE_TEST_SKIP_PG=1 to skip the PostgreSQL tests";

// A schema name no other test (or run) uses.
inline std::string RandomSchemaName() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device rd;
  std::string name = "gh_test_";
  for (int i = 0; i < 16; ++i) name += kHex[rd() % 16];
  return name;
}

// Runs `sql` on a connection of its own (outside any store); returns the
// first column of every row, or fails the test.
inline std::vector<std::string> PgQuery(const std::string& url, const std::string& sql) {
  std::vector<std::string> out;
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    ADD_FAILURE() << "cannot connect: " << PQerrorMessage(conn);
    PQfinish(conn);
    return out;
  }
  PGresult* res = PQexec(conn, sql.c_str());
  const ExecStatusType status = PQresultStatus(res);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    ADD_FAILURE() << sql << ": " << PQresultErrorMessage(res);
  } else {
    for (int i = 0; i < PQntuples(res); ++i) out.emplace_back(PQgetvalue(res, i, 0));
  }
  PQclear(res);
  PQfinish(conn);
  return out;
}

// Runs `sql` on a SQLite file of its own connection (outside any store);
// returns the first column of every row of its last statement, or fails the test.
inline std::vector<std::string> SqliteQuery(const std::string& path, const std::string& sql) {
  std::vector<std::string> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << path;
    sqlite3_close(db);
    return out;
  }
  sqlite3_busy_timeout(db, 5000);
  const char* rest = sql.c_str();
  while (rest != nullptr && *rest != '\0') {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, rest, -1, &st, &rest) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
      break;
    }
    if (st == nullptr) break;  // trailing whitespace
    out.clear();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(st, 0);
      out.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "");
    }
    if (rc != SQLITE_DONE) ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return out;
}

inline std::unique_ptr<Store> OpenMigrated(const std::string& url, int pool_size = 4,
                                           const std::string& pg_schema = "auth") {
  auto opened = OpenStore(url, pool_size, pg_schema);
  EXPECT_TRUE(opened.ok()) << (opened.ok() ? "" : opened.error().message);
  if (!opened.ok()) return nullptr;
  std::unique_ptr<Store> store = std::move(opened).value();
  auto migrated = store->Migrate();
  EXPECT_TRUE(migrated.ok()) << (migrated.ok() ? "" : migrated.error().message);
  return store;
}

// A test with a migrated store of the backend GetParam() names.
class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (postgres()) {
      url_ = PgTestUrl();
      if (url_.empty()) {
        if (SkipPg()) GTEST_SKIP() << "GATEHOUSE_TEST_SKIP_PG=1";
        FAIL() << kNoPgMessage;
      }
      schema_ = RandomSchemaName();
    } else {
      url_ = "sqlite://" + dir_.File("test.db");
    }
    store_ = OpenAnother();
    ASSERT_NE(store_, nullptr);
  }

  void TearDown() override {
    store_.reset();  // closes its connections before the schema goes
    if (!schema_.empty()) PgQuery(url_, "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  }

  bool postgres() const { return GetParam() == "postgres"; }

  // Another migrated store on the same database (and schema), as a second
  // Gatehouse instance would open it. The caller destroys it before TearDown.
  std::unique_ptr<Store> OpenAnother(int pool_size = 8) {
    return OpenMigrated(url_, pool_size, postgres() ? schema_ : std::string("auth"));
  }

  TempDir dir_;
  std::string url_;
  std::string schema_;  // postgres only
  std::unique_ptr<Store> store_;
};

// Runs the StoreTest-derived `suite` against both backends, as
// Store/<suite>.<test>/sqlite and Store/<suite>.<test>/postgres.
#define GH_STORE_BACKENDS(suite)                             \
  INSTANTIATE_TEST_SUITE_P(                                  \
      Store, suite, ::testing::Values("sqlite", "postgres"), \
      [](const ::testing::TestParamInfo<std::string>& info) { return info.param; })

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
