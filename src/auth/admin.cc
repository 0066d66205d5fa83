#include "auth/admin.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>

#include "auth/app_metadata.h"
#include "auth/audit.h"
#include "auth/mfa.h"
#include "auth/phone.h"
#include "core/text.h"

namespace gh::auth {

namespace {

using json = nlohmann::json;

core::Error Invalid(std::string message) {
  return core::Error(core::errc::kInvalidRequest, std::move(message));
}

// Ids are UUIDs: anything else cannot name a user (and must not reach a
// store whose id column is typed).
bool LooksLikeUuid(std::string_view id) {
  if (id.size() != 36) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? id[i] != '-' : !std::isxdigit(static_cast<unsigned char>(id[i]))) return false;
  }
  return true;
}

core::Error NoUser() { return core::Error(core::errc::kUserNotFound, "User not found"); }

// A JSON object as text, or invalid-request naming the field.
core::Result<json> ParseObject(const std::string& text, std::string_view field) {
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!value.is_object()) return Invalid(std::string(field) + " must be a JSON object");
  return value;
}

}  // namespace

core::Result<BanDuration> ParseBanDuration(std::string_view text) {
  if (text == "none") return BanDuration{.lift = true};
  const core::Error bad = Invalid("ban_duration must be \"none\" or a duration such as 24h");
  if (text.empty() || text.size() > 64) return bad;
  double millis = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
      ++i;
    if (i == start) return bad;
    double number = 0;
    try {
      number = std::stod(std::string(text.substr(start, i - start)));
    } catch (...) {
      return bad;
    }
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    double scale = 0;
    if (unit == "h")
      scale = 3600e3;
    else if (unit == "m")
      scale = 60e3;
    else if (unit == "s")
      scale = 1e3;
    else if (unit == "ms")
      scale = 1;
    else if (unit == "us")
      scale = 1e-3;
    else if (unit == "ns")
      scale = 1e-6;
    else
      return bad;
    millis += number * scale;
  }
  // A hundred years is "forever" enough, and keeps the sum far from overflow.
  constexpr double kMaxMillis = 100.0 * 365 * 24 * 3600e3;
  if (!std::isfinite(millis) || millis <= 0 || millis > kMaxMillis) return bad;
  return BanDuration{.lift = false, .millis = static_cast<int64_t>(millis)};
}

core::Result<UserPage> AdminFlow::List(int64_t page, int64_t per_page, std::string_view filter) {
  if (page < 1 || per_page < 1 || per_page > 1000)
    return Invalid("page must be at least 1 and per_page between 1 and 1000");
  UserPage out;
  const int64_t skip = (page - 1) * per_page;
  if (filter.empty()) {
    auto total = store_.users().Count();
    if (!total) return total.error();
    out.total = *total;
  }
  // Keyset pages of the store, skipping to the asked page: admin listing is
  // rare and pages are small, so the walk costs less than a second index.
  std::string after;
  int64_t seen = 0, matched = 0;
  std::string needle(filter);
  for (char& ch : needle) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  while (true) {
    auto batch = store_.users().List(after, 500);
    if (!batch) return batch.error();
    for (core::User& u : *batch) {
      ++seen;
      if (!needle.empty()) {
        const bool hit = (u.email && u.email->find(needle) != std::string::npos) ||
                         (u.phone_number && u.phone_number->find(needle) != std::string::npos);
        if (!hit) continue;
      }
      if (matched >= skip && matched < skip + per_page) out.users.push_back(u);
      ++matched;
    }
    if (batch->size() < 500) break;
    after = batch->back().id;
    if (filter.empty() && matched >= skip + per_page) break;
    if (seen >= kMaxFilterScan) break;
  }
  if (!filter.empty()) out.total = matched;
  return out;
}

core::Result<std::vector<core::User>> AdminFlow::ListAfter(std::string_view after_id,
                                                           int64_t limit) {
  if (limit < 1 || limit > 1000) return Invalid("per_page must be between 1 and 1000");
  if (!after_id.empty() && !LooksLikeUuid(after_id)) return Invalid("after must be a user id");
  return store_.users().List(after_id, static_cast<int>(limit));
}

