// Refresh-token reuse detection: presenting a rotated token after the grace window
// revokes the whole session (even its newest token), and only that session.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expectError } from './lib/schema.js';
import { useServer } from './lib/server.js';
import { refresh, signIn, signUp, sleep, uniqueEmail } from './lib/util.js';

const P = '/token';

describe('grace window 0 s', () => {
  const srv = useServer({ GATEHOUSE_REFRESH_TOKEN_REUSE_GRACE_SECONDS: '0' }, { name: 'grace0' });

  test('reusing a rotated token -> 401 and the whole session is revoked', async () => {
    const email = uniqueEmail('reuse');
    const s0 = await signUp(srv, email);
    const other = await signIn(srv, email); // a second, unrelated session of the same user
    const s1 = await refresh(srv, s0.refreshToken);
    const reuse = await srv.api('POST', P, { refreshToken: s0.refreshToken });
    expectError(reuse, P, 'POST', 401, 'invalid-refresh-token');
    const newest = await srv.api('POST', P, { refreshToken: s1.refreshToken });
    expectError(newest, P, 'POST', 401, 'invalid-refresh-token');
    // the other session of the same user is untouched
    await refresh(srv, other.refreshToken);
  });

  test('reuse deep in the chain also revokes the session', async () => {
    const s0 = await signUp(srv, uniqueEmail('reuse2'));
    const s1 = await refresh(srv, s0.refreshToken);
    const s2 = await refresh(srv, s1.refreshToken);
    const s3 = await refresh(srv, s2.refreshToken);
    const reuse = await srv.api('POST', P, { refreshToken: s1.refreshToken });
    expectError(reuse, P, 'POST', 401, 'invalid-refresh-token');
    expectError(await srv.api('POST', P, { refreshToken: s3.refreshToken }), P, 'POST', 401, 'invalid-refresh-token');
  });
});

describe('grace window 2 s', () => {
  const srv = useServer({ GATEHOUSE_REFRESH_TOKEN_REUSE_GRACE_SECONDS: '2' }, { name: 'grace2' });

  test('within 2 s: same successor; after 2 s: reuse revokes the session', async () => {
    const s0 = await signUp(srv, uniqueEmail('grace2'));
    const s1 = await refresh(srv, s0.refreshToken);
    const again = await refresh(srv, s0.refreshToken);
    assert.equal(again.refreshToken, s1.refreshToken);
    await sleep(3000);
    expectError(await srv.api('POST', P, { refreshToken: s0.refreshToken }), P, 'POST', 401, 'invalid-refresh-token');
    expectError(await srv.api('POST', P, { refreshToken: s1.refreshToken }), P, 'POST', 401, 'invalid-refresh-token');
  });
});
