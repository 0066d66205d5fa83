// The settings the upgrade fixture was written with, and the upgraded server reads:
// an upgrade changes the binary, not the configuration. Mail goes to the test's SMTP
// sink (mailEnv), SMS codes to the log, Google to the local IdP.

/** Env overrides for a server `srv` with Google at `idp` (call with the started IdP). */
export function fixtureEnv(idp, srv) {
  return {
    ...idp.gatehouseEnv(srv, ['google']),
    GATEHOUSE_ANONYMOUS_SIGNIN_ENABLED: 'true',
    GATEHOUSE_SMS_PASSWORDLESS_ENABLED: 'true',
    GATEHOUSE_PHONE_PASSWORD_ENABLED: 'true',
    GATEHOUSE_PHONE_VERIFICATION_REQUIRED: 'false',
    GATEHOUSE_SMS_PROVIDER: 'log',
    GATEHOUSE_MFA_ENABLED: 'true',
    GATEHOUSE_EMAIL_CODE_TTL_SECONDS: '3600',
    GATEHOUSE_SMS_CODE_TTL_SECONDS: '3600',
  };
}
