// users export / import against real SQLite stores: a mixed input with bad
// lines, duplicates and every shape; export -> import into a second store gives
// back the same users and identities.
#include "app/users_io.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/keys.h"
#include "app/user_rows.h"
#include "auth/mfa.h"
#include "crypto/secretbox.h"
#include "crypto/totp.h"

namespace gh::app {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "gh-app-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

std::unique_ptr<store::Store> OpenSqlite(const std::string& path) {
  auto s = store::OpenStore("sqlite://" + path);
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE((*s)->Migrate().ok());
  return std::move(*s);
}

const std::string kHash = "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";

std::string SupabaseLine(const std::string& id, const std::string& email) {
  return R"({"id":")" + id + R"(","aud":"authenticated","email":")" + email +
         R"(","encrypted_password":")" + kHash +
         R"(","email_confirmed_at":"2023-01-15 12:34:56+00","created_at":"2023-01-15 12:00:00+00","raw_user_meta_data":{"k":1}})";
}

std::string NhostLine(const std::string& id, const std::string& email) {
  return R"({"id":")" + id + R"(","email":")" + email + R"(","password_hash":")" + kHash +
         R"(","default_role":"user","email_verified":true,"created_at":"2022-05-01T10:00:00Z","roles":["user","me"]})";
}

struct ImportRun {
  ImportSummary summary;
  std::string report;
  bool ok = false;
};

ImportRun Import(store::Store& store, const std::string& input) {
  ImportRun run;
  std::istringstream in(input);
  std::ostringstream report;
  TransferOutput io;
  io.report = &report;
  auto r = ImportUsers(store, config::Config{}, in, io, run.summary);
  run.ok = r.ok();
  run.report = report.str();
  return run;
}

TEST(ImportUsers, MixedInputReportsBadLinesByNumberAndGoesOn) {
  TempDir dir;
  auto store = OpenSqlite(dir.File("a.db"));
  std::string input;
  input += SupabaseLine("11111111-1111-4111-8111-111111111111", "sb@example.com") + "\n";  // 1
  input += "{this is not json\n";                                                          // 2
  input += "\n";                                                                           // 3
  input += NhostLine("22222222-2222-4222-8222-222222222222", "nh@example.com") + "\r\n";   // 4
  input +=
      NhostLine("33333333-3333-4333-8333-333333333333", "SB@example.com") + "\n";  // 5 dup email
  input +=
      SupabaseLine("22222222-2222-4222-8222-222222222222", "other@example.com") + "\n";  // 6 dup id
  input +=
      R"({"id":"44444444-4444-4444-8444-444444444444","aud":"x","email":"gone@example.com","created_at":"2023-01-15T00:00:00Z","deleted_at":"2023-02-01T00:00:00Z"})"
      "\n";  // 7
  input +=
      R"({"id":"55555555-5555-4555-8555-555555555555","aud":"x","email":"bad@","created_at":"2023-01-15T00:00:00Z"})";  // 8, no final newline

  ImportRun run = Import(*store, input);
  EXPECT_TRUE(run.ok);
  EXPECT_EQ(run.summary.lines, 8);
  EXPECT_EQ(run.summary.imported, 2);
  EXPECT_EQ(run.summary.supabase, 1);
  EXPECT_EQ(run.summary.nhost, 1);
  EXPECT_EQ(run.summary.failed, 4) << run.report;
  EXPECT_EQ(run.summary.skipped, 1);
  EXPECT_NE(run.report.find("line 2: not valid JSON"), std::string::npos) << run.report;
  EXPECT_NE(run.report.find("line 5: email sb@example.com is already in use"), std::string::npos)
      << run.report;
  EXPECT_NE(
      run.report.find("line 6: a user with id 22222222-2222-4222-8222-222222222222 already exists"),
      std::string::npos)
      << run.report;
  EXPECT_NE(run.report.find("line 7: skipped"), std::string::npos) << run.report;
  EXPECT_NE(run.report.find("line 8: email: not a valid address"), std::string::npos) << run.report;
  EXPECT_EQ(run.report.find("line 1:"), std::string::npos);
  EXPECT_EQ(run.report.find("line 3:"), std::string::npos);

  auto sb = store->users().FindByEmail("sb@example.com");
  ASSERT_TRUE(sb.ok() && sb->has_value());
  EXPECT_EQ((*sb)->id, "11111111-1111-4111-8111-111111111111");
  EXPECT_EQ((*sb)->password_hash, kHash);
  EXPECT_TRUE((*sb)->email_verified());
  auto nh = store->users().FindById("22222222-2222-4222-8222-222222222222");
  ASSERT_TRUE(nh.ok() && nh->has_value());
  EXPECT_EQ((*nh)->email, "nh@example.com");  // not replaced by line 6
  EXPECT_EQ(*store->users().Count(), 2);
  EXPECT_NE(DescribeImport(run.summary).find("imported 2 users"), std::string::npos);
}

