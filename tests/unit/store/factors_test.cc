// store::Factors against both backends: round trips, listing order, update
// and delete, the users row's summary kept in step, and the cascade with the user.

#include <gtest/gtest.h>

#include "store_test_util.h"

namespace gh::store::testing {
namespace {

core::MfaFactor MakeFactor(const std::string& id, const std::string& user_id,
                           core::UnixMillis created_at = kT0) {
  core::MfaFactor f;
  f.id = id;
  f.user_id = user_id;
  f.type = "totp";
  f.secret_encrypted = "sealed-" + id;
  f.created_at = created_at;
  f.updated_at = created_at;
  return f;
}

class FactorsTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_TRUE(store_->users().Create(MakeUser("u1", "a@example.com")).ok());
    ASSERT_TRUE(store_->users().Create(MakeUser("u2", "b@example.com")).ok());
  }
  std::optional<std::string> Summary(const std::string& user_id) {
    return store_->users().FindById(user_id)->value().verified_mfa_type;
  }
};

TEST_P(FactorsTest, EveryFieldRoundTrips) {
  core::MfaFactor f = MakeFactor("f1", "u1");
  f.friendly_name = "phone app";
  f.verified_at = kT0 + 5;
  f.last_challenged_at = kT0 + 4;
  ASSERT_TRUE(store_->factors().Create(f).ok());
  auto got = store_->factors().Find("f1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->user_id, "u1");
  EXPECT_EQ((*got)->type, "totp");
  EXPECT_EQ((*got)->friendly_name, "phone app");
  EXPECT_EQ((*got)->secret_encrypted, f.secret_encrypted);
  EXPECT_EQ((*got)->created_at, kT0);
  EXPECT_EQ((*got)->updated_at, kT0);
  EXPECT_EQ((*got)->verified_at, kT0 + 5);
  EXPECT_EQ((*got)->last_challenged_at, kT0 + 4);
  EXPECT_TRUE((*got)->verified());

  core::MfaFactor bare = MakeFactor("f2", "u1", kT0 + 1);
  bare.secret_encrypted.reset();
  ASSERT_TRUE(store_->factors().Create(bare).ok());
  auto b = store_->factors().Find("f2")->value();
  EXPECT_FALSE(b.secret_encrypted.has_value());
  EXPECT_FALSE(b.verified_at.has_value());
  EXPECT_FALSE(b.last_challenged_at.has_value());
  EXPECT_FALSE(store_->factors().Find("nope")->has_value());
}

TEST_P(FactorsTest, ListIsPerUserOldestFirst) {
  ASSERT_TRUE(store_->factors().Create(MakeFactor("fb", "u1", kT0 + 10)).ok());
  ASSERT_TRUE(store_->factors().Create(MakeFactor("fa", "u1", kT0 + 20)).ok());
  ASSERT_TRUE(store_->factors().Create(MakeFactor("fc", "u1", kT0 + 10)).ok());
  ASSERT_TRUE(store_->factors().Create(MakeFactor("fx", "u2", kT0)).ok());
  auto list = store_->factors().ListForUser("u1");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].id, "fb");
  EXPECT_EQ((*list)[1].id, "fc");
  EXPECT_EQ((*list)[2].id, "fa");
  EXPECT_TRUE(store_->factors().ListForUser("nobody")->empty());
}

TEST_P(FactorsTest, UpdateAndDeleteSayWhetherTheFactorWasThere) {
  core::MfaFactor f = MakeFactor("f1", "u1");
  ASSERT_TRUE(store_->factors().Create(f).ok());
  f.friendly_name = "renamed";
  f.secret_encrypted = "resealed";
  f.updated_at = kT0 + 7;
  f.verified_at = kT0 + 7;
  f.last_challenged_at = kT0 + 6;
  f.user_id = "u2";  // never changes
  EXPECT_TRUE(store_->factors().Update(f).value());
  auto got = store_->factors().Find("f1")->value();
  EXPECT_EQ(got.user_id, "u1");
  EXPECT_EQ(got.friendly_name, "renamed");
  EXPECT_EQ(got.secret_encrypted, "resealed");
  EXPECT_EQ(got.updated_at, kT0 + 7);
  EXPECT_EQ(got.verified_at, kT0 + 7);
  EXPECT_EQ(got.last_challenged_at, kT0 + 6);

  core::MfaFactor ghost = MakeFactor("ghost", "u1");
  EXPECT_FALSE(store_->factors().Update(ghost).value());
  EXPECT_TRUE(store_->factors().Delete("f1").value());
  EXPECT_FALSE(store_->factors().Delete("f1").value());
  EXPECT_FALSE(store_->factors().Find("f1")->has_value());
}

