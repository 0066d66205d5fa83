#include "app/flow_options.h"

namespace gh::app {
namespace {

auth::RedirectRules RedirectRulesFrom(const config::Config& c) {
  auth::RedirectRules r;
  r.client_url = c.client_url;
  r.allowed_redirect_urls = c.allowed_redirect_urls;
  return r;
}

auth::NewUserPolicy NewUserPolicyFrom(const config::Config& c) {
  auth::NewUserPolicy p;
  p.default_role = c.default_role;
  p.allowed_roles = c.allowed_roles;
  p.default_locale = c.default_locale;
  p.allowed_locales = c.allowed_locales;
  p.redirects = RedirectRulesFrom(c);
  return p;
}

auth::ProofPolicy ProofPolicyFrom(const config::Config& c) {
  return auth::ProofPolicy{c.email_verification_required, c.phone_verification_required};
}

}  // namespace

FlowOptions FlowOptionsFrom(const config::Config& c) {
  FlowOptions o;
  o.redirects = RedirectRulesFrom(c);

  o.tokens.jwt_issuer = c.jwt_issuer;
  o.tokens.jwt_audience = c.jwt_audience;
  o.tokens.jwt_claims_namespace = c.jwt_claims_namespace;
  o.tokens.access_token_ttl_seconds = c.access_token_ttl_seconds;
  o.tokens.signing_keys_reload_seconds = c.signing_keys_reload_seconds;

  o.sessions.refresh_token_ttl_seconds = c.refresh_token_ttl_seconds;
  o.sessions.refresh_token_reuse_grace_seconds = c.refresh_token_reuse_grace_seconds;
  o.mfa = auth::MfaOptions::From(c);
  o.pats.pat_max_ttl_days = c.pat_max_ttl_days;

  auth::PasswordOptions& pw = o.password;
  pw.email_signin_enabled = c.email_signin_enabled;
  pw.signup_disabled = c.signup_disabled;
  pw.email_verification_required = c.email_verification_required;
  pw.password_min_length = c.password_min_length;
  pw.password_max_length = c.password_max_length;
  pw.users = NewUserPolicyFrom(c);

  auth::PasskeyOptions& pk = o.passkeys;
  pk.webauthn_enabled = c.webauthn_enabled;
  pk.webauthn_rp_id = c.webauthn_rp_id;
  pk.webauthn_rp_name = c.webauthn_rp_name;
  pk.webauthn_rp_origins = c.webauthn_rp_origins;
  pk.webauthn_challenge_seconds = c.webauthn_challenge_seconds;
  pk.webauthn_user_verification = c.webauthn_user_verification;
  pk.webauthn_max_credentials = c.webauthn_max_credentials;
  pk.signup_disabled = c.signup_disabled;
  pk.email_verification_required = c.email_verification_required;
  pk.users = NewUserPolicyFrom(c);

  auth::AnonymousOptions& an = o.anonymous;
  an.anonymous_signin_enabled = c.anonymous_signin_enabled;
  an.signup_disabled = c.signup_disabled;
  an.email_verification_required = c.email_verification_required;
  an.email_passwordless_enabled = c.email_passwordless_enabled;
  an.anonymous_role = c.anonymous_role;
  an.users = NewUserPolicyFrom(c);

  auth::EmailOptions& em = o.email;
  em.email_code_ttl_seconds = c.email_code_ttl_seconds;
  em.email_code_max_attempts = c.email_code_max_attempts;
  em.email_resend_cooldown_seconds = c.email_resend_cooldown_seconds;
  em.email_per_address_per_hour = c.email_per_address_per_hour;
  em.email_passwordless_enabled = c.email_passwordless_enabled;
  em.email_otp_enabled = c.email_otp_enabled;
  em.signup_disabled = c.signup_disabled;
  em.password_change_signs_out = c.password_change_signs_out;
  em.password_change_requires_reauthentication = c.password_change_requires_reauthentication;
  em.reauthentication_max_session_age_seconds = c.reauthentication_max_session_age_seconds;
  em.proof = ProofPolicyFrom(c);
  em.users = NewUserPolicyFrom(c);

  auth::SmsOptions& sms = o.sms;
  sms.sms_passwordless_enabled = c.sms_passwordless_enabled;
  sms.phone_password_enabled = c.phone_password_enabled;
  sms.signup_disabled = c.signup_disabled;
  sms.sms_template = c.sms_template;
  sms.sms_app_name = c.sms_app_name;
  sms.sms_default_region = c.sms_default_region;
  sms.sms_code_length = c.sms_code_length;
  sms.sms_code_ttl_seconds = c.sms_code_ttl_seconds;
  sms.sms_code_max_attempts = c.sms_code_max_attempts;
  sms.sms_resend_cooldown_seconds = c.sms_resend_cooldown_seconds;
  sms.sms_per_number_per_hour = c.sms_per_number_per_hour;
  sms.sms_budget_per_hour = c.sms_budget_per_hour;
  sms.sms_test_numbers = c.sms_test_numbers;
  sms.password_max_length = c.password_max_length;
  sms.proof = ProofPolicyFrom(c);
  sms.users = NewUserPolicyFrom(c);

  auth::OAuthOptions& oa = o.oauth;
  oa.oauth_request_ttl_seconds = c.oauth_request_ttl_seconds;
  oa.oauth_grant_ttl_seconds = c.oauth_grant_ttl_seconds;
  oa.oauth_link_verified_email = c.oauth_link_verified_email;
  oa.manual_linking_enabled = c.manual_linking_enabled;
  oa.signup_disabled = c.signup_disabled;
  oa.email_passwordless_enabled = c.email_passwordless_enabled;
  oa.email_otp_enabled = c.email_otp_enabled;
  oa.sms_passwordless_enabled = c.sms_passwordless_enabled;
  oa.proof = ProofPolicyFrom(c);
  oa.users = NewUserPolicyFrom(c);
  auto hook = [](const config::HookSettings& h) {
    return auth::HookEndpoint{h.enabled, h.uri, h.secrets};
  };
  o.hooks.custom_access_token = hook(c.hook_custom_access_token);
  o.hooks.before_user_created = hook(c.hook_before_user_created);
  o.hooks.after_user_created = hook(c.hook_after_user_created);
  o.hooks.send_sms = hook(c.hook_send_sms);
  o.hooks.send_email = hook(c.hook_send_email);
  o.hooks.password_verification_attempt = hook(c.hook_password_verification_attempt);
  o.hooks.mfa_verification_attempt = hook(c.hook_mfa_verification_attempt);
  return o;
}

}  // namespace gh::app
