// The sessions and refresh_tokens row codecs (see sessions.h).

#include "store/codec/sessions.h"

namespace gh::store::codec {

void BindSession(ParamSink& p, const core::SessionRecord& s) {
  p.Text(s.id);
  p.Text(s.user_id);
  p.Time(s.created_at);
  p.Time(s.refreshed_at);
  p.Time(s.expires_at);
  p.Text(s.user_agent);
  p.Text(s.ip);
  p.Text(s.aal);
  p.Text(s.amr);
  p.OptTime(s.revoked_at);
  p.Text(s.revoked_reason);
  p.Text(s.refreshed_user_agent);
  p.Text(s.refreshed_ip);
}

core::SessionRecord ReadSession(RowReader& r) {
  core::SessionRecord s;
  s.id = r.Text();
  s.user_id = r.Text();
  s.created_at = r.Time();
  s.refreshed_at = r.Time();
  s.expires_at = r.Time();
  s.user_agent = r.Text();
  s.ip = r.Text();
  s.aal = r.Text();
  s.amr = r.Text();
  s.revoked_at = r.OptTime();
  s.revoked_reason = r.Text();
  s.refreshed_user_agent = r.Text();
  s.refreshed_ip = r.Text();
  return s;
}

void BindToken(ParamSink& p, const core::RefreshTokenRecord& t) {
  p.Text(t.id);
  p.Text(t.session_id);
  p.Text(t.user_id);
  p.Text(t.token_hash);
  p.OptText(t.parent_id);
  p.Time(t.created_at);
  p.Time(t.expires_at);
  p.OptTime(t.rotated_at);
}

core::RefreshTokenRecord ReadToken(RowReader& r) {
  core::RefreshTokenRecord t;
  t.id = r.Text();
  t.session_id = r.Text();
  t.user_id = r.Text();
  t.token_hash = r.Text();
  t.parent_id = r.OptText();
  t.created_at = r.Time();
  t.expires_at = r.Time();
  t.rotated_at = r.OptTime();
  return t;
}

}  // namespace gh::store::codec
