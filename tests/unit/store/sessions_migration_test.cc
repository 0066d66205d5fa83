// Migration 9 on both backends: sessions written by the release before it
// (migrations up to 8) keep every column and are given, as where they were
// last seen, the user agent and address they signed in with; after it a
// rotation records the refresh's own.

#include <gtest/gtest.h>

#include "old_store_test.h"

namespace gh::store::testing {
namespace {

class SessionsMigrationTest : public OldStoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    OpenOldAt(8);
  }
  // A sessions row and its refresh token in the v8 shape (the store's own
  // codec already writes the v9 columns, so the old rows are plain SQL).
  void OldSession(const std::string& id, const std::string& ua, const std::string& ip,
                  const std::string& revoked_reason) {
    const std::string t = std::to_string(kT0);
    const std::string exp = std::to_string(kT0 + 30 * kDay);
    Sql("INSERT INTO sessions (id, user_id, created_at, refreshed_at, expires_at, user_agent, ip, "
        "aal, amr, revoked_at, revoked_reason) VALUES ('" +
        id + "', 'u1', " + t + ", " + std::to_string(kT0 + 5) + ", " + exp + ", '" + ua + "', '" +
        ip + "', 'aal1', 'password', " + (revoked_reason.empty() ? "NULL" : t) + ", '" +
        revoked_reason + "')");
    Sql("INSERT INTO refresh_tokens (id, session_id, user_id, token_hash, parent_id, created_at, "
        "expires_at, rotated_at) VALUES ('t-" +
        id + "', '" + id + "', 'u1', 'h-" + id + "', NULL, " + t + ", " + exp + ", NULL)");
  }
};

TEST_P(SessionsMigrationTest, OldSessionsKeepTheirRowsAndAreLastSeenWhereTheySignedIn) {
  ASSERT_TRUE(old_->users().Create(MakeUser("u1", "a@example.com")).ok());
  OldSession("s1", "Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "203.0.113.7", "");
  OldSession("s2", "curl/8.0", "198.51.100.2", "signout");
  const std::string old_columns =
      "SELECT id || ' ' || user_id || ' ' || created_at || ' ' || refreshed_at || ' ' || "
      "expires_at || ' ' || user_agent || ' ' || ip || ' ' || aal || ' ' || amr || ' ' || "
      "revoked_reason FROM sessions ORDER BY id";
  const auto before = Sql(old_columns);
  ASSERT_EQ(before.size(), 2u);
  EXPECT_EQ(Sql("SELECT count(*) FROM schema_migrations WHERE version = 9"),
            std::vector<std::string>{"0"});

  ASSERT_TRUE(old_->Migrate().ok());

  EXPECT_EQ(Sql(old_columns), before);
  EXPECT_EQ(Sql("SELECT id || ' ' || refreshed_user_agent || ' ' || refreshed_ip FROM sessions "
                "ORDER BY id"),
            (std::vector<std::string>{"s1 Mozilla/5.0 (Windows NT 10.0; Win64; x64) 203.0.113.7",
                                      "s2 curl/8.0 198.51.100.2"}));
  auto s1 = old_->sessions().Find("s1").value();
  ASSERT_TRUE(s1.has_value());
  EXPECT_EQ(s1->refreshed_at, kT0 + 5);
  EXPECT_EQ(s1->refreshed_ip, "203.0.113.7");
  EXPECT_EQ(old_->sessions().ListForUser("u1", kT0 + 10).value().size(), 1u);

  // The old token still rotates, and the refresh is recorded with its own client.
  RotateRequest req;
  req.presented_hash = "h-s1";
  req.successor.id = "t-s1-2";
  req.successor.token_hash = "h-s1-2";
  req.successor.created_at = kT0 + 100;
  req.successor.expires_at = kT0 + 100 + 30 * kDay;
  req.now = kT0 + 100;
  req.client = {"192.0.2.9", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X)"};
  auto rotated = old_->sessions().Rotate(req);
  ASSERT_TRUE(rotated.ok());
  EXPECT_EQ(rotated->status, RotateStatus::kRotated);
  auto after = old_->sessions().Find("s1").value();
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->refreshed_at, kT0 + 100);
  EXPECT_EQ(after->refreshed_ip, "192.0.2.9");
  EXPECT_EQ(after->refreshed_user_agent, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X)");
  EXPECT_EQ(after->ip, "203.0.113.7");  // the sign-in's own values stay
  EXPECT_EQ(after->user_agent, "Mozilla/5.0 (Windows NT 10.0; Win64; x64)");

  ASSERT_TRUE(old_->Migrate().ok());  // again: a no-op
  EXPECT_EQ(Sql("SELECT count(*) FROM schema_migrations WHERE version = 9"),
            std::vector<std::string>{"1"});
}

GH_STORE_BACKENDS(SessionsMigrationTest);

}  // namespace
}  // namespace gh::store::testing
