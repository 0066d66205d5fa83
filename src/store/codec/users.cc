// The users row codec (see users.h).

#include "store/codec/users.h"

namespace gh::store::codec {

void BindUser(ParamSink& p, const core::User& u) {
  p.Text(u.id);
  p.Time(u.created_at);
  p.Time(u.updated_at);
  p.OptTime(u.last_seen);
  p.Text(u.display_name);
  p.Text(u.avatar_url);
  p.Text(u.locale);
  p.OptText(u.email);
  p.Bool(u.email_verified);
  p.OptText(u.new_email);
  p.OptText(u.phone_number);
  p.Bool(u.phone_number_verified);
  p.OptText(u.password_hash);
  p.Text(u.default_role);
  p.Bool(u.is_anonymous);
  p.Bool(u.disabled);
  p.Text(u.metadata_json);
}

core::User ReadUser(RowReader& r) {
  core::User u;
  u.id = r.Text();
  u.created_at = r.Time();
  u.updated_at = r.Time();
  u.last_seen = r.OptTime();
  u.display_name = r.Text();
  u.avatar_url = r.Text();
  u.locale = r.Text();
  u.email = r.OptText();
  u.email_verified = r.Bool();
  u.new_email = r.OptText();
  u.phone_number = r.OptText();
  u.phone_number_verified = r.Bool();
  u.password_hash = r.OptText();
  u.default_role = r.Text();
  u.is_anonymous = r.Bool();
  u.disabled = r.Bool();
  u.metadata_json = r.Text();
  u.verified_mfa_type = r.OptText();
  return u;
}

}  // namespace gh::store::codec
