#include "app/user_rows.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <initializer_list>

#include "app/passkey_rows.h"
#include "auth/app_metadata.h"
#include "core/clock.h"
#include "core/text.h"
#include "crypto/totp.h"

namespace gh::app {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

core::Error Bad(std::string what) {
  return core::Error(core::errc::kInvalidRequest, std::move(what));
}

bool HasAny(const Json& row, std::initializer_list<const char*> keys) {
  return std::any_of(keys.begin(), keys.end(), [&](const char* k) { return row.contains(k); });
}

// Keys only a Supabase auth.users row has, and keys of an Nhost auth.users row
// (snake_case; none of them is a native key).
constexpr std::initializer_list<const char*> kSupabaseKeys = {
    "encrypted_password", "raw_user_meta_data", "raw_app_meta_data",
    "email_confirmed_at", "instance_id",        "aud",
    "confirmed_at",       "last_sign_in_at",    "banned_until",
    "is_sso_user",        "phone_confirmed_at"};
constexpr std::initializer_list<const char*> kNhostKeys = {
    "password_hash", "default_role", "email_verified",  "display_name", "avatar_url",
    "phone_number",  "last_seen",    "active_mfa_type", "new_email",    "totp_secret"};
constexpr std::initializer_list<const char*> kNativeKeys = {
    "passwordHash", "createdAt",   "defaultRole", "emailVerified", "displayName",
    "isAnonymous",  "phoneNumber", "avatarUrl",   "identities"};

// The times a native row and a Supabase row both keep, under their names there
// (ours camelCase, Supabase's its auth.users columns), meaning the same.
struct TimeField {
  const char* native;
  const char* supabase;
  std::optional<core::UnixMillis> core::User::*member;
};
constexpr TimeField kTimeFields[] = {
    {"bannedUntil", "banned_until", &core::User::banned_until},
    {"lastSignInAt", "last_sign_in_at", &core::User::last_sign_in_at},
    {"invitedAt", "invited_at", &core::User::invited_at},
    {"confirmationSentAt", "confirmation_sent_at", &core::User::confirmation_sent_at},
    {"recoverySentAt", "recovery_sent_at", &core::User::recovery_sent_at},
    {"emailChangeSentAt", "email_change_sent_at", &core::User::email_change_sent_at},
    {"phoneChangeSentAt", "phone_change_sent_at", &core::User::phone_change_sent_at},
    {"reauthenticationSentAt", "reauthentication_sent_at", &core::User::reauthentication_sent_at},
};

// Reads typed fields of one row. Absent and null fields read as nullopt; the
// first field of a wrong type or format is remembered as the row's error.
class Fields {
 public:
  explicit Fields(const Json& row) : row_(row) {}

  std::optional<std::string> Str(const char* key) {
    const Json* v = Find(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) return Fail(key, "expected a string"), std::nullopt;
    return v->get<std::string>();
  }
  // A string where "" means none (Supabase writes "" for no password or phone).
  std::optional<std::string> NonEmptyStr(const char* key) {
    auto s = Str(key);
    if (s && s->empty()) return std::nullopt;
    return s;
  }
  std::optional<bool> Bool(const char* key) {
    const Json* v = Find(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_boolean()) return Fail(key, "expected true or false"), std::nullopt;
    return v->get<bool>();
  }
  // RFC 3339 / PostgreSQL timestamp text, or integer milliseconds.
  std::optional<core::UnixMillis> Time(const char* key) {
    const Json* v = Find(key);
    if (v == nullptr) return std::nullopt;
    if (v->is_number_integer()) return v->get<core::UnixMillis>();
    if (v->is_string()) {
      if (auto t = core::ParseTimestamp(v->get_ref<const std::string&>())) return t;
    }
    Fail(key, "not a timestamp (expected e.g. 2023-01-15T12:34:56.789Z)");
    return std::nullopt;
  }
  // A JSON object (or its text, as some exports render jsonb) -> compact text;
  // "{}" when absent or null.
  std::string ObjectText(const char* key) {
    const Json* v = Find(key);
    if (v == nullptr) return "{}";
    if (v->is_string()) {
      Json parsed = Json::parse(v->get_ref<const std::string&>(), nullptr, false);
      if (parsed.is_object()) return parsed.dump();
    } else if (v->is_object()) {
      return v->dump();
    }
    Fail(key, "expected a JSON object");
    return "{}";
  }
  // Strings, or objects with a string member `role` (a joined auth.user_roles).
  std::optional<std::vector<std::string>> Roles(const char* key) {
    const Json* v = Find(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_array()) return Fail(key, "expected an array of roles"), std::nullopt;
    std::vector<std::string> roles;
    for (const Json& r : *v) {
      const Json* name = &r;
      if (r.is_object() && r.contains("role")) name = &r["role"];
      if (!name->is_string() || name->get_ref<const std::string&>().empty())
        return Fail(key, "expected role names"), std::nullopt;
      if (std::find(roles.begin(), roles.end(), name->get<std::string>()) == roles.end())
        roles.push_back(name->get<std::string>());
    }
    return roles;
  }

