// POST /v1/token: rotation, and the grace window for two tabs refreshing at once
// (default GATEHOUSE_REFRESH_TOKEN_REUSE_GRACE_SECONDS = 10).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { expectError, expectResponse } from './lib/schema.js';
import { useServer } from './lib/server.js';
import { bearer, checkSession, jwtClaims, refresh, signUp, uniqueEmail } from './lib/util.js';

const srv = useServer();
const P = '/token';

test('refresh returns a bare Session with a new refresh token and access token', async () => {
  const email = uniqueEmail('tok');
  const s0 = await signUp(srv, email);
  const s1 = await refresh(srv, s0.refreshToken);
  checkSession(s1, { ttl: 900 });
  assert.notEqual(s1.refreshToken, s0.refreshToken, 'refresh token must rotate');
  assert.notEqual(s1.refreshTokenId, s0.refreshTokenId, 'a rotated token gets a new id');
  if (s1.user) assert.equal(s1.user.email, email);
  const c0 = jwtClaims(s0.accessToken);
  const c1 = jwtClaims(s1.accessToken);
  assert.equal(c1.sub, c0.sub);
  assert.equal(c1.session_id, c0.session_id, 'refresh stays in the same session');
  const me = await srv.api('GET', '/user', undefined, bearer(s1.accessToken));
  assert.equal(me.status, 200, me.text);
  expectResponse(me, 'GET', '/user');
});

test('a chain of rotations keeps working', async () => {
  let s = await signUp(srv, uniqueEmail('chain'));
  const seen = new Set([s.refreshToken]);
  for (let i = 0; i < 5; i++) {
    s = await refresh(srv, s.refreshToken);
    assert.ok(!seen.has(s.refreshToken), 'every rotation yields a fresh token');
    seen.add(s.refreshToken);
  }
});

test('two tabs: the same token presented twice within the grace window -> the same successor', async () => {
  const s0 = await signUp(srv, uniqueEmail('tabs'));
  const a = await refresh(srv, s0.refreshToken);
  const b = await refresh(srv, s0.refreshToken);
  assert.equal(b.refreshToken, a.refreshToken, 'second presentation should hand back the same successor');
  assert.equal(b.refreshTokenId, a.refreshTokenId);
  // the successor keeps working, and the session is not revoked
  const c = await refresh(srv, a.refreshToken);
  assert.notEqual(c.refreshToken, a.refreshToken);
  const v = await srv.api('POST', '/token/verify', { token: b.accessToken });
  assert.equal(v.status, 200, v.text);
});

test('two tabs at the very same time (concurrent requests) -> both 200, one successor', async () => {
  const s0 = await signUp(srv, uniqueEmail('race'));
  const results = await Promise.all([1, 2, 3].map(() => srv.api('POST', P, { refreshToken: s0.refreshToken })));
  for (const r of results) {
    assert.equal(r.status, 200, `concurrent refresh: ${r.status} ${r.text}`);
    expectResponse(r, 'POST', P);
  }
  const tokens = new Set(results.map((r) => r.json.refreshToken));
  assert.equal(tokens.size, 1, `all concurrent refreshes should get the same successor, got ${[...tokens]}`);
  await refresh(srv, [...tokens][0]);
});

test('unknown refresh token -> 401 invalid-refresh-token', async () => {
  const res = await srv.api('POST', P, { refreshToken: randomUUID() });
  expectError(res, P, 'POST', 401, 'invalid-refresh-token');
});

test('refreshTokenId is not a refresh token', async () => {
  const s0 = await signUp(srv, uniqueEmail('tokid'));
  const res = await srv.api('POST', P, { refreshToken: s0.refreshTokenId });
  expectError(res, P, 'POST', 401, 'invalid-refresh-token');
  await refresh(srv, s0.refreshToken); // and the session is unaffected
});

test('malformed refresh token -> 400 invalid-request or 401 invalid-refresh-token', async () => {
  for (const refreshToken of ['', 'not-a-uuid', 'x'.repeat(5000)]) {
    const res = await srv.api('POST', P, { refreshToken });
    expectError(res, P, 'POST', [400, 401], ['invalid-request', 'invalid-refresh-token']);
  }
});

test('missing or mistyped refreshToken -> 400 invalid-request', async () => {
  for (const body of [{}, { refreshToken: 5 }, { refreshToken: null }, { refresh_token: randomUUID() }]) {
    const res = await srv.api('POST', P, body);
    expectError(res, P, 'POST', 400, 'invalid-request');
  }
});

test('an access token is not accepted as a refresh token', async () => {
  const s0 = await signUp(srv, uniqueEmail('acc'));
  const res = await srv.api('POST', P, { refreshToken: s0.accessToken });
  expectError(res, P, 'POST', [400, 401], ['invalid-request', 'invalid-refresh-token']);
});
