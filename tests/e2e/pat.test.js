// Personal access tokens over raw HTTP: create, list, sign in, revoke, expiry, a
// disabled user's token, another user's id, a second-factor user, and the tokens
// moving with `users export | import`. Every answer is checked against openapi/native.yaml.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { expectError, expectResponse } from './lib/schema.js';
import { BIN, useServer } from './lib/server.js';
import { Authenticator } from './lib/totp.js';
import { PASSWORD, bearer, checkSession, jwtClaims, sleep, signUp, uniqueEmail } from './lib/util.js';

const srv = useServer({ GATEHOUSE_PAT_MAX_TTL_DAYS: '30' }, { name: 'pat' });

const DAY = 24 * 3600 * 1000;
const TOKEN_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[0-9a-f]{32}$/;
const inDays = (d) => new Date(Date.now() + d * DAY).toISOString();
const sha256 = (s) => createHash('sha256').update(s).digest('hex');

async function createPat(accessToken, body) {
  const res = await srv.api('POST', '/pat', body, bearer(accessToken));
  assert.equal(res.status, 200, res.text);
  return expectResponse(res, 'POST', '/pat');
}

async function listPats(accessToken) {
  const res = await srv.api('GET', '/pat', undefined, bearer(accessToken));
  assert.equal(res.status, 200, res.text);
  return expectResponse(res, 'GET', '/pat').personalAccessTokens;
}

function signInPat(personalAccessToken) {
  return srv.api('POST', '/signin/pat', { personalAccessToken });
}

async function expectSignIn(personalAccessToken, email) {
  const res = await signInPat(personalAccessToken);
  assert.equal(res.status, 200, res.text);
  const { session } = expectResponse(res, 'POST', '/signin/pat');
  checkSession(session, { email });
  return session;
}

test('create -> sign in -> list -> revoke: the token works until revoked, then invalid-pat and its sessions end', async () => {
  const email = uniqueEmail('pat');
  const s = await signUp(srv, email);
  const expiresAt = inDays(7);
  const made = await createPat(s.accessToken, { expiresAt, metadata: { name: 'ci', 'used-by': 'deploy' } });
  assert.match(made.personalAccessToken, TOKEN_RE);
  assert.notEqual(made.id, made.personalAccessToken);

  const before = await listPats(s.accessToken);
  assert.equal(before.length, 1);
  assert.deepEqual(before[0].metadata, { name: 'ci', 'used-by': 'deploy' });
  assert.equal(before[0].id, made.id);
  assert.equal(before[0].expiresAt, expiresAt);
  assert.equal(before[0].lastUsedAt, undefined, 'never used yet');
  assert.ok(!JSON.stringify(before).includes(made.personalAccessToken), 'the list never shows the token');

  const session = await expectSignIn(made.personalAccessToken, email);
  assert.equal(session.user.id, s.user.id);
  assert.deepEqual(jwtClaims(session.accessToken).amr.map((a) => a.method), ['pat']);
  // The session is a real one: GET /user and refresh work.
  const me = await srv.api('GET', '/user', undefined, bearer(session.accessToken));
  assert.equal(me.status, 200, me.text);
  expectResponse(me, 'GET', '/user');
  const refreshed = await srv.api('POST', '/token', { refreshToken: session.refreshToken });
  assert.equal(refreshed.status, 200, refreshed.text);
  expectResponse(refreshed, 'POST', '/token');

  const after = await listPats(s.accessToken);
  assert.ok(after[0].lastUsedAt, 'the sign-in is recorded');

  const del = await srv.api('DELETE', `/pat/${made.id}`, undefined, bearer(s.accessToken));
  assert.equal(del.status, 200, del.text);
  assert.equal(expectResponse(del, 'DELETE', '/pat/{id}'), 'OK');
  expectError(await signInPat(made.personalAccessToken), '/signin/pat', 'POST', 401, 'invalid-pat');
  // What the token started ends with it; the owner's own session does not.
  const patToken = expectResponse(refreshed, 'POST', '/token');
  const gone = await srv.api('GET', '/user', undefined, bearer(patToken.accessToken));
  expectError(gone, '/user', 'GET', 401, 'unauthenticated-user');
  const noRefresh = await srv.api('POST', '/token', { refreshToken: patToken.refreshToken });
  expectError(noRefresh, '/token', 'POST', 401, 'invalid-refresh-token');
  const mine = await srv.api('GET', '/user', undefined, bearer(s.accessToken));
  assert.equal(mine.status, 200, mine.text);
  assert.deepEqual(await listPats(s.accessToken), []);
  const again = await srv.api('DELETE', `/pat/${made.id}`, undefined, bearer(s.accessToken));
  expectError(again, '/pat/{id}', 'DELETE', 404, 'pat-not-found');
});

