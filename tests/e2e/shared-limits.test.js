// Budgets shared by two instances on one PostgreSQL schema: with a load balancer
// alternating requests between them, an attacker must not get twice the texts per
// number, the mails per address or the sign-in attempts per IP. The counts live in
// the database (rate_counters), keyed by a hash. PostgreSQL pass only (with SQLite one
// instance owns the file and counts in process).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expectError } from './lib/schema.js';
import { DATABASE, uniqueSchema, useInstances } from './lib/server.js';
import { uniqueEmail } from './lib/util.js';

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
