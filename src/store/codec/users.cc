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
  p.Bool(u.email_verified());
  p.OptText(u.new_email);
  p.OptText(u.phone_number);
  p.Bool(u.phone_number_verified());
  p.OptText(u.password_hash);
  p.Text(u.default_role);
  p.Bool(u.is_anonymous);
  p.Bool(u.disabled);
  p.Text(u.metadata_json);
  p.OptTime(u.email_confirmed_at);
  p.OptTime(u.phone_confirmed_at);
  p.OptTime(u.banned_until);
  p.Text(u.app_metadata_json);
  p.OptTime(u.last_sign_in_at);
  p.OptTime(u.invited_at);
  p.OptTime(u.confirmation_sent_at);
  p.OptTime(u.recovery_sent_at);
  p.OptTime(u.email_change_sent_at);
  p.OptTime(u.phone_change_sent_at);
  p.OptTime(u.reauthentication_sent_at);
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
  const bool email_verified = r.Bool();
  u.new_email = r.OptText();
  u.phone_number = r.OptText();
  const bool phone_number_verified = r.Bool();
  u.password_hash = r.OptText();
  u.default_role = r.Text();
  u.is_anonymous = r.Bool();
  u.disabled = r.Bool();
  u.metadata_json = r.Text();
  u.email_confirmed_at = r.OptTime();
  u.phone_confirmed_at = r.OptTime();
  u.banned_until = r.OptTime();
  u.app_metadata_json = r.Text();
  u.last_sign_in_at = r.OptTime();
  u.invited_at = r.OptTime();
  u.confirmation_sent_at = r.OptTime();
  u.recovery_sent_at = r.OptTime();
  u.email_change_sent_at = r.OptTime();
  u.phone_change_sent_at = r.OptTime();
  u.reauthentication_sent_at = r.OptTime();
  // Only the release before writes a boolean without its time (after a
  // rollback): its verification happened no later than the row's last change.
  u.verified_mfa_type = r.OptText();  // the read-only summary comes last
  u.has_totp_factor = r.Bool();
  if (email_verified && !u.email_confirmed_at) u.email_confirmed_at = u.updated_at;
  if (phone_number_verified && !u.phone_confirmed_at) u.phone_confirmed_at = u.updated_at;
  return u;
}

const char* SentMessageName(core::SentMessage kind) {
  switch (kind) {
    case core::SentMessage::kConfirmation:
      return "confirmation";
    case core::SentMessage::kRecovery:
      return "recovery";
    case core::SentMessage::kEmailChange:
      return "email-change";
    case core::SentMessage::kPhoneChange:
      return "phone-change";
    case core::SentMessage::kReauthentication:
      return "reauthentication";
  }
  return "";
}

}  // namespace gh::store::codec
