#include "app/passkey_rows.h"

#include "app/user_rows.h"
#include "core/clock.h"

namespace gh::app {

nlohmann::ordered_json PasskeysJson(const std::vector<core::WebauthnCredential>& passkeys) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const core::WebauthnCredential& c : passkeys) {
    out.push_back({
        {"id", c.id},
        {"credentialId", c.credential_id},
        {"publicKey", c.public_key},
        {"signCount", c.sign_count},
        {"aaguid", c.aaguid},
        {"transports", c.transports},
        {"nickname", c.nickname},
        {"backupEligible", c.backup_eligible},
        {"backedUp", c.backed_up},
        {"createdAt", core::FormatRfc3339(c.created_at)},
        {"lastUsedAt", c.last_used_at ? nlohmann::ordered_json(core::FormatRfc3339(*c.last_used_at))
                                      : nlohmann::ordered_json()},
    });
  }
  return out;
}

core::Result<std::vector<core::WebauthnCredential>> ReadPasskeys(const nlohmann::json& line) {
  std::vector<core::WebauthnCredential> out;
  auto it = line.find("passkeys");
  if (it == line.end() || it->is_null()) return out;
  auto bad = [](const std::string& what) { return core::Error(core::errc::kInvalidRequest, what); };
  if (!it->is_array()) return bad("passkeys: expected an array");
  for (size_t i = 0; i < it->size(); ++i) {
    const nlohmann::json& o = (*it)[i];
    const std::string at = "passkeys[" + std::to_string(i) + "]";
    if (!o.is_object()) return bad(at + ": expected an object");
    core::WebauthnCredential c;
    auto text = [&](const char* key, std::string& field, bool required) -> bool {
      auto v = o.find(key);
      if (v == o.end() || v->is_null()) return !required;
      if (!v->is_string()) return false;
      field = v->get<std::string>();
      return !required || !field.empty();
    };
    if (!text("id", c.id, true) || !text("credentialId", c.credential_id, true) ||
        !text("publicKey", c.public_key, true) || !text("aaguid", c.aaguid, false) ||
        !text("transports", c.transports, false) || !text("nickname", c.nickname, false))
      return bad(at + ": id, credentialId and publicKey are required strings");
    auto count = o.find("signCount");
    if (count != o.end() && !count->is_null()) {
      if (!count->is_number_integer() || count->get<int64_t>() < 0 ||
          count->get<int64_t>() > 0xffffffffLL)
        return bad(at + ".signCount: expected an unsigned 32-bit integer");
      c.sign_count = count->get<int64_t>();
    }
    c.backup_eligible = o.value("backupEligible", false);
    c.backed_up = o.value("backedUp", false);
    std::string created, used;
    text("createdAt", created, false);
    text("lastUsedAt", used, false);
    auto created_at = ParseTimestamp(created);
    if (!created_at) return bad(at + ".createdAt: expected an RFC 3339 time");
    c.created_at = *created_at;
    if (!used.empty()) {
      auto t = ParseTimestamp(used);
      if (!t) return bad(at + ".lastUsedAt: expected an RFC 3339 time");
      c.last_used_at = *t;
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace gh::app
