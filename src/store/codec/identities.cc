// The identities row codec (see identities.h).

#include "store/codec/identities.h"

namespace gh::store::codec {

void BindIdentity(ParamSink& p, const core::Identity& i) {
  p.Text(i.id);
  p.Text(i.user_id);
  p.Text(i.provider);
  p.Text(i.provider_user_id);
  p.OptText(i.email);
  p.Text(i.data_json);
  p.Time(i.created_at);
  p.Time(i.updated_at);
  p.Text(i.access_token_encrypted);
  p.Text(i.refresh_token_encrypted);
}

void BindIdentityUpdate(ParamSink& p, const core::Identity& i) {
  p.OptText(i.email);
  p.Text(i.data_json);
  p.Time(i.updated_at);
  p.Text(i.access_token_encrypted);
  p.Text(i.refresh_token_encrypted);
  p.Text(i.id);
}

core::Identity ReadIdentity(RowReader& r) {
  core::Identity i;
  i.id = r.Text();
  i.user_id = r.Text();
  i.provider = r.Text();
  i.provider_user_id = r.Text();
  i.email = r.OptText();
  i.data_json = r.Text();
  i.created_at = r.Time();
  i.updated_at = r.Time();
  i.access_token_encrypted = r.Text();
  i.refresh_token_encrypted = r.Text();
  return i;
}

}  // namespace gh::store::codec