TEST(ExportUsers, ExportThenImportIntoAnotherStoreKeepsEverything) {
  TempDir dir;
  auto from = OpenSqlite(dir.File("from.db"));
  // More than one page (500) so paging is exercised.
  constexpr int kUsers = 620;
  for (int i = 0; i < kUsers; ++i) {
    core::User u;
    char id[37];
    std::snprintf(id, sizeof id, "%08x-0000-4000-8000-%012x", i * 7919, i);
    u.id = id;
    u.created_at = 1'700'000'000'000 + i;
    u.updated_at = u.created_at + 5;
    u.email = "user" + std::to_string(i) + "@example.com";
    u.password_hash = kHash;
    u.default_role = "user";
    u.roles = {"user", "me"};
    u.locale = "en";
    u.display_name = "User " + std::to_string(i);
    u.metadata_json = R"({"n":)" + std::to_string(i) + "}";
    ASSERT_TRUE(from->users().Create(u).ok());
    if (i % 100 == 0) {
      core::Identity id_row;
      id_row.id = "aaaaaaaa-0000-4000-8000-" + std::string(id).substr(24);
      id_row.user_id = u.id;
      id_row.provider = "github";
      id_row.provider_user_id = std::to_string(i);
      id_row.data_json = R"({"login":"u)" + std::to_string(i) + "\"}";
      id_row.created_at = id_row.updated_at = u.created_at;
      ASSERT_TRUE(from->identities().Create(id_row).ok());
      core::WebauthnCredential pk;
      pk.id = "bbbbbbbb-0000-4000-8000-" + std::string(id).substr(24);
      pk.user_id = u.id;
      pk.credential_id = "cred" + std::to_string(i);
      pk.public_key = "cose" + std::to_string(i);
      pk.sign_count = i;
      pk.nickname = "key " + std::to_string(i);
      pk.created_at = u.created_at;
      pk.last_used_at = u.created_at + i;
      ASSERT_TRUE(from->passkeys().Create(pk).value());
    }
  }
  std::ostringstream out;
  auto exported = ExportUsers(*from, config::Config{}, out, TransferOutput{});
  ASSERT_TRUE(exported.ok());
  EXPECT_EQ(exported->users, kUsers);
  EXPECT_EQ(exported->identities, 7);

  auto to = OpenSqlite(dir.File("to.db"));
  ImportRun run = Import(*to, out.str());
  EXPECT_TRUE(run.ok);
  EXPECT_EQ(run.summary.imported, kUsers) << run.report;
  EXPECT_EQ(run.summary.native, kUsers);
  EXPECT_EQ(run.summary.failed, 0);

  auto moved = to->passkeys().FindByCredentialId("cred100").value();
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(moved->sign_count, 100);
  EXPECT_EQ(moved->nickname, "key 100");

  // The second store exports to the very same lines (passkeys included).
  std::ostringstream again;
  ASSERT_TRUE(ExportUsers(*to, config::Config{}, again, TransferOutput{}).ok());
  EXPECT_EQ(again.str(), out.str());

  // Importing the same file twice refuses every line and changes nothing.
  ImportRun twice = Import(*to, out.str());
  EXPECT_EQ(twice.summary.imported, 0);
  EXPECT_EQ(twice.summary.failed, kUsers);
  EXPECT_EQ(*to->users().Count(), kUsers);
}