core::Result<std::vector<core::User>> AdminFlow::Find(std::string_view query) {
  std::vector<core::User> found;
  while (!query.empty() && std::isspace(static_cast<unsigned char>(query.front())))
    query.remove_prefix(1);
  while (!query.empty() && std::isspace(static_cast<unsigned char>(query.back())))
    query.remove_suffix(1);
  const std::string text(query);
  core::Result<std::optional<core::User>> hit = std::optional<core::User>();
  if (LooksLikeUuid(text)) {
    hit = store_.users().FindById(text);
  } else if (text.find('@') != std::string::npos) {
    if (auto email = core::NormalizeEmail(text)) hit = store_.users().FindByEmail(*email);
  } else if (!text.empty()) {
    // GoTrue writes numbers without the "+": accept both.
    auto phone = NormalizePhone(text.front() == '+' ? text : "+" + text);
    if (phone) hit = store_.users().FindByPhone(*phone);
  }
  if (!hit) return hit.error();
  if (*hit) found.push_back(std::move(**hit));
  return found;
}

core::Result<void> AdminFlow::Apply(const AdminUserChange& change, core::User& user,
                                    bool* end_sessions) {
  const core::UnixMillis now = clock_.NowMillis();
  if (change.email) {
    auto email = core::NormalizeEmail(*change.email);
    if (!email) return Invalid("Unable to validate email address: invalid format");
    if (user.email != *email) user.email_confirmed_at.reset();
    user.email = *email;
    user.new_email.reset();
    AddProvider(user, "email");
  }
  if (change.phone) {
    auto phone = NormalizePhone(*change.phone);
    if (!phone) return phone.error();
    if (user.phone_number != *phone) user.phone_confirmed_at.reset();
    user.phone_number = *phone;
    AddProvider(user, "phone");
  }
  if (change.email_confirm) {
    if (!*change.email_confirm)
      user.email_confirmed_at.reset();
    else if (user.email && !user.email_confirmed_at)
      user.email_confirmed_at = now;
  }
  if (change.phone_confirm) {
    if (!*change.phone_confirm)
      user.phone_confirmed_at.reset();
    else if (user.phone_number && !user.phone_confirmed_at)
      user.phone_confirmed_at = now;
  }
  if (change.user_metadata_json) {
    auto meta = ParseObject(*change.user_metadata_json, "user_metadata");
    if (!meta) return meta.error();
    user.metadata_json = meta->dump();
  }
  if (change.app_metadata_json) {
    auto given = ParseObject(*change.app_metadata_json, "app_metadata");
    if (!given) return given.error();
    json merged = json::parse(user.app_metadata_json, nullptr, false);
    if (!merged.is_object()) merged = json::object();
    // provider and providers say how the user signs in: the server keeps them.
    for (auto& [key, value] : given->items()) {
      if (key == "provider" || key == "providers") continue;
      if (value.is_null())
        merged.erase(key);
      else
        merged[key] = value;
    }
    user.app_metadata_json = merged.dump();
  }
  if (change.role) {
    if (std::find(user.roles.begin(), user.roles.end(), *change.role) == user.roles.end())
      return core::Error(core::errc::kRoleNotAllowed, "role is not among the user's roles");
    user.default_role = *change.role;
  }
  if (change.ban_duration) {
    auto ban = ParseBanDuration(*change.ban_duration);
    if (!ban) return ban.error();
    if (ban->lift) {
      user.banned_until.reset();
    } else {
      user.banned_until = now + ban->millis;
      *end_sessions = true;
    }
  }
  if (change.password) {
    if (auto ok = passwords_.CheckPasswordPolicy(*change.password); !ok) return ok.error();
    user.password_hash = hasher_.Hash(*change.password);
    *end_sessions = true;
  }
  user.updated_at = now;
  return core::Ok();
}

core::Result<core::User> AdminFlow::Create(const AdminUserChange& change) {
  if (!change.email && !change.phone)
    return Invalid("Cannot create a user without either an email or phone");
  core::User user = NewUser(policy_, clock_.NowMillis());
  SetSignUpProvider(user, change.email ? "email" : "phone");
  bool end_sessions = false;
  if (auto ok = Apply(change, user, &end_sessions); !ok) return ok.error();
  if (auto created = store_.users().Create(user); !created) return created.error();
  RecordAudit(store_, clock_.NowMillis(), "admin-user-created", user.id);
  return user;
}

