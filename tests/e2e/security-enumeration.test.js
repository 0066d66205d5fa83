// Passwordless SMS must not tell a stranger which numbers belong to disabled accounts
// (issue 13, item 11): the email flows answer 200 for a disabled account, so the SMS
// flow answers as it does for any number, and sends nothing. The development `log`
// SMS provider is used, so "sent" means "printed to the server's log".
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { expectResponse } from './lib/schema.js';
import { BIN, sleep, useServer } from './lib/server.js';
import { uniqueEmail } from './lib/util.js';

let counter = 0;
/** A valid, unique US number (+1 415 555 xxxx is valid to libphonenumber). */
function uniquePhone() {
  counter += 1;
  const n = ((process.pid * 13 + Date.now() + counter * 89) % 9000) + 1000;
  return `+1415555${String(n).padStart(4, '0')}`;
}

/** Imports one user row (our export format) with the CLI, as an operator would. */
function importUser(srv, { email = null, phoneNumber = null, disabled }) {
  const t = '2024-02-01T10:00:00.000Z';
  const row = {
    id: randomUUID(), createdAt: t, updatedAt: t, lastSeen: null, displayName: 'Imported', avatarUrl: '', locale: 'en',
    email, emailVerified: email !== null, newEmail: null, phoneNumber, phoneNumberVerified: phoneNumber !== null,
    passwordHash: null, defaultRole: 'user', roles: ['user', 'me'], isAnonymous: false, disabled, metadata: {},
    activeMfaType: null, totpSecretEncrypted: null, identities: [],
  };
  const r = spawnSync(BIN, ['users', 'import'], { env: srv.env(), input: `${JSON.stringify(row)}\n`, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `import: ${r.stderr}`);
}

/** Lines of the development SMS sender for `phone` (codes "delivered" to the log). */
const smsLines = (srv, phone) => srv.logs.filter((l) => l.line.includes('development sender') && l.line.includes(phone));

describe('passwordless SMS answers a disabled account as the email flows do', () => {
  const srv = useServer(
    {
      GATEHOUSE_SMS_PASSWORDLESS_ENABLED: 'true',
      GATEHOUSE_EMAIL_PASSWORDLESS_ENABLED: 'true',
      GATEHOUSE_SMS_PROVIDER: 'log',
      GATEHOUSE_SMS_PER_NUMBER_PER_HOUR: '100',
      GATEHOUSE_RATE_LIMIT_SMS_PER_HOUR: '100000',
    },
    { name: 'enumeration' },
  );

  test('disabled, enabled and unknown numbers all get 200 "OK"; only the disabled one gets no code', async () => {
    const disabled = uniquePhone();
    const enabled = uniquePhone();
    const unknown = uniquePhone();
    importUser(srv, { phoneNumber: disabled, disabled: true });
    importUser(srv, { phoneNumber: enabled, disabled: false });
    for (const phone of [disabled, enabled, unknown]) {
      const res = await srv.api('POST', '/signin/passwordless/sms', { phoneNumber: phone });
      assert.equal(res.status, 200, `${phone}: ${res.status} ${res.text}`);
      assert.equal(expectResponse(res, 'POST', '/signin/passwordless/sms'), 'OK');
    }
    await sleep(100);
    assert.equal(smsLines(srv, enabled).length, 1, 'the enabled account gets its code');
    assert.equal(smsLines(srv, unknown).length, 1, 'a new number gets its code');
    assert.equal(smsLines(srv, disabled).length, 0, 'a disabled account must get no code');
    // A second request within the cooldown is throttled alike for both accounts.
    const again = await Promise.all([disabled, enabled].map((phone) => srv.api('POST', '/signin/passwordless/sms', { phoneNumber: phone })));
    assert.deepEqual(again.map((r) => r.status), [429, 429], again.map((r) => r.text).join(' | '));
    // And no guess gets a disabled account in.
    const guess = await srv.api('POST', '/signin/passwordless/sms/otp', { phoneNumber: disabled, otp: '123456' });
    assert.equal(guess.status, 400, guess.text); // invalid-otp, as for any wrong code
  });

  test('the email magic link answers a disabled account the same 200', async () => {
    const email = uniqueEmail('disabled-magic');
    importUser(srv, { email, disabled: true });
    const res = await srv.api('POST', '/signin/passwordless/email', { email });
    assert.equal(res.status, 200, res.text);
  });
});