test('another user cannot list, revoke or use the id of my token', async () => {
  const mine = await signUp(srv, uniqueEmail('pat-mine'));
  const theirs = await signUp(srv, uniqueEmail('pat-theirs'));
  const made = await createPat(mine.accessToken, { expiresAt: inDays(1) });
  assert.deepEqual(await listPats(theirs.accessToken), []);
  const del = await srv.api('DELETE', `/pat/${made.id}`, undefined, bearer(theirs.accessToken));
  expectError(del, '/pat/{id}', 'DELETE', 404, 'pat-not-found');
  // Still mine and still working; the id itself is no token.
  assert.equal((await listPats(mine.accessToken)).length, 1);
  await expectSignIn(made.personalAccessToken);
  expectError(await signInPat(made.id), '/signin/pat', 'POST', 401, 'invalid-pat');
});

test('an expired token signs in to nothing; an expiry in the past or too far ahead is refused', async () => {
  const s = await signUp(srv, uniqueEmail('pat-exp'));
  const made = await createPat(s.accessToken, { expiresAt: new Date(Date.now() + 1500).toISOString() });
  await expectSignIn(made.personalAccessToken);
  await sleep(1700);
  expectError(await signInPat(made.personalAccessToken), '/signin/pat', 'POST', 401, 'invalid-pat');
  const listed = await listPats(s.accessToken);
  assert.equal(listed.length, 1, 'an expired token stays listed for a while');

  for (const expiresAt of [new Date(Date.now() - 60_000).toISOString(), inDays(31), 'next tuesday']) {
    const res = await srv.api('POST', '/pat', { expiresAt }, bearer(s.accessToken));
    expectError(res, '/pat', 'POST', 400, 'invalid-request');
  }
  for (const body of [{}, { expiresAt: inDays(1), metadata: 'label' }, { expiresAt: inDays(1), extra: 1 }]) {
    const res = await srv.api('POST', '/pat', body, bearer(s.accessToken));
    expectError(res, '/pat', 'POST', 400, 'invalid-request');
  }
  await createPat(s.accessToken, { expiresAt: inDays(29) });
});

test('making, listing and revoking need a live session; bad sign-in bodies are 400', async () => {
  const s = await signUp(srv, uniqueEmail('pat-auth'));
  expectError(await srv.api('POST', '/pat', { expiresAt: inDays(1) }), '/pat', 'POST', 401, 'unauthenticated-user');
  expectError(await srv.api('GET', '/pat'), '/pat', 'GET', 401, 'unauthenticated-user');
  expectError(await srv.api('DELETE', `/pat/${randomUUID()}`), '/pat/{id}', 'DELETE', 401, 'unauthenticated-user');
  const out = await srv.api('POST', '/signout', { all: true }, bearer(s.accessToken));
  assert.equal(out.status, 200, out.text);
  const stale = await srv.api('POST', '/pat', { expiresAt: inDays(1) }, bearer(s.accessToken));
  expectError(stale, '/pat', 'POST', 401, 'unauthenticated-user');

  expectError(await srv.api('POST', '/signin/pat', {}), '/signin/pat', 'POST', 400, 'invalid-request');
  expectError(await srv.api('POST', '/signin/pat', { personalAccessToken: 42 }), '/signin/pat', 'POST', 400, 'invalid-request');
  expectError(await srv.api('POST', '/signin/pat', '{not json'), '/signin/pat', 'POST', 400, 'invalid-request');
  expectError(await signInPat(randomUUID()), '/signin/pat', 'POST', 401, 'invalid-pat');
  expectError(await signInPat('x'.repeat(5000)), '/signin/pat', 'POST', 401, 'invalid-pat');
});