core::Result<core::User> AdminFlow::Get(std::string_view user_id) {
  if (!LooksLikeUuid(user_id)) return Invalid("user_id must be an UUID");
  auto user = store_.users().FindById(user_id);
  if (!user) return user.error();
  if (!*user) return NoUser();
  return std::move(**user);
}

core::Result<core::User> AdminFlow::Update(std::string_view user_id,
                                           const AdminUserChange& change) {
  auto user = Get(user_id);
  if (!user) return user.error();
  bool end_sessions = false;
  if (auto ok = Apply(change, *user, &end_sessions); !ok) return ok.error();
  if (auto saved = store_.users().Update(*user); !saved) return saved.error();
  if (end_sessions)
    if (auto n = sessions_.SignOutAll(user->id); !n) return n.error();
  // A ban or its lifting is what an operator looks for in the log afterwards.
  json traits = json::object();
  if (change.ban_duration) traits["ban_duration"] = *change.ban_duration;
  RecordAudit(store_, clock_.NowMillis(), "admin-user-updated", user->id, {}, traits.dump());
  return user;
}

core::Result<void> AdminFlow::Delete(std::string_view user_id) {
  auto user = Get(user_id);
  if (!user) return user.error();
  if (auto r = store_.users().Delete(user->id); !r) return r.error();
  RecordAudit(store_, clock_.NowMillis(), "admin-user-deleted", user->id);
  return core::Ok();
}

core::Result<int> AdminFlow::SignOut(std::string_view user_id) {
  auto user = Get(user_id);
  if (!user) return user.error();
  return sessions_.SignOutAll(user->id);
}

core::Result<std::vector<DeviceSession>> AdminFlow::Sessions(std::string_view user_id) {
  auto user = Get(user_id);
  if (!user) return user.error();
  return devices_.List(user->id);
}

core::Result<void> AdminFlow::RevokeSession(std::string_view user_id, std::string_view session_id) {
  auto user = Get(user_id);
  if (!user) return user.error();
  if (auto r = devices_.Revoke(user->id, session_id); !r) return r.error();
  RecordAudit(store_, clock_.NowMillis(), "admin-session-revoked", user->id);
  return core::Ok();
}

core::Result<std::vector<store::ListedAuditEvent>> AdminFlow::Audit(
    const store::AuditQuery& query) {
  if (query.limit < 1 || query.limit > 1000) return Invalid("per_page must be between 1 and 1000");
  if (!query.user_id.empty() && !LooksLikeUuid(query.user_id))
    return Invalid("user_id must be an UUID");
  return store_.audit().List(query);
}

core::Result<std::vector<core::MfaFactor>> AdminFlow::Factors(std::string_view user_id) {
  auto user = Get(user_id);
  if (!user) return user.error();
  return UserFactors(store_, user->id);  // passkeys as webauthn factors too
}

core::Result<core::MfaFactor> AdminFlow::DeleteFactor(std::string_view user_id,
                                                      std::string_view factor_id) {
  const core::Error none(core::errc::kMfaFactorNotFound, "Factor not found");
  auto user = Get(user_id);
  if (!user) return user.error();
  if (!LooksLikeUuid(factor_id)) return Invalid("factor_id must be an UUID");
  auto factor = store_.factors().Find(factor_id);
  if (!factor) return factor.error();
  if (!*factor) {  // a passkey, which is a webauthn factor (auth/mfa.h)?
    auto all = UserFactors(store_, user->id);
    if (!all) return all.error();
    for (core::MfaFactor& f : *all) {
      if (f.id != factor_id || f.type != "webauthn") continue;
      auto gone = store_.passkeys().Delete(user->id, f.id);
      if (!gone) return gone.error();
      if (!*gone) return none;
      RecordAudit(store_, clock_.NowMillis(), "admin-factor-deleted", user->id);
      return std::move(f);
    }
    return none;
  }
  if ((*factor)->user_id != user->id) return none;
  auto deleted = store_.factors().Delete(factor_id);
  if (!deleted) return deleted.error();
  if (!*deleted) return none;
  RecordAudit(store_, clock_.NowMillis(), "admin-factor-deleted", user->id);
  return std::move(**factor);
}

}  // namespace gh::auth
