// Account pre-registration takeover (issue "Security", item 1): an attacker signs up the
// victim's address or number with a password of their own, or deanonymizes an anonymous
// session to it. When the real owner later proves the address by a method that never saw
// that password (magic link, email code, reset link, SMS code), the attacker's password
// must not sign in and every session the account had must end. The sign-up's own
// confirmation (its verification mail, its SMS code) still keeps the password it confirms.
// Real SMTP (lib/smtp_sink.py); SMS through test numbers (fixed codes, nothing sent).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { codeIn, linkIn, mailEnv, useMailbox } from './lib/mail.js';
import { expectError, expectResponse } from './lib/schema.js';
import { useServer } from './lib/server.js';
import { PASSWORD, bearer, refresh, uniqueEmail } from './lib/util.js';

const ATTACKER_PASSWORD = 'attacker-chose-this-1';
const PHONE = '+15550002222';
const PHONE_CODE = '135790';

function env(box) {
  return mailEnv(box, {
    GATEHOUSE_ANONYMOUS_SIGNIN_ENABLED: 'true',
    GATEHOUSE_SMS_PASSWORDLESS_ENABLED: 'true',
    GATEHOUSE_PHONE_PASSWORD_ENABLED: 'true',
    GATEHOUSE_SMS_PROVIDER: 'log',
    GATEHOUSE_SMS_TEST_NUMBERS: `${PHONE}:${PHONE_CODE},+15550003333:${PHONE_CODE}`,
    GATEHOUSE_SMS_RESEND_COOLDOWN_SECONDS: '0',
  });
}

/** Follows a mailed /verify link as a non-browser client and returns the session it carries. */
async function followForSession(srv, link) {
  const res = await srv.api('GET', link.pathname + link.search);
  assert.ok([302, 303].includes(res.status), `expected a redirect, got ${res.status} ${res.text}`);
  const to = new URL(res.headers.location);
  const token = to.searchParams.get('refreshToken');
  assert.ok(token, `the link signs in: ${to}`);
  return refresh(srv, token);
}

async function attackerSignsUp(srv, email) {
  const res = await srv.api('POST', '/signup/email-password', { email, password: ATTACKER_PASSWORD });
  assert.equal(res.status, 200, res.text);
  assert.equal(expectResponse(res, 'POST', '/signup/email-password').session, undefined);
  const denied = await srv.api('POST', '/signin/email-password', { email, password: ATTACKER_PASSWORD });
  expectError(denied, '/signin/email-password', 'POST', 401, ['unverified-user']);
}

async function expectPasswordRefused(srv, email, password = ATTACKER_PASSWORD) {
  const res = await srv.api('POST', '/signin/email-password', { email, password });
  expectError(res, '/signin/email-password', 'POST', 401, ['invalid-email-password']);
}

async function expectOwnerSignedIn(srv, session, email) {
  const me = await srv.api('GET', '/user', undefined, bearer(session.accessToken));
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.email, email);
  assert.equal(me.json.emailVerified, true);
}

