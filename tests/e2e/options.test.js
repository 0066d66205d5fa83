// Sign-up options: displayName, locale, metadata, defaultRole, allowedRoles, redirectTo.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectError, expectResponse } from './lib/schema.js';
import { useServer } from './lib/server.js';
import { PASSWORD, bearer, jwtClaims, signUp, uniqueEmail } from './lib/util.js';

const srv = useServer({ GATEHOUSE_ALLOWED_ROLES: 'user,me,editor', GATEHOUSE_DEFAULT_ROLE: 'user' });
const P = '/signup/email-password';

async function getUser(s) {
  const res = await srv.api('GET', '/user', undefined, bearer(s.accessToken));
  assert.equal(res.status, 200, res.text);
  return expectResponse(res, 'GET', '/user');
}

test('displayName, locale, metadata, defaultRole and allowedRoles are kept', async () => {
  const metadata = { plan: 'pro', n: 3, nested: { list: [1, 'two', null, true], ok: false }, uni: 'héllo ✓' };
  const s = await signUp(srv, uniqueEmail('opts'), PASSWORD, {
    displayName: "Jane O'Neil-Smith",
    locale: 'en',
    metadata,
    defaultRole: 'editor',
    allowedRoles: ['user', 'editor'],
    redirectTo: 'http://127.0.0.1:3000/after',
  });
  for (const u of [s.user, await getUser(s)]) {
    assert.equal(u.displayName, "Jane O'Neil-Smith");
    assert.equal(u.locale, 'en');
    assert.deepEqual(u.metadata, metadata);
    assert.equal(u.defaultRole, 'editor');
    assert.deepEqual([...u.roles].sort(), ['editor', 'user']);
  }
  const hc = jwtClaims(s.accessToken)['https://hasura.io/jwt/claims'];
  assert.equal(hc['x-hasura-default-role'], 'editor');
  assert.deepEqual([...hc['x-hasura-allowed-roles']].sort(), ['editor', 'user']);
});

test('defaultRole alone must be among the (default) allowed roles', async () => {
  const s = await signUp(srv, uniqueEmail('defrole'), PASSWORD, { defaultRole: 'me' });
  assert.equal(s.user.defaultRole, 'me');
  assert.ok(s.user.roles.includes('me'));
});

test('allowedRoles alone: defaultRole stays the configured default', async () => {
  const s = await signUp(srv, uniqueEmail('allowed'), PASSWORD, { allowedRoles: ['user'] });
  assert.equal(s.user.defaultRole, 'user');
  assert.deepEqual(s.user.roles, ['user']);
});

test('defaultRole not in allowedRoles -> 400 default-role-must-be-in-allowed-roles, no account', async () => {
  const email = uniqueEmail('badrole');
  const res = await srv.api('POST', P, { email, password: PASSWORD, options: { defaultRole: 'editor', allowedRoles: ['user', 'me'] } });
  expectError(res, P, 'POST', 400, 'default-role-must-be-in-allowed-roles');
  await signUp(srv, email);
});

test('a role the server does not allow -> 400 role-not-allowed, no account', async () => {
  for (const options of [{ allowedRoles: ['user', 'admin'] }, { defaultRole: 'admin', allowedRoles: ['admin'] }, { defaultRole: 'admin' }]) {
    const email = uniqueEmail('admin');
    const res = await srv.api('POST', P, { email, password: PASSWORD, options });
    expectError(res, P, 'POST', 400, ['role-not-allowed', 'default-role-must-be-in-allowed-roles']);
    await signUp(srv, email);
  }
});

test('a locale that is not two letters -> 400 invalid-request; another two-letter locale is kept or refused with locale-not-allowed', async () => {
  const email = uniqueEmail('loc');
  const res = await srv.api('POST', P, { email, password: PASSWORD, options: { locale: 'english' } });
  expectError(res, P, 'POST', 400, ['invalid-request', 'locale-not-allowed']);
  const fr = await srv.api('POST', P, { email, password: PASSWORD, options: { locale: 'fr' } });
  if (fr.status === 200) assert.equal(expectResponse(fr, 'POST', P).session.user.locale, 'fr');
  else expectError(fr, P, 'POST', 400, 'locale-not-allowed');
});

test('displayName with forbidden characters or over 32 characters -> 400 invalid-request', async () => {
  for (const displayName of ['<script>alert(1)</script>', 'http://evil.example/x', 'x'.repeat(33)]) {
    const email = uniqueEmail('dn');
    const res = await srv.api('POST', P, { email, password: PASSWORD, options: { displayName } });
    expectError(res, P, 'POST', 400, 'invalid-request');
    await signUp(srv, email);
  }
});

test('metadata must be an object; options must be an object', async () => {
  for (const options of [{ metadata: 'str' }, { metadata: [1, 2] }, { allowedRoles: 'user' }, { defaultRole: 5 }, 'opts', [1]]) {
    const email = uniqueEmail('meta');
    const res = await srv.api('POST', P, { email, password: PASSWORD, options });
    expectError(res, P, 'POST', 400, 'invalid-request');
    await signUp(srv, email);
  }
});

test('no displayName given: the user still has one (string), no nulls anywhere', async () => {
  const s = await signUp(srv, uniqueEmail('nodn'));
  const u = await getUser(s);
  assert.equal(typeof u.displayName, 'string');
});
