// The mfa_factors row codec (see mfa_factors.h).

#include "store/codec/mfa_factors.h"

namespace gh::store::codec {

void BindMfaFactor(ParamSink& p, const core::MfaFactor& f) {
  p.Text(f.id);
  p.Text(f.user_id);
  p.Text(f.type);
  p.Text(f.friendly_name);
  p.OptText(f.secret_encrypted);
  p.Time(f.created_at);
  p.Time(f.updated_at);
  p.OptTime(f.verified_at);
  p.OptTime(f.last_challenged_at);
}

void BindMfaFactorUpdate(ParamSink& p, const core::MfaFactor& f) {
  p.Text(f.friendly_name);
  p.OptText(f.secret_encrypted);
  p.Time(f.updated_at);
  p.OptTime(f.verified_at);
  p.OptTime(f.last_challenged_at);
  p.Text(f.id);
}

core::MfaFactor ReadMfaFactor(RowReader& r) {
  core::MfaFactor f;
  f.id = r.Text();
  f.user_id = r.Text();
  f.type = r.Text();
  f.friendly_name = r.Text();
  f.secret_encrypted = r.OptText();
  f.created_at = r.Time();
  f.updated_at = r.Time();
  f.verified_at = r.OptTime();
  f.last_challenged_at = r.OptTime();
  return f;
}

}  // namespace gh::store::codec
