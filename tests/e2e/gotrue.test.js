// The GoTrue dialect (/auth/v1) through the official client, @supabase/supabase-js, and
// raw HTTP against openapi/gotrue.yaml: password sign-up and sign-in, the user, refresh
// with reuse detection, the three sign-out scopes, anonymous users, GoTrue's error
// shapes, and one account and one session seen from both dialects.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { API_VERSION, expectGoTrue, expectGoTrueError, expectGoTrueSchema, supabaseFor } from './lib/gotrue.js';
import { useServer } from './lib/server.js';
import { bearer, jwtClaims, PASSWORD, uniqueEmail, UUID_RE } from './lib/util.js';

const srv = useServer({
  GATEHOUSE_ANONYMOUS_SIGNIN_ENABLED: 'true',
  GATEHOUSE_REFRESH_TOKEN_REUSE_GRACE_SECONDS: '0',
});

const gt = (method, p, body, headers = {}) => srv.api(method, `/auth/v1${p}`, body, { ...API_VERSION, ...headers });

async function signedUp(email = uniqueEmail('gt')) {
  const supabase = supabaseFor(srv);
  const { data, error } = await supabase.auth.signUp({ email, password: PASSWORD, options: { data: { plan: 'pro' } } });
  assert.equal(error, null, error?.message);
  return { supabase, email, session: data.session, user: data.user };
}

describe('password sign-up and sign-in through supabase-js', () => {
  test('signUp answers a session whose token carries the GoTrue and Hasura claims', async () => {
    const { session, user, email } = await signedUp();
    assert.ok(session, 'autoconfirm is on in this file: a session is expected');
    expectGoTrueSchema('Session', JSON.parse(JSON.stringify(session, (k, v) => (k === 'weak_password' ? undefined : v))));
    assert.equal(user.email, email);
    assert.match(user.id, UUID_RE);
    assert.deepEqual(user.user_metadata, { plan: 'pro' });
    assert.equal(user.app_metadata.provider, 'email');
    assert.deepEqual(user.identities.map((i) => i.provider), ['email']);
    const claims = jwtClaims(session.access_token);
    assert.equal(claims.sub, user.id);
    assert.equal(claims.aud, 'authenticated');
    assert.equal(claims.role, 'authenticated');
    assert.equal(claims.aal, 'aal1');
    assert.equal(claims.email, email);
    assert.equal(claims.is_anonymous, false);
    assert.match(claims.session_id, UUID_RE);
    assert.deepEqual(claims.amr.map((a) => a.method), ['password']);
    assert.equal(claims['https://hasura.io/jwt/claims']['x-hasura-user-id'], user.id);
    assert.ok(session.expires_at > Date.now() / 1000 + 60, `expires_at ${session.expires_at}`);
  });

  test('signInWithPassword and getUser; a wrong password is GoTrue\'s invalid_credentials', async () => {
    const { email, user } = await signedUp();
    const supabase = supabaseFor(srv);
    const { data, error } = await supabase.auth.signInWithPassword({ email, password: PASSWORD });
    assert.equal(error, null, error?.message);
    assert.equal(data.user.id, user.id);
    const me = await supabase.auth.getUser();
    assert.equal(me.error, null, me.error?.message);
    assert.equal(me.data.user.id, user.id);
    assert.ok(me.data.user.last_sign_in_at);

    const wrong = await supabaseFor(srv).auth.signInWithPassword({ email, password: 'not-the-password' });
    assert.equal(wrong.data.session, null);
    assert.equal(wrong.error.status, 400);
    assert.equal(wrong.error.code, 'invalid_credentials');
    assert.equal(wrong.error.message, 'Invalid login credentials');
    const unknown = await supabaseFor(srv).auth.signInWithPassword({ email: uniqueEmail('nobody'), password: PASSWORD });
    assert.equal(unknown.error.code, 'invalid_credentials');
    assert.equal(unknown.error.message, wrong.error.message);
  });

  test('signing up an address twice is user_already_exists', async () => {
    const { email } = await signedUp();
    const again = await supabaseFor(srv).auth.signUp({ email, password: PASSWORD });
    assert.equal(again.error.code, 'user_already_exists');
    assert.equal(again.error.status, 422);
    assert.equal(again.error.message, 'User already registered');
  });

  test('a short password is weak_password with its reason', async () => {
    const res = await gt('POST', '/signup', { email: uniqueEmail('weak'), password: 'short' });
    const body = expectGoTrueError(res, 'POST', '/signup', 422, 'weak_password');
    assert.deepEqual(body.weak_password, { reasons: ['length'] });
    const { error } = await supabaseFor(srv).auth.signUp({ email: uniqueEmail('weak'), password: 'short' });
    assert.equal(error.code, 'weak_password');
    assert.deepEqual(error.reasons, ['length']);
  });
});

