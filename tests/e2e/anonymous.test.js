// Anonymous users: sign in with nothing, use the session, then become a real user
// with the same id (through @nhost/nhost-js and raw HTTP).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createClient } from '@nhost/nhost-js';
import { MemoryStorage } from '@nhost/nhost-js/session';
import { expectError, expectResponse, expectSchema } from './lib/schema.js';
import { useServer } from './lib/server.js';
import { PASSWORD, bearer, jwtClaims, refresh, signIn, signUp, uniqueEmail } from './lib/util.js';

const HASURA = 'https://hasura.io/jwt/claims';

describe('anonymous sign-in enabled', () => {
  const srv = useServer({ GATEHOUSE_ANONYMOUS_SIGNIN_ENABLED: 'true' }, { name: 'anon' });

  test('client: signInAnonymous -> session usable for GET /user and refresh, then deanonymize keeps id and metadata', async () => {
    const nhost = createClient({ authUrl: srv.authUrl, storage: new MemoryStorage() });
    const res = await nhost.auth.signInAnonymous({ displayName: 'Guest', metadata: { cart: 3 } });
    assert.equal(res.status, 200);
    expectSchema('SessionPayload', res.body);
    const { session } = res.body;
    assert.equal(session.user.isAnonymous, true);
    assert.equal(session.user.defaultRole, 'anonymous');
    assert.deepEqual(session.user.roles, ['anonymous']);
    assert.equal(session.user.email, undefined);
    const claims = jwtClaims(session.accessToken);
    assert.equal(claims[HASURA]['x-hasura-user-is-anonymous'], 'true');
    assert.equal(claims[HASURA]['x-hasura-default-role'], 'anonymous');
    assert.equal(claims.is_anonymous, true);
    assert.equal(claims.role, 'authenticated'); // as GoTrue has it; is_anonymous says the rest

    const me = await nhost.auth.getUser();
    assert.equal(me.body.id, session.user.id);
    const rotated = await refresh(srv, session.refreshToken);
    assert.equal(rotated.user.id, session.user.id);

    const email = uniqueEmail('deanon');
    // The client sends the access token of its stored session (still valid).
    const out = await nhost.auth.deanonymizeUser({ signInMethod: 'email-password', email, password: PASSWORD });
    assert.equal(out.status, 200);
    assert.equal(out.body, 'OK');

    const after = await refresh(srv, rotated.refreshToken);
    assert.equal(after.user.id, session.user.id, 'the same user id');
    assert.equal(after.user.isAnonymous, false);
    assert.equal(after.user.email, email);
    assert.equal(after.user.defaultRole, 'user');
    assert.deepEqual(after.user.metadata, { cart: 3 });
    assert.equal(jwtClaims(after.accessToken)[HASURA]['x-hasura-user-is-anonymous'], 'false');
    const s = await signIn(srv, email);
    assert.equal(s.user.id, session.user.id);
  });

  test('deanonymize to a taken email -> 409 email-already-in-use and nothing changes', async () => {
    const taken = uniqueEmail('taken');
    await signUp(srv, taken);
    const anon = await srv.api('POST', '/signin/anonymous', {});
    expectResponse(anon, 'POST', '/signin/anonymous');
    const { session } = anon.json;
    const res = await srv.api('POST', '/user/deanonymize',
      { signInMethod: 'email-password', email: taken.toUpperCase(), password: PASSWORD }, bearer(session.accessToken));
    expectError(res, '/user/deanonymize', 'POST', 409, ['email-already-in-use']);
    const me = await srv.api('GET', '/user', undefined, bearer(session.accessToken));
    expectResponse(me, 'GET', '/user');
    assert.equal(me.json.isAnonymous, true);
    assert.equal(me.json.email, undefined);
  });

  test('deanonymize refusals: not anonymous, no token, bad method, missing password', async () => {
    const real = await signUp(srv, uniqueEmail('real'));
    const notAnon = await srv.api('POST', '/user/deanonymize',
      { signInMethod: 'email-password', email: uniqueEmail('x'), password: PASSWORD }, bearer(real.accessToken));
    expectError(notAnon, '/user/deanonymize', 'POST', 400, ['user-not-anonymous']);
    const noToken = await srv.api('POST', '/user/deanonymize', { signInMethod: 'email-password', email: uniqueEmail('y'), password: PASSWORD });
    expectError(noToken, '/user/deanonymize', 'POST', 401, ['unauthenticated-user']);
    const anon = (await srv.api('POST', '/signin/anonymous')).json.session;
    const badMethod = await srv.api('POST', '/user/deanonymize', { signInMethod: 'pigeon', email: uniqueEmail('z') }, bearer(anon.accessToken));
    expectError(badMethod, '/user/deanonymize', 'POST', 400, ['invalid-request']);
    const noPassword = await srv.api('POST', '/user/deanonymize', { signInMethod: 'email-password', email: uniqueEmail('w') }, bearer(anon.accessToken));
    expectError(noPassword, '/user/deanonymize', 'POST', 400, ['invalid-request']);
    const unknown = await srv.api('POST', '/signin/anonymous', { role: 'admin' });
    expectError(unknown, '/signin/anonymous', 'POST', 400, ['invalid-request']);
  });
});