// A moved user keeps their personal access tokens: the hash is unkeyed, so
// the very token signs in to the second store's user.
TEST(ExportUsers, PersonalAccessTokensMoveWithTheirUser) {
  TempDir dir;
  auto from = OpenSqlite(dir.File("from.db"));
  core::User u;
  u.id = "5e2a6b3c-5d4e-4f6a-9b8c-7d6e5f4a3b2c";
  u.created_at = u.updated_at = 1'700'000'000'000;
  u.email = "pat@example.com";
  u.default_role = "user";
  u.roles = {"user"};
  ASSERT_TRUE(from->users().Create(u).ok());
  core::PersonalAccessToken t;
  t.id = "6e2a6b3c-5d4e-4f6a-9b8c-7d6e5f4a3b2c";
  t.user_id = u.id;
  t.token_hash = std::string(64, 'e');
  t.metadata_json = R"({"name":"deploy"})";
  t.created_at = u.created_at;
  t.expires_at = u.created_at + 86'400'000;
  t.last_used_at = u.created_at + 5;
  ASSERT_TRUE(from->pats().Create(t).ok());

  std::ostringstream out;
  ASSERT_TRUE(ExportUsers(*from, config::Config{}, out, TransferOutput{}).ok());
  auto to = OpenSqlite(dir.File("to.db"));
  ImportRun run = Import(*to, out.str());
  ASSERT_EQ(run.summary.imported, 1) << run.report;
  auto moved = to->pats().FindByHash(t.token_hash);
  ASSERT_TRUE(moved.ok() && moved->has_value());
  EXPECT_EQ((*moved)->id, t.id);
  EXPECT_EQ((*moved)->user_id, u.id);
  EXPECT_EQ((*moved)->expires_at, t.expires_at);
  EXPECT_EQ((*moved)->last_used_at, t.last_used_at);
  EXPECT_EQ(nlohmann::json::parse((*moved)->metadata_json), nlohmann::json::parse(t.metadata_json));

  // A token whose hash the target already holds fails the line and leaves no user.
  auto third = OpenSqlite(dir.File("third.db"));
  core::User other = u;
  other.id = "7e2a6b3c-5d4e-4f6a-9b8c-7d6e5f4a3b2c";
  other.email = "other@example.com";
  ASSERT_TRUE(third->users().Create(other).ok());
  core::PersonalAccessToken clash = t;
  clash.id = "8e2a6b3c-5d4e-4f6a-9b8c-7d6e5f4a3b2c";
  clash.user_id = other.id;
  ASSERT_TRUE(third->pats().Create(clash).ok());
  ImportRun refused = Import(*third, out.str());
  EXPECT_EQ(refused.summary.failed, 1);
  EXPECT_FALSE(third->users().FindById(u.id)->has_value());
}

