// Social and OIDC sign-in under /auth/v1 through supabase-js and raw HTTP against the
// local identity provider (lib/idp.js), no browser: the URL signInWithOAuth builds is
// walked by hand (Gatehouse /authorize -> the IdP's login -> /callback -> the app).
// The implicit flow (session in the fragment, setSession), the PKCE flow
// (?code=, exchangeCodeForSession; the code alone, a wrong verifier, a replay and a
// late code all refused), Apple's form_post, signInWithIdToken, linkIdentity /
// unlinkIdentity / getUserIdentities, manual linking switched off (with GoTrue's
// setting names, GOTRUE_EXTERNAL_<PROVIDER>_* included), /settings, and the failures
// GoTrue reports: unknown and disabled providers, a redirect_to off the list, replayed
// or foreign states, the user cancelling, a failed code exchange.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { API_VERSION, expectGoTrue, expectGoTrueError, expectGoTrueSchema, supabaseFor } from './lib/gotrue.js';
import { startIdp } from './lib/idp.js';
import { APP, cookiesOf, deliver, location, oauthKit, withCookie } from './lib/oauth.js';
import { sleep, useServer } from './lib/server.js';
import { PASSWORD, UUID_RE, bearer, uniqueEmail } from './lib/util.js';

const idp = await startIdp();
const { oauthEnv } = oauthKit(idp);
const NAMES = ['google', 'apple', 'github', 'acme'];
const DONE = `${APP}/done`;

const sha256hex = (s) => createHash('sha256').update(s).digest('hex');
const s256 = (v) => createHash('sha256').update(v).digest('base64url');
const newVerifier = () => randomBytes(32).toString('base64url');

/** Env for `names` at the IdP, with GoTrue's one callback URL registered for each. */
function gotrueEnv(extra = {}, names = NAMES) {
  return (srv) => {
    for (const n of names) idp.client(n, { redirectUri: `${srv.gotrueUrl}/callback` });
    return oauthEnv(extra, names)(srv);
  };
}

const gt = (srv, method, p, body, headers = {}) => srv.api(method, `/auth/v1${p}`, body, { ...API_VERSION, ...headers });

/** GET <a Gatehouse /auth/v1/... URL> -> 302 to the IdP; the URL with .cookie (what the browser keeps). */
async function toProvider(srv, url) {
  const u = new URL(url);
  assert.equal(u.origin, srv.url, `${url} is not Gatehouse's`);
  const res = await srv.api('GET', u.pathname + u.search);
  const to = location(res);
  assert.equal(to.origin, idp.url, `should redirect to the IdP, got ${to}`);
  assert.match(res.headers['cache-control'] ?? '', /no-store/);
  to.cookie = cookiesOf(res);
  return to;
}

/** The rest of the walk from the IdP's authorization URL: resolves the URL the app gets. */
async function finish(srv, authorize, user, { cookie = authorize.cookie, deny = false } = {}) {
  const answer = await idp.authorize(authorize.toString(), user.email ?? user.sub, { deny });
  const res = await deliver(srv, answer, cookie);
  const final = location(res);
  assert.match(res.headers['cache-control'] ?? '', /no-store/);
  return Object.assign(final, { answer, res });
}

const fragment = (final) => Object.fromEntries(new URLSearchParams(final.hash.slice(1)));

/** Errors in redirect_to's query and again in its fragment, as GoTrue writes them. */
function expectRedirectError(final, { error, code, to = DONE }) {
  assert.equal(`${final.origin}${final.pathname}`, to, `errors go back to ${to}: ${final}`);
  const frag = fragment(final);
  for (const where of [Object.fromEntries(final.searchParams), frag]) {
    assert.equal(where.error, error, `${final}`);
    assert.equal(where.error_code, code, `${final}`);
    assert.ok((where.error_description ?? '').length > 0, `${final}`);
  }
  assert.equal(frag.access_token, undefined);
  assert.equal(final.searchParams.get('code'), null);
}

