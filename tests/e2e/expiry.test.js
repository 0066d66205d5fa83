// Access token expiry. The server accepts no access-token TTL under 60 s (and no refresh
// TTL under 300 s), so this file waits a minute; it runs beside the others.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectError, expectResponse } from './lib/schema.js';
import { useServer } from './lib/server.js';
import { bearer, checkSession, refresh, signUp, sleep, uniqueEmail } from './lib/util.js';

const srv = useServer({ GATEHOUSE_ACCESS_TOKEN_TTL_SECONDS: '60' }, { name: 'ttl60' });

test('an expired access token -> 401 on verify and GET /user; the refresh token still works', async () => {
  const s = await signUp(srv, uniqueEmail('exp'));
  checkSession(s, { ttl: 60 });
  const ok = await srv.api('POST', '/token/verify', { token: s.accessToken });
  assert.equal(ok.status, 200, ok.text);
  await sleep(61_500);
  const v = await srv.api('POST', '/token/verify', { token: s.accessToken });
  expectError(v, '/token/verify', 'POST', 401, []);
  const me = await srv.api('GET', '/user', undefined, bearer(s.accessToken));
  expectError(me, '/user', 'GET', 401, []);
  const s1 = await refresh(srv, s.refreshToken);
  const v1 = await srv.api('POST', '/token/verify', { token: s1.accessToken });
  assert.equal(v1.status, 200, v1.text);
  expectResponse(v1, 'POST', '/token/verify');
});