// Each store seals TOTP secrets under its own generated key: the export carries
// the secret in clear and the recovery hashes, the import re-seals.
TEST(ExportUsers, TotpSecretAndRecoveryCodesMoveToAStoreWithAnotherKey) {
  TempDir dir;
  auto from = OpenSqlite(dir.File("from.db"));
  auto to = OpenSqlite(dir.File("to.db"));
  auto from_key = MfaKeyMaterial(config::Config{}, *from);
  auto to_key = MfaKeyMaterial(config::Config{}, *to);
  ASSERT_TRUE(from_key.ok() && to_key.ok());
  ASSERT_NE(*from_key, *to_key);
  const std::string raw = "12345678901234567890";
  core::User u;
  u.id = "5b1f0a8e-2c3d-4e5f-8a9b-0c1d2e3f4a5b";
  u.created_at = u.updated_at = 1'700'000'000'000;
  u.email = "totp@example.com";
  u.password_hash = kHash;
  u.default_role = "user";
  u.roles = {"user"};
  u.locale = "en";
  ASSERT_TRUE(from->users().Create(u).ok());
  core::MfaFactor factor;
  factor.id = "7c1f0a8e-2c3d-4e5f-8a9b-0c1d2e3f4a5b";
  factor.user_id = u.id;
  factor.type = "totp";
  factor.friendly_name = "work phone";
  factor.secret_encrypted = crypto::SecretBox(*from_key).Seal(raw);
  factor.created_at = factor.updated_at = u.created_at;
  factor.verified_at = u.created_at + 1;
  ASSERT_TRUE(from->factors().Create(factor).ok());
  core::MfaFactor pending = factor;  // an enrolment in progress moves too
  pending.id = "8c1f0a8e-2c3d-4e5f-8a9b-0c1d2e3f4a5b";
  pending.friendly_name = "";
  pending.created_at = pending.updated_at = u.created_at + 2;
  pending.verified_at.reset();
  ASSERT_TRUE(from->factors().Create(pending).ok());
  const std::vector<std::string> hashes = {auth::RecoveryCodeHash(raw, u.id, "aaaaa-bbbbb"),
                                           auth::RecoveryCodeHash(raw, u.id, "ccccc-ddddd")};
  ASSERT_TRUE(from->mfa().ReplaceRecoveryCodes(u.id, hashes, u.created_at).ok());

  std::ostringstream out;
  ASSERT_TRUE(ExportUsers(*from, config::Config{}, out, TransferOutput{}).ok());
  EXPECT_NE(out.str().find("\"secret\":\"" + crypto::Base32Encode(raw) + "\""), std::string::npos)
      << out.str();
  ImportRun run = Import(*to, out.str());
  ASSERT_EQ(run.summary.imported, 1) << run.report;
  auto moved = to->users().FindById(u.id);
  ASSERT_TRUE(moved.ok() && moved->has_value());
  EXPECT_EQ((*moved)->verified_mfa_type, "totp");
  auto factors = to->factors().ListForUser(u.id);
  ASSERT_TRUE(factors.ok());
  ASSERT_EQ(factors->size(), 2u);
  const core::MfaFactor& f = (*factors)[0];
  EXPECT_EQ(f.id, factor.id);
  EXPECT_EQ(f.friendly_name, "work phone");
  EXPECT_EQ(f.verified_at, factor.verified_at);
  std::string opened;
  ASSERT_TRUE(f.secret_encrypted.has_value());
  EXPECT_TRUE(crypto::SecretBox(*to_key).Open(*f.secret_encrypted, &opened));
  EXPECT_EQ(opened, raw);
  EXPECT_EQ((*factors)[1].id, pending.id);
  EXPECT_FALSE((*factors)[1].verified());
  EXPECT_TRUE(crypto::SecretBox(*to_key).Open(*(*factors)[1].secret_encrypted, &opened));
  auto listed = to->mfa().ListRecoveryCodes(u.id);
  ASSERT_TRUE(listed.ok());
  std::vector<std::string> sorted = hashes;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(*listed, sorted);

  // An old export's sealed secret is refused by a store with another key,
  // saying what to do, instead of importing a user who cannot sign in.
  const std::string head =
      R"({"id":"6b1f0a8e-2c3d-4e5f-8a9b-0c1d2e3f4a5b","createdAt":"2023-11-14T22:13:20Z",)"
      R"("email":"old@example.com","passwordHash":")" +
      std::string(kHash) + R"(","defaultRole":"user","roles":["user"],"activeMfaType":"totp",)";
  ImportRun refused = Import(
      *to, head + R"("totpSecretEncrypted":")" + crypto::SecretBox(*from_key).Seal(raw) + "\"}");
  EXPECT_EQ(refused.summary.failed, 1);
  EXPECT_NE(refused.report.find("totpSecretEncrypted: sealed under another store's key"),
            std::string::npos)
      << refused.report;
  EXPECT_FALSE(to->users().FindById("6b1f0a8e-2c3d-4e5f-8a9b-0c1d2e3f4a5b")->has_value());

  // An old export with the secret in clear imports as one verified factor.
  ImportRun old = Import(*to, head + R"("totpSecret":")" + crypto::Base32Encode(raw) + "\"}");
  ASSERT_EQ(old.summary.imported, 1) << old.report;
  auto carried = to->factors().ListForUser("6b1f0a8e-2c3d-4e5f-8a9b-0c1d2e3f4a5b");
  ASSERT_TRUE(carried.ok());
  ASSERT_EQ(carried->size(), 1u);
  EXPECT_TRUE((*carried)[0].verified());
  EXPECT_EQ((*carried)[0].id.size(), 36u);
  EXPECT_TRUE(crypto::SecretBox(*to_key).Open(*(*carried)[0].secret_encrypted, &opened));
  EXPECT_EQ(opened, raw);
}

TEST(ExportUsers, ProgressOnlyWhenAsked) {
  TempDir dir;
  auto store = OpenSqlite(dir.File("p.db"));
  ASSERT_TRUE(
      Import(*store, SupabaseLine("11111111-1111-4111-8111-111111111111", "p@example.com")).ok);
  std::ostringstream out, progress;
  TransferOutput io;
  io.progress = &progress;
  ASSERT_TRUE(ExportUsers(*store, config::Config{}, out, io).ok());
  EXPECT_NE(progress.str().find("exporting users: 1 of 1"), std::string::npos) << progress.str();
  EXPECT_EQ(out.str().find('\r'), std::string::npos);
}

}  // namespace
}  // namespace gh::app
