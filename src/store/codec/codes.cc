// The one_time_codes row codec (see codes.h).

#include "store/codec/codes.h"

namespace gh::store::codec {

void BindCode(ParamSink& p, const core::OneTimeCode& c) {
  p.Text(c.id);
  p.OptText(c.user_id);
  p.Text(c.purpose);
  p.Text(c.recipient);
  p.Text(c.code_hash);
  p.Text(c.data_json);
  p.Time(c.created_at);
  p.Time(c.expires_at);
  p.Int(c.attempts);
  p.OptTime(c.consumed_at);
}

core::OneTimeCode ReadCode(RowReader& r) {
  core::OneTimeCode c;
  c.id = r.Text();
  c.user_id = r.OptText();
  c.purpose = r.Text();
  c.recipient = r.Text();
  c.code_hash = r.Text();
  c.data_json = r.Text();
  c.created_at = r.Time();
  c.expires_at = r.Time();
  c.attempts = static_cast<int>(r.Int());
  c.consumed_at = r.OptTime();
  return c;
}

}  // namespace gh::store::codec
