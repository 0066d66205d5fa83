#include "api/gotrue/render.h"

#include "auth/app_metadata.h"  // kProviderEmail, kProviderPhone
#include "core/clock.h"

namespace gh::api::gotrue {
namespace {

Json ObjectOf(const std::string& text) {
  if (text == "{}") return Json::object();  // most users' user_metadata: no parse
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : Json::object();
}

void PutTime(Json& j, const char* name, const std::optional<core::UnixMillis>& t) {
  if (t) j[name] = TimeJson(*t);
}

// GoTrue keeps and shows a number as digits, without the "+" of E.164 that
// ours keep; supabase-js apps compare what they get with that form.
std::string GoTruePhone(const std::optional<std::string>& phone) {
  if (!phone) return "";
  return phone->starts_with('+') ? phone->substr(1) : *phone;
}

// The identity GoTrue keeps for a sign-in by address; ours is the user row
// itself, so it is derived: its id is the user's.
Json AddressIdentity(const core::User& u, std::string_view provider, const std::string& address) {
  Json data = {{"sub", u.id},
               {provider == "email" ? "email" : "phone",
                provider == "email" ? address : GoTruePhone(address)},
               {"email_verified", u.email_verified()},
               {"phone_verified", u.phone_number_verified()}};
  Json j = {{"identity_id", u.id},
            {"id", u.id},
            {"user_id", u.id},
            {"identity_data", data},
            {"provider", provider},
            {"created_at", TimeJson(u.created_at)},
            {"updated_at", TimeJson(u.updated_at)}};
  if (provider == "email") j["email"] = address;
  PutTime(j, "last_sign_in_at", u.last_sign_in_at);
  return j;
}

}  // namespace

Json TimeJson(core::UnixMillis t) { return core::FormatRfc3339(t); }

Json IdentitiesJson(const auth::UserProfile& p, const Json& app_metadata) {
  const core::User& u = p.user;
  Json list = Json::array();
  // app_metadata.providers names every way the user signs in.
  const Json none = Json::array();
  auto listed = app_metadata.find("providers");
  const Json& providers = listed != app_metadata.end() && listed->is_array() ? *listed : none;
  auto has = [&](std::string_view name) {
    for (const Json& v : providers)
      if (v.is_string() && v.get_ref<const std::string&>() == name) return true;
    return false;
  };
  if (u.email && has(auth::kProviderEmail))
    list.push_back(AddressIdentity(u, auth::kProviderEmail, *u.email));
  if (u.phone_number && has(auth::kProviderPhone))
    list.push_back(AddressIdentity(u, auth::kProviderPhone, *u.phone_number));
  for (const core::Identity& i : p.identities) {
    Json data = ObjectOf(i.data_json);
    if (!data.contains("sub")) data["sub"] = i.provider_user_id;
    // GitHub's profile says "email": null for a private address that its
    // emails API gave us: GoTrue's identity_data names the address it signed in with.
    if (i.email && (!data.contains("email") || data["email"].is_null())) data["email"] = *i.email;
    Json j = {{"identity_id", i.id},
              {"id", i.provider_user_id},
              {"user_id", i.user_id},
              {"identity_data", data},
              {"provider", i.provider},
              {"created_at", TimeJson(i.created_at)},
              {"updated_at", TimeJson(i.updated_at)},
              {"last_sign_in_at", TimeJson(i.updated_at)}};
    if (i.email) j["email"] = *i.email;
    list.push_back(std::move(j));
  }
  return list;
}

Json FactorJson(const core::MfaFactor& f) {
  Json j = {{"id", f.id},
            {"friendly_name", f.friendly_name},
            {"factor_type", f.type},
            {"status", f.verified() ? "verified" : "unverified"},
            {"created_at", TimeJson(f.created_at)},
            {"updated_at", TimeJson(f.updated_at)}};
  PutTime(j, "last_challenged_at", f.last_challenged_at);
  return j;
}

Json UserJson(const auth::UserProfile& p, std::string_view aud) {
  const core::User& u = p.user;
  // Parsed once: shown as is, and read for the address identities.
  Json app_metadata = ObjectOf(u.app_metadata_json);
  Json identities = IdentitiesJson(p, app_metadata);
  Json j = {
      {"id", u.id},
      {"aud", aud},
      {"role", kUserRole},
      {"email", u.email.value_or("")},
      {"phone", GoTruePhone(u.phone_number)},
      {"app_metadata", std::move(app_metadata)},
      {"user_metadata", ObjectOf(u.metadata_json)},
      {"identities", std::move(identities)},
      {"created_at", TimeJson(u.created_at)},
      {"updated_at", TimeJson(u.updated_at)},
      {"is_anonymous", u.is_anonymous},
  };
  PutTime(j, "email_confirmed_at", u.email_confirmed_at);
  PutTime(j, "phone_confirmed_at", u.phone_confirmed_at);
  // GoTrue's confirmed_at: the first of the two confirmations.
  std::optional<core::UnixMillis> confirmed = u.email_confirmed_at;
  if (u.phone_confirmed_at && (!confirmed || *u.phone_confirmed_at < *confirmed))
    confirmed = u.phone_confirmed_at;
  PutTime(j, "confirmed_at", confirmed);
  PutTime(j, "invited_at", u.invited_at);
  PutTime(j, "confirmation_sent_at", u.confirmation_sent_at);
  PutTime(j, "recovery_sent_at", u.recovery_sent_at);
  PutTime(j, "email_change_sent_at", u.email_change_sent_at);
  PutTime(j, "phone_change_sent_at", u.phone_change_sent_at);
  PutTime(j, "reauthentication_sent_at", u.reauthentication_sent_at);
  PutTime(j, "last_sign_in_at", u.last_sign_in_at);
  PutTime(j, "banned_until", u.banned_until);
  if (u.new_email) j["new_email"] = *u.new_email;
  if (!p.factors.empty()) {
    Json factors = Json::array();
    for (const core::MfaFactor& f : p.factors) factors.push_back(FactorJson(f));
    j["factors"] = std::move(factors);
  }
  return j;
}

Json SessionJson(const auth::SessionGrant& g, const auth::UserProfile& p, std::string_view aud) {
  return {{"access_token", g.access_token},          {"token_type", "bearer"},
          {"expires_in", g.access_token_expires_in}, {"expires_at", g.access_token_expires_at},
          {"refresh_token", g.refresh_token},        {"user", UserJson(p, aud)}};
}

http::Response Ok(const Json& body) {
  // Invalid UTF-8 that slipped into a value is replaced, not thrown at the worker.
  return http::Response::Json(200, body.dump(-1, ' ', false, Json::error_handler_t::replace));
}

}  // namespace gh::api::gotrue
