// Parsing and mapping of user rows: native export lines, Supabase and Nhost
// auth.users rows, timestamps, and the errors a bad line reports.
#include "app/user_rows.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "crypto/totp.h"

namespace gh::app {
namespace {

const char* kBcrypt = "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";

config::Config TestConfig() {
  config::Config c;
  c.default_role = "user";
  c.allowed_roles = {"user", "me"};
  c.default_locale = "en";
  return c;
}

UserRow MustParse(const std::string& line) {
  auto row = ParseUserRow(line, TestConfig());
  EXPECT_TRUE(row.ok()) << (row.ok() ? "" : row.error().message) << "\n" << line;
  return row.ok() ? *row : UserRow{};
}

std::string ErrorOf(const std::string& line) {
  auto row = ParseUserRow(line, TestConfig());
  EXPECT_FALSE(row.ok()) << line;
  if (row.ok()) return "";
  EXPECT_EQ(row.error().code, core::errc::kInvalidRequest);
  return row.error().message;
}

TEST(ParseTimestamp, AcceptsRfc3339AndPostgresText) {
  EXPECT_EQ(ParseTimestamp("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseTimestamp("2023-01-15T12:34:56.789Z"), 1673786096789);
  EXPECT_EQ(ParseTimestamp("2023-01-15 12:34:56.789123+00"), 1673786096789);
  EXPECT_EQ(ParseTimestamp("2023-01-15T14:34:56.789+02:00"), 1673786096789);
  EXPECT_EQ(ParseTimestamp("2023-01-15T07:34:56.789-0500"), 1673786096789);
  EXPECT_EQ(ParseTimestamp("2023-01-15T12:34:56"), 1673786096000);
  EXPECT_EQ(ParseTimestamp("2023-01-15T12:34:56.7Z"), 1673786096700);
  EXPECT_EQ(ParseTimestamp("2024-02-29T00:00:00Z"), 1709164800000);
  EXPECT_EQ(ParseTimestamp("1969-12-31T23:59:59Z"), -1000);
}

TEST(ParseTimestamp, RefusesNonsense) {
  for (const char* bad : {"", "2023-01-15", "2023-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
                          "2023-01-15T25:00:00Z", "2023-01-15T12:34:56.Z", "2023-01-15T12:34:56+1",
                          "2023-01-15T12:34:56Zjunk", "yesterday", "2023/01/15 12:34:56"}) {
    EXPECT_EQ(ParseTimestamp(bad), std::nullopt) << bad;
  }
}

TEST(ParseUserRow, SupabaseRow) {
  UserRow row = MustParse(R"({
    "instance_id": "00000000-0000-0000-0000-000000000000",
    "id": "6F1C2B9E-8E0A-4E43-9A3B-0C4D7A1E2F30",
    "aud": "authenticated", "role": "authenticated",
    "email": " Alice@Example.COM ",
    "encrypted_password": "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
    "email_confirmed_at": "2023-01-15 12:34:56.789123+00",
    "invited_at": null, "confirmation_token": "", "recovery_token": "",
    "last_sign_in_at": "2023-02-01T00:00:00Z",
    "raw_app_meta_data": {"provider": "email", "providers": ["email"]},
    "raw_user_meta_data": {"full_name": "Alice A", "avatar_url": "https://example.com/a.png", "plan": "pro"},
    "is_super_admin": null,
    "created_at": "2023-01-15 12:00:00+00", "updated_at": "2023-01-16 12:00:00+00",
    "phone": "15551234567", "phone_confirmed_at": null,
    "email_change": "", "banned_until": null, "deleted_at": null,
    "is_sso_user": false, "is_anonymous": false
  })");
  EXPECT_EQ(row.format, UserRowFormat::kSupabase);
  const core::User& u = row.user;
  EXPECT_EQ(u.id, "6f1c2b9e-8e0a-4e43-9a3b-0c4d7a1e2f30");
  EXPECT_EQ(u.email, "alice@example.com");
  EXPECT_EQ(u.password_hash, kBcrypt);
  EXPECT_EQ(u.email_confirmed_at, 1673786096789);
  EXPECT_EQ(u.phone_number, "+15551234567");
  EXPECT_FALSE(u.phone_number_verified());
  EXPECT_EQ(u.created_at, 1673784000000);
  EXPECT_EQ(u.updated_at, 1673870400000);
  EXPECT_EQ(u.last_seen, 1675209600000);
  EXPECT_EQ(u.last_sign_in_at, 1675209600000);
  EXPECT_EQ(nlohmann::json::parse(u.app_metadata_json),
            nlohmann::json::parse(R"({"provider": "email", "providers": ["email"]})"));
  EXPECT_EQ(u.display_name, "Alice A");
  EXPECT_EQ(u.avatar_url, "https://example.com/a.png");
  EXPECT_EQ(nlohmann::json::parse(u.metadata_json)["plan"], "pro");
  EXPECT_EQ(u.default_role, "user");
  EXPECT_EQ(u.roles, (std::vector<std::string>{"user", "me"}));
  EXPECT_EQ(u.locale, "en");
  EXPECT_FALSE(u.new_email.has_value());
  EXPECT_FALSE(u.disabled);
  EXPECT_FALSE(row.skip_reason.has_value());
}

TEST(ParseUserRow, SupabaseWithoutPasswordOrEmailAndDeletedOrBanned) {
  UserRow phone_only = MustParse(
      R"({"id":"6f1c2b9e-8e0a-4e43-9a3b-0c4d7a1e2f31","aud":"authenticated","email":null,)"
      R"("encrypted_password":"","phone":"+4915112345678","phone_confirmed_at":"2023-01-15T00:00:00Z",)"
      R"("raw_user_meta_data":null,"created_at":"2023-01-15T00:00:00Z"})");
  EXPECT_FALSE(phone_only.user.email.has_value());
  EXPECT_FALSE(phone_only.user.password_hash.has_value());
  EXPECT_TRUE(phone_only.user.phone_number_verified());
  EXPECT_EQ(phone_only.user.metadata_json, "{}");

  UserRow deleted = MustParse(
      R"({"id":"6f1c2b9e-8e0a-4e43-9a3b-0c4d7a1e2f32","aud":"authenticated","email":"d@example.com",)"
      R"("created_at":"2023-01-15T00:00:00Z","deleted_at":"2023-03-01T00:00:00Z"})");
  ASSERT_TRUE(deleted.skip_reason.has_value());
  EXPECT_NE(deleted.skip_reason->find("deleted"), std::string::npos);

  UserRow banned = MustParse(
      R"({"id":"6f1c2b9e-8e0a-4e43-9a3b-0c4d7a1e2f33","aud":"authenticated","email":"b@example.com",)"
      R"("created_at":"2023-01-15T00:00:00Z","banned_until":"2999-01-01T00:00:00Z"})");
  // A ban is kept as the time it ends: it runs out by itself, as in Supabase.
  EXPECT_FALSE(banned.user.disabled);
  EXPECT_EQ(banned.user.banned_until, 32472144000000);
  EXPECT_TRUE(banned.user.blocked(1673740800000));
  UserRow unbanned = MustParse(
      R"({"id":"6f1c2b9e-8e0a-4e43-9a3b-0c4d7a1e2f34","aud":"authenticated","email":"u@example.com",)"
      R"("created_at":"2023-01-15T00:00:00Z","banned_until":"2001-01-01T00:00:00Z"})");
  EXPECT_FALSE(unbanned.user.disabled);
  EXPECT_FALSE(unbanned.user.blocked(1673740800000));
}

TEST(ParseUserRow, NhostRow) {
  UserRow row = MustParse(R"({
    "id": "2b4f1a8c-1d2e-4f3a-8b9c-0d1e2f3a4b5c",
    "created_at": "2022-05-01T10:00:00.123456+00:00", "updated_at": "2022-05-02T10:00:00+00:00",
    "last_seen": null, "disabled": false, "display_name": "Bob", "avatar_url": "",
    "locale": "fr", "email": "BOB@example.com", "phone_number": "+33612345678",
    "password_hash": "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
    "email_verified": true, "phone_number_verified": false, "new_email": null,
    "otp_method_last_used": null, "otp_hash": null, "default_role": "editor",
    "is_anonymous": false, "totp_secret": null, "active_mfa_type": null, "ticket": null,
    "metadata": {"team": 7}, "webauthn_current_challenge": null,
    "roles": [{"role": "editor"}, {"role": "user"}]
  })");
  EXPECT_EQ(row.format, UserRowFormat::kNhost);
  const core::User& u = row.user;
  EXPECT_EQ(u.id, "2b4f1a8c-1d2e-4f3a-8b9c-0d1e2f3a4b5c");
  EXPECT_EQ(u.email, "bob@example.com");
  EXPECT_EQ(u.display_name, "Bob");
  EXPECT_EQ(u.locale, "fr");
  EXPECT_EQ(u.phone_number, "+33612345678");
  EXPECT_EQ(u.email_confirmed_at, u.updated_at);  // Nhost keeps no time: the row's last change
  EXPECT_FALSE(u.phone_number_verified());
  EXPECT_EQ(nlohmann::json::parse(u.app_metadata_json),
            nlohmann::json::parse(R"({"provider": "email", "providers": ["email"]})"));
  EXPECT_EQ(u.default_role, "editor");
  EXPECT_EQ(u.roles, (std::vector<std::string>{"editor", "user"}));
  EXPECT_EQ(u.created_at, 1651399200123);
  EXPECT_EQ(nlohmann::json::parse(u.metadata_json)["team"], 7);
  EXPECT_TRUE(row.warnings.empty());
}

TEST(ParseUserRow, NhostRolesAsStringsDefaultRoleAddedAndTotpCarried) {
  UserRow row = MustParse(
      R"({"id":"2b4f1a8c-1d2e-4f3a-8b9c-0d1e2f3a4b5d","email":"c@example.com","default_role":"admin",)"
      R"("roles":["user"],"created_at":"2022-05-01T10:00:00Z","updated_at":"2022-05-02T10:00:00Z",)"
      R"("active_mfa_type":"totp","totp_secret":"JBSWY3DPEHPK3PXP"})");
  EXPECT_EQ(row.user.default_role, "admin");
  EXPECT_EQ(row.user.roles, (std::vector<std::string>{"user", "admin"}));
  // Nhost's secret is in clear: one verified TOTP factor with the raw key.
  ASSERT_EQ(row.mfa.factors.size(), 1u);
  EXPECT_EQ(row.mfa.factors[0].factor.type, "totp");
  EXPECT_EQ(row.mfa.factors[0].factor.verified_at, row.user.updated_at);
  EXPECT_EQ(row.mfa.factors[0].key, "Hello!\xDE\xAD\xBE\xEF");  // JBSWY3DPEHPK3PXP
  EXPECT_TRUE(row.warnings.empty());

  // A secret without active_mfa_type: a pending enrolment; a type without a
  // secret cannot be carried and is reported.
  UserRow pending = MustParse(
      R"({"id":"2b4f1a8c-1d2e-4f3a-8b9c-0d1e2f3a4b5f","email":"p@example.com","default_role":"user",)"
      R"("created_at":"2022-05-01T10:00:00Z","totp_secret":"JBSWY3DPEHPK3PXP"})");
  ASSERT_EQ(pending.mfa.factors.size(), 1u);
  EXPECT_FALSE(pending.mfa.factors[0].factor.verified());
  UserRow lost = MustParse(
      R"({"id":"2b4f1a8c-1d2e-4f3a-8b9c-0d1e2f3a4b60","email":"l@example.com","default_role":"user",)"
      R"("created_at":"2022-05-01T10:00:00Z","active_mfa_type":"totp"})");
  EXPECT_TRUE(lost.mfa.factors.empty());
  ASSERT_EQ(lost.warnings.size(), 1u);
  EXPECT_FALSE(
      ParseUserRow(R"({"id":"2b4f1a8c-1d2e-4f3a-8b9c-0d1e2f3a4b61","email":"x@example.com",)"
                   R"("created_at":"2022-05-01T10:00:00Z","totp_secret":"not base32!"})",
                   TestConfig())
          .ok());

  UserRow no_roles = MustParse(
      R"({"id":"2b4f1a8c-1d2e-4f3a-8b9c-0d1e2f3a4b5e","email":"d@example.com","default_role":"user",)"
      R"("created_at":"2022-05-01T10:00:00Z","is_anonymous":false})");
  EXPECT_EQ(no_roles.user.roles, (std::vector<std::string>{"user", "me"}));
}

TEST(ParseUserRow, NativeRoundTrip) {
  core::User u;
  u.id = "0e2a6b3c-5d4e-4f6a-9b8c-7d6e5f4a3b2c";
  u.created_at = 1673786096789;
  u.updated_at = 1673786099000;
  u.last_seen = 1673786100000;
  u.display_name = "Zoë \"Z\" Ünicode";
  u.avatar_url = "https://example.com/z.png";
  u.locale = "de";
  u.email = "zoe@example.com";
  u.email_confirmed_at = 1673786096001;
  u.new_email = "zoe2@example.com";
  u.phone_number = "+4915112345678";
  u.phone_confirmed_at = 1673786096002;
  u.banned_until = 1673786096003;
  u.app_metadata_json = R"({"provider":"github","providers":["github"],"plan":"gold"})";
  u.last_sign_in_at = 1673786096004;
  u.invited_at = 1673786096005;
  u.confirmation_sent_at = 1673786096006;
  u.recovery_sent_at = 1673786096007;
  u.email_change_sent_at = 1673786096008;
  u.phone_change_sent_at = 1673786096009;
  u.reauthentication_sent_at = 1673786096010;
  u.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA";
  u.default_role = "me";
  u.roles = {"user", "me"};
  u.is_anonymous = false;
  u.disabled = true;
  u.metadata_json = R"({"a":[1,2,{"b":null}],"s":"x\ny"})";
  core::Identity id;
  id.id = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
  id.user_id = u.id;
  id.provider = "github";
  id.provider_user_id = "12345";
  id.email = "zoe@users.github.com";
  id.data_json = R"({"login":"zoe"})";
  id.created_at = 1673786096000;
  id.updated_at = 1673786097000;

  MfaSecrets mfa;
  ExportedFactor clear;
  clear.factor.id = "1b2c3d4e-5f60-4718-9a2b-3c4d5e6f7a8b";
  clear.factor.user_id = u.id;
  clear.factor.type = "totp";
  clear.factor.friendly_name = "phone";
  clear.factor.created_at = 1673786096100;
  clear.factor.updated_at = 1673786096200;
  clear.factor.verified_at = 1673786096200;
  clear.factor.last_challenged_at = 1673786096150;
  clear.key = std::string("\x01\x02raw key bytes\xff", 16);
  ExportedFactor sealed;
  sealed.factor.id = "2b2c3d4e-5f60-4718-9a2b-3c4d5e6f7a8b";
  sealed.factor.user_id = u.id;
  sealed.factor.type = "totp";
  sealed.factor.created_at = sealed.factor.updated_at = 1673786097000;
  sealed.factor.secret_encrypted = "v1.bm9uY2U.Y2lwaGVy";
  mfa.factors = {clear, sealed};
  mfa.recovery_code_hashes = {"t1:aa", "t1:bb"};
  core::WebauthnCredential pk;
  pk.id = "3b2c3d4e-5f60-4718-9a2b-3c4d5e6f7a8b";
  pk.user_id = u.id;
  pk.credential_id = "Y3JlZA";
  pk.public_key = "pQECAyYgASFYIA";
  pk.sign_count = 4'000'000'000;
  pk.aaguid = "0102030405060708090a0b0c0d0e0f10";
  pk.transports = "internal,hybrid";
  pk.nickname = "laptop";
  pk.backup_eligible = pk.backed_up = true;
  pk.created_at = 1673786098000;
  pk.last_used_at = 1673786099123;
  core::WebauthnCredential bare = pk;
  bare.id = "4b2c3d4e-5f60-4718-9a2b-3c4d5e6f7a8b";
  bare.credential_id = "b3RoZXI";
  bare.last_used_at.reset();
  bare.backup_eligible = bare.backed_up = false;
  mfa.passkeys = {pk, bare};

  std::string line = FormatUserRow(u, {id}, mfa);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  UserRow row = MustParse(line);
  EXPECT_EQ(row.format, UserRowFormat::kNative);
  const core::User& v = row.user;
  EXPECT_EQ(v.id, u.id);
  EXPECT_EQ(v.created_at, u.created_at);
  EXPECT_EQ(v.updated_at, u.updated_at);
  EXPECT_EQ(v.last_seen, u.last_seen);
  EXPECT_EQ(v.display_name, u.display_name);
  EXPECT_EQ(v.avatar_url, u.avatar_url);
  EXPECT_EQ(v.locale, u.locale);
  EXPECT_EQ(v.email, u.email);
  EXPECT_EQ(v.email_confirmed_at, u.email_confirmed_at);
  EXPECT_EQ(v.new_email, u.new_email);
  EXPECT_EQ(v.phone_number, u.phone_number);
  EXPECT_EQ(v.phone_confirmed_at, u.phone_confirmed_at);
  EXPECT_EQ(v.banned_until, u.banned_until);
  EXPECT_EQ(nlohmann::json::parse(v.app_metadata_json), nlohmann::json::parse(u.app_metadata_json));
  EXPECT_EQ(v.last_sign_in_at, u.last_sign_in_at);
  EXPECT_EQ(v.invited_at, u.invited_at);
  EXPECT_EQ(v.confirmation_sent_at, u.confirmation_sent_at);
  EXPECT_EQ(v.recovery_sent_at, u.recovery_sent_at);
  EXPECT_EQ(v.email_change_sent_at, u.email_change_sent_at);
  EXPECT_EQ(v.phone_change_sent_at, u.phone_change_sent_at);
  EXPECT_EQ(v.reauthentication_sent_at, u.reauthentication_sent_at);
  EXPECT_EQ(v.password_hash, u.password_hash);
  EXPECT_EQ(v.default_role, u.default_role);
  EXPECT_EQ(v.roles, u.roles);
  EXPECT_EQ(v.is_anonymous, u.is_anonymous);
  EXPECT_EQ(v.disabled, u.disabled);
  EXPECT_EQ(nlohmann::json::parse(v.metadata_json), nlohmann::json::parse(u.metadata_json));
  ASSERT_EQ(row.mfa.passkeys.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const core::WebauthnCredential& want = mfa.passkeys[i];
    const core::WebauthnCredential& got = row.mfa.passkeys[i];
    EXPECT_EQ(got.id, want.id);
    EXPECT_EQ(got.credential_id, want.credential_id);
    EXPECT_EQ(got.public_key, want.public_key);
    EXPECT_EQ(got.sign_count, want.sign_count);
    EXPECT_EQ(got.aaguid, want.aaguid);
    EXPECT_EQ(got.transports, want.transports);
    EXPECT_EQ(got.nickname, want.nickname);
    EXPECT_EQ(got.backup_eligible, want.backup_eligible);
    EXPECT_EQ(got.backed_up, want.backed_up);
    EXPECT_EQ(got.created_at, want.created_at);
    EXPECT_EQ(got.last_used_at, want.last_used_at);
  }
  ASSERT_EQ(row.mfa.factors.size(), 2u);
  const ExportedFactor& c = row.mfa.factors[0];
  EXPECT_EQ(c.factor.id, clear.factor.id);
  EXPECT_EQ(c.factor.type, "totp");
  EXPECT_EQ(c.factor.friendly_name, "phone");
  EXPECT_EQ(c.factor.created_at, clear.factor.created_at);
  EXPECT_EQ(c.factor.updated_at, clear.factor.updated_at);
  EXPECT_EQ(c.factor.verified_at, clear.factor.verified_at);
  EXPECT_EQ(c.factor.last_challenged_at, clear.factor.last_challenged_at);
  EXPECT_EQ(c.key, clear.key);
  EXPECT_FALSE(c.factor.secret_encrypted.has_value());
  const ExportedFactor& d = row.mfa.factors[1];
  EXPECT_FALSE(d.key.has_value());
  EXPECT_EQ(d.factor.secret_encrypted, sealed.factor.secret_encrypted);
  EXPECT_FALSE(d.factor.verified_at.has_value());
  EXPECT_EQ(row.mfa.recovery_code_hashes, mfa.recovery_code_hashes);
  ASSERT_EQ(row.identities.size(), 1u);
  const core::Identity& w = row.identities[0];
  EXPECT_EQ(w.id, id.id);
  EXPECT_EQ(w.user_id, u.id);
  EXPECT_EQ(w.provider, id.provider);
  EXPECT_EQ(w.provider_user_id, id.provider_user_id);
  EXPECT_EQ(w.email, id.email);
  EXPECT_EQ(nlohmann::json::parse(w.data_json), nlohmann::json::parse(id.data_json));
  EXPECT_EQ(w.created_at, id.created_at);
  EXPECT_EQ(w.updated_at, id.updated_at);
}

// An export written before migration 4 has the booleans only, and no app
// metadata: the times and providers come as migration 4 gives the rows it finds.
TEST(ParseUserRow, NativeExportFromBeforeTheConfirmationTimes) {
  UserRow row = MustParse(
      R"({"id":"0e2a6b3c-5d4e-4f6a-9b8c-7d6e5f4a3b2e","createdAt":"2023-01-15T12:00:00Z",)"
      R"("updatedAt":"2023-01-16T12:00:00Z","email":"old@example.com","emailVerified":true,)"
      R"("phoneNumber":"+4915112345679","phoneNumberVerified":false,"defaultRole":"user",)"
      R"("passwordHash":"$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",)"
      R"("identities":[{"id":"9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6e","provider":"github",)"
      R"("providerUserId":"7","createdAt":"2023-02-01T00:00:00Z"}]})");
  EXPECT_EQ(row.format, UserRowFormat::kNative);
  EXPECT_EQ(row.user.email_confirmed_at, 1673870400000);  // updatedAt
  EXPECT_FALSE(row.user.phone_confirmed_at.has_value());
  EXPECT_FALSE(row.user.banned_until.has_value());
  EXPECT_FALSE(row.user.last_sign_in_at.has_value());
  EXPECT_EQ(nlohmann::json::parse(row.user.app_metadata_json),
            nlohmann::json::parse(R"({"provider":"email","providers":["email","github"]})"));
}

// Lines written before factors had ids carry one TOTP secret on the user.
TEST(ParseUserRow, OldNativeLinesGiveOneTotpFactor) {
  const std::string head =
      R"({"id":"0e2a6b3c-5d4e-4f6a-9b8c-7d6e5f4a3b2e","createdAt":"2023-01-15T00:00:00Z",)"
      R"("updatedAt":"2023-01-16T00:00:00Z","email":"old@example.com","defaultRole":"user",)";
  UserRow on = MustParse(head + R"("activeMfaType":"totp","totpSecret":"JBSWY3DPEHPK3PXP",)"
                                R"("totpSecretEncrypted":null,"recoveryCodeHashes":["t1:aa"]})");
  ASSERT_EQ(on.mfa.factors.size(), 1u);
  EXPECT_TRUE(on.mfa.factors[0].factor.id.empty());  // the importer gives it one
  EXPECT_EQ(on.mfa.factors[0].factor.type, "totp");
  EXPECT_EQ(on.mfa.factors[0].factor.verified_at, 1673827200000);
  ASSERT_TRUE(on.mfa.factors[0].key.has_value());
  EXPECT_EQ(crypto::Base32Encode(*on.mfa.factors[0].key), "JBSWY3DPEHPK3PXP");
  EXPECT_EQ(on.mfa.recovery_code_hashes, std::vector<std::string>{"t1:aa"});

  UserRow pending = MustParse(head + R"("activeMfaType":null,"totpSecret":"JBSWY3DPEHPK3PXP"})");
  ASSERT_EQ(pending.mfa.factors.size(), 1u);
  EXPECT_FALSE(pending.mfa.factors[0].factor.verified());

  UserRow sealed = MustParse(head + R"("activeMfaType":"totp","totpSecretEncrypted":"v1.x.y"})");
  ASSERT_EQ(sealed.mfa.factors.size(), 1u);
  EXPECT_EQ(sealed.mfa.factors[0].factor.secret_encrypted, "v1.x.y");
  EXPECT_FALSE(sealed.mfa.factors[0].key.has_value());

  UserRow none = MustParse(head + R"("activeMfaType":null,"totpSecretEncrypted":null})");
  EXPECT_TRUE(none.mfa.factors.empty());
  EXPECT_EQ(ErrorOf(head + R"("totpSecret":"not base32!"})"),
            "totpSecret: not a base32 TOTP secret");
  EXPECT_EQ(ErrorOf(head + R"("mfaFactors":[{"id":"x","type":"totp"}]})"),
            "mfaFactors[0].id: not a UUID");
}

// Personal access tokens travel as their hashes; a line from before them has
// none and still imports; a malformed one names the field.
TEST(ParseUserRow, NativePersonalAccessTokens) {
  core::User u;
  u.id = "0e2a6b3c-5d4e-4f6a-9b8c-7d6e5f4a3b2c";
  u.created_at = u.updated_at = 1673786096000;
  u.email = "pat@example.com";
  u.default_role = "user";
  u.roles = {"user"};
  core::PersonalAccessToken used;
  used.id = "3b2c3d4e-5f60-4718-9a2b-3c4d5e6f7a8b";
  used.token_hash = std::string(64, 'a');
  used.metadata_json = R"({"name":"ci"})";
  used.created_at = 1673786096100;
  used.expires_at = 1705322096100;
  used.last_used_at = 1673786099000;
  core::PersonalAccessToken fresh = used;
  fresh.id = "4b2c3d4e-5f60-4718-9a2b-3c4d5e6f7a8b";
  fresh.token_hash = std::string(64, 'b');
  fresh.metadata_json = "{}";
  fresh.last_used_at.reset();
  UserRow row = MustParse(FormatUserRow(u, {}, {}, {used, fresh}));
  ASSERT_EQ(row.pats.size(), 2u);
  const core::PersonalAccessToken& a = row.pats[0];
  EXPECT_EQ(a.id, used.id);
  EXPECT_EQ(a.token_hash, used.token_hash);
  EXPECT_EQ(nlohmann::json::parse(a.metadata_json), nlohmann::json::parse(used.metadata_json));
  EXPECT_EQ(a.created_at, used.created_at);
  EXPECT_EQ(a.expires_at, used.expires_at);
  EXPECT_EQ(a.last_used_at, used.last_used_at);
  EXPECT_EQ(row.pats[1].metadata_json, "{}");
  EXPECT_FALSE(row.pats[1].last_used_at.has_value());

  const std::string head =
      R"({"id":"0e2a6b3c-5d4e-4f6a-9b8c-7d6e5f4a3b2c","createdAt":"2023-01-15T00:00:00Z",)"
      R"("email":"old@example.com","defaultRole":"user")";
  EXPECT_TRUE(MustParse(head + "}").pats.empty());
  EXPECT_TRUE(MustParse(head + R"(,"personalAccessTokens":null})").pats.empty());
  const std::string pat = R"({"id":"3b2c3d4e-5f60-4718-9a2b-3c4d5e6f7a8b","tokenHash":")" +
                          std::string(64, 'c') + R"(","expiresAt":"2024-01-15T00:00:00Z")";
  EXPECT_EQ(MustParse(head + R"(,"personalAccessTokens":[)" + pat + "}]}").pats.size(), 1u);
  EXPECT_EQ(ErrorOf(head + R"(,"personalAccessTokens":{}})"),
            "personalAccessTokens: expected an array");
  EXPECT_EQ(ErrorOf(head + R"(,"personalAccessTokens":[)" + pat + R"(,"tokenHash":"raw"}]})"),
            "personalAccessTokens[0].tokenHash: expected 64 lower-case hex digits (SHA-256)");
  EXPECT_EQ(ErrorOf(head + R"(,"personalAccessTokens":[{"id":"x","tokenHash":")" +
                    std::string(64, 'c') + R"("}]})"),
            "personalAccessTokens[0].id: not a UUID");
  EXPECT_EQ(ErrorOf(head +
                    R"(,"personalAccessTokens":[{"id":"3b2c3d4e-5f60-4718-9a2b-)"
                    R"(3c4d5e6f7a8b","tokenHash":")" +
                    std::string(64, 'c') + R"("}]})"),
            "personalAccessTokens[0].expiresAt: missing");
}

