// Whether an address is registered must not show in how password reset and resend
// verification answer (issue "Security", item 5): the account is looked up and its mail
// sent after the answer, so known and unknown addresses take the same path. Shown two
// ways that do not depend on fine timing: a mail server that takes 1.5 s per message
// (a known address used to wait for it), and a mail server that is down (a known address
// used to get an error, an unknown one 200).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { useMailbox } from './lib/mail.js';
import { freePort, useServer } from './lib/server.js';
import { PASSWORD, uniqueEmail } from './lib/util.js';

const SLOW_SMTP_MS = 1500;

function mailEnv(extra = {}) {
  return {
    GATEHOUSE_SMTP_HOST: '127.0.0.1',
    GATEHOUSE_SMTP_SECURE: 'none',
    GATEHOUSE_SMTP_SENDER: 'auth@example.com',
    GATEHOUSE_SMTP_RETRIES: '0',
    GATEHOUSE_SMTP_TIMEOUT_SECONDS: '5',
    GATEHOUSE_EMAIL_VERIFICATION_REQUIRED: 'true',
    GATEHOUSE_EMAIL_RESEND_COOLDOWN_SECONDS: '0',
    GATEHOUSE_EMAIL_PER_ADDRESS_PER_HOUR: '1000',
    GATEHOUSE_RATE_LIMIT_EMAIL_PER_HOUR: '100000',
    ...extra,
  };
}

async function timed(fn) {
  const start = process.hrtime.bigint();
  const res = await fn();
  return { res, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

const ROUTES = [
  ['/user/password/reset', 'password-reset'],
  ['/user/email/send-verification-email', 'resend verification'],
];

describe('a slow mail server: known and unknown addresses answer before any mail goes', () => {
  const box = useMailbox({ delayMs: SLOW_SMTP_MS });
  const env = mailEnv();
  before(() => { env.GATEHOUSE_SMTP_PORT = String(box.port); });
  const srv = useServer(env, { name: 'mail-timing-slow' });

  for (const [route, what] of ROUTES) {
    test(`${what}: a known address answers without waiting for the mail server`, async () => {
      const email = uniqueEmail('known');
      // Sign-up mails its verification at once (not asked for by address): let it through.
      assert.equal((await srv.api('POST', '/signup/email-password', { email, password: PASSWORD })).status, 200);
      await box.waitFor(email, { timeoutMs: 10_000 });
      const known = await timed(() => srv.api('POST', route, { email }));
      const unknown = await timed(() => srv.api('POST', route, { email: uniqueEmail('nobody') }));
      assert.equal(known.res.status, 200, known.res.text);
      assert.equal(unknown.res.status, 200, unknown.res.text);
      assert.equal(known.res.text, unknown.res.text);
      assert.ok(known.ms < SLOW_SMTP_MS / 2, `known address answered in ${known.ms.toFixed(0)} ms: it waited for the mail`);
      // The mail is still sent, after the answer.
      const mail = await box.waitFor(email, { timeoutMs: 10_000 });
      assert.ok(mail.subject.length > 0);
    });
  }
});

describe('a mail server that is down: known and unknown addresses get the same answer', () => {
  // Verification off: sign-up then needs no mail, so accounts exist while mail is down
  // (their addresses stay unverified, so resend verification has something to send).
  const env = mailEnv({ GATEHOUSE_EMAIL_VERIFICATION_REQUIRED: 'false' });
  before(async () => { env.GATEHOUSE_SMTP_PORT = String(await freePort()); }); // nobody listens
  const srv = useServer(env, { name: 'mail-timing-down' });

  for (const [route, what] of ROUTES) {
    test(`${what}: 200 for both, the failure only in the log`, async () => {
      const email = uniqueEmail('known-down');
      const signup = await srv.api('POST', '/signup/email-password', { email, password: PASSWORD });
      assert.equal(signup.status, 200, signup.text);
      const known = await srv.api('POST', route, { email });
      const unknown = await srv.api('POST', route, { email: uniqueEmail('nobody-down') });
      assert.equal(unknown.status, 200, unknown.text);
      assert.equal(known.status, unknown.status, `known ${known.status} ${known.text} vs unknown ${unknown.status}`);
      assert.equal(known.text, unknown.text);
    });
  }
});
