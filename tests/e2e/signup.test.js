// POST /v1/signup/email-password: happy path, duplicates, password length rules.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectError, expectResponse } from './lib/schema.js';
import { useServer } from './lib/server.js';
import { PASSWORD, bearer, checkSession, signIn, signUp, uniqueEmail } from './lib/util.js';

const srv = useServer({ GATEHOUSE_PASSWORD_MIN_LENGTH: '9', GATEHOUSE_PASSWORD_MAX_LENGTH: '128' });
const P = '/signup/email-password';

test('sign-up returns {session} with user, UUID refresh token, 900 s access token', async () => {
  const email = uniqueEmail('signup');
  const session = await signUp(srv, email);
  checkSession(session, { email, ttl: 900 });
  const u = session.user;
  assert.equal(u.emailVerified, false);
  assert.equal(u.isAnonymous, false);
  assert.equal(u.defaultRole, 'user');
  assert.deepEqual([...u.roles].sort(), ['me', 'user']);
});

test('the new account can sign in and read itself', async () => {
  const email = uniqueEmail('signup');
  const s1 = await signUp(srv, email);
  const s2 = await signIn(srv, email);
  assert.equal(s2.user.id, s1.user.id);
  assert.notEqual(s2.refreshToken, s1.refreshToken);
  const me = await srv.api('GET', '/user', undefined, bearer(s2.accessToken));
  assert.equal(me.status, 200, me.text);
  assert.equal(expectResponse(me, 'GET', '/user').id, s1.user.id);
});

test('same email twice -> 409 email-already-in-use', async () => {
  const email = uniqueEmail('dup');
  await signUp(srv, email);
  const res = await srv.api('POST', P, { email, password: 'another-password-2' });
  expectError(res, P, 'POST', 409, 'email-already-in-use');
  // the original password still works, the second one does not
  await signIn(srv, email);
  const bad = await srv.api('POST', '/signin/email-password', { email, password: 'another-password-2' });
  expectError(bad, '/signin/email-password', 'POST', 401, 'invalid-email-password');
});

test('password of 8 characters (min 9) -> 400 password-too-short, no account', async () => {
  const email = uniqueEmail('short');
  const res = await srv.api('POST', P, { email, password: '12345678' });
  expectError(res, P, 'POST', 400, 'password-too-short');
  await signUp(srv, email); // the address is still free
});

test('password of exactly 9 characters is accepted', async () => {
  await signUp(srv, uniqueEmail('nine'), '123456789');
});

test('password of 64 and of 128 characters (max 128) is accepted and works for sign-in', async () => {
  for (const n of [64, 128]) {
    const email = uniqueEmail(`long${n}`);
    const pw = `${n}!`.padEnd(n, 'p');
    assert.equal(pw.length, n);
    await signUp(srv, email, pw);
    await signIn(srv, email, pw);
  }
});

test('password of 129 characters (max 128) -> 400 invalid-request, no account', async () => {
  const email = uniqueEmail('toolong');
  const res = await srv.api('POST', P, { email, password: 'x'.repeat(129) });
  expectError(res, P, 'POST', 400, 'invalid-request');
  await signUp(srv, email);
});

test('empty password -> 400, no account', async () => {
  const email = uniqueEmail('emptypw');
  const res = await srv.api('POST', P, { email, password: '' });
  expectError(res, P, 'POST', 400, ['password-too-short', 'invalid-request']);
  await signUp(srv, email);
});

test('password with unicode characters round-trips (sign-in with the same string)', async () => {
  const email = uniqueEmail('unipw');
  const pw = 'pässwörd-日本語-🔑-ok';
  await signUp(srv, email, pw);
  await signIn(srv, email, pw);
  const wrong = await srv.api('POST', '/signin/email-password', { email, password: pw.normalize('NFD') });
  // NFD form is a different byte string; either policy is defensible, but never a 5xx
  assert.ok(wrong.status === 200 || wrong.status === 401, `${wrong.status} ${wrong.text}`);
});

test('invalid email address -> 400 invalid-request', async () => {
  for (const email of ['not-an-email', 'a@', '@example.com', 'a b@example.com', '']) {
    const res = await srv.api('POST', P, { email, password: PASSWORD });
    expectError(res, P, 'POST', 400, 'invalid-request');
  }
});
