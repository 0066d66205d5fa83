// Social and OIDC sign-in through raw HTTP against the local identity provider
// (lib/idp.js), which stands in for every provider kind: the whole redirect chain
// (Gatehouse -> IdP login -> callback -> app) with redirect: 'manual', then the error
// paths (state tampering and replay, expired request, code exchange failure, provider
// refusal), email linking on and off, native ID token sign-in, grant codes, linking a
// second provider and unlinking.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createClient } from '@nhost/nhost-js';
import { MemoryStorage } from '@nhost/nhost-js/session';
import { BUILTIN_KINDS, hashedNonce, startIdp } from './lib/idp.js';
import { expectError, expectResponse, expectSchema } from './lib/schema.js';
import { Authenticator } from './lib/totp.js';
import { BIN, DATABASE, PG_URL, freePort, sleep, uniqueSchema, useServer } from './lib/server.js';
import { PASSWORD, UUID_RE, bearer, checkSession, jwtClaims, refresh, signIn, signUp, uniqueEmail } from './lib/util.js';

const idp = await startIdp();
const DEAD_PORT = await freePort(); // nothing listens there
const APP = 'http://127.0.0.1:3000';
const ALL = [...BUILTIN_KINDS, 'acme'];

/** Gatehouse env: the providers `names` at the IdP, plus `extra`. */
const oauthEnv = (extra = {}, names = ALL) => (srv) => ({ ...idp.gatehouseEnv(srv, names), GATEHOUSE_ALLOWED_REDIRECT_URLS: `${APP}/**`, ...extra });

// Generic OIDC issuers with a path (as Keycloak's /realms/x): corp is honest; liar's
// discovery document names another issuer, which OIDC Discovery says must be refused.
idp.client('corp', { issuerPath: '/realms/corp' });
idp.client('liar', { issuerPath: '/realms/liar' });
idp.discoveryPatch['/realms/liar'] = { issuer: `${idp.url}/realms/someone-else` };

// What each kind does, as the real providers do it (and the catalogue must follow).
const KIND = {
  google: { pkce: true, nonce: true, verified: true },
  apple: { nonce: true, formPost: true, verified: true },
  facebook: { pkce: true, verified: true },
  twitter: { pkce: true, noEmail: true }, // X shares no address
  github: { pkce: true, verified: true },
  discord: { verified: true }, // documents no PKCE
  acme: { pkce: true, nonce: true, verified: true },
};

function location(res) {
  assert.ok([302, 303].includes(res.status), `expected a redirect, got ${res.status}: ${res.text.slice(0, 500)}`);
  return new URL(res.headers.location);
}

const query = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined)).toString();

/** GET /signin/provider/<p>: the 302 to the IdP, its URL. */
async function begin(srv, provider, params = {}) {
  const res = await srv.api('GET', `/signin/provider/${provider}?${query({ redirectTo: `${APP}/done`, ...params })}`);
  const to = location(res);
  to.cookie = cookiesOf(res); // what the browser that started keeps for the callback
  assert.equal(to.origin, idp.url, `${provider}: should redirect to the IdP, got ${to}`);
  assert.match(res.headers['cache-control'] ?? '', /no-store/, 'a redirect carrying a state is never cached');
  return to;
}

/** The cookies a browser keeps from `res` (name=value of each Set-Cookie), as a Cookie header value. */
function cookiesOf(res) {
  const set = res.headers['set-cookie'] ?? [];
  return (Array.isArray(set) ? set : [set]).map((c) => c.split(';')[0]).join('; ');
}

const withCookie = (cookie) => (cookie ? { Cookie: cookie } : {});

/**
 * Delivers what the IdP answered to Gatehouse's callback (GET query or Apple's form
 * POST) from the browser holding `cookie` (what the start set; '' for another browser).
 */
async function deliver(srv, answer, cookie) {
  if (answer.formPost) {
    const a = new URL(answer.formPost.action);
    return srv.api('POST', a.pathname + a.search, new URLSearchParams(answer.formPost.fields).toString(), { 'Content-Type': 'application/x-www-form-urlencoded', ...withCookie(cookie) });
  }
  assert.ok(answer.location, `IdP did not redirect: ${JSON.stringify(answer).slice(0, 500)}`);
  const cb = new URL(answer.location);
  assert.equal(cb.origin, srv.url, `IdP redirected elsewhere: ${cb}`);
  return srv.api('GET', cb.pathname + cb.search, undefined, withCookie(cookie));
}

/**
 * The whole chain for `user` at `provider`: resolves {authorize, answer, res, final}
 * where final is the URL Gatehouse sent the browser back to.
 */
async function signInVia(srv, provider, user, params = {}) {
  const authorize = await begin(srv, provider, params);
  const answer = await idp.authorize(authorize.toString(), user.email ?? user.sub);
  const res = await deliver(srv, answer, authorize.cookie);
  return { authorize, answer, res, final: location(res) };
}

/** The session behind a success redirect (refreshToken in the URL), checked. */
async function sessionFrom(srv, final, redirectTo = `${APP}/done`) {
  assert.equal(`${final.origin}${final.pathname}`, redirectTo, `back to redirectTo: ${final}`);
  assert.equal(final.searchParams.get('error'), null, `error on the redirect: ${final}`);
  const rt = final.searchParams.get('refreshToken');
  assert.ok(rt, `refreshToken on the redirect: ${final}`);
  const session = await refresh(srv, rt);
  checkSession(session);
  return session;
}

function expectRedirectError(final, code, redirectTo = `${APP}/done`) {
  assert.equal(`${final.origin}${final.pathname}`, redirectTo, `errors go back to redirectTo: ${final}`);
  assert.equal(final.searchParams.get('error'), code, `error on ${final}`);
  assert.ok((final.searchParams.get('errorDescription') ?? '').length > 0, `errorDescription on ${final}`);
  assert.equal(final.searchParams.get('refreshToken'), null);
}

async function getUser(srv, session) {
  const res = await srv.api('GET', '/user', undefined, bearer(session.accessToken));
  assert.equal(res.status, 200, res.text);
  return expectResponse(res, 'GET', '/user');
}