TEST(ParseUserRow, NativeAnonymousWithoutEmailOrPassword) {
  core::User u;
  u.id = "0e2a6b3c-5d4e-4f6a-9b8c-7d6e5f4a3b2d";
  u.created_at = u.updated_at = 1673786096000;
  u.locale = "en";
  u.default_role = "anonymous";
  u.roles = {"anonymous"};
  u.is_anonymous = true;
  UserRow row = MustParse(FormatUserRow(u, {}));
  EXPECT_FALSE(row.user.email.has_value());
  EXPECT_FALSE(row.user.password_hash.has_value());
  EXPECT_TRUE(row.user.is_anonymous);
  EXPECT_EQ(row.user.roles, (std::vector<std::string>{"anonymous"}));
  EXPECT_TRUE(row.identities.empty());
}

TEST(ParseUserRow, BadLinesNameTheProblem) {
  EXPECT_EQ(ErrorOf("{not json"), "not valid JSON");
  EXPECT_EQ(ErrorOf("[1,2]"), "not a JSON object");
  EXPECT_NE(ErrorOf(R"({"id":"6f1c2b9e-8e0a-4e43-9a3b-0c4d7a1e2f30","email":"a@example.com"})")
                .find("unrecognised"),
            std::string::npos);
  const std::string tail = R"(,"created_at":"2023-01-15T00:00:00Z","aud":"authenticated"})";
  EXPECT_EQ(ErrorOf(R"({"email":"a@example.com")" + tail), "id: missing");
  EXPECT_EQ(ErrorOf(R"({"id":"42","email":"a@example.com")" + tail), "id: not a UUID");
  EXPECT_EQ(
      ErrorOf(R"({"id":"6f1c2b9e-8e0a-4e43-9a3b-0c4d7a1e2f30","email":"not-an-email")" + tail),
      "email: not a valid address");
  EXPECT_EQ(ErrorOf(R"({"id":"6f1c2b9e-8e0a-4e43-9a3b-0c4d7a1e2f30","email":7)" + tail),
            "email: expected a string");
  EXPECT_NE(
      ErrorOf(R"({"id":"6f1c2b9e-8e0a-4e43-9a3b-0c4d7a1e2f30","encrypted_password":"md5abc")" +
              tail)
          .find("password hash"),
      std::string::npos);
  EXPECT_EQ(
      ErrorOf(R"({"id":"6f1c2b9e-8e0a-4e43-9a3b-0c4d7a1e2f30","raw_user_meta_data":[1])" + tail),
      "raw_user_meta_data: expected a JSON object");
  EXPECT_EQ(ErrorOf(R"({"id":"6f1c2b9e-8e0a-4e43-9a3b-0c4d7a1e2f30","phone":"call me")" + tail),
            "phone: not an international phone number");
  EXPECT_NE(
      ErrorOf(R"({"id":"6f1c2b9e-8e0a-4e43-9a3b-0c4d7a1e2f30","aud":"x","created_at":"last week"})")
          .find("created_at: not a timestamp"),
      std::string::npos);
  EXPECT_EQ(
      ErrorOf(
          R"({"id":"6f1c2b9e-8e0a-4e43-9a3b-0c4d7a1e2f30","password_hash":null,"email":"a@example.com"})"),
      "created at: missing");
  EXPECT_EQ(
      ErrorOf(
          R"({"id":"6f1c2b9e-8e0a-4e43-9a3b-0c4d7a1e2f30","default_role":"user","created_at":"2023-01-15T00:00:00Z","roles":"user"})"),
      "roles: expected an array of roles");
  EXPECT_EQ(
      ErrorOf(
          R"({"id":"6f1c2b9e-8e0a-4e43-9a3b-0c4d7a1e2f30","createdAt":"2023-01-15T00:00:00Z","identities":[{"provider":"github"}]})"),
      "identities[0]: id, provider and providerUserId are required");
}

}  // namespace
}  // namespace gh::app