  bool ok() const { return !error_.has_value(); }
  const core::Error& error() const { return *error_; }
  void Fail(const std::string& key, const std::string& what) {
    if (!error_) error_ = Bad(key + ": " + what);
  }

 private:
  const Json* Find(const char* key) const {
    auto it = row_.find(key);
    if (it == row_.end() || it->is_null()) return nullptr;
    return &*it;
  }

  const Json& row_;
  std::optional<core::Error> error_;
};

bool IsUuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// "+15551234567", "15551234567" (Supabase keeps no '+') -> "+15551234567".
std::optional<std::string> NormalizePhone(const std::string& raw) {
  std::string digits = raw.starts_with('+') ? raw.substr(1) : raw;
  if (digits.size() < 6 || digits.size() > 15 || digits[0] == '0') return std::nullopt;
  for (char c : digits)
    if (c < '0' || c > '9') return std::nullopt;
  return "+" + digits;
}

bool IsSupportedPasswordHash(const std::string& h) {
  if (h.starts_with("$argon2id$")) return true;
  return h.size() == 60 &&
         (h.starts_with("$2a$") || h.starts_with("$2b$") || h.starts_with("$2y$"));
}

// A row that says only verified or not (Nhost, our exports before migration
// 4) gets updated_at as the confirmation time, as migration 4 gives the rows
// it finds: the verification happened no later than the row's last change.
void ConfirmedFromFlags(core::User& u, bool email_verified, bool phone_verified) {
  if (email_verified && !u.email_confirmed_at) u.email_confirmed_at = u.updated_at;
  if (phone_verified && !u.phone_confirmed_at) u.phone_confirmed_at = u.updated_at;
}

// Checks and defaults shared by every shape, after the shape's own mapping.
core::Result<void> Finish(Fields& f, const config::Config& config, UserRow& row) {
  core::User& u = row.user;
  if (!f.ok()) return f.error();
  if (u.id.empty()) return Bad("id: missing");
  u.id = Lower(u.id);
  if (!IsUuid(u.id)) return Bad("id: not a UUID");
  if (u.email) {
    auto email = core::NormalizeEmail(*u.email);
    if (!email) return Bad("email: not a valid address");
    u.email = *email;
  }
  if (u.new_email) {
    auto email = core::NormalizeEmail(*u.new_email);
    if (!email) return Bad("new email: not a valid address");
    u.new_email = *email;
  }
  if (u.phone_number) {
    auto phone = NormalizePhone(*u.phone_number);
    if (!phone) return Bad("phone: not an international phone number");
    u.phone_number = *phone;
  }
  if (u.password_hash && !IsSupportedPasswordHash(*u.password_hash))
    return Bad("password hash: neither Argon2id nor bcrypt ($2a$/$2b$/$2y$)");
  if (u.created_at == 0) return Bad("created at: missing");
  if (u.updated_at == 0) u.updated_at = u.created_at;
  if (u.locale.empty()) u.locale = config.default_locale;
  if (u.default_role.empty()) u.default_role = config.default_role;
  if (u.roles.empty()) u.roles = config.allowed_roles;
  if (std::find(u.roles.begin(), u.roles.end(), u.default_role) == u.roles.end())
    u.roles.push_back(u.default_role);
  for (auto& id : row.identities) id.user_id = u.id;
  return core::Ok();
}

core::Result<UserRow> FromSupabase(const Json& j, const config::Config& config) {
  UserRow row;
  row.format = UserRowFormat::kSupabase;
  core::User& u = row.user;
  Fields f(j);
  u.id = f.Str("id").value_or("");
  u.email = f.NonEmptyStr("email");
  u.password_hash = f.NonEmptyStr("encrypted_password");
  u.email_confirmed_at = f.Time("email_confirmed_at");
  u.phone_number = f.NonEmptyStr("phone");
  u.phone_confirmed_at = f.Time("phone_confirmed_at");
  // confirmed_at is the earlier of the two in Supabase: a row with only it
  // (older exports) confirmed its email.
  if (!u.email_confirmed_at && !u.phone_confirmed_at) u.email_confirmed_at = f.Time("confirmed_at");
  u.metadata_json = f.ObjectText("raw_user_meta_data");
  u.app_metadata_json = f.ObjectText("raw_app_meta_data");
  u.created_at = f.Time("created_at").value_or(0);
  u.updated_at = f.Time("updated_at").value_or(0);
  for (const TimeField& t : kTimeFields) u.*t.member = f.Time(t.supabase);
  u.last_seen = u.last_sign_in_at;
  u.is_anonymous = f.Bool("is_anonymous").value_or(false);
  if (auto change = f.NonEmptyStr("email_change")) u.new_email = change;
  if (auto deleted = f.Time("deleted_at"))
    row.skip_reason = "deleted in Supabase at " + core::FormatRfc3339(*deleted);
  // OAuth sign-ups keep the profile in the user metadata.
  Json meta = Json::parse(u.metadata_json, nullptr, false);
  if (meta.is_object()) {
    for (const char* k : {"full_name", "name", "display_name"})
      if (meta.contains(k) && meta[k].is_string() && u.display_name.empty())
        u.display_name = meta[k].get<std::string>();
    for (const char* k : {"avatar_url", "picture"})
      if (meta.contains(k) && meta[k].is_string() && u.avatar_url.empty())
        u.avatar_url = meta[k].get<std::string>();
  }
  if (auto r = Finish(f, config, row); !r) return r.error();
  if (!j.contains("raw_app_meta_data") || j["raw_app_meta_data"].is_null())
    auth::DeriveProviders(u, row.identities);
  return row;
}

// A base32 TOTP secret -> the raw key.
core::Result<std::string> DecodeSecret(const std::string& secret, const std::string& where) {
  std::string key;
  if (!crypto::Base32Decode(secret, &key) || key.empty())
    return Bad(where + ": not a base32 TOTP secret");
  return key;
}

core::Result<UserRow> FromNhost(const Json& j, const config::Config& config) {
  UserRow row;
  row.format = UserRowFormat::kNhost;
  core::User& u = row.user;
  Fields f(j);
  u.id = f.Str("id").value_or("");
  u.email = f.NonEmptyStr("email");
  u.password_hash = f.NonEmptyStr("password_hash");
  u.display_name = f.Str("display_name").value_or("");
  u.avatar_url = f.Str("avatar_url").value_or("");
  u.locale = f.Str("locale").value_or("");
  u.default_role = f.Str("default_role").value_or("");
  const bool email_verified = f.Bool("email_verified").value_or(false);
  u.phone_number = f.NonEmptyStr("phone_number");
  const bool phone_verified = f.Bool("phone_number_verified").value_or(false);
  u.new_email = f.NonEmptyStr("new_email");
  u.metadata_json = f.ObjectText("metadata");
  u.created_at = f.Time("created_at").value_or(0);
  u.updated_at = f.Time("updated_at").value_or(0);
  u.last_seen = f.Time("last_seen");
  u.disabled = f.Bool("disabled").value_or(false);
  u.is_anonymous = f.Bool("is_anonymous").value_or(false);
  u.roles = f.Roles("roles").value_or(std::vector<std::string>{});
  // Nhost keeps the TOTP secret in clear (base32): it moves as one factor, sealed
  // under the target's key on import, verified when Nhost had it on.
  const auto active = f.NonEmptyStr("active_mfa_type");
  if (const auto secret = f.NonEmptyStr("totp_secret")) {
    auto key = DecodeSecret(*secret, "totp_secret");
    if (!key) return key.error();
    ExportedFactor e;
    e.factor.type = "totp";
    e.factor.created_at = e.factor.updated_at = u.updated_at;
    if (active == "totp") e.factor.verified_at = u.updated_at;
    e.key = std::move(*key);
    row.mfa.factors.push_back(std::move(e));
  } else if (active) {
    row.warnings.push_back("active_mfa_type without totp_secret: the user must enrol again");
  }
  if (auto r = Finish(f, config, row); !r) return r.error();
  ConfirmedFromFlags(u, email_verified, phone_verified);
  auth::DeriveProviders(u, row.identities);
  return row;
}

// `mfaFactors`, or the one TOTP secret of a line written before factors had ids.
core::Result<void> ReadFactors(const Json& j, Fields& f, UserRow& row) {
  if (auto it = j.find("mfaFactors"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return Bad("mfaFactors: expected an array");
    for (size_t i = 0; i < it->size(); ++i) {
      const Json& o = (*it)[i];
      const std::string at = "mfaFactors[" + std::to_string(i) + "]";
      if (!o.is_object()) return Bad(at + ": expected an object");
      Fields g(o);
      ExportedFactor e;
      core::MfaFactor& m = e.factor;
      m.id = Lower(g.Str("id").value_or(""));
      m.type = g.Str("type").value_or("");
      m.friendly_name = g.Str("friendlyName").value_or("");
      m.created_at = g.Time("createdAt").value_or(0);
      m.updated_at = g.Time("updatedAt").value_or(m.created_at);
      m.verified_at = g.Time("verifiedAt");
      m.last_challenged_at = g.Time("lastChallengedAt");
      m.secret_encrypted = g.NonEmptyStr("secretEncrypted");
      const auto secret = g.NonEmptyStr("secret");
      if (!g.ok()) return Bad(at + "." + g.error().message);
      if (!IsUuid(m.id)) return Bad(at + ".id: not a UUID");
      if (m.type.empty()) return Bad(at + ".type: missing");
      if (secret) {
        auto key = DecodeSecret(*secret, at + ".secret");
        if (!key) return key.error();
        e.key = std::move(*key);
        m.secret_encrypted.reset();  // sealed under the source's key: the clear one wins
      }
      row.mfa.factors.push_back(std::move(e));
    }
    return core::Ok();
  }
  const auto active = f.NonEmptyStr("activeMfaType");
  const auto sealed = f.NonEmptyStr("totpSecretEncrypted");
  const auto secret = f.NonEmptyStr("totpSecret");
  if (!active && !sealed && !secret) return core::Ok();
  ExportedFactor e;
  e.factor.type = "totp";
  e.factor.created_at = e.factor.updated_at = f.Time("updatedAt").value_or(0);
  if (active == "totp") e.factor.verified_at = e.factor.updated_at;
  e.factor.secret_encrypted = sealed;
  if (secret) {
    auto key = DecodeSecret(*secret, "totpSecret");
    if (!key) return key.error();
    e.key = std::move(*key);
    e.factor.secret_encrypted.reset();
  }
  row.mfa.factors.push_back(std::move(e));
  return core::Ok();
}

// `personalAccessTokens`: each token's hash (unkeyed SHA-256, so it works in
// any store), labels and times. Lines from before tokens existed have none.
core::Result<void> ReadPats(const Json& j, UserRow& row) {
  auto it = j.find("personalAccessTokens");
  if (it == j.end() || it->is_null()) return core::Ok();
  if (!it->is_array()) return Bad("personalAccessTokens: expected an array");
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& o = (*it)[i];
    const std::string at = "personalAccessTokens[" + std::to_string(i) + "]";
    if (!o.is_object()) return Bad(at + ": expected an object");
    Fields g(o);
    core::PersonalAccessToken t;
    t.id = Lower(g.Str("id").value_or(""));
    t.token_hash = g.Str("tokenHash").value_or("");
    t.metadata_json = g.ObjectText("metadata");
    t.created_at = g.Time("createdAt").value_or(0);
    const auto expires = g.Time("expiresAt");
    t.last_used_at = g.Time("lastUsedAt");
    if (!g.ok()) return Bad(at + "." + g.error().message);
    if (!IsUuid(t.id)) return Bad(at + ".id: not a UUID");
    if (t.token_hash.size() != 64 ||
        t.token_hash.find_first_not_of("0123456789abcdef") != std::string::npos)
      return Bad(at + ".tokenHash: expected 64 lower-case hex digits (SHA-256)");
    if (!expires) return Bad(at + ".expiresAt: missing");
    t.expires_at = *expires;
    row.pats.push_back(std::move(t));
  }
  return core::Ok();
}

core::Result<UserRow> FromNative(const Json& j, const config::Config& config) {
  UserRow row;
  row.format = UserRowFormat::kNative;
  core::User& u = row.user;
  Fields f(j);
  u.id = f.Str("id").value_or("");
  u.created_at = f.Time("createdAt").value_or(0);
  u.updated_at = f.Time("updatedAt").value_or(0);
  u.last_seen = f.Time("lastSeen");
  u.display_name = f.Str("displayName").value_or("");
  u.avatar_url = f.Str("avatarUrl").value_or("");
  u.locale = f.Str("locale").value_or("");
  u.email = f.Str("email");
  const bool email_verified = f.Bool("emailVerified").value_or(false);
  u.email_confirmed_at = f.Time("emailConfirmedAt");
  u.new_email = f.Str("newEmail");
  u.phone_number = f.Str("phoneNumber");
  const bool phone_verified = f.Bool("phoneNumberVerified").value_or(false);
  u.phone_confirmed_at = f.Time("phoneConfirmedAt");
  u.password_hash = f.NonEmptyStr("passwordHash");
  u.default_role = f.Str("defaultRole").value_or("");
  u.roles = f.Roles("roles").value_or(std::vector<std::string>{});
  u.is_anonymous = f.Bool("isAnonymous").value_or(false);
  u.disabled = f.Bool("disabled").value_or(false);
  u.metadata_json = f.ObjectText("metadata");
  const bool has_app_metadata = j.contains("appMetadata") && !j["appMetadata"].is_null();
  u.app_metadata_json = f.ObjectText("appMetadata");
  for (const TimeField& t : kTimeFields) u.*t.member = f.Time(t.native);
  if (auto r = ReadFactors(j, f, row); !r) return r.error();
  auto passkeys = ReadPasskeys(j);
  if (!passkeys) return passkeys.error();
  row.mfa.passkeys = std::move(*passkeys);
  if (auto r = ReadPats(j, row); !r) return r.error();
  if (auto it = j.find("recoveryCodeHashes"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return Bad("recoveryCodeHashes: expected an array of strings");
    for (const Json& h : *it) {
      if (!h.is_string() || h.get_ref<const std::string&>().empty())
        return Bad("recoveryCodeHashes: expected an array of strings");
      row.mfa.recovery_code_hashes.push_back(h.get<std::string>());
    }
  }
  if (auto it = j.find("identities"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return Bad("identities: expected an array");
    for (size_t i = 0; i < it->size(); ++i) {
      const Json& o = (*it)[i];
      const std::string at = "identities[" + std::to_string(i) + "]";
      if (!o.is_object()) return Bad(at + ": expected an object");
      Fields g(o);
      core::Identity id;
      id.id = g.Str("id").value_or("");
      id.provider = g.Str("provider").value_or("");
      id.provider_user_id = g.Str("providerUserId").value_or("");
      id.email = g.Str("email");
      id.data_json = g.ObjectText("data");
      id.created_at = g.Time("createdAt").value_or(0);
      id.updated_at = g.Time("updatedAt").value_or(id.created_at);
      if (!g.ok()) return Bad(at + "." + g.error().message);
      if (id.id.empty() || id.provider.empty() || id.provider_user_id.empty())
        return Bad(at + ": id, provider and providerUserId are required");
      row.identities.push_back(std::move(id));
    }
  }
  if (auto r = Finish(f, config, row); !r) return r.error();
  // An export from before migration 4 has the booleans only.
  ConfirmedFromFlags(u, email_verified, phone_verified);
  if (!has_app_metadata) auth::DeriveProviders(u, row.identities);
  return row;
}

OrderedJson JsonOrNull(const std::optional<std::string>& s) {
  return s ? OrderedJson(*s) : OrderedJson(nullptr);
}

OrderedJson TimeOrNull(const std::optional<core::UnixMillis>& t) {
  return t ? OrderedJson(core::FormatRfc3339(*t)) : OrderedJson(nullptr);
}

OrderedJson ObjectOf(const std::string& text) {
  OrderedJson j = OrderedJson::parse(text, nullptr, false);
  return j.is_object() ? j : OrderedJson::object();
}

}  // namespace

const char* UserRowFormatName(UserRowFormat format) {
  switch (format) {
    case UserRowFormat::kNative:
      return "native";
    case UserRowFormat::kSupabase:
      return "supabase";
    case UserRowFormat::kNhost:
      return "nhost";
  }
  return "?";
}

core::Result<UserRow> ParseUserRow(std::string_view line, const config::Config& config) {
  Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Bad("not valid JSON");
  if (!j.is_object()) return Bad("not a JSON object");
  if (HasAny(j, kSupabaseKeys)) return FromSupabase(j, config);
  if (HasAny(j, kNhostKeys)) return FromNhost(j, config);
  if (HasAny(j, kNativeKeys)) return FromNative(j, config);
  return Bad("unrecognised row: neither a Gatehouse export nor a Supabase or Nhost auth.users row");
}

std::string FormatUserRow(const core::User& u, const std::vector<core::Identity>& identities,
                          const MfaSecrets& mfa,
                          const std::vector<core::PersonalAccessToken>& pats) {
  OrderedJson ids = OrderedJson::array();
  for (const auto& i : identities) {
    ids.push_back(OrderedJson{
        {"id", i.id},
        {"provider", i.provider},
        {"providerUserId", i.provider_user_id},
        {"email", JsonOrNull(i.email)},
        {"data", ObjectOf(i.data_json)},
        {"createdAt", core::FormatRfc3339(i.created_at)},
        {"updatedAt", core::FormatRfc3339(i.updated_at)},
    });
  }
  OrderedJson j{
      {"id", u.id},
      {"createdAt", core::FormatRfc3339(u.created_at)},
      {"updatedAt", core::FormatRfc3339(u.updated_at)},
      {"lastSeen", TimeOrNull(u.last_seen)},
      {"displayName", u.display_name},
      {"avatarUrl", u.avatar_url},
      {"locale", u.locale},
      {"email", JsonOrNull(u.email)},
      {"emailVerified", u.email_verified()},
      {"emailConfirmedAt", TimeOrNull(u.email_confirmed_at)},
      {"newEmail", JsonOrNull(u.new_email)},
      {"phoneNumber", JsonOrNull(u.phone_number)},
      {"phoneNumberVerified", u.phone_number_verified()},
      {"phoneConfirmedAt", TimeOrNull(u.phone_confirmed_at)},
      {"passwordHash", JsonOrNull(u.password_hash)},
      {"defaultRole", u.default_role},
      {"roles", u.roles},
      {"isAnonymous", u.is_anonymous},
      {"disabled", u.disabled},
      {"metadata", ObjectOf(u.metadata_json)},
      {"appMetadata", ObjectOf(u.app_metadata_json)},
      {"identities", std::move(ids)},
  };
  OrderedJson factors = OrderedJson::array();
  for (const auto& e : mfa.factors) {
    const core::MfaFactor& m = e.factor;
    OrderedJson o{
        {"id", m.id},
        {"type", m.type},
        {"friendlyName", m.friendly_name},
        {"createdAt", core::FormatRfc3339(m.created_at)},
        {"updatedAt", core::FormatRfc3339(m.updated_at)},
        {"verifiedAt", TimeOrNull(m.verified_at)},
        {"lastChallengedAt", TimeOrNull(m.last_challenged_at)},
    };
    if (e.key)
      o["secret"] = crypto::Base32Encode(*e.key);
    else
      o["secretEncrypted"] = JsonOrNull(m.secret_encrypted);
    factors.push_back(std::move(o));
  }
  j["mfaFactors"] = std::move(factors);
  if (!mfa.passkeys.empty()) j["passkeys"] = PasskeysJson(mfa.passkeys);
  OrderedJson tokens = OrderedJson::array();
  for (const auto& t : pats) {
    tokens.push_back(OrderedJson{
        {"id", t.id},
        {"tokenHash", t.token_hash},
        {"metadata", ObjectOf(t.metadata_json)},
        {"createdAt", core::FormatRfc3339(t.created_at)},
        {"expiresAt", core::FormatRfc3339(t.expires_at)},
        {"lastUsedAt", TimeOrNull(t.last_used_at)},
    });
  }
  j["personalAccessTokens"] = std::move(tokens);
  for (const TimeField& t : kTimeFields) j[t.native] = TimeOrNull(u.*t.member);
  if (!mfa.recovery_code_hashes.empty()) j["recoveryCodeHashes"] = mfa.recovery_code_hashes;
  // Stored text is ours and valid UTF-8; replace rather than throw if it is not.
  return j.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

}  // namespace gh::app
