// Access and refresh token expiry, with lifetimes of a few seconds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectError, expectResponse } from './lib/schema.js';
import { useServer } from './lib/server.js';
import { bearer, checkSession, refresh, signUp, sleep, uniqueEmail } from './lib/util.js';

const srv = useServer(
  { GATEHOUSE_ACCESS_TOKEN_TTL_SECONDS: '2', GATEHOUSE_REFRESH_TOKEN_TTL_SECONDS: '5' },
  { name: 'short-ttl' },
);

test('an expired access token -> 401 on verify and GET /user; the refresh token still works', async () => {
  const s = await signUp(srv, uniqueEmail('exp'));
  checkSession(s, { ttl: 2 });
  const ok = await srv.api('POST', '/token/verify', { token: s.accessToken });
  assert.equal(ok.status, 200, ok.text);
  await sleep(3_100);
  const v = await srv.api('POST', '/token/verify', { token: s.accessToken });
  expectError(v, '/token/verify', 'POST', 401, []);
  const me = await srv.api('GET', '/user', undefined, bearer(s.accessToken));
  expectError(me, '/user', 'GET', 401, []);
  const s1 = await refresh(srv, s.refreshToken);
  const v1 = await srv.api('POST', '/token/verify', { token: s1.accessToken });
  assert.equal(v1.status, 200, v1.text);
  expectResponse(v1, 'POST', '/token/verify');
});

test('an expired refresh token -> 401 invalid-refresh-token', async () => {
  const s = await signUp(srv, uniqueEmail('rexp'));
  await sleep(5_200);
  const r = await srv.api('POST', '/token', { refreshToken: s.refreshToken });
  expectError(r, '/token', 'POST', 401, ['invalid-refresh-token']);
});
