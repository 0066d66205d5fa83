// The personal_access_tokens row codec (see personal_access_tokens.h).

#include "store/codec/personal_access_tokens.h"

namespace gh::store::codec {

void BindPat(ParamSink& p, const core::PersonalAccessToken& t) {
  p.Text(t.id);
  p.Text(t.user_id);
  p.Text(t.token_hash);
  p.Text(t.metadata_json);
  p.Time(t.created_at);
  p.Time(t.expires_at);
  p.OptTime(t.last_used_at);
}

core::PersonalAccessToken ReadPat(RowReader& r) {
  core::PersonalAccessToken t;
  t.id = r.Text();
  t.user_id = r.Text();
  t.token_hash = r.Text();
  t.metadata_json = r.Text();
  t.created_at = r.Time();
  t.expires_at = r.Time();
  t.last_used_at = r.OptTime();
  return t;
}

}  // namespace gh::store::codec