/** A raw PKCE start for `user` at `provider`: resolves {final, verifier}. */
async function pkceSignIn(srv, provider, user) {
  const verifier = newVerifier();
  const q = new URLSearchParams({ provider, redirect_to: DONE, code_challenge: s256(verifier), code_challenge_method: 's256' });
  const final = await finish(srv, await toProvider(srv, `${srv.gotrueUrl}/authorize?${q}`), user);
  assert.equal(`${final.origin}${final.pathname}`, DONE, `${final}`);
  assert.equal(final.hash, '', 'a PKCE sign-in puts no session in the URL');
  const code = final.searchParams.get('code');
  assert.ok(code, `?code= on ${final}`);
  return { code, verifier };
}

const pkceGrant = (srv, body) => gt(srv, 'POST', '/token?grant_type=pkce', body);

describe('GoTrue social sign-in through supabase-js', () => {
  const srv = useServer(gotrueEnv({ GATEHOUSE_OAUTH_GRANT_TTL_SECONDS: '5' }), { name: 'gotrue-oauth' });

  test('implicit flow: signInWithOAuth -> IdP -> /callback -> #access_token..., setSession, identities', async () => {
    const user = idp.addUser({ email: uniqueEmail('gtimplicit'), name: 'Grace Hopper' });
    const supabase = supabaseFor(srv);
    const { data, error } = await supabase.auth.signInWithOAuth({
      provider: 'google',
      options: { redirectTo: DONE, scopes: 'https://www.googleapis.com/auth/drive.readonly', queryParams: { access_type: 'offline', prompt: 'consent' }, skipBrowserRedirect: true },
    });
    assert.equal(error, null, error?.message);
    const start = new URL(data.url);
    assert.equal(start.pathname, '/auth/v1/authorize');
    assert.equal(start.searchParams.get('provider'), 'google');
    assert.equal(start.searchParams.get('code_challenge'), null, 'the implicit flow sends no challenge');

    const authorize = await toProvider(srv, data.url);
    assert.match(authorize.cookie, /^gh_oauth_binding=/, 'the start binds the sign-in to this browser');
    assert.equal(authorize.searchParams.get('redirect_uri'), `${srv.gotrueUrl}/callback`, 'one callback for every provider');
    assert.deepEqual(authorize.searchParams.get('scope').split(' ').sort(), ['email', 'https://www.googleapis.com/auth/drive.readonly', 'openid', 'profile']);
    assert.equal(authorize.searchParams.get('access_type'), 'offline');
    assert.equal(authorize.searchParams.get('prompt'), 'consent');
    assert.ok(authorize.searchParams.get('code_challenge'), 'PKCE towards the provider');
    assert.ok(authorize.searchParams.get('nonce'));

    const final = await finish(srv, authorize, user);
    assert.equal(`${final.origin}${final.pathname}${final.search}`, DONE);
    const f = fragment(final);
    assert.deepEqual(Object.keys(f).filter((k) => k !== 'provider_refresh_token'),
      ['access_token', 'expires_at', 'expires_in', 'provider_token', 'refresh_token', 'token_type']);
    assert.equal(f.token_type, 'bearer');
    assert.ok(Number(f.expires_in) > 90);
    assert.ok(Math.abs(Number(f.expires_at) - (Date.now() / 1000 + Number(f.expires_in))) < 10);
    assert.ok(f.provider_token.length > 0, 'the provider\'s access token');

    const set = await supabase.auth.setSession({ access_token: f.access_token, refresh_token: f.refresh_token });
    assert.equal(set.error, null, set.error?.message);
    assert.equal(set.data.user.email, user.email);
    const ids = await supabase.auth.getUserIdentities();
    assert.equal(ids.error, null, ids.error?.message);
    const google = ids.data.identities.find((i) => i.provider === 'google');
    assert.ok(google, JSON.stringify(ids.data.identities));
    assert.match(google.identity_id, UUID_RE);
    assert.equal(google.id, user.sub);
    assert.equal(google.identity_data.email, user.email);
    assert.ok(google.created_at && google.last_sign_in_at);
    const me = await gt(srv, 'GET', '/user', undefined, bearer(f.access_token));
    expectGoTrue(me, 'GET', '/user');
    // The refresh token of the fragment is a live session.
    const refreshed = await supabase.auth.refreshSession();
    assert.equal(refreshed.error, null, refreshed.error?.message);
  });

  test('PKCE flow: the callback answers ?code=, exchangeCodeForSession trades it once', async () => {
    const user = idp.addUser({ email: uniqueEmail('gtpkce') });
    const supabase = supabaseFor(srv, { auth: { flowType: 'pkce' } });
    const { data, error } = await supabase.auth.signInWithOAuth({ provider: 'github', options: { redirectTo: DONE, skipBrowserRedirect: true } });
    assert.equal(error, null, error?.message);
    const start = new URL(data.url);
    assert.ok(start.searchParams.get('code_challenge'));
    assert.equal(start.searchParams.get('code_challenge_method'), 's256');

    const final = await finish(srv, await toProvider(srv, data.url), user);
    assert.equal(`${final.origin}${final.pathname}`, DONE);
    assert.equal(final.hash, '', 'no tokens in the URL');
    const code = final.searchParams.get('code');
    assert.ok(code);
    const out = await supabase.auth.exchangeCodeForSession(code);
    assert.equal(out.error, null, out.error?.message);
    assert.equal(out.data.user.email, user.email);
    assert.ok(out.data.session.provider_token, 'the provider token comes with the session');
    assert.equal((await supabase.auth.getUser()).data.user.id, out.data.user.id);

    // Used: a second exchange (any verifier) finds no sign-in.
    const again = await pkceGrant(srv, { auth_code: code, code_verifier: newVerifier() });
    expectGoTrueError(again, 'POST', '/token', 404, 'flow_state_not_found');
  });

  test('PKCE raw: the code is bound to the verifier, single use, works without the browser\'s cookie, and expires', async () => {
    const user = idp.addUser({ email: uniqueEmail('gtpkceraw') });
    let { code, verifier } = await pkceSignIn(srv, 'github', user);
    // A wrong verifier is refused, and spends the code.
    expectGoTrueError(await pkceGrant(srv, { auth_code: code, code_verifier: newVerifier() }), 'POST', '/token', 400, 'bad_code_verifier');
    expectGoTrueError(await pkceGrant(srv, { auth_code: code, code_verifier: verifier }), 'POST', '/token', 404, 'flow_state_not_found');

    ({ code, verifier } = await pkceSignIn(srv, 'github', user));
    for (const body of [{ auth_code: code }, { code_verifier: verifier }, { auth_code: '', code_verifier: verifier }]) {
      expectGoTrueError(await pkceGrant(srv, body), 'POST', '/token', 400, 'validation_failed');
    }
    // No cookie and nothing else of the browser's: the code and the verifier suffice.
    const res = await pkceGrant(srv, { auth_code: code, code_verifier: verifier });
    assert.equal(res.status, 200, res.text);
    const session = expectGoTrue(res, 'POST', '/token');
    assert.equal(session.user.email, user.email);
    assert.ok(session.provider_token);
    expectGoTrueSchema('Session', session);

    ({ code, verifier } = await pkceSignIn(srv, 'github', user));
    await sleep(5200); // oauth_grant_ttl_seconds = 5
    expectGoTrueError(await pkceGrant(srv, { auth_code: code, code_verifier: verifier }), 'POST', '/token', 422, 'flow_state_expired');
  });

  test('Apple\'s form_post: a POST to /callback, answered 303 with the session in the fragment', async () => {
    const user = idp.addUser({ email: uniqueEmail('gtapple') });
    const authorize = await toProvider(srv, `${srv.gotrueUrl}/authorize?provider=apple&redirect_to=${encodeURIComponent(DONE)}`);
    const final = await finish(srv, authorize, user);
    assert.ok(final.answer.formPost, 'Apple answers with a form');
    assert.equal(final.res.status, 303);
    const f = fragment(final);
    const me = await gt(srv, 'GET', '/user', undefined, bearer(f.access_token));
    assert.equal(expectGoTrue(me, 'GET', '/user').email, user.email);
  });

  test('signInWithIdToken: a Google ID token with a hashed nonce; wrong nonce, providers without ID tokens, unknown ones', async () => {
    const user = idp.addUser({ email: uniqueEmail('gtidtoken') });
    const nonce = randomBytes(16).toString('hex');
    const token = idp.mintIdToken({ client: 'google', user, claims: { nonce: sha256hex(nonce) } });
    const supabase = supabaseFor(srv);
    const { data, error } = await supabase.auth.signInWithIdToken({ provider: 'google', token, nonce });
    assert.equal(error, null, error?.message);
    assert.equal(data.user.email, user.email);
    assert.ok(data.session.refresh_token);
    assert.ok(data.user.identities.some((i) => i.provider === 'google' && i.id === user.sub));

    // GoTrue's OAuth-shaped answer for a token that does not verify.
    const bad = await gt(srv, 'POST', '/token?grant_type=id_token', { provider: 'google', id_token: token, nonce: 'another' });
    assert.equal(bad.status, 400, bad.text);
    expectGoTrueSchema('ErrorOAuth', expectGoTrue(bad, 'POST', '/token'));
    const viaClient = await supabase.auth.signInWithIdToken({ provider: 'google', token, nonce: 'another' });
    assert.match(viaClient.error?.message ?? '', /Bad ID token/);
    expectGoTrueSchema('ErrorOAuth', expectGoTrue(await gt(srv, 'POST', '/token?grant_type=id_token', { provider: 'google' }), 'POST', '/token'));

    const github = await gt(srv, 'POST', '/token?grant_type=id_token', { provider: 'github', id_token: token });
    expectGoTrueError(github, 'POST', '/token', 400, 'provider_disabled');
    const unknown = await gt(srv, 'POST', '/token?grant_type=id_token', { provider: 'nope', id_token: token });
    expectGoTrueError(unknown, 'POST', '/token', 400, 'validation_failed');
    const link = await gt(srv, 'POST', '/token?grant_type=id_token', { provider: 'google', id_token: token, nonce, link_identity: true });
    expectGoTrueError(link, 'POST', '/token', 400, 'validation_failed');
  });

  test('/authorize refuses, as JSON and before the provider: unknown and disabled providers, a redirect_to off the list, bad PKCE parameters', async () => {
    const cases = [
      ['provider=nope', 'unknown provider'],
      ['provider=facebook', 'a built-in provider not enabled'],
      ['', 'no provider'],
      [`provider=github&redirect_to=${encodeURIComponent('https://evil.example.com/x')}`, 'redirect_to off the list'],
      ['provider=github&code_challenge=short&code_challenge_method=s256', 'a short challenge'],
      [`provider=github&code_challenge=${s256('x'.repeat(43))}`, 'a challenge without a method'],
      [`provider=github&code_challenge=${s256('x'.repeat(43))}&code_challenge_method=md5`, 'an unknown method'],
    ];
    for (const [q, why] of cases) {
      const res = await gt(srv, 'GET', `/authorize?${q}`);
      assert.equal(res.status, 400, `${why}: ${res.status} ${res.text}`);
      expectGoTrueError(res, 'GET', '/authorize', 400, 'validation_failed');
    }
    // Without X-Supabase-Api-Version: the legacy shape.
    const legacy = await srv.api('GET', '/auth/v1/authorize?provider=nope');
    assert.equal(expectGoTrue(legacy, 'GET', '/authorize').error_code, 'validation_failed');
  });

  test('callback failures go back to the app in query and fragment: replayed state, another browser, the user cancelling, a failed exchange', async () => {
    const user = idp.addUser({ email: uniqueEmail('gtfail') });
    const authorize = await toProvider(srv, `${srv.gotrueUrl}/authorize?provider=github&redirect_to=${encodeURIComponent(DONE)}`);
    const final = await finish(srv, authorize, user);
    assert.ok(fragment(final).access_token);
    // The same callback again: no request behind the state, so no trusted redirect_to.
    const replay = location(await deliver(srv, final.answer, authorize.cookie));
    expectRedirectError(replay, { error: 'invalid_request', code: 'bad_oauth_state', to: `${APP}/` });

    // A callback URL planted in another browser (no binding cookie) is refused.
    const planted = await toProvider(srv, `${srv.gotrueUrl}/authorize?provider=github&redirect_to=${encodeURIComponent(DONE)}`);
    expectRedirectError(await finish(srv, planted, user, { cookie: '' }), { error: 'invalid_request', code: 'bad_oauth_state', to: `${APP}/` });

    // The user cancels at the provider: its error, as it sent it.
    const cancelled = await finish(srv, await toProvider(srv, `${srv.gotrueUrl}/authorize?provider=google&redirect_to=${encodeURIComponent(DONE)}`), user, { deny: true });
    assert.equal(`${cancelled.origin}${cancelled.pathname}`, DONE);
    assert.equal(cancelled.searchParams.get('error'), 'access_denied');
    assert.ok(cancelled.searchParams.get('error_description'));
    assert.equal(fragment(cancelled).error, 'access_denied');
    assert.equal(fragment(cancelled).access_token, undefined);

    idp.failNextTokenExchange({ client: 'github' });
    const failed = await finish(srv, await toProvider(srv, `${srv.gotrueUrl}/authorize?provider=github&redirect_to=${encodeURIComponent(DONE)}`), user);
    expectRedirectError(failed, { error: 'invalid_request', code: 'bad_oauth_callback' });

    // Whatever bytes arrive, the callback answers a redirect.
    const junk = await srv.api('GET', '/auth/v1/callback?state=%FF%FE&code=x');
    expectRedirectError(location(junk), { error: 'invalid_request', code: 'bad_oauth_state', to: `${APP}/` });
  });

  test('linkIdentity -> the provider -> linked; getUserIdentities; unlinkIdentity, never the last way in', async () => {
    const supabase = supabaseFor(srv);
    const email = uniqueEmail('gtlink');
    const signedUp = await supabase.auth.signUp({ email, password: PASSWORD });
    assert.equal(signedUp.error, null, signedUp.error?.message);
    const gh = idp.addUser({ email: uniqueEmail('gtlinkgh') });

    const { data, error } = await supabase.auth.linkIdentity({ provider: 'github', options: { redirectTo: DONE } });
    assert.equal(error, null, error?.message);
    const authorize = new URL(data.url);
    assert.equal(authorize.origin, idp.url, 'supabase-js gets the provider URL itself');
    // The app's fetch kept no cookie: the state alone finishes a link.
    const final = await finish(srv, authorize, gh, { cookie: '' });
    assert.equal(`${final}`, DONE);

    let ids = (await supabase.auth.getUserIdentities()).data.identities;
    assert.deepEqual(ids.map((i) => i.provider).sort(), ['email', 'github']);
    const github = ids.find((i) => i.provider === 'github');
    assert.equal(github.identity_data.email, gh.email);
    const emailIdentity = ids.find((i) => i.provider === 'email');

    // Raw: the same start answers {url} with skip_http_redirect, and needs a Bearer token.
    const token = (await supabase.auth.getSession()).data.session.access_token;
    const raw = await gt(srv, 'GET', '/user/identities/authorize?provider=google&skip_http_redirect=true', undefined, bearer(token));
    assert.equal(new URL(expectGoTrue(raw, 'GET', '/user/identities/authorize').url).origin, idp.url);
    expectGoTrueError(await gt(srv, 'GET', '/user/identities/authorize?provider=google&skip_http_redirect=true'), 'GET', '/user/identities/authorize', 401, 'no_authorization');

    // The email identity is the account itself; ids that are not the user's are not found.
    expectGoTrueError(await gt(srv, 'DELETE', `/user/identities/${emailIdentity.identity_id}`, undefined, bearer(token)), 'DELETE', '/user/identities/{identityId}', 422, 'validation_failed');
    expectGoTrueError(await gt(srv, 'DELETE', '/user/identities/00000000-0000-4000-8000-000000000000', undefined, bearer(token)), 'DELETE', '/user/identities/{identityId}', 422, 'identity_not_found');
    expectGoTrueError(await gt(srv, 'DELETE', '/user/identities/not-a-uuid', undefined, bearer(token)), 'DELETE', '/user/identities/{identityId}', 404, 'validation_failed');

    const unlinked = await supabase.auth.unlinkIdentity(github);
    assert.equal(unlinked.error, null, unlinked.error?.message);
    ids = (await supabase.auth.getUserIdentities()).data.identities;
    assert.deepEqual(ids.map((i) => i.provider), ['email']);

    // A GitHub-only account keeps its one way in.
    const solo = idp.addUser({ email: uniqueEmail('gtsolo') });
    const soloFinal = await finish(srv, await toProvider(srv, `${srv.gotrueUrl}/authorize?provider=github&redirect_to=${encodeURIComponent(DONE)}`), solo);
    const soloToken = fragment(soloFinal).access_token;
    const soloUser = expectGoTrue(await gt(srv, 'GET', '/user', undefined, bearer(soloToken)), 'GET', '/user');
    const only = soloUser.identities.find((i) => i.provider === 'github');
    const res = await gt(srv, 'DELETE', `/user/identities/${only.identity_id}`, undefined, bearer(soloToken));
    expectGoTrueError(res, 'DELETE', '/user/identities/{identityId}', 422, 'single_identity_not_deletable');

    // Linking solo's GitHub identity to the first account: it belongs to another one.
    const again = await supabase.auth.linkIdentity({ provider: 'github', options: { redirectTo: DONE } });
    const taken = await finish(srv, new URL(again.data.url), solo, { cookie: '' });
    expectRedirectError(taken, { error: 'server_error', code: 'identity_already_exists' });
  });

  test('/settings names the enabled providers', async () => {
    const res = await gt(srv, 'GET', '/settings');
    const s = expectGoTrue(res, 'GET', '/settings');
    for (const p of NAMES) assert.equal(s.external[p], true, p);
    assert.equal(s.external.facebook, false);
  });
});