/** Imports one native row with the CLI into the running server's database. */
function importRow(row) {
  const r = spawnSync(BIN, ['users', 'import'], { env: srv.env(), input: `${JSON.stringify(row)}\n`, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `import: ${r.stderr}`);
  assert.match(r.stdout + r.stderr, /imported 1 users/);
}

function rowWithToken({ disabled }) {
  const token = randomBytes(32).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5-');
  const t = '2024-02-01T10:00:00.000Z';
  const row = {
    id: randomUUID(), createdAt: t, updatedAt: t, displayName: 'Moved', locale: 'en',
    email: uniqueEmail(disabled ? 'pat-disabled' : 'pat-moved'), emailVerified: true, passwordHash: null,
    defaultRole: 'user', roles: ['user'], isAnonymous: false, disabled, metadata: {},
    personalAccessTokens: [{ id: randomUUID(), tokenHash: sha256(token), metadata: { name: 'moved' }, createdAt: t, expiresAt: inDays(5) }],
  };
  return { row, token };
}

test('a disabled user\'s token gives no session (disabled-user); a moved user\'s token works', async () => {
  const off = rowWithToken({ disabled: true });
  importRow(off.row);
  expectError(await signInPat(off.token), '/signin/pat', 'POST', 401, 'disabled-user');

  const moved = rowWithToken({ disabled: false });
  importRow(moved.row);
  const session = await expectSignIn(moved.token, moved.row.email);
  assert.equal(session.user.id, moved.row.id);
  const listed = await listPats(session.accessToken);
  assert.deepEqual(listed.map((p) => [p.id, p.metadata.name]), [[moved.row.personalAccessTokens[0].id, 'moved']]);
});

test('users export carries the token\'s hash, never the token', async () => {
  const email = uniqueEmail('pat-export');
  const s = await signUp(srv, email);
  const made = await createPat(s.accessToken, { expiresAt: inDays(2), metadata: { name: 'export' } });
  const r = spawnSync(BIN, ['users', 'export'], { env: srv.env(), encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!r.stdout.includes(made.personalAccessToken), 'the raw token is not exported');
  const line = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((u) => u.email === email);
  assert.deepEqual(line.personalAccessTokens.map((p) => [p.id, p.tokenHash]), [[made.id, sha256(made.personalAccessToken)]]);
  const logs = srv.logs.map((l) => l.line).join('\n');
  assert.ok(!logs.includes(made.personalAccessToken), 'the raw token is not in the log');
});

test('a user with TOTP: only an aal2 session makes a token, which then signs in without a ticket', async () => {
  const email = uniqueEmail('pat-mfa');
  const s = await signUp(srv, email);
  const gen = await srv.api('GET', '/mfa/totp/generate', undefined, bearer(s.accessToken));
  assert.equal(gen.status, 200, gen.text);
  const auth = new Authenticator(expectResponse(gen, 'GET', '/mfa/totp/generate').totpSecret);
  const on = await srv.api('POST', '/user/mfa', { code: await auth.fresh(), activeMfaType: 'totp' }, bearer(s.accessToken));
  assert.equal(on.status, 200, on.text);

  const first = await srv.api('POST', '/signin/email-password', { email, password: PASSWORD });
  const { mfa } = expectResponse(first, 'POST', '/signin/email-password');
  const done = await srv.api('POST', '/signin/mfa/totp', { ticket: mfa.ticket, otp: await auth.fresh() });
  assert.equal(done.status, 200, done.text);
  const aal2 = expectResponse(done, 'POST', '/signin/mfa/totp').session;
  assert.equal(jwtClaims(aal2.accessToken).aal, 'aal2');

  const made = await createPat(aal2.accessToken, { expiresAt: inDays(1) });
  const viaPat = await expectSignIn(made.personalAccessToken, email);
  assert.equal(jwtClaims(viaPat.accessToken).aal, 'aal1');
  // A token's own session cannot make further tokens for this user.
  const refused = await srv.api('POST', '/pat', { expiresAt: inDays(1) }, bearer(viaPat.accessToken));
  expectError(refused, '/pat', 'POST', 403, 'insufficient-aal');
});

describe('guessing tokens spends the sign-in budget of the client IP', () => {
  const limited = useServer(
    { GATEHOUSE_RATE_LIMIT_SIGNIN_PER_MINUTE: '3', GATEHOUSE_RATE_LIMIT_SIGNIN_BURST: '3' },
    { name: 'pat-ratelimit' },
  );

  test('the 4th guess within a minute -> 429 too-many-requests with Retry-After', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await limited.api('POST', '/signin/pat', { personalAccessToken: randomUUID() });
      expectError(res, '/signin/pat', 'POST', 401, 'invalid-pat');
    }
    const res = await limited.api('POST', '/signin/pat', { personalAccessToken: randomUUID() });
    expectError(res, '/signin/pat', 'POST', 429, 'too-many-requests');
    assert.match(res.headers['retry-after'] ?? '', /^\d+$/);
  });
});