TEST_P(FactorsTest, TheUserSummaryFollowsTheVerifiedTotpFactor) {
  EXPECT_FALSE(Summary("u1").has_value());
  auto has_factor = [&](const std::string& id) {
    return store_->users().FindById(id)->value().has_totp_factor;
  };
  EXPECT_FALSE(has_factor("u1"));
  core::MfaFactor f = MakeFactor("f1", "u1");
  ASSERT_TRUE(store_->factors().Create(f).ok());
  EXPECT_FALSE(Summary("u1").has_value());  // pending enrolment
  EXPECT_TRUE(has_factor("u1"));            // but a factor there is
  EXPECT_FALSE(has_factor("u2"));
  f.verified_at = kT0 + 1;
  ASSERT_TRUE(store_->factors().Update(f).value());
  EXPECT_EQ(Summary("u1"), "totp");
  EXPECT_FALSE(Summary("u2").has_value());

  // A user write neither sets nor clears it.
  core::User u = store_->users().FindById("u1")->value();
  u.display_name = "changed";
  u.verified_mfa_type.reset();
  ASSERT_TRUE(store_->users().Update(u).ok());
  EXPECT_EQ(Summary("u1"), "totp");

  ASSERT_TRUE(store_->factors().Delete("f1").value());
  EXPECT_FALSE(Summary("u1").has_value());
  EXPECT_FALSE(has_factor("u1"));
}

TEST_P(FactorsTest, OldUserColumnsStayWrittenForRollback) {
  // What the previous release reads: the verified factor's secret, else the
  // newest pending one.
  auto columns = [&](const std::string& user_id) {
    const std::string sql =
        "SELECT coalesce(active_mfa_type, '-') || ' ' || coalesce(totp_secret_encrypted, '-') "
        "FROM users WHERE id = '" +
        user_id + "'";
    return postgres() ? PgQuery(url_, "SET search_path TO " + schema_ + "; " + sql)
                      : SqliteQuery(dir_.File("test.db"), sql);
  };
  ASSERT_TRUE(store_->factors().Create(MakeFactor("old", "u1", kT0)).ok());
  ASSERT_TRUE(store_->factors().Create(MakeFactor("new", "u1", kT0 + 1)).ok());
  EXPECT_EQ(columns("u1"), std::vector<std::string>{"- sealed-new"});
  core::MfaFactor old = store_->factors().Find("old")->value();
  old.verified_at = kT0 + 2;
  ASSERT_TRUE(store_->factors().Update(old).value());
  EXPECT_EQ(columns("u1"), std::vector<std::string>{"totp sealed-old"});
  ASSERT_TRUE(store_->factors().Delete("old").value());
  ASSERT_TRUE(store_->factors().Delete("new").value());
  EXPECT_EQ(columns("u1"), std::vector<std::string>{"- -"});
}

TEST_P(FactorsTest, FactorsGoWithTheirUser) {
  ASSERT_TRUE(store_->factors().Create(MakeFactor("f1", "u2")).ok());
  ASSERT_TRUE(store_->users().Delete("u2").ok());
  EXPECT_FALSE(store_->factors().Find("f1")->has_value());
  EXPECT_FALSE(store_->factors().Create(MakeFactor("f2", "nobody")).ok());
}

GH_STORE_BACKENDS(FactorsTest);

}  // namespace
}  // namespace gh::store::testing