describe('the session', () => {
  test('refreshSession rotates; the old token used again revokes the session', async () => {
    const { session } = await signedUp();
    const supabase = supabaseFor(srv);
    await supabase.auth.setSession({ access_token: session.access_token, refresh_token: session.refresh_token });
    const { data, error } = await supabase.auth.refreshSession();
    assert.equal(error, null, error?.message);
    assert.notEqual(data.session.refresh_token, session.refresh_token);

    const replay = await gt('POST', '/token?grant_type=refresh_token', { refresh_token: session.refresh_token });
    expectGoTrueError(replay, 'POST', '/token', 400, 'refresh_token_already_used');
    const after = await gt('POST', '/token?grant_type=refresh_token', { refresh_token: data.session.refresh_token });
    expectGoTrueError(after, 'POST', '/token', 400, 'refresh_token_not_found');
    const bogus = await gt('POST', '/token?grant_type=refresh_token', { refresh_token: 'nope' });
    expectGoTrueError(bogus, 'POST', '/token', 400, 'refresh_token_not_found');
  });

  test('signOut scopes: local ends this session, others the rest, global all', async () => {
    const { email } = await signedUp();
    const tabs = [];
    for (let i = 0; i < 4; i++) {
      const s = supabaseFor(srv);
      const { error } = await s.auth.signInWithPassword({ email, password: PASSWORD });
      assert.equal(error, null);
      tabs.push(s);
    }
    const alive = async (s) => (await s.auth.getUser()).error === null;
    const tokenOf = async (s) => (await s.auth.getSession()).data.session.access_token;
    const t3 = await tokenOf(tabs[3]);

    assert.equal((await tabs[0].auth.signOut({ scope: 'local' })).error, null);
    const r0 = await gt('GET', '/user', undefined, bearer(t3));
    expectGoTrue(r0, 'GET', '/user');
    assert.equal(await alive(tabs[1]), true);

    assert.equal((await tabs[1].auth.signOut({ scope: 'others' })).error, null);
    assert.equal(await alive(tabs[1]), true);
    assert.equal(await alive(tabs[2]), false);
    const gone = await gt('GET', '/user', undefined, bearer(t3));
    expectGoTrueError(gone, 'GET', '/user', 403, 'session_not_found');

    const t1 = await tokenOf(tabs[1]);
    const res = await gt('POST', '/logout?scope=global', undefined, bearer(t1));
    assert.equal(res.status, 204);
    expectGoTrue(res, 'POST', '/logout');
    expectGoTrueError(await gt('GET', '/user', undefined, bearer(t1)), 'GET', '/user', 403, 'session_not_found');
  });

  test('a route that needs a user says so without a Bearer token, and refuses a bad one', async () => {
    const none = await gt('GET', '/user', undefined, { apikey: 'gatehouse-e2e-anon-key' });
    const body = expectGoTrueError(none, 'GET', '/user', 401, 'no_authorization');
    assert.equal(body.message, 'This endpoint requires a Bearer token');
    expectGoTrueError(await gt('GET', '/user', undefined, bearer('a.b.c')), 'GET', '/user', 403, 'bad_jwt');
    expectGoTrueError(await gt('POST', '/logout', undefined), 'POST', '/logout', 401, 'no_authorization');
    const scope = await gt('POST', '/logout?scope=everything', undefined, bearer('a.b.c'));
    expectGoTrueError(scope, 'POST', '/logout', 400, 'validation_failed');
  });
});

