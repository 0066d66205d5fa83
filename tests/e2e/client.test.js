// Drives the server through the official client, @nhost/nhost-js 4.7.0, as an app would.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createClient } from '@nhost/nhost-js';
import { MemoryStorage } from '@nhost/nhost-js/session';
import { expectSchema } from './lib/schema.js';
import { useServer } from './lib/server.js';
import { PASSWORD, uniqueEmail } from './lib/util.js';

function client(srv) {
  const storage = new MemoryStorage();
  const nhost = createClient({ authUrl: srv.authUrl, storage });
  return { nhost, storage };
}

async function expectFetchError(promise, status, code) {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.status, status, `expected ${status}, got ${e.status}: ${JSON.stringify(e.body)}`);
    expectSchema('ErrorResponse', e.body);
    assert.equal(e.body.error, code);
    assert.equal(e.message, e.body.message);
    return e;
  }
  assert.fail(`expected FetchError ${status} ${code}`);
}

describe('default server', () => {
  const srv = useServer({}, { name: 'client' });

  test('sign-up, get user, refresh, sign-out, sign-in: session storage follows', async () => {
    const { nhost } = client(srv);
    const email = uniqueEmail('js');
    const up = await nhost.auth.signUpEmailPassword({ email, password: PASSWORD, options: { displayName: 'JS Client', locale: 'en' } });
    assert.equal(up.status, 200);
    expectSchema('SessionPayload', up.body);
    const stored = nhost.getUserSession();
    assert.ok(stored, 'the client should store the session after sign-up');
    assert.equal(stored.refreshToken, up.body.session.refreshToken);
    assert.equal(stored.user.email, email);
    assert.equal(stored.decodedToken.sub, up.body.session.user.id);
    assert.ok(stored.decodedToken.exp > Date.now(), 'decoded exp (ms) in the future');

    const me = await nhost.auth.getUser(); // Bearer attached by the client
    expectSchema('User', me.body);
    assert.equal(me.body.displayName, 'JS Client');
    assert.equal(me.body.email, email);

    const refreshed = await nhost.refreshSession(0); // force a refresh through POST /token
    assert.ok(refreshed, 'refreshSession should return the new session');
    assert.notEqual(refreshed.refreshToken, stored.refreshToken);
    assert.equal(nhost.getUserSession().refreshToken, refreshed.refreshToken);

    const v = await nhost.auth.verifyToken({ token: refreshed.accessToken });
    assert.equal(v.body, 'OK');

    const out = await nhost.auth.signOut({ refreshToken: refreshed.refreshToken });
    assert.equal(out.body, 'OK');
    assert.equal(nhost.getUserSession(), null, 'session removed after sign-out');
    await expectFetchError(nhost.auth.refreshToken({ refreshToken: refreshed.refreshToken }), 401, 'invalid-refresh-token');

    const si = await nhost.auth.signInEmailPassword({ email, password: PASSWORD });
    expectSchema('SignInEmailPasswordResponse', si.body);
    assert.equal(nhost.getUserSession().refreshToken, si.body.session.refreshToken);

    // signing in again while a session exists: the client sends a Bearer header
    const si2 = await nhost.auth.signInEmailPassword({ email, password: PASSWORD });
    assert.equal(nhost.getUserSession().refreshToken, si2.body.session.refreshToken);
  });

  test('errors surface as FetchError with the server message', async () => {
    const { nhost } = client(srv);
    const email = uniqueEmail('jserr');
    await nhost.auth.signUpEmailPassword({ email, password: PASSWORD });
    const { nhost: other } = client(srv);
    await expectFetchError(other.auth.signUpEmailPassword({ email, password: PASSWORD }), 409, 'email-already-in-use');
    await expectFetchError(other.auth.signInEmailPassword({ email, password: 'wrong-password-x' }), 401, 'invalid-email-password');
    await expectFetchError(other.auth.signUpEmailPassword({ email: uniqueEmail('short'), password: 'short' }), 400, 'password-too-short');
    assert.equal(other.getUserSession(), null);
  });

  test('system endpoints through the client', async () => {
    const { nhost } = client(srv);
    assert.equal((await nhost.auth.healthCheckGet()).body, 'OK');
    const ver = await nhost.auth.getVersion();
    assert.equal(typeof ver.body.version, 'string');
    const jwks = await nhost.auth.getJWKs();
    expectSchema('JWKSet', jwks.body);
  });

  test('sign out all devices through the client', async () => {
    const email = uniqueEmail('jsall');
    const a = client(srv);
    const b = client(srv);
    await a.nhost.auth.signUpEmailPassword({ email, password: PASSWORD });
    await b.nhost.auth.signInEmailPassword({ email, password: PASSWORD });
    const bToken = b.nhost.getUserSession().refreshToken;
    const out = await a.nhost.auth.signOut({ refreshToken: a.nhost.getUserSession().refreshToken, all: true });
    assert.equal(out.body, 'OK');
    await expectFetchError(b.nhost.auth.refreshToken({ refreshToken: bToken }), 401, 'invalid-refresh-token');
  });
});

describe('access token lifetime within the client refresh margin (60 s, margin 60 s)', () => {
  // The client refreshes when exp - now <= 60 s, so with a 60 s TTL every call refreshes first.
  const srv = useServer({ GATEHOUSE_ACCESS_TOKEN_TTL_SECONDS: '60' }, { name: 'client-ttl60' });

  test('concurrent calls each refresh first (like tabs); the grace window keeps the session alive', async () => {
    const { nhost } = client(srv);
    const email = uniqueEmail('jsrace');
    await nhost.auth.signUpEmailPassword({ email, password: PASSWORD });
    const t0 = nhost.getUserSession().refreshToken;
    const results = await Promise.all([1, 2, 3].map(() => nhost.auth.getUser()));
    for (const r of results) {
      assert.equal(r.status, 200);
      expectSchema('User', r.body);
    }
    const now = nhost.getUserSession();
    assert.ok(now, 'session still stored');
    assert.notEqual(now.refreshToken, t0, 'the client should have refreshed (exp within its 60 s margin)');
    const again = await nhost.refreshSession(0);
    assert.ok(again, 'session still refreshable after concurrent refreshes');
  });
});