describe('sign-in through each provider kind', () => {
  // `dead` is a generic OIDC provider whose issuer does not answer (discovery fails).
  const srv = useServer(oauthEnv({
    GATEHOUSE_ALLOWED_LOCALES: 'en,fr,de',
    GATEHOUSE_ANONYMOUS_SIGNIN_ENABLED: 'true',
    GATEHOUSE_OIDC_PROVIDERS: 'acme,corp,liar,dead',
    GATEHOUSE_OIDC_DEAD_ISSUER: `http://127.0.0.1:${DEAD_PORT}`,
    GATEHOUSE_OIDC_DEAD_CLIENT_ID: 'dead-client',
    GATEHOUSE_OIDC_DEAD_CLIENT_SECRET: 'dead-secret',
  }, [...ALL, 'corp', 'liar']), { name: 'oauth' });

  test('a generic OIDC issuer with a path (discovery at <issuer>/.well-known/...) signs in', async () => {
    const user = idp.addUser({ email: uniqueEmail('corp') });
    const { authorize, final } = await signInVia(srv, 'corp', user);
    assert.equal(authorize.searchParams.get('client_id'), idp.client('corp').clientId);
    assert.ok(idp.hits['/realms/corp/.well-known/openid-configuration'] >= 1);
    const session = await sessionFrom(srv, final);
    assert.equal(session.user.email, user.email);
  });

  test('a discovery document naming another issuer is not trusted: no sign-in through it', async () => {
    const res = await srv.api('GET', `/signin/provider/liar?${query({ redirectTo: `${APP}/done` })}`);
    expectError(res, '/signin/provider/{provider}', 'GET', [400, 502, 503], 'oauth-provider-error');
  });

  for (const provider of ALL) {
    test(`${provider}: authorize -> login -> callback -> redirectTo with refreshToken -> session with the profile`, async () => {
      const user = idp.addUser({ email: uniqueEmail(provider), name: `Jo ${provider[0].toUpperCase()}${provider.slice(1)}` });
      const { authorize, answer, res, final } = await signInVia(srv, provider, user);
      const a = authorize.searchParams;
      const k = KIND[provider];
      // Apple's form POST is answered 303 (the browser follows with a GET); the URL
      // carries a token: never cached, never sent on as a Referer.
      assert.equal(res.status, k.formPost ? 303 : 302);
      assert.match(res.headers['cache-control'] ?? '', /no-store/);
      assert.equal(res.headers['referrer-policy'], 'no-referrer');
      assert.equal(a.get('client_id'), idp.client(provider).clientId);
      assert.equal(a.get('redirect_uri'), `${srv.url}/v1/signin/provider/${provider}/callback`);
      assert.equal(a.get('response_type'), 'code');
      assert.ok((a.get('state') ?? '').length >= 16, 'state carries enough entropy');
      if (k.pkce) {
        assert.equal(a.get('code_challenge_method'), 'S256');
        assert.match(a.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
      }
      if (a.get('code_challenge')) assert.equal(a.get('code_challenge_method'), 'S256', 'only S256 PKCE');
      if (k.nonce) assert.ok((a.get('nonce') ?? '').length >= 16, 'nonce for ID-token providers');
      if (k.formPost) assert.ok(answer.formPost, 'Apple answers with form_post');
      const ex = idp.log.token.findLast((t) => t.client === provider);
      assert.ok(ex && !ex.error, `token exchange at the IdP: ${JSON.stringify(ex)}`);
      assert.equal(ex.pkce, !!a.get('code_challenge'), 'the verifier goes with the challenge');

      const session = await sessionFrom(srv, final);
      const u = await getUser(srv, session);
      assert.equal(u.displayName, user.name);
      assert.equal(u.email, k.noEmail ? undefined : user.email);
      if (k.verified) assert.equal(u.emailVerified, true, 'the provider vouched for the address');
      const avatar = {
        apple: '',
        discord: `https://cdn.discordapp.com/avatars/${user.numericId}/${user.avatarHash}.png`,
      }[provider] ?? user.picture;
      assert.equal(u.avatarUrl, avatar);
      assert.equal(jwtClaims(session.accessToken).sub, u.id);

      // The same identity again -> the same user.
      const again = await sessionFrom(srv, (await signInVia(srv, provider, user)).final);
      assert.equal(again.user.id, u.id);
    });
  }

  test('sign-up options from the query are applied to a new user and win over the profile', async () => {
    const user = idp.addUser({ email: uniqueEmail('opts'), locale: 'de' });
    const metadata = { plan: 'pro', n: 2 };
    const { final } = await signInVia(srv, 'acme', user, {
      displayName: 'Chosen Name', locale: 'fr', metadata: JSON.stringify(metadata), defaultRole: 'user', allowedRoles: 'user,me',
    });
    const u = await getUser(srv, await sessionFrom(srv, final));
    assert.equal(u.displayName, 'Chosen Name');
    assert.equal(u.locale, 'fr');
    assert.deepEqual(u.metadata, metadata);
    assert.equal(u.defaultRole, 'user');
    assert.deepEqual([...u.roles].sort(), ['me', 'user']);
    // Without options the profile's (allowed) locale is taken.
    const other = idp.addUser({ email: uniqueEmail('opts-de'), locale: 'de' });
    const u2 = await getUser(srv, await sessionFrom(srv, (await signInVia(srv, 'acme', other)).final));
    assert.equal(u2.locale, 'de');
  });

  test('bad options are refused at the start, before the provider is involved', async () => {
    const before = idp.log.authorize.length;
    const bad = [
      [{ locale: 'xx' }, 'locale-not-allowed'],
      [{ defaultRole: 'admin' }, ['role-not-allowed', 'default-role-must-be-in-allowed-roles']],
      [{ metadata: '[1,2]' }, 'invalid-request'],
      [{ metadata: '{not json' }, 'invalid-request'],
    ];
    for (const [params, code] of bad) {
      const res = await srv.api('GET', `/signin/provider/google?${query({ redirectTo: `${APP}/done`, ...params })}`);
      expectError(res, '/signin/provider/{provider}', 'GET', 400, code);
    }
    assert.equal(idp.log.authorize.length, before);
  });

  test('redirectTo not on the allowed list -> 400 redirectTo-not-allowed, no redirect to the IdP', async () => {
    const before = idp.log.authorize.length;
    for (const redirectTo of ['https://evil.example/steal', 'http://127.0.0.1:3000.evil.example/x', 'http://127.0.0.1:3000@evil.example/done',
      '//evil.example/done', 'javascript:alert(1)', 'http://127.0.0.1:30000/done']) {
      const res = await srv.api('GET', `/signin/provider/google?${query({ redirectTo })}`);
      expectError(res, '/signin/provider/{provider}', 'GET', 400, 'redirectTo-not-allowed');
    }
    assert.equal(idp.log.authorize.length, before);
  });

  test('a provider name this server does not know -> 400 invalid-request, no redirect', async () => {
    const before = idp.log.authorize.length;
    for (const p of ['myspace', 'linkedin', 'Google']) {
      const res = await srv.api('GET', `/signin/provider/${p}?${query({ redirectTo: `${APP}/done` })}`);
      expectError(res, '/signin/provider/{provider}', 'GET', 400, 'invalid-request');
    }
    assert.equal(idp.log.authorize.length, before);
  });

  test('state tampering: a changed state is refused, no session', async () => {
    const user = idp.addUser();
    const authorize = await begin(srv, 'google');
    const answer = await idp.authorize(authorize.toString(), user.email);
    const cb = new URL(answer.location);
    const st = cb.searchParams.get('state');
    for (const bad of [st.slice(0, -2) + (st.endsWith('AA') ? 'BB' : 'AA'), '', 'x'.repeat(43)]) {
      cb.searchParams.set('state', bad);
      const res = await srv.api('GET', cb.pathname + cb.search, undefined, withCookie(authorize.cookie));
      expectInvalidState(res);
    }
    // The genuine state still works once.
    cb.searchParams.set('state', st);
    await sessionFrom(srv, location(await srv.api('GET', cb.pathname + cb.search, undefined, withCookie(authorize.cookie))));
  });

  test('replayed state: the second callback with the same state and code is refused', async () => {
    const user = idp.addUser();
    const { authorize, answer, final } = await signInVia(srv, 'discord', user);
    await sessionFrom(srv, final);
    const cb = new URL(answer.location);
    expectInvalidState(await srv.api('GET', cb.pathname + cb.search, undefined, withCookie(authorize.cookie)));
  });

  test('a state issued for one provider is refused at another provider\'s callback', async () => {
    const user = idp.addUser();
    const authorize = await begin(srv, 'github');
    const answer = await idp.authorize(authorize.toString(), user.email);
    const cb = new URL(answer.location);
    const res = await srv.api('GET', `/signin/provider/discord/callback${cb.search}`, undefined, withCookie(authorize.cookie));
    expectInvalidState(res);
  });

  test('code exchange failure -> redirectTo?error=oauth-token-echange-failed', async () => {
    for (const provider of ['google', 'github']) {
      const user = idp.addUser();
      idp.failNextTokenExchange({ client: provider });
      const { final } = await signInVia(srv, provider, user);
      expectRedirectError(final, 'oauth-token-echange-failed');
    }
  });

  test('the user cancels at the provider -> redirectTo with an error, no session', async () => {
    const user = idp.addUser();
    const authorize = await begin(srv, 'acme');
    const answer = await idp.authorize(authorize.toString(), user.email, { deny: true });
    const final = location(await deliver(srv, answer, authorize.cookie));
    expectRedirectError(final, 'oauth-provider-error');
  });

  test('a verified provider email joins the existing email+password account', async () => {
    const email = uniqueEmail('link');
    const s = await signUp(srv, email);
    const user = idp.addUser({ email, emailVerified: true });
    const session = await sessionFrom(srv, (await signInVia(srv, 'google', user)).final);
    assert.equal(session.user.id, s.user.id);
    // Both ways in still work.
    await signIn(srv, email);
  });

  test('an unverified provider email does not join the existing account', async () => {
    await expectNotJoined(srv, 'acme', false);
  });

  test('an ID token from the token endpoint that does not verify (nonce, aud, iss, key) -> invalid-token, no session', async () => {
    const cases = [
      ['google', { claims: { nonce: 'not-the-one-we-sent' } }],
      ['acme', { claims: { nonce: undefined } }],
      ['google', { claims: { aud: 'another-client' } }],
      ['acme', { claims: { iss: 'https://evil.example' } }],
      ['apple', { key: 'rogue' }],
      ['acme', { claims: { exp: Math.floor(Date.now() / 1000) - 600 } }],
    ];
    for (const [provider, tamper] of cases) {
      const user = idp.addUser();
      idp.tamperNextIdToken({ client: provider, ...tamper });
      const { final } = await signInVia(srv, provider, user);
      expectRedirectError(final, 'invalid-token');
    }
  });

  test('the profile API failing -> redirectTo?error=oauth-profile-fetch-failed', async () => {
    for (const provider of ['github', 'discord', 'facebook', 'twitter']) {
      const user = idp.addUser();
      idp.failNextProfile({ client: provider });
      const { final } = await signInVia(srv, provider, user);
      expectRedirectError(final, 'oauth-profile-fetch-failed');
    }
  });

  test('an OIDC provider whose discovery does not answer -> oauth-provider-error at the start; the others still work', async () => {
    const res = await srv.api('GET', `/signin/provider/dead?${query({ redirectTo: `${APP}/done` })}`);
    const body = expectError(res, '/signin/provider/{provider}', 'GET', [400, 502, 503], 'oauth-provider-error');
    assert.ok(!body.message.includes('dead-secret'));
    await sessionFrom(srv, (await signInVia(srv, 'acme', idp.addUser())).final);
  });

  test('one callback delivered five times at once: one session, four invalid-state', async () => {
    const user = idp.addUser();
    const authorize = await begin(srv, 'acme');
    const answer = await idp.authorize(authorize.toString(), user.email);
    const cb = new URL(answer.location);
    const results = await Promise.all(Array.from({ length: 5 }, () => srv.api('GET', cb.pathname + cb.search, undefined, withCookie(authorize.cookie))));
    const finals = results.map(location);
    const ok = finals.filter((f) => f.searchParams.get('refreshToken'));
    assert.equal(ok.length, 1, finals.join('\n'));
    for (const r of results.filter((_, i) => !finals[i].searchParams.get('refreshToken'))) expectInvalidState(r);
    await sessionFrom(srv, ok[0]);
  });

  test('hostile callback parameters: a 4 KB state, bytes that are not UTF-8, an error with markup -> clean redirects, the server stays up', async () => {
    expectInvalidState(await srv.api('GET', `/signin/provider/google/callback?state=${'A'.repeat(4096)}&code=x`));
    expectInvalidState(await srv.api('GET', '/signin/provider/google/callback?state=%FF%FE%00&code=%C0%AF'));
    const authorize = await begin(srv, 'github');
    const state = authorize.searchParams.get('state');
    const res = await srv.api('GET', `/signin/provider/github/callback?${query({ state, error: 'access_denied', error_description: '<script>alert(1)</script>\r\nSet-Cookie: x=y' })}`, undefined, withCookie(authorize.cookie));
    const final = location(res);
    assert.equal(final.searchParams.get('error'), 'oauth-provider-error');
    assert.equal(res.headers['set-cookie'], undefined, 'no header injected');
    assert.equal((await srv.api('GET', '/healthz')).status, 200);
  });

  test('a callback without state, or with no query at all -> invalid-state', async () => {
    expectInvalidState(await srv.api('GET', '/signin/provider/google/callback?code=abc'));
    expectInvalidState(await srv.api('GET', '/signin/provider/google/callback'));
    expectInvalidState(await srv.api('POST', '/signin/provider/apple/callback', 'code=abc', { 'Content-Type': 'application/x-www-form-urlencoded' }));
  });

  test('provider parameters pass through to the authorization URL; ours cannot be overridden', async () => {
    const authorize = await begin(srv, 'google', { prompt: 'consent', login_hint: 'ada@example.com', access_type: 'offline', scope: 'evil', state: 'mine', client_id: 'other', redirect_uri: 'https://evil.example/cb', foo: 'bar' });
    const a = authorize.searchParams;
    assert.equal(a.get('prompt'), 'consent');
    assert.equal(a.get('login_hint'), 'ada@example.com');
    assert.equal(a.get('access_type'), 'offline');
    assert.equal(a.getAll('scope').length, 1);
    assert.ok(!a.get('scope').includes('evil'));
    assert.notEqual(a.get('state'), 'mine');
    assert.deepEqual(a.getAll('client_id'), [idp.client('google').clientId]);
    assert.deepEqual(a.getAll('redirect_uri'), [`${srv.url}/v1/signin/provider/google/callback`]);
    assert.equal(a.get('foo'), null);
  });

  test('@nhost/nhost-js signInProviderURL (arrays and metadata as the SDK encodes them) starts a working sign-in', async () => {
    const nhost = createClient({ authUrl: srv.authUrl, storage: new MemoryStorage() });
    const user = idp.addUser({ email: uniqueEmail('sdk') });
    const metadata = { from: 'sdk', list: [1, 2] };
    const url = new URL(nhost.auth.signInProviderURL('github', { redirectTo: `${APP}/done`, allowedRoles: ['user', 'me'], defaultRole: 'me', metadata }));
    const res = await srv.api('GET', url.pathname + url.search);
    const authorize = location(res);
    assert.equal(authorize.origin, idp.url);
    const final = location(await deliver(srv, await idp.authorize(authorize.toString(), user.email), cookiesOf(res)));
    const session = await sessionFrom(srv, final);
    const u = await getUser(srv, session);
    assert.deepEqual(u.metadata, metadata);
    assert.equal(u.defaultRole, 'me');
    assert.deepEqual([...u.roles].sort(), ['me', 'user']);
  });

  test('a TOTP user signing in through a provider gets an mfaTicket, not a session', async () => {
    const user = idp.addUser({ email: uniqueEmail('totp') });
    const first = await sessionFrom(srv, (await signInVia(srv, 'google', user)).final);
    const gen = await srv.api('GET', '/mfa/totp/generate', undefined, bearer(first.accessToken));
    assert.equal(gen.status, 200, gen.text);
    const auth = new Authenticator(expectResponse(gen, 'GET', '/mfa/totp/generate').totpSecret);
    const on = await srv.api('POST', '/user/mfa', { code: await auth.fresh(), activeMfaType: 'totp' }, bearer(first.accessToken));
    assert.equal(on.status, 200, on.text);
    const { final } = await signInVia(srv, 'google', user);
    assert.equal(`${final.origin}${final.pathname}`, `${APP}/done`);
    assert.equal(final.searchParams.get('refreshToken'), null, 'no session before the second factor');
    const ticket = final.searchParams.get('mfaTicket');
    assert.match(ticket ?? '', /^mfaTotp:/, `${final}`);
    const done = await srv.api('POST', '/signin/mfa/totp', { ticket, otp: await auth.fresh() });
    assert.equal(done.status, 200, done.text);
    const session = expectResponse(done, 'POST', '/signin/mfa/totp').session;
    assert.equal(session.user.id, first.user.id);
    assert.deepEqual(jwtClaims(session.accessToken).amr.map((a) => a.method ?? a), ['oauth', 'totp']);
  });

  test('an anonymous user cannot connect a provider (forbidden-anonymous at the start)', async () => {
    const anon = await srv.api('POST', '/signin/anonymous', {});
    assert.equal(anon.status, 200, anon.text);
    const res = await srv.api('GET', `/signin/provider/github?${query({ redirectTo: `${APP}/done`, connect: anon.json.session.accessToken })}`);
    expectError(res, '/signin/provider/{provider}', 'GET', 403, 'forbidden-anonymous');
  });

  test('connect with an identity that belongs to another account -> redirectTo?error=invalid-request, nothing moves', async () => {
    const owner = idp.addUser({ email: uniqueEmail('owner') });
    const ownerSession = await sessionFrom(srv, (await signInVia(srv, 'discord', owner)).final);
    const other = await signUp(srv, uniqueEmail('thief'));
    const { final } = await signInVia(srv, 'discord', owner, { connect: other.accessToken });
    expectRedirectError(final, 'invalid-request');
    const again = await sessionFrom(srv, (await signInVia(srv, 'discord', owner)).final);
    assert.equal(again.user.id, ownerSession.user.id);
  });

  test('redirectTo with its own query keeps it; the session params are added, not glued on', async () => {
    const user = idp.addUser();
    const redirectTo = `${APP}/done?tab=settings&x=a%20b`;
    const { final } = await signInVia(srv, 'github', user, { redirectTo });
    assert.equal(final.searchParams.get('tab'), 'settings');
    assert.equal(final.searchParams.get('x'), 'a b');
    await sessionFrom(srv, final);
    idp.failNextTokenExchange({ client: 'github' });
    const failed = (await signInVia(srv, 'github', idp.addUser(), { redirectTo })).final;
    assert.equal(failed.searchParams.get('tab'), 'settings');
    expectRedirectError(failed, 'oauth-token-echange-failed');
  });

  test('the identity, not the address, names the user: a changed address at the provider signs in to the same user', async () => {
    const user = idp.addUser({ email: uniqueEmail('moving') });
    const first = await sessionFrom(srv, (await signInVia(srv, 'acme', user)).final);
    user.email = uniqueEmail('moved');
    const second = await sessionFrom(srv, (await signInVia(srv, 'acme', user)).final);
    assert.equal(second.user.id, first.user.id);
  });

  test('a provider address in another case joins the existing account', async () => {
    const email = uniqueEmail('case');
    const s = await signUp(srv, email);
    const user = idp.addUser({ email: email.toUpperCase(), emailVerified: true });
    const session = await sessionFrom(srv, (await signInVia(srv, 'discord', user)).final);
    assert.equal(session.user.id, s.user.id);
  });

  test('a profile name a display name may not hold is cleaned, not refused', async () => {
    const user = idp.addUser({ email: uniqueEmail('name'), name: 'Dr <b>Evil</b> "quoted" ' + 'x'.repeat(40) });
    const u = await getUser(srv, await sessionFrom(srv, (await signInVia(srv, 'google', user)).final));
    assert.ok(u.displayName.length > 0 && u.displayName.length <= 32, JSON.stringify(u.displayName));
    assert.doesNotMatch(u.displayName, /[<>"]/);
    assert.match(u.displayName, /^Dr ?b?Evil/);
  });

  test('Apple: the form\'s user field supplies only the name; the address comes from the verified ID token', async () => {
    const victim = uniqueEmail('victim');
    const user = idp.addUser({ email: uniqueEmail('apple-user'), name: 'Real Person' });
    const authorize = await begin(srv, 'apple');
    const answer = await idp.authorize(authorize.toString(), user.email);
    answer.formPost.fields.user = JSON.stringify({ name: { firstName: 'Forged', lastName: 'Name' }, email: victim });
    const session = await sessionFrom(srv, location(await deliver(srv, answer, authorize.cookie)));
    assert.equal(session.user.email, user.email);
    assert.equal(session.user.displayName, 'Forged Name', 'the name is the browser\'s word, Apple sends no other');
  });

  test('Apple: an ID token slipped into the form does not replace the one from the token endpoint', async () => {
    const user = idp.addUser({ email: uniqueEmail('apple-code') });
    const other = idp.addUser({ email: uniqueEmail('apple-other') });
    const authorize = await begin(srv, 'apple');
    const answer = await idp.authorize(authorize.toString(), user.email);
    answer.formPost.fields.id_token = idp.mintIdToken({ client: 'apple', user: other, claims: { nonce: authorize.searchParams.get('nonce') } });
    const session = await sessionFrom(srv, location(await deliver(srv, answer, authorize.cookie)));
    assert.equal(session.user.email, user.email, 'the code\'s user, never the slipped-in token\'s');
  });

  test('Apple: a form with a state and an ID token but no code does not sign in', async () => {
    const other = idp.addUser({ email: uniqueEmail('apple-nocode') });
    const authorize = await begin(srv, 'apple');
    const fields = { state: authorize.searchParams.get('state'), id_token: idp.mintIdToken({ client: 'apple', user: other }) };
    const final = location(await deliver(srv, { formPost: { action: `${srv.url}/v1/signin/provider/apple/callback`, fields } }, authorize.cookie));
    assert.equal(final.searchParams.get('refreshToken'), null, `${final}`);
    assert.ok(final.searchParams.get('error'), `${final}`);
  });

  // Login CSRF: the attacker runs the chain up to the IdP's redirect and hands the
  // callback URL (their code, their state) to a victim, whose browser would then land in
  // the app signed in as the attacker; with `connect`, the victim's identity would be
  // linked to the attacker's account. RFC 6749 10.12: the state is bound to the user
  // agent (a cookie set at the start, checked at the callback).
  test('the state is bound to the browser that started the sign-in', async () => {
    const attacker = idp.addUser();
    const authorize = await begin(srv, 'github');
    const answer = await idp.authorize(authorize.toString(), attacker.email);
    const cb = new URL(answer.location);
    // The victim's browser never started a sign-in: it carries none of the start's cookies.
    expectInvalidState(await srv.api('GET', cb.pathname + cb.search));
  });

  test('the binding cookie: HttpOnly, scoped to the provider routes, Lax over plain HTTP; two tabs of one browser both finish', async () => {
    const res = await srv.api('GET', `/signin/provider/github?${query({ redirectTo: `${APP}/done` })}`);
    const set = [res.headers['set-cookie'] ?? []].flat();
    assert.equal(set.length, 1, JSON.stringify(set));
    const attrs = set[0].split(';').map((x) => x.trim().toLowerCase());
    assert.ok(attrs.includes('httponly'), set[0]);
    assert.ok(attrs.includes('path=/v1/signin/provider'), set[0]);
    assert.ok(attrs.includes('samesite=lax'), set[0]);
    // The same browser starts two sign-ins (showing its cookie the second time) and
    // finishes them in the other order.
    const cookie = cookiesOf(res);
    const first = location(res);
    const second = location(await srv.api('GET', `/signin/provider/acme?${query({ redirectTo: `${APP}/done` })}`, undefined, withCookie(cookie)));
    const u1 = idp.addUser();
    const u2 = idp.addUser();
    const a2 = await idp.authorize(second.toString(), u2.email);
    const a1 = await idp.authorize(first.toString(), u1.email);
    assert.equal((await sessionFrom(srv, location(await deliver(srv, a2, cookie)))).user.email, u2.email);
    assert.equal((await sessionFrom(srv, location(await deliver(srv, a1, cookie)))).user.email, u1.email);
  });

  test('provider tokens are not stored in plaintext', async () => {
    const user = idp.addUser();
    await sessionFrom(srv, (await signInVia(srv, 'google', user)).final);
    const issued = [...idp.accessTokens.entries(), ...idp.refreshTokens.entries()].filter(([, g]) => g.user === user).map(([t]) => t);
    assert.equal(issued.length, 2, 'the IdP issued an access and a refresh token');
    const stored = storedBytes(srv);
    assert.ok(stored.length > 0);
    for (const t of issued) assert.ok(!stored.includes(t), 'a provider token is stored in plaintext');
  });
});

/** Everything the server's store holds, as text: the SQLite files, or the schema's OAuth tables. */
function storedBytes(srv) {
  if (DATABASE === 'sqlite') {
    return ['gh.db', 'gh.db-wal'].map((f) => path.join(srv.dir, f)).filter(existsSync).map((p) => readFileSync(p).toString('latin1')).join('');
  }
  const tables = ['identities', 'oauth_requests', 'oauth_grants', 'audit_log'];
  const sql = tables.map((t) => `SELECT row_to_json(x)::text FROM "${srv.schema}".${t} x`).join(' UNION ALL ');
  return execFileSync('psql', [PG_URL, '-At', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
}

/**
 * Without a request behind the state there is no trusted redirectTo: the browser goes
 * to client_url with invalid-state, and no session.
 */
function expectInvalidState(res) {
  const final = location(res);
  assert.equal(final.origin, APP, `invalid state goes to client_url: ${final}`);
  assert.equal(final.searchParams.get('error'), 'invalid-state', `${final}`);
  assert.ok((final.searchParams.get('errorDescription') ?? '').length > 0);
  assert.equal(final.searchParams.get('refreshToken'), null);
  assert.equal(final.searchParams.get('grant'), null);
}

describe('automatic linking off', () => {
  const srv = useServer(oauthEnv({
    GATEHOUSE_OAUTH_LINK_VERIFIED_EMAIL: 'false',
    GATEHOUSE_PROVIDER_DISCORD_ENABLED: 'false',
    GATEHOUSE_OAUTH_STATE_COOKIE: 'false',
  }), { name: 'oauth-nolink' });

  test('with the state cookie off: no cookie, and the state alone finishes the sign-in', async () => {
    const user = idp.addUser();
    const authorize = await begin(srv, 'github');
    assert.equal(authorize.cookie, '', 'no Set-Cookie at the start');
    const final = location(await deliver(srv, await idp.authorize(authorize.toString(), user.email), ''));
    await sessionFrom(srv, final);
  });

  test('a built-in provider that is not enabled -> 403 disabled-endpoint, no redirect', async () => {
    const res = await srv.api('GET', `/signin/provider/discord?${query({ redirectTo: `${APP}/done` })}`);
    expectError(res, '/signin/provider/{provider}', 'GET', 403, 'disabled-endpoint');
  });

  test('a verified provider email does not join the existing account', async () => {
    await expectNotJoined(srv, 'google', true);
  });
});

describe('email linking when verification is required', () => {
  const srv = useServer(oauthEnv({ GATEHOUSE_EMAIL_VERIFICATION_REQUIRED: 'true' }), { name: 'oauth-verify' });

  test('an account whose address was never proven is taken over by the verified owner: its password goes', async () => {
    const email = uniqueEmail('squat');
    const res = await srv.api('POST', '/signup/email-password', { email, password: PASSWORD });
    assert.equal(res.status, 200, res.text);
    assert.equal(expectResponse(res, 'POST', '/signup/email-password').session, undefined, 'no session before verification');
    const owner = idp.addUser({ email, emailVerified: true });
    const session = await sessionFrom(srv, (await signInVia(srv, 'google', owner)).final);
    assert.equal(session.user.email, email, 'the one account with this address (addresses are unique)');
    assert.equal(session.user.emailVerified, true);
    // Whoever typed the address first cannot sign in with their password.
    const pw = await srv.api('POST', '/signin/email-password', { email, password: PASSWORD });
    expectError(pw, '/signin/email-password', 'POST', 401, 'invalid-email-password');
  });
});

/** An account has the provider's email, but may not be joined: email-already-in-use, both stay apart. */
async function expectNotJoined(srv, provider, emailVerified) {
  const email = uniqueEmail('apart');
  const s = await signUp(srv, email);
  const user = idp.addUser({ email, emailVerified });
  const { final } = await signInVia(srv, provider, user);
  expectRedirectError(final, 'email-already-in-use');
  assert.equal((await signIn(srv, email)).user.id, s.user.id);
  assert.deepEqual((await srv.api('GET', '/user/providers', undefined, bearer(s.accessToken))).json.providers, []);
}

describe('sign-up disabled', () => {
  const srv = useServer(oauthEnv({ GATEHOUSE_SIGNUP_DISABLED: 'true' }), { name: 'oauth-nosignup' });

  test('a new identity is not turned into a user', async () => {
    const user = idp.addUser();
    const { final } = await signInVia(srv, 'github', user);
    expectRedirectError(final, 'signup-disabled');
  });
});

describe('native ID token sign-in (POST /signin/idtoken)', () => {
  // The native apps' own client ids, accepted as audiences besides the web client's.
  const APP_AUDIENCES = ['ios-app.apps.example', 'android-app.apps.example'];
  const srv = useServer(oauthEnv({ GATEHOUSE_PROVIDER_GOOGLE_AUDIENCES: APP_AUDIENCES.join(',') }), { name: 'oauth-idtoken' });
  const P = '/signin/idtoken';

  async function idTokenSignIn(body) {
    const res = await srv.api('POST', P, body);
    assert.equal(res.status, 200, `${P}: ${res.status} ${res.text.slice(0, 500)}`);
    const json = expectResponse(res, 'POST', P);
    assert.ok(json.session);
    checkSession(json.session);
    return json.session;
  }

  test('google: a good token signs in (and in again as the same user); the JWKS is fetched once', async () => {
    const user = idp.addUser({ email: uniqueEmail('idt') });
    const nonce = 'raw-nonce-0123456789';
    const jwksBefore = idp.hits['/jwks'] ?? 0;
    const s1 = await idTokenSignIn({ provider: 'google', idToken: idp.mintIdToken({ client: 'google', user, claims: { nonce } }), nonce });
    assert.equal(s1.user.email, user.email);
    assert.equal(s1.user.displayName, user.name);
    const s2 = await idTokenSignIn({ provider: 'google', idToken: idp.mintIdToken({ client: 'google', user }) });
    assert.equal(s2.user.id, s1.user.id);
    assert.ok((idp.hits['/jwks'] ?? 0) - jwksBefore <= 1, 'JWKS cached between sign-ins');
  });

  test('apple: the token may carry hex(SHA-256(nonce)) for the raw nonce the app sends', async () => {
    const user = idp.addUser({ email: uniqueEmail('apple-idt') });
    const nonce = 'apple-raw-nonce-42';
    const s = await idTokenSignIn({ provider: 'apple', idToken: idp.mintIdToken({ client: 'apple', user, claims: { nonce: hashedNonce(nonce) } }), nonce });
    assert.equal(s.user.email, user.email);
  });

  test('another audience, a wrong nonce, an unknown key, another issuer, an expired token are refused', async () => {
    const user = idp.addUser();
    const cases = {
      'wrong audience': { idToken: idp.mintIdToken({ client: 'google', user, claims: { aud: 'someone-else' } }) },
      'the acme client': { idToken: idp.mintIdToken({ client: 'acme', user }) },
      'wrong nonce': { idToken: idp.mintIdToken({ client: 'google', user, claims: { nonce: 'expected' } }), nonce: 'other' },
      'nonce missing from the token': { idToken: idp.mintIdToken({ client: 'google', user }), nonce: 'given' },
      'unknown key': { idToken: idp.mintIdToken({ client: 'google', user, key: 'rogue' }) },
      'known kid, other key': { idToken: idp.mintIdToken({ client: 'google', user, key: 'rogue', header: { kid: idp.keys.rsa.kid } }) },
      'another issuer': { idToken: idp.mintIdToken({ client: 'google', user, claims: { iss: 'https://evil.example' } }) },
      expired: { idToken: idp.mintIdToken({ client: 'google', user, claims: { iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 } }) },
      'alg none': { idToken: unsigned(idp.mintIdToken({ client: 'google', user })) },
      'HS256 keyed with the published RSA key': { idToken: hmacConfused(idp.mintIdToken({ client: 'google', user }), idp.keys.rsa) },
      'the RSA kid with an ES256 signature': { idToken: idp.mintIdToken({ client: 'google', user, key: 'ec', header: { kid: idp.keys.rsa.kid } }) },
      'not valid yet (nbf in an hour)': { idToken: idp.mintIdToken({ client: 'google', user, claims: { nbf: Math.floor(Date.now() / 1000) + 3600 } }) },
      'issued in an hour': { idToken: idp.mintIdToken({ client: 'google', user, claims: { iat: Math.floor(Date.now() / 1000) + 3600, exp: Math.floor(Date.now() / 1000) + 7200 } }) },
      'no exp': { idToken: idp.mintIdToken({ client: 'google', user, claims: { exp: undefined } }) },
      'no sub': { idToken: idp.mintIdToken({ client: 'google', user, claims: { sub: undefined } }) },
      garbage: { idToken: 'not.a.jwt' },
    };
    for (const [name, c] of Object.entries(cases)) {
      const res = await srv.api('POST', P, { provider: 'google', ...c });
      assert.equal(res.status, 401, `${name}: expected 401, got ${res.status} ${res.text.slice(0, 300)}`);
      // The native vocabulary has no invalid-token: a token that does not verify is unauthenticated.
      expectError(res, P, 'POST', 401, 'unauthenticated-user');
    }
    // None of them created the user.
    const ok = await idTokenSignIn({ provider: 'google', idToken: idp.mintIdToken({ client: 'google', user }) });
    assert.equal(ok.user.email, user.email);
  });

  test('an ID token naming an existing account\'s address joins it only when the provider verified it', async () => {
    const email = uniqueEmail('idt-link');
    const s = await signUp(srv, email);
    const unverified = idp.addUser({ email, emailVerified: false });
    const res = await srv.api('POST', P, { provider: 'google', idToken: idp.mintIdToken({ client: 'google', user: unverified }) });
    expectError(res, P, 'POST', 409, 'email-already-in-use');
    const verified = idp.addUser({ email, emailVerified: true });
    const joined = await idTokenSignIn({ provider: 'google', idToken: idp.mintIdToken({ client: 'google', user: verified }) });
    assert.equal(joined.user.id, s.user.id);
  });

  test('sign-up options in the body apply to a user the ID token creates', async () => {
    const user = idp.addUser({ email: uniqueEmail('idt-opts') });
    const options = { displayName: 'Native App User', metadata: { platform: 'ios' }, defaultRole: 'user', allowedRoles: ['user', 'me'] };
    const s = await idTokenSignIn({ provider: 'google', idToken: idp.mintIdToken({ client: 'google', user }), options });
    assert.equal(s.user.displayName, 'Native App User');
    assert.deepEqual(s.user.metadata, { platform: 'ios' });
    assert.deepEqual([...s.user.roles].sort(), ['me', 'user']);
    const bad = await srv.api('POST', P, { provider: 'google', idToken: idp.mintIdToken({ client: 'google', user: idp.addUser() }), options: { defaultRole: 'admin' } });
    expectError(bad, P, 'POST', 400, ['role-not-allowed', 'default-role-must-be-in-allowed-roles']);
  });

  test('the configured further audiences are accepted, alone or with the client id', async () => {
    const user = idp.addUser({ email: uniqueEmail('aud') });
    for (const aud of [APP_AUDIENCES[1], [idp.client('google').clientId, APP_AUDIENCES[0]]]) {
      const s = await idTokenSignIn({ provider: 'google', idToken: idp.mintIdToken({ client: 'google', user, claims: { aud } }) });
      assert.equal(s.user.email, user.email);
    }
  });

  // OIDC Core 3.1.3.7 (3): reject a token that "contains additional audiences not
  // trusted by the Client".
  test('an audience list with an untrusted member is refused', async () => {
    const user = idp.addUser();
    const res = await srv.api('POST', P, { provider: 'google', idToken: idp.mintIdToken({ client: 'google', user, claims: { aud: [idp.client('google').clientId, 'someone-else'] } }) });
    expectError(res, P, 'POST', 401, 'unauthenticated-user');
  });

  test('a generic OIDC provider of this server is accepted too (ES256 token)', async () => {
    const user = idp.addUser({ email: uniqueEmail('acme-idt') });
    const token = idp.mintIdToken({ client: 'acme', user });
    assert.equal(JSON.parse(Buffer.from(token.split('.')[0], 'base64url')).alg, 'ES256');
    const s = await idTokenSignIn({ provider: 'acme', idToken: token });
    assert.equal(s.user.email, user.email);
  });

  test('a provider that is not google or apple -> 400', async () => {
    const res = await srv.api('POST', P, { provider: 'github', idToken: idp.mintIdToken({ client: 'acme' }) });
    expectError(res, P, 'POST', 400, ['invalid-request']);
  });
});

describe('grant codes, linking and unlinking', () => {
  const srv = useServer(oauthEnv(), { name: 'oauth-link' });
  const GRANT = '/signin/provider/grant';

  async function redeem(grant) {
    return srv.api('POST', GRANT, { grant });
  }

  test('grant=true: the redirect carries a one-time grant, not a refresh token; POST /signin/provider/grant trades it once', async () => {
    const user = idp.addUser({ email: uniqueEmail('grant') });
    const { final } = await signInVia(srv, 'google', user, { grant: 'true' });
    assert.equal(`${final.origin}${final.pathname}`, `${APP}/done`);
    assert.equal(final.searchParams.get('refreshToken'), null, 'no long-lived token in the URL');
    assert.equal(final.searchParams.get('error'), null, `${final}`);
    const grant = final.searchParams.get('grant');
    assert.ok(grant && grant.length >= 20, `grant on ${final}`);
    const res = await redeem(grant);
    assert.equal(res.status, 200, res.text);
    const body = expectSchema('SessionPayload', res.json);
    checkSession(body.session, { email: user.email });
    assert.deepEqual(jwtClaims(body.session.accessToken).amr.map((a) => a.method ?? a), ['oauth']);
    const again = await redeem(grant);
    assert.equal(again.status, 400, again.text);
    assert.equal(again.json.error, 'invalid-ticket');
    expectSchema('ErrorResponse', again.json);
    const bogus = await redeem('not-a-grant');
    assert.equal(bogus.json.error, 'invalid-ticket');
  });

  test('connect: a signed-in user links GitHub through the redirect; the list shows it; GitHub then signs in to that user', async () => {
    const email = uniqueEmail('connect');
    const s = await signUp(srv, email);
    const gh = idp.addUser({ email: uniqueEmail('connect-gh') }); // another address at GitHub
    const { final } = await signInVia(srv, 'github', gh, { connect: s.accessToken });
    assert.equal(`${final.origin}${final.pathname}`, `${APP}/done`);
    assert.equal(final.searchParams.get('error'), null, `${final}`);
    assert.equal(final.searchParams.get('refreshToken'), null, 'connect links, it does not sign in');
    const list = await providers(s);
    assert.deepEqual(list.map((p) => p.provider), ['github']);
    assert.equal(list[0].providerUserId, String(Number(gh.numericId.slice(0, 9))));
    const later = await sessionFrom(srv, (await signInVia(srv, 'github', gh)).final);
    assert.equal(later.user.id, s.user.id);
    assert.equal(later.user.email, email, 'linking does not change the account\'s address');
  });

  test('connect with a bad token is refused at the start', async () => {
    const res = await srv.api('GET', `/signin/provider/github?${query({ redirectTo: `${APP}/done`, connect: 'not.a.jwt' })}`);
    expectError(res, '/signin/provider/{provider}', 'GET', 401, 'unauthenticated-user');
  });

  test('POST /link/idtoken links Google to the signed-in user; an identity of another account is refused', async () => {
    const s = await signUp(srv, uniqueEmail('linkid'));
    const g = idp.addUser({ email: uniqueEmail('linkid-g') });
    const nonce = 'link-nonce-0123456789';
    const res = await srv.api('POST', '/link/idtoken', { provider: 'google', idToken: idp.mintIdToken({ client: 'google', user: g, claims: { nonce } }), nonce }, bearer(s.accessToken));
    assert.equal(res.status, 200, res.text);
    assert.equal(expectResponse(res, 'POST', '/link/idtoken'), 'OK');
    assert.deepEqual((await providers(s)).map((p) => p.provider), ['google']);
    // The same Google account cannot be linked to a second user.
    const other = await signUp(srv, uniqueEmail('linkid-other'));
    const dup = await srv.api('POST', '/link/idtoken', { provider: 'google', idToken: idp.mintIdToken({ client: 'google', user: g }) }, bearer(other.accessToken));
    expectError(dup, '/link/idtoken', 'POST', 400, 'invalid-request');
    const noAuth = await srv.api('POST', '/link/idtoken', { provider: 'google', idToken: idp.mintIdToken({ client: 'google', user: g }) });
    expectError(noAuth, '/link/idtoken', 'POST', 401, 'unauthenticated-user');
    const badToken = await srv.api('POST', '/link/idtoken', { provider: 'google', idToken: idp.mintIdToken({ client: 'google', user: idp.addUser(), key: 'rogue' }) }, bearer(other.accessToken));
    expectError(badToken, '/link/idtoken', 'POST', 401, 'unauthenticated-user');
    assert.deepEqual(await providers(other), []);
  });

  test('/user/providers, unlinking and /link/idtoken need a valid access token; a wrong nonce does not link', async () => {
    for (const [method, p] of [['GET', '/user/providers'], ['DELETE', '/user/providers/google']]) {
      const res = await srv.api(method, p);
      assert.equal(res.status, 401, `${method} ${p}: ${res.text}`);
      assert.equal(expectSchema('ErrorResponse', res.json).error, 'unauthenticated-user');
    }
    const s = await signUp(srv, uniqueEmail('nonce-link'));
    const g = idp.addUser();
    const res = await srv.api('POST', '/link/idtoken', { provider: 'google', idToken: idp.mintIdToken({ client: 'google', user: g, claims: { nonce: 'right' } }), nonce: 'wrong' }, bearer(s.accessToken));
    expectError(res, '/link/idtoken', 'POST', 401, 'unauthenticated-user');
    assert.deepEqual(await providers(s), []);
  });

  test('unlink: one of two providers goes; the last way in stays', async () => {
    const user = idp.addUser({ email: uniqueEmail('unlink') });
    const session = await sessionFrom(srv, (await signInVia(srv, 'discord', user)).final);
    const linkRes = await srv.api('POST', '/link/idtoken', { provider: 'google', idToken: idp.mintIdToken({ client: 'google', user }) }, bearer(session.accessToken));
    assert.equal(linkRes.status, 200, linkRes.text);
    assert.deepEqual((await providers(session)).map((p) => p.provider).sort(), ['discord', 'google']);
    const del = await srv.api('DELETE', '/user/providers/discord', undefined, bearer(session.accessToken));
    assert.equal(del.status, 200, del.text);
    assert.equal(del.json, 'OK');
    assert.deepEqual((await providers(session)).map((p) => p.provider), ['google']);
    // Google is now the only way in (no password; magic link and email code are off).
    const last = await srv.api('DELETE', '/user/providers/google', undefined, bearer(session.accessToken));
    assert.equal(last.status, 400, last.text);
    assert.equal(expectSchema('ErrorResponse', last.json).error, 'invalid-request');
    assert.deepEqual((await providers(session)).map((p) => p.provider), ['google']);
    const none = await srv.api('DELETE', '/user/providers/github', undefined, bearer(session.accessToken));
    assert.equal(none.status, 400, none.text);
    // Google still signs in to the same user.
    const back = await sessionFrom(srv, (await signInVia(srv, 'google', user)).final);
    assert.equal(back.user.id, session.user.id);
  });

  test('a password user may unlink the only provider', async () => {
    const email = uniqueEmail('unlink-pw');
    const s = await signUp(srv, email);
    const g = idp.addUser({ email: uniqueEmail('unlink-pw-g') });
    const { final } = await signInVia(srv, 'acme', g, { connect: s.accessToken });
    assert.equal(final.searchParams.get('error'), null, `${final}`);
    assert.deepEqual((await providers(s)).map((p) => p.provider), ['acme']);
    const del = await srv.api('DELETE', '/user/providers/acme', undefined, bearer(s.accessToken));
    assert.equal(del.status, 200, del.text);
    assert.deepEqual(await providers(s), []);
    await signIn(srv, email);
  });

  async function providers(session) {
    const res = await srv.api('GET', '/user/providers', undefined, bearer(session.accessToken));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(Object.keys(res.json), ['providers']);
    for (const p of res.json.providers) {
      assert.match(p.id, UUID_RE);
      assert.equal(typeof p.providerUserId, 'string');
      assert.ok(!Number.isNaN(Date.parse(p.createdAt)) && !Number.isNaN(Date.parse(p.updatedAt)));
      for (const k of Object.keys(p)) assert.ok(['id', 'provider', 'providerUserId', 'email', 'createdAt', 'updatedAt'].includes(k), `unexpected member ${k}`);
    }
    return res.json.providers;
  }
});

/** The token re-signed HS256 with the public key's PEM as the secret (alg confusion). */
function hmacConfused(jwt, key) {
  const [, c] = jwt.split('.');
  const input = `${Buffer.from(JSON.stringify({ alg: 'HS256', kid: key.kid, typ: 'JWT' })).toString('base64url')}.${c}`;
  const pem = key.publicKey.export({ type: 'spki', format: 'pem' });
  return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
}

function unsigned(jwt) {
  const [, c] = jwt.split('.');
  return `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${c}.`;
}



describe('Nhost setting names (AUTH_PROVIDER_*)', () => {
  // The same providers configured the way an Nhost deployment spells them; Apple's .p8
  // key with literal "\n" escapes, as it usually sits in a one-line variable.
  const srv = useServer((s) => {
    const env = {};
    for (const [k, v] of Object.entries(idp.gatehouseEnv(s, ['github', 'apple']))) {
      const m = /^GATEHOUSE_PROVIDER_(GITHUB|APPLE)_(ENABLED|CLIENT_ID|CLIENT_SECRET|TEAM_ID|KEY_ID|PRIVATE_KEY)$/.exec(k);
      if (m) env[`AUTH_PROVIDER_${m[1]}_${m[2]}`] = m[2] === 'PRIVATE_KEY' ? v.trim().replace(/\n/g, '\\n') : v;
      else env[k] = v;
    }
    return env;
  }, { name: 'oauth-nhost-names' });

  for (const provider of ['github', 'apple']) {
    test(`${provider} signs in`, async () => {
      const user = idp.addUser({ email: uniqueEmail(`nhost-${provider}`) });
      const session = await sessionFrom(srv, (await signInVia(srv, provider, user)).final);
      assert.equal(session.user.email, user.email);
    });
  }
});

describe('users moved from another system keep their social sign-in', () => {
  const srv = useServer(oauthEnv(), { name: 'oauth-import' });

  /** A user row in our export format with one identity, imported into the server's database with the CLI. */
  function importUser({ email, disabled = false, provider, providerUserId }) {
    const id = randomUUID();
    const t = '2024-02-01T10:00:00.000Z';
    const row = {
      id, createdAt: t, updatedAt: t, lastSeen: null, displayName: 'Imported Person', avatarUrl: '', locale: 'en',
      email, emailVerified: true, newEmail: null, phoneNumber: null, phoneNumberVerified: false, passwordHash: null,
      defaultRole: 'user', roles: ['user', 'me'], isAnonymous: false, disabled, metadata: { from: 'elsewhere' },
      activeMfaType: null, totpSecretEncrypted: null,
      identities: [{ id: randomUUID(), provider, providerUserId, email, data: {}, createdAt: t, updatedAt: t }],
    };
    const r = spawnSync(BIN, ['users', 'import'], { env: srv.env(), input: `${JSON.stringify(row)}\n`, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `import: ${r.stderr}`);
    return id;
  }

  test('an imported identity signs in to the imported user (same id, roles, metadata)', async () => {
    const user = idp.addUser({ email: uniqueEmail('imported') });
    const id = importUser({ email: user.email, provider: 'google', providerUserId: user.sub });
    const session = await sessionFrom(srv, (await signInVia(srv, 'google', user)).final);
    assert.equal(session.user.id, id);
    const u = await getUser(srv, session);
    assert.deepEqual(u.metadata, { from: 'elsewhere' });
    assert.deepEqual([...u.roles].sort(), ['me', 'user']);
    const gh = idp.addUser({ email: uniqueEmail('imported-gh') });
    const ghId = importUser({ email: gh.email, provider: 'github', providerUserId: String(Number(gh.numericId.slice(0, 9))) });
    assert.equal((await sessionFrom(srv, (await signInVia(srv, 'github', gh)).final)).user.id, ghId);
  });

  test('a disabled user cannot sign in through a provider, nor with an ID token', async () => {
    const user = idp.addUser({ email: uniqueEmail('disabled') });
    importUser({ email: user.email, provider: 'google', providerUserId: user.sub, disabled: true });
    const { final } = await signInVia(srv, 'google', user);
    expectRedirectError(final, 'disabled-user');
    const res = await srv.api('POST', '/signin/idtoken', { provider: 'google', idToken: idp.mintIdToken({ client: 'google', user }) });
    expectError(res, '/signin/idtoken', 'POST', 403, 'disabled-user');
  });
});

describe('two instances behind one address (PostgreSQL)', { skip: DATABASE !== 'postgres' && 'PostgreSQL pass only' }, () => {
  // What a load balancer sees: one public URL, one schema, any instance may get the
  // callback of a sign-in another one started.
  const LB = 'http://gatehouse.lb.example';
  const env = {
    ...idp.gatehouseEnv({ url: LB }, ['github', 'acme']),
    GATEHOUSE_PUBLIC_URL: LB,
    GATEHOUSE_DATABASE_SCHEMA: uniqueSchema('oauthlb'),
    GATEHOUSE_ALLOWED_REDIRECT_URLS: `${APP}/**`,
  };
  const a = useServer(env, { name: 'oauth-a' });
  const b = useServer(env, { name: 'oauth-b' });

  /** Starts at `from`, consents at the IdP, delivers the callback to `to`. */
  async function across(from, to, provider, user, params = {}) {
    const start = await from.api('GET', `/signin/provider/${provider}?${query({ redirectTo: `${APP}/done`, ...params })}`);
    const authorize = location(start);
    assert.equal(authorize.searchParams.get('redirect_uri'), `${LB}/v1/signin/provider/${provider}/callback`);
    const answer = await idp.authorize(authorize.toString(), user.email);
    const cb = new URL(answer.location);
    assert.equal(cb.origin, LB);
    return location(await to.api('GET', cb.pathname + cb.search, undefined, withCookie(cookiesOf(start))));
  }

  test('started on one instance, finished on the other (OAuth 2.0 and OIDC with a nonce); the session works on both', async () => {
    for (const [from, to, provider] of [[a, b, 'github'], [b, a, 'acme']]) {
      const user = idp.addUser({ email: uniqueEmail(`lb-${provider}`) });
      const final = await across(from, to, provider, user);
      const session = await sessionFrom(from, final);
      assert.equal(session.user.email, user.email);
      assert.equal((await getUser(to, session)).id, session.user.id);
    }
  });

  test('a grant code from one instance is redeemed on the other, once', async () => {
    const user = idp.addUser({ email: uniqueEmail('lb-grant') });
    const final = await across(a, b, 'github', user, { grant: 'true' });
    const grant = final.searchParams.get('grant');
    assert.ok(grant, `${final}`);
    const [r1, r2] = await Promise.all([a.api('POST', '/signin/provider/grant', { grant }), b.api('POST', '/signin/provider/grant', { grant })]);
    assert.deepEqual([r1.status, r2.status].sort(), [200, 400], `${r1.text} / ${r2.text}`);
    const ok = r1.status === 200 ? r1 : r2;
    assert.equal(expectSchema('SessionPayload', ok.json).session.user.email, user.email);
  });
});

// The two waits (TTLs, the JWKS refetch interval) overlap instead of adding up.
describe('waiting for time to pass', { concurrency: true }, () => {
  describe('expiry of requests and grant codes', () => {
    // The shortest the settings allow: 30 s for a request, 5 s for a grant.
    const srv = useServer(oauthEnv({ GATEHOUSE_OAUTH_REQUEST_TTL_SECONDS: '30', GATEHOUSE_OAUTH_GRANT_TTL_SECONDS: '5' }), { name: 'oauth-ttl' });

    test('a grant code after its TTL is refused; a callback after the request expired is refused', async () => {
      const user = idp.addUser();
      const authorize = await begin(srv, 'github');
      const started = Date.now(); // the request expires 30 s after it was stored, before now
      const answer = await idp.authorize(authorize.toString(), user.email);

      const { final } = await signInVia(srv, 'github', idp.addUser(), { grant: 'true' });
      const grant = final.searchParams.get('grant');
      assert.ok(grant, `${final}`);
      await sleep(6000);
      const res = await srv.api('POST', '/signin/provider/grant', { grant });
      assert.equal(res.status, 400, res.text);
      assert.equal(expectSchema('ErrorResponse', res.json).error, 'invalid-ticket');

      await sleep(Math.max(0, started + 31_000 - Date.now()));
      expectInvalidState(await deliver(srv, answer, authorize.cookie));
    });
  });

  describe('provider key rotation', () => {
    const srv = useServer(oauthEnv(), { name: 'oauth-rotation' });

    test('an ID token under a new kid verifies once the JWKS is refetched (within 35 s); the retired key no longer does', async () => {
      const user = idp.addUser({ email: uniqueEmail('rotate') });
      const signInWith = (key) => srv.api('POST', '/signin/idtoken', { provider: 'google', idToken: idp.mintIdToken({ client: 'google', user, key }) });
      assert.equal((await signInWith()).status, 200, 'the JWKS is cached now');
      idp.rotateKeys();
      const started = Date.now();
      let res;
      do {
        res = await signInWith();
        if (res.status === 200) break;
        expectError(res, '/signin/idtoken', 'POST', 401, 'unauthenticated-user');
        await sleep(2000);
      } while (Date.now() - started < 35_000);
      assert.equal(res.status, 200, `a token under the new kid still refused after ${Date.now() - started} ms: ${res.text}`);
      expectResponse(res, 'POST', '/signin/idtoken');
      const old = await signInWith(idp.retired.find((k) => k.alg === 'RS256'));
      expectError(old, '/signin/idtoken', 'POST', 401, 'unauthenticated-user');
    });
  });
});