describe('anonymous users', () => {
  test('signInAnonymously answers an anonymous session', async () => {
    const supabase = supabaseFor(srv);
    const { data, error } = await supabase.auth.signInAnonymously({ options: { data: { color: 'teal' } } });
    assert.equal(error, null, error?.message);
    assert.equal(data.user.is_anonymous, true);
    assert.equal(data.user.email, '');
    assert.deepEqual(data.user.user_metadata, { color: 'teal' });
    assert.deepEqual(data.user.identities, []);
    const claims = jwtClaims(data.session.access_token);
    assert.equal(claims.is_anonymous, true);
    assert.equal(claims.role, 'authenticated');
    const raw = await gt('POST', '/signup', {});
    expectGoTrue(raw, 'POST', '/signup');
    assert.equal(raw.json.user.is_anonymous, true);
  });
});

describe('switched off', () => {
  const off = useServer({ GATEHOUSE_ANONYMOUS_SIGNIN_ENABLED: 'false', GATEHOUSE_EMAIL_SIGNIN_ENABLED: 'false' }, { name: 'gotrue-off' });
  test('anonymous and email sign-up name the provider that is off', async () => {
    const anon = await off.api('POST', '/auth/v1/signup', {}, API_VERSION);
    expectGoTrueError(anon, 'POST', '/signup', 422, 'anonymous_provider_disabled');
    const { error } = await supabaseFor(off).auth.signUp({ email: uniqueEmail('off'), password: PASSWORD });
    assert.equal(error.code, 'email_provider_disabled');
    const signin = await off.api('POST', '/auth/v1/token?grant_type=password', { email: uniqueEmail('off'), password: PASSWORD }, API_VERSION);
    expectGoTrueError(signin, 'POST', '/token', 422, 'email_provider_disabled');
  });
});

describe('errors in GoTrue\'s shapes', () => {
  test('without X-Supabase-Api-Version: {code: status, error_code, msg}', async () => {
    const res = await srv.api('POST', '/auth/v1/token?grant_type=password', { email: uniqueEmail('x'), password: 'x' });
    const body = expectGoTrue(res, 'POST', '/token');
    assert.deepEqual(body, { code: 400, error_code: 'invalid_credentials', msg: 'Invalid login credentials' });
  });

  test('bad JSON, an unknown grant type, an unknown route and a wrong method', async () => {
    expectGoTrueError(await gt('POST', '/token?grant_type=password', '{"email":'), 'POST', '/token', 400, 'validation_failed');
    const grant = await gt('POST', '/token?grant_type=magic', {});
    assert.equal(expectGoTrueError(grant, 'POST', '/token', 400, 'validation_failed').message, 'unsupported_grant_type');
    const missing = await gt('GET', '/no-such-route');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['x-sb-error-code'], 'not_found');
    assert.deepEqual(Object.keys(missing.json).sort(), ['code', 'message']);
    const method = await gt('DELETE', '/user');
    assert.equal(method.status, 405);
    assert.equal(method.json.code, 'method_not_allowed');
  });
});

