// POST /v1/signin/email-password.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectError } from './lib/schema.js';
import { useServer } from './lib/server.js';
import { PASSWORD, bearer, checkSession, signIn, signUp, uniqueEmail } from './lib/util.js';

const srv = useServer();
const P = '/signin/email-password';

test('sign-in returns {session} (mfa absent or an MFA challenge, never null)', async () => {
  const email = uniqueEmail('signin');
  const up = await signUp(srv, email);
  const res = await srv.api('POST', P, { email, password: PASSWORD });
  assert.equal(res.status, 200, res.text);
  // signIn() validates against SignInEmailPasswordResponse (mfa is not nullable there)
  const s = await signIn(srv, email);
  checkSession(s, { email, ttl: 900 });
  assert.equal(s.user.id, up.user.id);
});

test('each sign-in is a new session (distinct refresh tokens and session_id)', async () => {
  const email = uniqueEmail('signin');
  await signUp(srv, email);
  const a = await signIn(srv, email);
  const b = await signIn(srv, email);
  assert.notEqual(a.refreshToken, b.refreshToken);
  assert.notEqual(a.refreshTokenId, b.refreshTokenId);
  const ca = JSON.parse(Buffer.from(a.accessToken.split('.')[1], 'base64url'));
  const cb = JSON.parse(Buffer.from(b.accessToken.split('.')[1], 'base64url'));
  assert.notEqual(ca.session_id, cb.session_id);
});

test('wrong password and unknown email -> the same 401 invalid-email-password', async () => {
  const email = uniqueEmail('signin');
  await signUp(srv, email);
  const wrong = await srv.api('POST', P, { email, password: 'wrong-password-1' });
  const e1 = expectError(wrong, P, 'POST', 401, 'invalid-email-password');
  const unknown = await srv.api('POST', P, { email: uniqueEmail('nobody'), password: PASSWORD });
  const e2 = expectError(unknown, P, 'POST', 401, 'invalid-email-password');
  assert.equal(e1.message, e2.message, 'unknown user and wrong password should be indistinguishable');
});

test('email is matched case-insensitively', async () => {
  const email = uniqueEmail('case');
  await signUp(srv, email);
  const s = await signIn(srv, email.toUpperCase());
  assert.equal(s.user.email, email);
});

test('password is case-sensitive', async () => {
  const email = uniqueEmail('pwcase');
  await signUp(srv, email);
  const res = await srv.api('POST', P, { email, password: PASSWORD.toUpperCase() });
  expectError(res, P, 'POST', 401, 'invalid-email-password');
});

test('a sign-in carrying a Bearer header (as nhost-js v4 sends) is not rejected', async () => {
  const email = uniqueEmail('bearer');
  const s = await signUp(srv, email);
  await signIn(srv, email, PASSWORD, bearer(s.accessToken));
  await signIn(srv, email, PASSWORD, bearer('not-a-jwt'));
});

test('missing / empty fields -> 400 invalid-request', async () => {
  for (const body of [{}, { email: uniqueEmail() }, { password: PASSWORD }, { email: '', password: '' }]) {
    const res = await srv.api('POST', P, body);
    expectError(res, P, 'POST', [400, 401], ['invalid-request', 'invalid-email-password']);
    assert.ok(res.status === 400 || body.email === '', `${JSON.stringify(body)} -> ${res.status}`);
  }
});
