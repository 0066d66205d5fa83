#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store_test_util.h"

namespace gh::store::testing {
namespace {

class UsersTest : public StoreTest {
 protected:
  // One column of one users row, read past the store as text ("1"/"t" for
  // true, "" for NULL), to see what an older release would read.
  std::string RawColumn(const std::string& column, const std::string& id) {
    const std::string where = " WHERE id = '" + id + "'";
    if (postgres()) {
      auto rows = PgQuery(
          url_, "SELECT COALESCE(" + column + "::text, '') FROM " + schema_ + ".users" + where);
      return rows.empty() ? "<no row>" : rows[0];
    }
    std::string out = "<no row>";
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(dir_.File("test.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
        SQLITE_OK) {
      sqlite3_stmt* st = nullptr;
      const std::string sql = "SELECT COALESCE(" + column + ", '') FROM users" + where;
      if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
          sqlite3_step(st) == SQLITE_ROW)
        out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return out;
  }
  bool RawTrue(const std::string& column, const std::string& id) {
    const std::string v = RawColumn(column, id);
    return v == "1" || v == "t" || v == "true";
  }
};

// Every field with a value of its own, so a column read into the wrong field shows.
core::User FullUser(const std::string& id, const std::string& email) {
  core::User u = MakeUser(id, email);
  u.last_seen = kT0 + 5;
  u.avatar_url = "https://example.com/a.png";
  u.email_confirmed_at = kT0 + 6;
  u.new_email = "new-" + email;
  u.phone_number = "+1555000" + id.substr(1);
  u.phone_confirmed_at = kT0 + 7;
  u.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$abc$def";
  u.default_role = "editor";
  u.roles = {"editor", "user", "me"};
  u.is_anonymous = true;
  u.disabled = true;
  u.banned_until = kT0 + 8;
  u.metadata_json = R"({"plan":"pro"})";
  u.app_metadata_json = R"({"provider":"email","providers":["email","github"],"tier":3})";
  u.last_sign_in_at = kT0 + 9;
  u.invited_at = kT0 + 10;
  u.confirmation_sent_at = kT0 + 11;
  u.recovery_sent_at = kT0 + 12;
  u.email_change_sent_at = kT0 + 13;
  u.phone_change_sent_at = kT0 + 14;
  u.reauthentication_sent_at = kT0 + 15;
  u.verified_mfa_type = "totp";  // read-only: a user write does not set it
  return u;
}

void ExpectSameUser(const core::User& got, const core::User& u) {
  EXPECT_EQ(got.id, u.id);
  EXPECT_EQ(got.created_at, u.created_at);
  EXPECT_EQ(got.updated_at, u.updated_at);
  EXPECT_EQ(got.last_seen, u.last_seen);
  EXPECT_EQ(got.display_name, u.display_name);
  EXPECT_EQ(got.avatar_url, u.avatar_url);
  EXPECT_EQ(got.locale, u.locale);
  EXPECT_EQ(got.email, u.email);
  EXPECT_EQ(got.email_confirmed_at, u.email_confirmed_at);
  EXPECT_EQ(got.new_email, u.new_email);
  EXPECT_EQ(got.phone_number, u.phone_number);
  EXPECT_EQ(got.phone_confirmed_at, u.phone_confirmed_at);
  EXPECT_EQ(got.password_hash, u.password_hash);
  EXPECT_EQ(got.default_role, u.default_role);
  EXPECT_EQ(got.roles, u.roles);
  EXPECT_EQ(got.is_anonymous, u.is_anonymous);
  EXPECT_EQ(got.disabled, u.disabled);
  EXPECT_EQ(got.banned_until, u.banned_until);
  EXPECT_EQ(got.metadata_json, u.metadata_json);
  EXPECT_EQ(got.app_metadata_json, u.app_metadata_json);
  EXPECT_EQ(got.last_sign_in_at, u.last_sign_in_at);
  EXPECT_EQ(got.invited_at, u.invited_at);
  EXPECT_EQ(got.confirmation_sent_at, u.confirmation_sent_at);
  EXPECT_EQ(got.recovery_sent_at, u.recovery_sent_at);
  EXPECT_EQ(got.email_change_sent_at, u.email_change_sent_at);
  EXPECT_EQ(got.phone_change_sent_at, u.phone_change_sent_at);
  EXPECT_EQ(got.reauthentication_sent_at, u.reauthentication_sent_at);
  EXPECT_FALSE(got.verified_mfa_type.has_value());  // only the factors store writes it
}

TEST_P(UsersTest, CreateThenFindByIdEmailAndPhone) {
  core::User u = MakeUser("u1", "a@example.com");
  u.phone_number = "+15550001";
  ASSERT_TRUE(store_->users().Create(u).ok());

  auto by_id = store_->users().FindById("u1");
  ASSERT_TRUE(by_id.ok());
  ASSERT_TRUE(by_id->has_value());
  EXPECT_EQ((*by_id)->email, "a@example.com");

  auto by_email = store_->users().FindByEmail("a@example.com");
  ASSERT_TRUE(by_email.ok() && by_email->has_value());
  EXPECT_EQ((*by_email)->id, "u1");

  auto by_phone = store_->users().FindByPhone("+15550001");
  ASSERT_TRUE(by_phone.ok() && by_phone->has_value());
  EXPECT_EQ((*by_phone)->id, "u1");

  auto missing = store_->users().FindById("nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  EXPECT_FALSE(store_->users().FindByEmail("b@example.com")->has_value());
}

TEST_P(UsersTest, EveryFieldRoundTripsWithValues) {
  core::User u = FullUser("u1", "a@example.com");
  ASSERT_TRUE(store_->users().Create(u).ok());
  ExpectSameUser(store_->users().FindById("u1")->value(), u);
  // Every lookup reads through the same codec.
  ExpectSameUser(store_->users().FindByEmail("a@example.com")->value(), u);
  ExpectSameUser(store_->users().List("", 10)->at(0), u);

  // Update writes every column too: change each one.
  core::User v = FullUser("u1", "b@example.com");
  v.updated_at = kT0 + 100;
  v.email_confirmed_at.reset();
  v.phone_confirmed_at = kT0 + 107;
  v.banned_until.reset();
  v.app_metadata_json = R"({"provider":"phone","providers":["phone"]})";
  v.last_sign_in_at = kT0 + 109;
  v.invited_at.reset();
  v.confirmation_sent_at = kT0 + 111;
  v.recovery_sent_at.reset();
  v.email_change_sent_at = kT0 + 113;
  v.phone_change_sent_at.reset();
  v.reauthentication_sent_at = kT0 + 115;
  ASSERT_TRUE(store_->users().Update(v).ok());
  ExpectSameUser(store_->users().FindById("u1")->value(), v);
}

TEST_P(UsersTest, TheBooleanColumnsFollowTheConfirmationTimes) {
  // The release before reads email_verified / phone_number_verified: every
  // write keeps them what the times say, so a rollback sees who is verified.
  core::User u = MakeUser("u1", "a@example.com");
  u.phone_number = "+15550001";
  u.email_confirmed_at = kT0 + 1;
  ASSERT_TRUE(store_->users().Create(u).ok());
  EXPECT_TRUE(RawTrue("email_verified", "u1"));
  EXPECT_FALSE(RawTrue("phone_number_verified", "u1"));
  u.email_confirmed_at.reset();
  u.phone_confirmed_at = kT0 + 2;
  ASSERT_TRUE(store_->users().Update(u).ok());
  EXPECT_FALSE(RawTrue("email_verified", "u1"));
  EXPECT_TRUE(RawTrue("phone_number_verified", "u1"));

  // A verification the release before wrote (boolean set, no time) reads as
  // confirmed at the row's updated_at.
  if (postgres()) {
    PgQuery(url_, "UPDATE " + schema_ +
                      ".users SET email_verified = TRUE, updated_at = " + std::to_string(kT0 + 50));
  } else {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir_.File("test.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(
                  db,
                  ("UPDATE users SET email_verified = 1, updated_at = " + std::to_string(kT0 + 50))
                      .c_str(),
                  nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  core::User got = store_->users().FindById("u1")->value();
  EXPECT_EQ(got.email_confirmed_at, kT0 + 50);
  EXPECT_TRUE(got.email_verified());
  EXPECT_EQ(got.phone_confirmed_at, kT0 + 2);
}

TEST_P(UsersTest, MarkSentSetsOneColumnAndNothingElse) {
  core::User u = FullUser("u1", "a@example.com");
  ASSERT_TRUE(store_->users().Create(u).ok());
  struct Case {
    core::SentMessage kind;
    std::optional<core::UnixMillis> core::User::*field;
  };
  const Case cases[] = {
      {core::SentMessage::kConfirmation, &core::User::confirmation_sent_at},
      {core::SentMessage::kRecovery, &core::User::recovery_sent_at},
      {core::SentMessage::kEmailChange, &core::User::email_change_sent_at},
      {core::SentMessage::kPhoneChange, &core::User::phone_change_sent_at},
      {core::SentMessage::kReauthentication, &core::User::reauthentication_sent_at},
  };
  core::UnixMillis at = kT0 + 1000;
  for (const Case& c : cases) {
    ASSERT_TRUE(store_->users().MarkSent("u1", c.kind, ++at).ok());
    u.*c.field = at;
    ExpectSameUser(store_->users().FindById("u1")->value(), u);
  }
  EXPECT_TRUE(store_->users().MarkSent("nobody", core::SentMessage::kRecovery, at).ok());
}

TEST_P(UsersTest, OptionalFieldsRoundTripAsNull) {
  core::User u = MakeUser("u1", "");
  u.email.reset();
  u.roles = {};
  ASSERT_TRUE(store_->users().Create(u).ok());
  core::User got = store_->users().FindById("u1")->value();
  EXPECT_FALSE(got.last_seen.has_value());
  EXPECT_FALSE(got.email.has_value());
  EXPECT_FALSE(got.new_email.has_value());
  EXPECT_FALSE(got.phone_number.has_value());
  EXPECT_FALSE(got.password_hash.has_value());
  EXPECT_FALSE(got.verified_mfa_type.has_value());
  EXPECT_FALSE(got.email_verified());
  EXPECT_FALSE(got.email_confirmed_at.has_value());
  EXPECT_FALSE(got.phone_confirmed_at.has_value());
  EXPECT_FALSE(got.banned_until.has_value());
  EXPECT_FALSE(got.last_sign_in_at.has_value());
  EXPECT_FALSE(got.invited_at.has_value());
  EXPECT_FALSE(got.confirmation_sent_at.has_value());
  EXPECT_FALSE(got.recovery_sent_at.has_value());
  EXPECT_FALSE(got.email_change_sent_at.has_value());
  EXPECT_FALSE(got.phone_change_sent_at.has_value());
  EXPECT_FALSE(got.reauthentication_sent_at.has_value());
  EXPECT_EQ(got.app_metadata_json, "{}");
  EXPECT_FALSE(got.disabled);
  EXPECT_TRUE(got.roles.empty());
  EXPECT_EQ(got.metadata_json, "{}");

  // An empty string is a value, not a null.
  core::User v = MakeUser("u2", "");
  ASSERT_TRUE(store_->users().Create(v).ok());
  auto got_v = store_->users().FindById("u2")->value();
  ASSERT_TRUE(got_v.email.has_value());
  EXPECT_EQ(*got_v.email, "");
}

TEST_P(UsersTest, UsersWithoutEmailOrPhoneDoNotConflict) {
  for (const char* id : {"u1", "u2", "u3"}) {
    core::User u = MakeUser(id, "");
    u.email.reset();
    ASSERT_TRUE(store_->users().Create(u).ok()) << id;
  }
  EXPECT_EQ(store_->users().Count().value(), 3);
}

TEST_P(UsersTest, DuplicateEmailIsEmailAlreadyInUse) {
  ASSERT_TRUE(store_->users().Create(MakeUser("u1", "a@example.com")).ok());
  auto r = store_->users().Create(MakeUser("u2", "a@example.com"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kEmailAlreadyInUse);
  // The failed insert left nothing behind, roles included.
  EXPECT_EQ(store_->users().Count().value(), 1);
  EXPECT_FALSE(store_->users().FindById("u2")->has_value());
}

TEST_P(UsersTest, DuplicatePhoneIsPhoneAlreadyInUse) {
  core::User a = MakeUser("u1", "a@example.com");
  a.phone_number = "+15550001";
  core::User b = MakeUser("u2", "b@example.com");
  b.phone_number = "+15550001";
  ASSERT_TRUE(store_->users().Create(a).ok());
  auto r = store_->users().Create(b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "phone-already-in-use");
}

TEST_P(UsersTest, UpdateReplacesColumnsAndRoles) {
  ASSERT_TRUE(store_->users().Create(MakeUser("u1", "a@example.com")).ok());
  core::User u = store_->users().FindById("u1")->value();
  u.display_name = "Renamed";
  u.email = "renamed@example.com";
  u.password_hash = "hash";
  u.roles = {"admin"};
  u.default_role = "admin";
  u.updated_at = kT0 + 1000;
  ASSERT_TRUE(store_->users().Update(u).ok());

  core::User got = store_->users().FindById("u1")->value();
  EXPECT_EQ(got.display_name, "Renamed");
  EXPECT_EQ(got.email, "renamed@example.com");
  EXPECT_EQ(got.password_hash, "hash");
  EXPECT_EQ(got.roles, std::vector<std::string>{"admin"});
  EXPECT_EQ(got.updated_at, kT0 + 1000);
  EXPECT_FALSE(store_->users().FindByEmail("a@example.com")->has_value());

  // Clearing an optional column.
  got.password_hash.reset();
  ASSERT_TRUE(store_->users().Update(got).ok());
  EXPECT_FALSE(store_->users().FindById("u1")->value().password_hash.has_value());
}

TEST_P(UsersTest, UpdateErrors) {
  auto missing = store_->users().Update(MakeUser("ghost", "g@example.com"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, core::errc::kUserNotFound);

  ASSERT_TRUE(store_->users().Create(MakeUser("u1", "a@example.com")).ok());
  ASSERT_TRUE(store_->users().Create(MakeUser("u2", "b@example.com")).ok());
  core::User u2 = MakeUser("u2", "a@example.com");
  u2.roles = {"other"};
  auto conflict = store_->users().Update(u2);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code, core::errc::kEmailAlreadyInUse);
  // Rolled back: neither the email nor the roles changed.
  core::User got = store_->users().FindById("u2")->value();
  EXPECT_EQ(got.email, "b@example.com");
  EXPECT_EQ(got.roles, (std::vector<std::string>{"user", "me"}));
}

TEST_P(UsersTest, DuplicateRolesAreKeptOnce) {
  core::User u = MakeUser("u1", "a@example.com");
  u.roles = {"user", "me", "user"};
  ASSERT_TRUE(store_->users().Create(u).ok());
  EXPECT_EQ(store_->users().FindById("u1")->value().roles,
            (std::vector<std::string>{"user", "me"}));
}

TEST_P(UsersTest, DeleteRemovesUserAndCascades) {
  ASSERT_TRUE(store_->users().Create(MakeUser("u1", "a@example.com")).ok());
  ASSERT_TRUE(store_->sessions().Create(MakeSession("s1", "u1"), MakeToken("t1", "h1")).ok());
  core::Identity id;
  id.id = "i1";
  id.user_id = "u1";
  id.provider = "github";
  id.provider_user_id = "42";
  ASSERT_TRUE(store_->identities().Create(id).ok());

  ASSERT_TRUE(store_->users().Delete("u1").ok());
  EXPECT_FALSE(store_->users().FindById("u1")->has_value());
  EXPECT_FALSE(store_->sessions().Find("s1")->has_value());
  EXPECT_FALSE(store_->sessions().FindByTokenHash("h1")->has_value());
  EXPECT_FALSE(store_->identities().Find("github", "42")->has_value());
  EXPECT_EQ(store_->users().Count().value(), 0);
  // The email is free again.
  EXPECT_TRUE(store_->users().Create(MakeUser("u2", "a@example.com")).ok());
}

TEST_P(UsersTest, ListPagesInIdOrder) {
  for (const char* id : {"c", "a", "e", "b", "d"}) {
    ASSERT_TRUE(store_->users().Create(MakeUser(id, std::string(id) + "@example.com")).ok());
  }
  auto first = store_->users().List("", 2);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].id, "a");
  EXPECT_EQ((*first)[1].id, "b");
  EXPECT_EQ((*first)[0].roles, (std::vector<std::string>{"user", "me"}));

  auto rest = store_->users().List("b", 10);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 3u);
  EXPECT_EQ((*rest)[0].id, "c");
  EXPECT_EQ((*rest)[2].id, "e");
  EXPECT_TRUE(store_->users().List("e", 10)->empty());
  // A default-constructed view (null data) means "from the start" too.
  EXPECT_EQ(store_->users().List(std::string_view(), 10)->size(), 5u);
  EXPECT_EQ(store_->users().Count().value(), 5);
}

TEST_P(UsersTest, IdentitiesRoundTripAndAreUniquePerProvider) {
  ASSERT_TRUE(store_->users().Create(MakeUser("u1", "a@example.com")).ok());
  core::Identity id;
  id.id = "i1";
  id.user_id = "u1";
  id.provider = "github";
  id.provider_user_id = "42";
  id.email = "a@example.com";
  id.data_json = R"({"login":"a"})";
  id.created_at = kT0;
  id.updated_at = kT0 + 1;
  ASSERT_TRUE(store_->identities().Create(id).ok());

  auto found = store_->identities().Find("github", "42");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->user_id, "u1");
  EXPECT_EQ((*found)->email, "a@example.com");
  EXPECT_EQ((*found)->data_json, id.data_json);
  EXPECT_EQ((*found)->updated_at, kT0 + 1);
  EXPECT_FALSE(store_->identities().Find("google", "42")->has_value());

  core::Identity dup = id;
  dup.id = "i2";
  EXPECT_FALSE(store_->identities().Create(dup).ok());

  core::Identity other = id;
  other.id = "i3";
  other.provider = "google";
  other.email.reset();
  ASSERT_TRUE(store_->identities().Create(other).ok());
  auto list = store_->identities().ListForUser("u1");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 2u);

  ASSERT_TRUE(store_->identities().Delete("i1").ok());
  EXPECT_FALSE(store_->identities().Find("github", "42")->has_value());
  EXPECT_EQ(store_->identities().ListForUser("u1")->size(), 1u);
}

GH_STORE_BACKENDS(UsersTest);

}  // namespace
}  // namespace gh::store::testing
