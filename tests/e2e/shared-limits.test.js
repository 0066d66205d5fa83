// Budgets shared by two instances on one PostgreSQL schema: with a load balancer
// alternating requests between them, an attacker must not get twice the texts per
// number, the mails per address, the sign-in attempts per IP or the password guesses at
// one account (spread over any number of IPs as well). The counts live in
// the database (rate_counters), keyed by a hash. PostgreSQL pass only (with SQLite one
// instance owns the file and counts in process).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expectError } from './lib/schema.js';
import { DATABASE, uniqueSchema, useInstances } from './lib/server.js';
import { PASSWORD, uniqueEmail } from './lib/util.js';

let counter = 0;
function uniquePhone() {
  counter += 1;
  const n = ((process.pid * 7 + Date.now() + counter * 97) % 9000) + 1000;
  return `+1415555${String(n).padStart(4, '0')}`;
}

describe('two instances share the sending and sign-in budgets', { skip: DATABASE !== 'postgres' && 'PostgreSQL pass only' }, () => {
  const env = {
    GATEHOUSE_DATABASE_SCHEMA: uniqueSchema('limits'),
    GATEHOUSE_SMS_PASSWORDLESS_ENABLED: 'true',
    GATEHOUSE_SMS_PROVIDER: 'log',
    GATEHOUSE_SMS_RESEND_COOLDOWN_SECONDS: '0',
    GATEHOUSE_SMS_PER_NUMBER_PER_HOUR: '3',
    GATEHOUSE_RATE_LIMIT_SMS_PER_HOUR: '100000',
    GATEHOUSE_EMAIL_RESEND_COOLDOWN_SECONDS: '0',
    GATEHOUSE_EMAIL_PER_ADDRESS_PER_HOUR: '3',
    GATEHOUSE_RATE_LIMIT_EMAIL_PER_HOUR: '100000',
    GATEHOUSE_RATE_LIMIT_SIGNIN_PER_MINUTE: '3',
    GATEHOUSE_RATE_LIMIT_SIGNIN_BURST: '3',
  };
  const [a, b] = useInstances(env, ['limits-a', 'limits-b']);

  test('SMS codes to one number, alternating instances: the 4th is refused by either', async () => {
    const phone = uniquePhone();
    for (const s of [a, b, a]) {
      const res = await s.api('POST', '/signin/passwordless/sms', { phoneNumber: phone });
      assert.equal(res.status, 200, `${s.name}: ${res.status} ${res.text}`);
    }
    for (const s of [b, a]) {
      const res = await s.api('POST', '/signin/passwordless/sms', { phoneNumber: phone });
      expectError(res, '/signin/passwordless/sms', 'POST', 429, 'too-many-requests');
      assert.ok(Number(res.headers['retry-after']) > 3000, `an hour's window: ${res.headers['retry-after']}`);
    }
    // Another number has a budget of its own.
    const other = await b.api('POST', '/signin/passwordless/sms', { phoneNumber: uniquePhone() });
    assert.equal(other.status, 200, other.text);
  });

  test('mails to one address, alternating instances: the 4th is refused by either', async () => {
    const email = uniqueEmail('budget');
    for (const s of [a, b, a]) {
      const res = await s.api('POST', '/user/password/reset', { email });
      assert.equal(res.status, 200, `${s.name}: ${res.status} ${res.text}`);
    }
    for (const s of [b, a]) {
      const res = await s.api('POST', '/user/password/reset', { email });
      expectError(res, '/user/password/reset', 'POST', 429, ['too-many-requests']);
      assert.ok(Number(res.headers['retry-after']) > 0);
    }
    const other = await b.api('POST', '/user/password/reset', { email: uniqueEmail('budget') });
    assert.equal(other.status, 200, other.text);
  });

  test('sign-in attempts from one IP, alternating instances: the 4th is 429 on either', async () => {
    const body = { email: uniqueEmail('nobody'), password: 'not-the-password-1' };
    for (const s of [a, b, a]) {
      const res = await s.api('POST', '/signin/email-password', body);
      assert.equal(res.status, 401, `${s.name}: ${res.status} ${res.text}`);
    }
    for (const s of [b, a]) {
      const res = await s.api('POST', '/signin/email-password', body);
      expectError(res, '/signin/email-password', 'POST', 429, 'too-many-requests');
      assert.ok(Number(res.headers['retry-after']) > 0);
    }
    // Other routes do not spend that budget.
    const health = await b.api('GET', '/healthz');
    assert.equal(health.status, 200);
  });
});

describe('two instances share one account\'s hourly guess cap', { skip: DATABASE !== 'postgres' && 'PostgreSQL pass only' }, () => {
  const env = {
    GATEHOUSE_DATABASE_SCHEMA: uniqueSchema('guesses'),
    GATEHOUSE_ACCOUNT_GUESS_LIMIT_PER_HOUR: '6',
    GATEHOUSE_ACCOUNT_GUESS_FREE_FAILURES: '1000', // no back-off: only the hourly cap
  };
  const [a, b] = useInstances(env, ['guesses-a', 'guesses-b']);

  test('wrong passwords alternating instances: the 7th is refused by either, the right one too', async () => {
    const email = uniqueEmail('victim');
    const up = await a.api('POST', '/signup/email-password', { email, password: PASSWORD });
    assert.equal(up.status, 200, up.text);
    // A right guess is taken back: it does not eat the cap.
    for (const s of [a, b]) {
      const ok = await s.api('POST', '/signin/email-password', { email, password: PASSWORD });
      assert.equal(ok.status, 200, ok.text);
    }
    for (let i = 0; i < 6; i++) {
      const s = i % 2 ? b : a;
      const res = await s.api('POST', '/signin/email-password', { email, password: `wrong-guess-${i}` });
      assert.equal(res.status, 401, `${s.name} guess ${i}: ${res.status} ${res.text}`);
    }
    // Each instance has seen three wrong guesses of its cap of six; together, six.
    for (const s of [a, b]) {
      const res = await s.api('POST', '/signin/email-password', { email, password: PASSWORD });
      expectError(res, '/signin/email-password', 'POST', 429, 'too-many-requests');
      assert.ok(Number(res.headers['retry-after']) > 3000, `an hour's window: ${res.headers['retry-after']}`);
    }
    // The GoTrue dialect guesses at the same account: the same cap.
    const gt = await b.api('POST', '/auth/v1/token?grant_type=password', { email, password: PASSWORD });
    assert.equal(gt.status, 429, gt.text);
    // Another account is untouched.
    const other = uniqueEmail('bystander');
    assert.equal((await b.api('POST', '/signup/email-password', { email: other, password: PASSWORD })).status, 200);
    assert.equal((await a.api('POST', '/signin/email-password', { email: other, password: PASSWORD })).status, 200);
  });
});
