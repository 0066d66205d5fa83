// The signing_keys and audit_log row codecs (see keys_audit.h).

#include "store/codec/keys_audit.h"

namespace gh::store::codec {

void BindSigningKey(ParamSink& p, const core::SigningKeyRecord& k) {
  p.Text(k.kid);
  p.Text(k.algorithm);
  p.Text(k.private_pem);
  p.Text(k.public_pem);
  p.Time(k.created_at);
  p.OptTime(k.retired_at);
}

core::SigningKeyRecord ReadSigningKey(RowReader& r) {
  core::SigningKeyRecord k;
  k.kid = r.Text();
  k.algorithm = r.Text();
  k.private_pem = r.Text();
  k.public_pem = r.Text();
  k.created_at = r.Time();
  k.retired_at = r.OptTime();
  return k;
}

void BindAuditEvent(ParamSink& p, const core::AuditEvent& e) {
  p.Time(e.at);
  p.Text(e.type);
  p.OptText(e.user_id);
  p.Text(e.ip);
  p.Text(e.user_agent);
  p.Text(e.data_json);
}

core::AuditEvent ReadAuditEvent(RowReader& r) {
  core::AuditEvent e;
  e.at = r.Time();
  e.type = r.Text();
  e.user_id = r.OptText();
  e.ip = r.Text();
  e.user_agent = r.Text();
  e.data_json = r.Text();
  return e;
}

ListedAuditEvent ReadListedAuditEvent(RowReader& r) {
  ListedAuditEvent listed;
  listed.id = r.Int();
  listed.event = ReadAuditEvent(r);
  return listed;
}

}  // namespace gh::store::codec