describe('anonymous sign-in off (the default)', () => {
  const srv = useServer({}, { name: 'anon-off' });

  test('POST /signin/anonymous -> 409 disabled-endpoint', async () => {
    const res = await srv.api('POST', '/signin/anonymous', {});
    expectError(res, '/signin/anonymous', 'POST', 409, ['disabled-endpoint']);
  });
});

describe('anonymous sign-in rate limit', () => {
  const srv = useServer({ GATEHOUSE_ANONYMOUS_SIGNIN_ENABLED: 'true', GATEHOUSE_RATE_LIMIT_ANONYMOUS_PER_HOUR: '3' }, { name: 'anon-rl' });

  test('the 4th anonymous sign-in within the hour from one IP -> 429 with Retry-After', async () => {
    for (let i = 0; i < 3; i++) {
      const ok = await srv.api('POST', '/signin/anonymous', {});
      assert.equal(ok.status, 200, ok.text);
    }
    const res = await srv.api('POST', '/signin/anonymous', {});
    expectError(res, '/signin/anonymous', 'POST', 429, ['too-many-requests']);
    assert.ok(Number(res.headers['retry-after']) >= 60, `an hourly budget waits minutes: ${res.headers['retry-after']}`);
  });
});

describe('gatehouse users prune-anonymous', () => {
  const srv = useServer({ GATEHOUSE_ANONYMOUS_SIGNIN_ENABLED: 'true' }, { name: 'anon-prune' });

  test('deletes anonymous users older than the given age, keeps converted and real ones', async () => {
    const { execFileSync } = await import('node:child_process');
    const { BIN } = await import('./lib/server.js');
    const old = (await srv.api('POST', '/signin/anonymous', {})).json.session;
    const converted = (await srv.api('POST', '/signin/anonymous', {})).json.session;
    const email = uniqueEmail('conv');
    const d = await srv.api('POST', '/user/deanonymize', { signInMethod: 'email-password', email, password: PASSWORD }, bearer(converted.accessToken));
    assert.equal(d.status, 200, d.text);
    await new Promise((r) => setTimeout(r, 2100));
    const young = (await srv.api('POST', '/signin/anonymous', {})).json.session;
    const out = execFileSync(BIN, ['users', 'prune-anonymous', '--older-than', '2s'], { env: srv.env(), encoding: 'utf8' });
    assert.match(out, /deleted 1 anonymous users/);
    const gone = await srv.api('POST', '/token', { refreshToken: old.refreshToken });
    expectError(gone, '/token', 'POST', 401, ['invalid-refresh-token']);
    const kept = await srv.api('GET', '/user', undefined, bearer(converted.accessToken));
    assert.equal(kept.status, 200, kept.text);
    const stillThere = await refresh(srv, young.refreshToken);
    assert.equal(stillThere.user.isAnonymous, true);
    const bad = (() => { try { execFileSync(BIN, ['users', 'prune-anonymous', '--older-than', 'soon'], { env: srv.env(), stdio: 'pipe' }); return 0; } catch (e) { return e.status; } })();
    assert.equal(bad, 2);
  });
});
