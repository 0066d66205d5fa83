// GET /v1/.well-known/jwks.json and the access token's signature and claims (ES256 default).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { expectResponse } from './lib/schema.js';
import { useServer } from './lib/server.js';
import { UUID_RE, bearer, jwtHeader, refresh, signIn, signUp, uniqueEmail } from './lib/util.js';

const srv = useServer();
const P = '/.well-known/jwks.json';

async function getJwks() {
  const res = await srv.api('GET', P);
  assert.equal(res.status, 200, res.text);
  return expectResponse(res, 'GET', P); // JWKSet; an EC key validated with the same strictness as the spec's RSA JWK
}

test('JWKS publishes the public ES256 key only', async () => {
  const jwks = await getJwks();
  assert.ok(jwks.keys.length >= 1);
  for (const k of jwks.keys) {
    assert.equal(k.use, 'sig');
    assert.ok(k.kid.length > 0);
    for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) assert.ok(!(priv in k), `private member ${priv} in JWKS`);
  }
  const es = jwks.keys.find((k) => k.alg === 'ES256');
  assert.ok(es, `no ES256 key: ${JSON.stringify(jwks)}`);
  assert.equal(es.kty, 'EC');
  assert.equal(es.crv, 'P-256');
  assert.equal(new Set(jwks.keys.map((k) => k.kid)).size, jwks.keys.length, 'kids must be unique');
});

test('the access token verifies against the JWKS and carries every claim', async () => {
  const email = uniqueEmail('jwt');
  const s = await signUp(srv, email);
  const jwks = await getJwks();
  const h = jwtHeader(s.accessToken);
  assert.equal(h.alg, 'ES256');
  assert.ok(jwks.keys.some((k) => k.kid === h.kid), `kid ${h.kid} not in JWKS`);
  const { payload: c } = await jwtVerify(s.accessToken, createLocalJWKSet(jwks), { algorithms: ['ES256'] });
  const now = Math.floor(Date.now() / 1000);
  assert.equal(c.sub, s.user.id);
  assert.ok(Math.abs(c.iat - now) <= 5, `iat ${c.iat} vs now ${now}`);
  assert.equal(c.exp - c.iat, 900);
  assert.ok(typeof c.iss === 'string' && c.iss.length > 0, `iss: ${c.iss}`);
  assert.ok(typeof c.aud === 'string' || (Array.isArray(c.aud) && c.aud.length > 0), `aud: ${c.aud}`);
  assert.ok(typeof c.role === 'string' && c.role.length > 0, `role: ${c.role}`);
  assert.match(c.session_id, UUID_RE);
  assert.equal(c.aal, 'aal1');
  assert.ok(Array.isArray(c.amr) && c.amr.length > 0, `amr: ${JSON.stringify(c.amr)}`);
  const methods = c.amr.map((m) => (typeof m === 'string' ? m : m.method));
  assert.ok(methods.includes('password') || methods.includes('pwd'), `amr should say password: ${JSON.stringify(c.amr)}`);
  assert.equal(c.is_anonymous, false);
  assert.equal(c.email, email);
  assert.ok('phone' in c && typeof c.phone === 'string', `phone claim: ${JSON.stringify(c.phone)}`);
  const hc = c['https://hasura.io/jwt/claims'];
  assert.ok(hc, 'Hasura claims namespace missing');
  assert.equal(hc['x-hasura-user-id'], s.user.id);
  assert.equal(hc['x-hasura-default-role'], 'user');
  assert.ok(Array.isArray(hc['x-hasura-allowed-roles']), `x-hasura-allowed-roles should be an array: ${JSON.stringify(hc)}`);
  assert.deepEqual([...hc['x-hasura-allowed-roles']].sort(), ['me', 'user']);
  // Hasura session variables are strings
  assert.equal(hc['x-hasura-user-is-anonymous'], 'false');
});

test('refreshed and signed-in tokens verify too; the kid is stable', async () => {
  const email = uniqueEmail('jwt2');
  const s0 = await signUp(srv, email);
  const s1 = await refresh(srv, s0.refreshToken);
  const s2 = await signIn(srv, email);
  const set = createLocalJWKSet(await getJwks());
  for (const s of [s1, s2]) {
    await jwtVerify(s.accessToken, set);
    assert.equal(jwtHeader(s.accessToken).kid, jwtHeader(s0.accessToken).kid);
  }
});

test('signing key survives a restart (same kid, old tokens still valid)', async () => {
  const s = await signUp(srv, uniqueEmail('restart'));
  const before = await getJwks();
  await srv.restart();
  const after = await getJwks();
  assert.deepEqual(after.keys.map((k) => k.kid).sort(), before.keys.map((k) => k.kid).sort());
  await jwtVerify(s.accessToken, createLocalJWKSet(after));
  const me = await srv.api('GET', '/user', undefined, bearer(s.accessToken));
  assert.equal(me.status, 200, me.text);
  await refresh(srv, s.refreshToken); // sessions survive too
});