describe('what is not served answers as GoTrue with it switched off', () => {
  test('SAML single sign-on and Web3 wallets', async () => {
    const { data, error } = await supabaseFor(srv).auth.signInWithSSO({ domain: 'example.com' });
    assert.equal(data, null);
    assert.equal(error.status, 404);
    assert.equal(error.code, 'saml_provider_disabled');
    assert.equal(error.message, 'SAML 2.0 is disabled');
    for (const [m, p] of [['POST', '/sso'], ['GET', '/saml/metadata'], ['POST', '/saml/acs'], ['GET', '/admin/sso/providers']])
      expectGoTrueError(await gt(m, p, m === 'POST' ? {} : undefined), m, p, 404, 'saml_provider_disabled');
    const web3 = await gt('POST', '/token?grant_type=web3', { chain: 'ethereum', message: 'x', signature: 'y' });
    assert.equal(expectGoTrueError(web3, 'POST', '/token', 422, 'web3_provider_disabled').message, 'Web3 provider is disabled');
  });
});

describe('one account, one session, two dialects', () => {
  test('signed up under /v1, signed in under /auth/v1, refreshed under /v1, signed out under /auth/v1', async () => {
    const email = uniqueEmail('both');
    const up = await srv.api('POST', '/signup/email-password', { email, password: PASSWORD });
    assert.equal(up.status, 200, up.text);
    const supabase = supabaseFor(srv);
    const { data, error } = await supabase.auth.signInWithPassword({ email, password: PASSWORD });
    assert.equal(error, null, error?.message);
    assert.equal(data.user.id, up.json.session.user.id);

    // The GoTrue session's refresh token rotates at the native token endpoint ...
    const native = await srv.api('POST', '/token', { refreshToken: data.session.refresh_token });
    assert.equal(native.status, 200, native.text);
    // ... and the native access token reads the user under /auth/v1.
    const me = await gt('GET', '/user', undefined, bearer(native.json.accessToken));
    assert.equal(expectGoTrue(me, 'GET', '/user').id, data.user.id);

    const out = await gt('POST', '/logout?scope=local', undefined, bearer(native.json.accessToken));
    assert.equal(out.status, 204);
    const again = await srv.api('POST', '/token', { refreshToken: native.json.refreshToken });
    assert.equal(again.status, 401, again.text);
    const user = await srv.api('GET', '/user', undefined, bearer(native.json.accessToken));
    assert.equal(user.status, 401);
  });
});

describe('one budget per flow, whichever dialect spends it', () => {
  const limited = useServer({
    GATEHOUSE_RATE_LIMIT_SIGNIN_PER_MINUTE: '3',
    GATEHOUSE_RATE_LIMIT_SIGNIN_BURST: '3',
  }, { name: 'gotrue-budget' });

  test('password sign-ins alternating /v1 and /auth/v1 from one IP: the 4th is refused by either', async () => {
    const email = uniqueEmail('nobody');
    const native = () => limited.api('POST', '/signin/email-password', { email, password: 'not-the-password-1' });
    const gotrue = () => limited.api('POST', '/auth/v1/token?grant_type=password', { email, password: 'not-the-password-1' }, API_VERSION);
    assert.equal((await native()).status, 401);
    assert.equal((await gotrue()).status, 400);
    assert.equal((await native()).status, 401);
    // Each route alone has spent less than its three; together, three.
    const refused = await gotrue();
    expectGoTrueError(refused, 'POST', '/token', 429, 'over_request_rate_limit');
    assert.ok(Number(refused.headers['retry-after']) > 0);
    assert.equal((await native()).status, 429);
  });
});

describe('system routes', () => {
  test('health, settings, keys and the contract', async () => {
    expectGoTrue(await gt('GET', '/health'), 'GET', '/health');
    const settings = expectGoTrue(await gt('GET', '/settings'), 'GET', '/settings');
    assert.equal(settings.external.email, true);
    assert.equal(settings.external.anonymous_users, true);
    assert.equal(settings.external.github, false);
    assert.equal(settings.mailer_autoconfirm, true);
    const keys = expectGoTrue(await gt('GET', '/.well-known/jwks.json'), 'GET', '/.well-known/jwks.json');
    assert.ok(keys.keys.length >= 1);
    const doc = await gt('GET', '/openapi.json');
    assert.equal(doc.status, 200);
    assert.deepEqual(doc.json.servers.map((s) => s.url), ['/auth/v1']);
  });
});
