// The webauthn_credentials row codec (see passkeys.h).

#include "store/codec/passkeys.h"

namespace gh::store::codec {

void BindPasskey(ParamSink& p, const core::WebauthnCredential& c) {
  p.Text(c.id);
  p.Text(c.user_id);
  p.Text(c.credential_id);
  p.Text(c.public_key);
  p.Int(c.sign_count);
  p.Text(c.aaguid);
  p.Text(c.transports);
  p.Text(c.nickname);
  p.Bool(c.backup_eligible);
  p.Bool(c.backed_up);
  p.Time(c.created_at);
  p.OptTime(c.last_used_at);
}

core::WebauthnCredential ReadPasskey(RowReader& r) {
  core::WebauthnCredential c;
  c.id = r.Text();
  c.user_id = r.Text();
  c.credential_id = r.Text();
  c.public_key = r.Text();
  c.sign_count = r.Int();
  c.aaguid = r.Text();
  c.transports = r.Text();
  c.nickname = r.Text();
  c.backup_eligible = r.Bool();
  c.backed_up = r.Bool();
  c.created_at = r.Time();
  c.last_used_at = r.OptTime();
  return c;
}

}  // namespace gh::store::codec
