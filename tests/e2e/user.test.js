// GET /v1/user, and one account per address regardless of case.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectError, expectResponse } from './lib/schema.js';
import { useServer } from './lib/server.js';
import { PASSWORD, UUID_RE, bearer, jwtClaims, signIn, signUp, uniqueEmail } from './lib/util.js';

const srv = useServer();
const P = '/user';

test('GET /v1/user returns the full User, strictly per spec', async () => {
  const email = uniqueEmail('me');
  const before = Date.now();
  const s = await signUp(srv, email);
  const res = await srv.api('GET', P, undefined, bearer(s.accessToken));
  assert.equal(res.status, 200, res.text);
  const u = expectResponse(res, 'GET', P);
  assert.match(u.id, UUID_RE);
  assert.equal(u.id, jwtClaims(s.accessToken).sub);
  assert.equal(u.email, email);
  assert.equal(u.emailVerified, false);
  assert.equal(u.phoneNumberVerified, false);
  assert.equal(u.isAnonymous, false);
  assert.equal(u.defaultRole, 'user');
  assert.deepEqual([...u.roles].sort(), ['me', 'user']);
  assert.deepEqual(u.metadata, {});
  assert.equal(u.locale.length, 2);
  assert.ok(!('phoneNumber' in u) || typeof u.phoneNumber === 'string');
  assert.ok(u.activeMfaType === undefined || u.activeMfaType === null, `activeMfaType: ${u.activeMfaType}`);
  const created = Date.parse(u.createdAt);
  assert.ok(created >= before - 5000 && created <= Date.now() + 5000, `createdAt ${u.createdAt} should be now`);
  // the sign-up session's user is the same user
  assert.deepEqual(s.user, u);
});

test('GET /v1/user without / with a bad Bearer token -> 401', async () => {
  const s = await signUp(srv, uniqueEmail('nobearer'));
  for (const headers of [
    {},
    { Authorization: 'Bearer' },
    { Authorization: 'Bearer ' },
    { Authorization: 'Bearer not-a-jwt' },
    { Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    { Authorization: `Bearer ${s.accessToken.slice(0, -4)}AAAA` },
    { Authorization: `Bearer ${s.refreshToken}` },
  ]) {
    const res = await srv.api('GET', P, undefined, headers);
    expectError(res, P, 'GET', 401, []);
  }
});

test('email is stored lower-cased; one account per address regardless of case', async () => {
  const local = `Foo-${Date.now()}`;
  const mixed = `${local}@Example.com`;
  const lower = mixed.toLowerCase();
  const s = await signUp(srv, mixed);
  assert.equal(s.user.email, lower);
  const me = await srv.api('GET', P, undefined, bearer(s.accessToken));
  assert.equal(expectResponse(me, 'GET', P).email, lower);
  assert.equal(jwtClaims(s.accessToken).email, lower);
  const dup = await srv.api('POST', '/signup/email-password', { email: lower, password: 'other-password-9' });
  expectError(dup, '/signup/email-password', 'POST', 409, 'email-already-in-use');
  const dup2 = await srv.api('POST', '/signup/email-password', { email: lower.toUpperCase(), password: 'other-password-9' });
  expectError(dup2, '/signup/email-password', 'POST', 409, 'email-already-in-use');
  for (const e of [mixed, lower, lower.toUpperCase()]) {
    const si = await signIn(srv, e, PASSWORD);
    assert.equal(si.user.id, s.user.id);
  }
});
