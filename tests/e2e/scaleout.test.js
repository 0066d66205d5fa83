// Scale-out: two gatehouse processes with the same settings on ONE PostgreSQL schema
// (what a load balancer in front of stateless instances sees). Everything that matters
// between requests lives in the database: users, refresh-token chains (rotation is
// row-locked, so two instances rotating one token at once make exactly one successor),
// revocations and the signing keys. PostgreSQL pass only (run.sh's second pass).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expectError, expectResponse } from './lib/schema.js';
import { DATABASE, uniqueSchema, useInstances } from './lib/server.js';
import { bearer, checkSession, jwtHeader, refresh, signIn, signUp, sleep, uniqueEmail } from './lib/util.js';

const GRACE_SECONDS = 2;

describe('two instances on one PostgreSQL schema', { skip: DATABASE !== 'postgres' && 'PostgreSQL pass only' }, () => {
  // Same env for both (the schema is shared on purpose); each has its own port and dir.
  const env = {
    GATEHOUSE_DATABASE_SCHEMA: uniqueSchema('scaleout'),
    GATEHOUSE_REFRESH_TOKEN_REUSE_GRACE_SECONDS: String(GRACE_SECONDS),
  };
  // Started together: both migrate the fresh schema at once (advisory lock) and
  // both look for a signing key in it. Each may have generated a signing key of its
  // own; an instance picks up a sibling's key at the first unknown kid it sees.
  const [a, b] = useInstances(env, ['gatehouse-a', 'gatehouse-b']);

  test('both instances run on PostgreSQL', () => {
    for (const s of [a, b]) {
      assert.ok(/database\s+PostgreSQL /.test(s.logText()), `${s.name} banner should name postgres:\n${s.logText(20)}`);
    }
  });

  test('sign up through one, sign in through the other; the same user on both', async () => {
    const email = uniqueEmail('scale');
    const up = await signUp(a, email);
    const inB = await signIn(b, email);
    assert.equal(inB.user.id, up.user.id);
    // one account per address across instances
    const dup = await b.api('POST', '/signup/email-password', { email, password: 'another-password-1' });
    expectError(dup, '/signup/email-password', 'POST', 409, 'email-already-in-use');
    for (const [s, token] of [[a, inB.accessToken], [b, up.accessToken]]) {
      const me = await s.api('GET', '/user', undefined, bearer(token));
      assert.equal(me.status, 200, `${s.name} GET /user: ${me.status} ${me.text}`);
      assert.equal(expectResponse(me, 'GET', '/user').id, up.user.id);
    }
  });

  test('access tokens of one verify on the other (keys live in the database)', async () => {
    const fromA = await signUp(a, uniqueEmail('jwt'));
    const fromB = await signIn(b, fromA.user.email);
    for (const [s, token] of [[b, fromA.accessToken], [a, fromB.accessToken]]) {
      const res = await s.api('POST', '/token/verify', { token });
      assert.equal(res.status, 200, `${s.name} verify: ${res.status} ${res.text}`);
      assert.equal(expectResponse(res, 'POST', '/token/verify'), 'OK');
    }
    // Both publish the key the other signs with.
    const kids = async (s) => {
      const res = await s.api('GET', '/.well-known/jwks.json');
      assert.equal(res.status, 200);
      return res.json.keys.map((k) => k.kid);
    };
    const [ka, kb] = [await kids(a), await kids(b)];
    assert.ok(kb.includes(jwtHeader(fromA.accessToken).kid), `b's JWKS ${kb} lacks a's kid`);
    assert.ok(ka.includes(jwtHeader(fromB.accessToken).kid), `a's JWKS ${ka} lacks b's kid`);
  });

  test('refresh alternately through both instances: one chain', async () => {
    const email = uniqueEmail('alt');
    let s = await signUp(a, email);
    const seen = new Set([s.refreshToken]);
    for (let i = 0; i < 10; i++) {
      const via = i % 2 === 0 ? b : a;
      s = await refresh(via, s.refreshToken);
      checkSession(s);
      assert.equal(s.user?.email ?? email, email);
      assert.ok(!seen.has(s.refreshToken), 'every rotation gives a new token');
      seen.add(s.refreshToken);
    }
  });

  test('one token refreshed through both at once: exactly one successor', async () => {
    for (let round = 0; round < 8; round++) {
      const s0 = await signUp(round % 2 ? a : b, uniqueEmail('race'));
      const [ra, rb] = await Promise.all([
        a.api('POST', '/token', { refreshToken: s0.refreshToken }),
        b.api('POST', '/token', { refreshToken: s0.refreshToken }),
      ]);
      assert.equal(ra.status, 200, `round ${round} a: ${ra.status} ${ra.text}`);
      assert.equal(rb.status, 200, `round ${round} b: ${rb.status} ${rb.text}`);
      const [sa, sb] = [expectResponse(ra, 'POST', '/token'), expectResponse(rb, 'POST', '/token')];
      assert.equal(sa.refreshToken, sb.refreshToken, `round ${round}: both must get the same successor`);
      assert.equal(sa.refreshTokenId, sb.refreshTokenId);
      // The successor is a live token on both instances.
      const next = await refresh(round % 2 ? b : a, sa.refreshToken);
      assert.notEqual(next.refreshToken, sa.refreshToken);
    }
  });

  test('eight concurrent presentations of one token across both: still one successor', async () => {
    const s0 = await signUp(a, uniqueEmail('race8'));
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).api('POST', '/token', { refreshToken: s0.refreshToken })),
    );
    for (const r of results) assert.equal(r.status, 200, `${r.status} ${r.text}`);
    const tokens = new Set(results.map((r) => r.json.refreshToken));
    assert.equal(tokens.size, 1, `expected one successor, got ${tokens.size}`);
  });

  test('reuse after the grace window (via the other instance) revokes the session for both', async () => {
    const s0 = await signUp(a, uniqueEmail('reuse'));
    const s1 = await refresh(a, s0.refreshToken);
    // within the grace window the other instance hands out the same successor
    const again = await refresh(b, s0.refreshToken);
    assert.equal(again.refreshToken, s1.refreshToken);
    await sleep(GRACE_SECONDS * 1000 + 1000);
    expectError(await b.api('POST', '/token', { refreshToken: s0.refreshToken }), '/token', 'POST', 401, 'invalid-refresh-token');
    for (const s of [a, b]) {
      expectError(await s.api('POST', '/token', { refreshToken: s1.refreshToken }), '/token', 'POST', 401, 'invalid-refresh-token');
    }
  });

  test('sign-out of one session through one instance is seen by the other', async () => {
    const email = uniqueEmail('out');
    const s = await signUp(a, email);
    const other = await signIn(a, email);
    const res = await b.api('POST', '/signout', { refreshToken: s.refreshToken });
    assert.equal(res.status, 200, `signout: ${res.status} ${res.text}`);
    expectError(await a.api('POST', '/token', { refreshToken: s.refreshToken }), '/token', 'POST', 401, 'invalid-refresh-token');
    await refresh(a, other.refreshToken);
  });

  test('sign-out everywhere through one instance is seen by both', async () => {
    const email = uniqueEmail('outall');
    const sessions = [await signUp(a, email), await signIn(b, email), await signIn(a, email), await signIn(b, email)];
    const stranger = await signUp(b, uniqueEmail('stranger'));
    const res = await a.api('POST', '/signout', { all: true }, bearer(sessions[1].accessToken)); // b's token, a's door
    assert.equal(res.status, 200, `signout all: ${res.status} ${res.text}`);
    for (const sess of sessions) {
      for (const s of [a, b]) {
        expectError(await s.api('POST', '/token', { refreshToken: sess.refreshToken }), '/token', 'POST', 401, 'invalid-refresh-token');
      }
    }
    await refresh(a, stranger.refreshToken);
    // signing in again works on both
    await signIn(b, email);
    await signIn(a, email);
  });
});