describe('pre-registration takeover: proving an address drops a password nobody proved', () => {
  const box = useMailbox();
  const srv = useServer(env(box), { name: 'prehijack' });

  test('magic link: the owner signs in by link, the attacker password no longer works', async () => {
    const email = uniqueEmail('victim-link');
    await attackerSignsUp(srv, email);
    await box.waitFor(email); // the attacker's verification mail, which the owner ignores
    assert.equal((await srv.api('POST', '/signin/passwordless/email', { email })).status, 200);
    const session = await followForSession(srv, linkIn(await box.waitFor(email)));
    await expectOwnerSignedIn(srv, session, email);
    await expectPasswordRefused(srv, email);
  });

  test('email code: the owner signs in by a six-digit code, the attacker password no longer works', async () => {
    const email = uniqueEmail('victim-otp');
    await attackerSignsUp(srv, email);
    await box.waitFor(email);
    assert.equal((await srv.api('POST', '/signin/otp/email', { email })).status, 200);
    const res = await srv.api('POST', '/signin/otp/email/verify', { email, otp: codeIn(await box.waitFor(email)) });
    assert.equal(res.status, 200, res.text);
    const { session } = expectResponse(res, 'POST', '/signin/otp/email/verify');
    await expectOwnerSignedIn(srv, session, email);
    await expectPasswordRefused(srv, email);
  });

  test('reset link: the owner follows a reset mail, the attacker password no longer works', async () => {
    const email = uniqueEmail('victim-reset');
    await attackerSignsUp(srv, email);
    await box.waitFor(email);
    assert.equal((await srv.api('POST', '/user/password/reset', { email })).status, 200);
    const session = await followForSession(srv, linkIn(await box.waitFor(email)));
    await expectOwnerSignedIn(srv, session, email);
    await expectPasswordRefused(srv, email);
    // The owner then chooses a password of their own, which works.
    const set = await srv.api('POST', '/user/password', { newPassword: PASSWORD }, bearer(session.accessToken));
    assert.equal(set.status, 200, set.text);
    assert.equal((await srv.api('POST', '/signin/email-password', { email, password: PASSWORD })).status, 200);
  });

  test('the sign-up\'s own verification mail keeps the password it was sent for', async () => {
    const email = uniqueEmail('own-signup');
    const res = await srv.api('POST', '/signup/email-password', { email, password: PASSWORD });
    assert.equal(res.status, 200, res.text);
    const session = await followForSession(srv, linkIn(await box.waitFor(email)));
    await expectOwnerSignedIn(srv, session, email);
    assert.equal((await srv.api('POST', '/signin/email-password', { email, password: PASSWORD })).status, 200);
  });

  test('a verified account keeps its password when its owner also uses a magic link', async () => {
    const email = uniqueEmail('verified');
    await srv.api('POST', '/signup/email-password', { email, password: PASSWORD });
    await followForSession(srv, linkIn(await box.waitFor(email)));
    await srv.api('POST', '/signin/passwordless/email', { email });
    await followForSession(srv, linkIn(await box.waitFor(email)));
    assert.equal((await srv.api('POST', '/signin/email-password', { email, password: PASSWORD })).status, 200);
  });

  test('deanonymize to the victim\'s address: once the owner proves it, the anonymous session is dead', async () => {
    for (const signInMethod of ['email-password', 'passwordless']) {
      const email = uniqueEmail(`victim-anon-${signInMethod}`);
      const anon = await srv.api('POST', '/signin/anonymous', {});
      assert.equal(anon.status, 200, anon.text);
      const { session: attacker } = anon.json;
      const body = signInMethod === 'email-password' ? { signInMethod, email, password: ATTACKER_PASSWORD } : { signInMethod, email };
      const de = await srv.api('POST', '/user/deanonymize', body, bearer(attacker.accessToken));
      assert.equal(de.status, 200, de.text);
      const session = await followForSession(srv, linkIn(await box.waitFor(email)));
      await expectOwnerSignedIn(srv, session, email);
      const stale = await srv.api('POST', '/token', { refreshToken: attacker.refreshToken });
      expectError(stale, '/token', 'POST', 401, ['invalid-refresh-token']);
    }
  });

  test('phone: the owner signs in by SMS code, the attacker phone password no longer works', async () => {
    const signup = await srv.api('POST', '/signup/phone-password', { phoneNumber: PHONE, password: ATTACKER_PASSWORD });
    assert.equal(signup.status, 200, signup.text);
    const early = await srv.api('POST', '/signin/phone-password', { phoneNumber: PHONE, password: ATTACKER_PASSWORD });
    expectError(early, '/signin/email-password', 'POST', 401, 'unverified-user'); // the same error shape
    // The owner asks for a sign-in code of their own and uses it.
    assert.equal((await srv.api('POST', '/signin/passwordless/sms', { phoneNumber: PHONE })).status, 200);
    const res = await srv.api('POST', '/signin/passwordless/sms/otp', { phoneNumber: PHONE, otp: PHONE_CODE });
    assert.equal(res.status, 200, res.text);
    const late = await srv.api('POST', '/signin/phone-password', { phoneNumber: PHONE, password: ATTACKER_PASSWORD });
    expectError(late, '/signin/email-password', 'POST', 401, 'invalid-email-password');
  });

  test('phone: the code the phone + password sign-up sent keeps that password', async () => {
    const phone = '+15550003333';
    const signup = await srv.api('POST', '/signup/phone-password', { phoneNumber: phone, password: PASSWORD });
    assert.equal(signup.status, 200, signup.text);
    const res = await srv.api('POST', '/signin/passwordless/sms/otp', { phoneNumber: phone, otp: PHONE_CODE });
    assert.equal(res.status, 200, res.text);
    const again = await srv.api('POST', '/signin/phone-password', { phoneNumber: phone, password: PASSWORD });
    assert.equal(again.status, 200, again.text);
  });
});
