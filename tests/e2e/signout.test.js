// POST /v1/signout {refreshToken?, all?}: one session, or all of a user's sessions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectError, expectResponse } from './lib/schema.js';
import { useServer } from './lib/server.js';
import { bearer, refresh, signIn, signUp, uniqueEmail } from './lib/util.js';

const srv = useServer();
const P = '/signout';

function expectOK(res) {
  assert.equal(res.status, 200, `signout: ${res.status} ${res.text}`);
  assert.equal(expectResponse(res, 'POST', P), 'OK');
  assert.equal(res.text.trim(), '"OK"', 'must be the JSON string "OK"');
}

test('sign out one session: its refresh token dies, other sessions live', async () => {
  const email = uniqueEmail('out');
  const a = await signUp(srv, email);
  const b = await signIn(srv, email);
  expectOK(await srv.api('POST', P, { refreshToken: a.refreshToken }));
  expectError(await srv.api('POST', '/token', { refreshToken: a.refreshToken }), '/token', 'POST', 401, 'invalid-refresh-token');
  await refresh(srv, b.refreshToken);
});

test('sign out with the Bearer header attached (as nhost-js sends it) works the same', async () => {
  const a = await signUp(srv, uniqueEmail('outb'));
  expectOK(await srv.api('POST', P, { refreshToken: a.refreshToken }, bearer(a.accessToken)));
  expectError(await srv.api('POST', '/token', { refreshToken: a.refreshToken }), '/token', 'POST', 401, 'invalid-refresh-token');
});

test('sign out a rotated session with its latest token revokes the whole chain', async () => {
  const s0 = await signUp(srv, uniqueEmail('outchain'));
  const s1 = await refresh(srv, s0.refreshToken);
  expectOK(await srv.api('POST', P, { refreshToken: s1.refreshToken }));
  expectError(await srv.api('POST', '/token', { refreshToken: s1.refreshToken }), '/token', 'POST', 401, 'invalid-refresh-token');
  // the older token of the signed-out session must not resurrect it, even within the grace window
  expectError(await srv.api('POST', '/token', { refreshToken: s0.refreshToken }), '/token', 'POST', 401, 'invalid-refresh-token');
});

test('sign out all: every session of the user dies, other users are untouched', async () => {
  const email = uniqueEmail('all');
  const a = await signUp(srv, email);
  const b = await signIn(srv, email);
  const c = await signIn(srv, email);
  const stranger = await signUp(srv, uniqueEmail('stranger'));
  expectOK(await srv.api('POST', P, { refreshToken: a.refreshToken, all: true }, bearer(a.accessToken)));
  for (const s of [a, b, c]) {
    expectError(await srv.api('POST', '/token', { refreshToken: s.refreshToken }), '/token', 'POST', 401, 'invalid-refresh-token');
  }
  await refresh(srv, stranger.refreshToken);
});

test('sign out all without a Bearer token -> 401, nothing revoked', async () => {
  const email = uniqueEmail('allnobearer');
  const a = await signUp(srv, email);
  const b = await signIn(srv, email);
  const res = await srv.api('POST', P, { refreshToken: a.refreshToken, all: true });
  expectError(res, P, 'POST', 401, 'unauthenticated-user');
  await refresh(srv, b.refreshToken);
});

test('sign out all with an invalid Bearer token -> 401', async () => {
  const a = await signUp(srv, uniqueEmail('allbad'));
  const res = await srv.api('POST', P, { all: true }, bearer('eyJhbGciOiJFUzI1NiJ9.e30.AAAA'));
  expectError(res, P, 'POST', 401, []);
  await refresh(srv, a.refreshToken);
});

test('sign out all with only the Bearer token (no refreshToken) works', async () => {
  const email = uniqueEmail('allbearer');
  const a = await signUp(srv, email);
  const b = await signIn(srv, email);
  expectOK(await srv.api('POST', P, { all: true }, bearer(a.accessToken)));
  expectError(await srv.api('POST', '/token', { refreshToken: b.refreshToken }), '/token', 'POST', 401, 'invalid-refresh-token');
});

test('sign out with a mistyped body -> 400 invalid-request', async () => {
  for (const body of [{ refreshToken: 5 }, { all: 'yes' }, '[1,2]', '{"refreshToken":']) {
    const res = await srv.api('POST', P, body);
    expectError(res, P, 'POST', 400, 'invalid-request');
  }
});