describe('GoTrue settings names: GOTRUE_EXTERNAL_<PROVIDER>_*, manual linking off', () => {
  const srv = useServer((s) => {
    const c = idp.client('github', { redirectUri: `${s.gotrueUrl}/callback` });
    return {
      GATEHOUSE_ALLOWED_REDIRECT_URLS: `${APP}/**`,
      GOTRUE_EXTERNAL_GITHUB_ENABLED: 'true',
      GOTRUE_EXTERNAL_GITHUB_CLIENT_ID: c.clientId,
      GOTRUE_EXTERNAL_GITHUB_SECRET: c.clientSecret,
      GATEHOUSE_PROVIDER_GITHUB_AUTHORIZE_URL: `${idp.browserUrl}/authorize`,
      GATEHOUSE_PROVIDER_GITHUB_TOKEN_URL: `${idp.url}/token`,
      GATEHOUSE_PROVIDER_GITHUB_USERINFO_URL: `${idp.url}/github/user`,
      GOTRUE_SECURITY_MANUAL_LINKING_ENABLED: 'false',
    };
  }, { name: 'gotrue-oauth-settings' });

  test('a provider configured by GoTrue\'s names signs in; linking and unlinking answer manual_linking_disabled', async () => {
    const s = expectGoTrue(await gt(srv, 'GET', '/settings'), 'GET', '/settings');
    assert.equal(s.external.github, true);
    assert.equal(s.external.google, false);

    const user = idp.addUser({ email: uniqueEmail('gtenv') });
    const final = await finish(srv, await toProvider(srv, `${srv.gotrueUrl}/authorize?provider=github&redirect_to=${encodeURIComponent(DONE)}`), user);
    const token = fragment(final).access_token;
    assert.ok(token, `${final}`);
    const me = expectGoTrue(await gt(srv, 'GET', '/user', undefined, bearer(token)), 'GET', '/user');

    const link = await gt(srv, 'GET', '/user/identities/authorize?provider=github&skip_http_redirect=true', undefined, bearer(token));
    expectGoTrueError(link, 'GET', '/user/identities/authorize', 404, 'manual_linking_disabled');
    const id = me.identities.find((i) => i.provider === 'github').identity_id;
    const unlink = await gt(srv, 'DELETE', `/user/identities/${id}`, undefined, bearer(token));
    expectGoTrueError(unlink, 'DELETE', '/user/identities/{identityId}', 404, 'manual_linking_disabled');
    // Through supabase-js: the same code.
    const supabase = supabaseFor(srv);
    await supabase.auth.setSession({ access_token: token, refresh_token: fragment(final).refresh_token });
    const viaClient = await supabase.auth.linkIdentity({ provider: 'github' });
    assert.equal(viaClient.error?.code, 'manual_linking_disabled');
  });
});
