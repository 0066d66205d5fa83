// A database as the release before migration 4 left it (migrations 1-3 only,
// rows written in that schema) migrates forward: every row is kept, the new
// columns are filled from what the old ones said, and the store works on it.
// Against SQLite and PostgreSQL.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store_test_util.h"

namespace gh::store::testing {
namespace {

class MigrationV4Test : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (postgres()) {
      url_ = PgTestUrl();
      if (url_.empty()) {
        if (SkipPg()) GTEST_SKIP() << "GATEHOUSE_TEST_SKIP_PG=1";
        FAIL() << kNoPgMessage;
      }
      schema_ = RandomSchemaName();
      PgQuery(url_, "CREATE SCHEMA " + schema_);
    } else {
      url_ = "sqlite://" + dir_.File("old.db");
    }
    // What migrations 1-3 of the release before created, recorded as applied.
    Exec(postgres() ? "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                      "applied_at BIGINT NOT NULL)"
                    : "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                      "applied_at INTEGER NOT NULL)");
    for (int v = 1; v <= 3; ++v) {
      const char* sql = postgres() ? postgres::MigrationSql(v) : sqlite::MigrationSql(v);
      ASSERT_NE(sql, nullptr);
      Exec(sql);
      Exec("INSERT INTO schema_migrations VALUES (" + std::to_string(v) + ", 1)");
    }
  }

  void TearDown() override {
    if (!schema_.empty()) PgQuery(url_, "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  }

  bool postgres() const { return GetParam() == "postgres"; }
  std::string True() const { return postgres() ? "TRUE" : "1"; }
  std::string False() const { return postgres() ? "FALSE" : "0"; }

  // Runs `sql` on the old database, outside any store.
  void Exec(const std::string& sql) {
    if (postgres()) {
      PgQuery(url_, "SET search_path TO " + schema_ + "; " + sql);
      return;
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir_.File("old.db").c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << sql << ": " << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
    // As the store creates its files (it refuses a database others may read).
    std::filesystem::permissions(dir_.File("old.db"), std::filesystem::perms::owner_read |
                                                          std::filesystem::perms::owner_write);
  }

  // A users row in the v1-v3 shape.
  void OldUser(const std::string& id, const std::string& email, const std::string& phone,
               const std::string& password, bool email_verified, bool phone_verified,
               bool anonymous) {
    auto text = [](const std::string& v) { return v.empty() ? "NULL" : "'" + v + "'"; };
    Exec(
        "INSERT INTO users (id, created_at, updated_at, display_name, email, email_verified, "
        "phone_number, phone_number_verified, password_hash, default_role, is_anonymous, "
        "metadata) VALUES ('" +
        id + "', " + std::to_string(kT0) + ", " + std::to_string(kT0 + 100) + ", 'Name " + id +
        "', " + text(email) + ", " + (email_verified ? True() : False()) + ", " + text(phone) +
        ", " + (phone_verified ? True() : False()) + ", " + text(password) + ", 'user', " +
        (anonymous ? True() : False()) + ", '{\"k\":\"" + id + "\"}')");
    Exec("INSERT INTO user_roles VALUES ('" + id + "', 'user', 0)");
  }
  void OldIdentity(const std::string& id, const std::string& user_id, const std::string& provider,
                   core::UnixMillis created_at) {
    Exec(
        "INSERT INTO identities (id, user_id, provider, provider_user_id, created_at, "
        "updated_at) VALUES ('" +
        id + "', '" + user_id + "', '" + provider + "', 'sub-" + id + "', " +
        std::to_string(created_at) + ", " + std::to_string(created_at) + ")");
  }
  void OldSession(const std::string& id, const std::string& user_id, core::UnixMillis created_at) {
    Exec("INSERT INTO sessions (id, user_id, created_at, refreshed_at, expires_at) VALUES ('" + id +
         "', '" + user_id + "', " + std::to_string(created_at) + ", " + std::to_string(created_at) +
         ", " + std::to_string(created_at + 30 * kDay) + ")");
  }

  std::unique_ptr<Store> Migrated() {
    return OpenMigrated(url_, 2, postgres() ? schema_ : std::string("auth"));
  }

  // JSON text without blanks: SQLite writes none, PostgreSQL one after ':' and ','.
  static std::string Compact(std::string json) {
    json.erase(std::remove(json.begin(), json.end(), ' '), json.end());
    return json;
  }

  TempDir dir_;
  std::string url_;
  std::string schema_;
};

TEST_P(MigrationV4Test, OldRowsGainTimesAndAppMetadata) {
  const std::string hash = "$argon2id$v=19$m=65536,t=2,p=1$abc$def";
  // Signed up by email, verified, two sign-ins, GitHub linked days later.
  OldUser("ua", "a@example.com", "", hash, true, false, false);
  OldSession("sa1", "ua", kT0 + 200);
  OldSession("sa2", "ua", kT0 + 300);
  OldIdentity("ia", "ua", "github", kT0 + 10 * kDay);
  // Signed up with Google (identity made in the same request), Apple later.
  OldUser("ub", "b@example.com", "", "", true, false, false);
  OldIdentity("ib1", "ub", "google", kT0 + 5);
  OldIdentity("ib2", "ub", "apple", kT0 + 2 * kDay);
  // Signed up by SMS.
  OldUser("uc", "", "+15550001111", "", false, true, false);
  // Anonymous.
  OldUser("ud", "", "", "", false, false, true);
  // Email and password, never verified.
  OldUser("ue", "e@example.com", "", hash, false, false, false);

  auto store = Migrated();
  ASSERT_NE(store, nullptr);
  auto user = [&](const std::string& id) {
    auto found = store->users().FindById(id);
    EXPECT_TRUE(found.ok() && found->has_value()) << id;
    return found.ok() && found->has_value() ? **found : core::User{};
  };

  core::User a = user("ua");
  EXPECT_EQ(a.email_confirmed_at, kT0 + 100);  // updated_at: no later than the proof
  EXPECT_TRUE(a.email_verified());
  EXPECT_FALSE(a.phone_confirmed_at.has_value());
  EXPECT_EQ(a.last_sign_in_at, kT0 + 300);  // the newest session
  EXPECT_EQ(Compact(a.app_metadata_json), R"({"provider":"email","providers":["email","github"]})");
  // Nothing of the old row is lost.
  EXPECT_EQ(a.display_name, "Name ua");
  EXPECT_EQ(a.metadata_json, R"({"k":"ua"})");
  EXPECT_EQ(a.password_hash, hash);
  EXPECT_EQ(a.roles, std::vector<std::string>{"user"});
  EXPECT_FALSE(a.banned_until.has_value());
  EXPECT_FALSE(a.confirmation_sent_at.has_value());

  core::User b = user("ub");
  EXPECT_EQ(b.email_confirmed_at, kT0 + 100);
  EXPECT_FALSE(b.last_sign_in_at.has_value());
  EXPECT_EQ(Compact(b.app_metadata_json),
            R"({"provider":"google","providers":["apple","google"]})");

  core::User c = user("uc");
  EXPECT_FALSE(c.email_confirmed_at.has_value());
  EXPECT_EQ(c.phone_confirmed_at, kT0 + 100);
  EXPECT_TRUE(c.phone_number_verified());
  EXPECT_EQ(Compact(c.app_metadata_json), R"({"provider":"phone","providers":["phone"]})");

  core::User d = user("ud");
  EXPECT_TRUE(d.is_anonymous);
  EXPECT_FALSE(d.email_confirmed_at.has_value());
  EXPECT_EQ(Compact(d.app_metadata_json), R"({"provider":"anonymous","providers":["anonymous"]})");

  core::User e = user("ue");
  EXPECT_FALSE(e.email_verified());
  EXPECT_EQ(Compact(e.app_metadata_json), R"({"provider":"email","providers":["email"]})");

  // The migrated store works as a fresh one: a sign-in, a ban, an update.
  ASSERT_TRUE(
      store->sessions().Create(MakeSession("se", "ue", kT0 + 5000), MakeToken("te", "he")).ok());
  e = user("ue");
  EXPECT_EQ(e.last_sign_in_at, kT0 + 5000);
  e.banned_until = kT0 + kDay;
  e.email_confirmed_at = kT0 + 6000;
  ASSERT_TRUE(store->users().Update(e).ok());
  core::User again = user("ue");
  EXPECT_EQ(again.banned_until, kT0 + kDay);
  EXPECT_EQ(again.email_confirmed_at, kT0 + 6000);
  EXPECT_EQ(store->users().Count().value(), 5);
  // A second start finds nothing left to do.
  store.reset();
  ASSERT_NE(Migrated(), nullptr);
}

INSTANTIATE_TEST_SUITE_P(Store, MigrationV4Test, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace gh::store::testing
