// Social and OIDC sign-in through raw HTTP against the local identity provider
// (lib/idp.js), which stands in for every provider kind: the whole redirect chain
// (Gatehouse -> IdP login -> callback -> app) for each kind with what the real provider
// checks (PKCE, nonce, client authentication), the profile on the new user, sign-up
// options, redirectTo, and the failures that come back to the app as
// ?error=...&errorDescription=... (exchange, profile, ID token, discovery, the user
// cancelling). State handling: oauth-state; linking: oauth-linking; native ID tokens:
// oauth-idtoken.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createClient } from '@nhost/nhost-js';
import { MemoryStorage } from '@nhost/nhost-js/session';
import { startIdp } from './lib/idp.js';
import { ALL, APP, cookiesOf, deliver, expectRedirectError, getUser, location, oauthKit, query, sessionFrom } from './lib/oauth.js';
import { expectError } from './lib/schema.js';
import { DATABASE, PG_URL, freePort, useServer } from './lib/server.js';
import { jwtClaims, uniqueEmail } from './lib/util.js';

const idp = await startIdp();
const { oauthEnv, begin, signInVia } = oauthKit(idp);
const DEAD_PORT = await freePort(); // nothing listens there

// Generic OIDC issuers with a path (as Keycloak's /realms/x): corp is honest; liar's
// discovery document names another issuer, which OIDC Discovery says must be refused.
idp.client('corp', { issuerPath: '/realms/corp' });
idp.client('liar', { issuerPath: '/realms/liar' });
idp.discoveryPatch['/realms/liar'] = { issuer: `${idp.url}/realms/someone-else` };
// strict takes only client_secret_basic at its token endpoint and says so in discovery
// (OIDC Discovery: the default when the member is absent, too).
idp.client('strict', { issuerPath: '/realms/strict', tokenAuth: 'basic' });
idp.discoveryPatch['/realms/strict'] = { token_endpoint_auth_methods_supported: ['client_secret_basic'] };

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

describe('sign-in through each provider kind', () => {
  // `dead` is a generic OIDC provider whose issuer does not answer (discovery fails).
  const srv = useServer(oauthEnv({
    GATEHOUSE_ALLOWED_LOCALES: 'en,fr,de',
    GATEHOUSE_OIDC_PROVIDERS: 'acme,corp,liar,strict,dead',
    GATEHOUSE_OIDC_DEAD_ISSUER: `http://127.0.0.1:${DEAD_PORT}`,
    GATEHOUSE_OIDC_DEAD_CLIENT_ID: 'dead-client',
    GATEHOUSE_OIDC_DEAD_CLIENT_SECRET: 'dead-secret',
  }, [...ALL, 'corp', 'liar', 'strict']), { name: 'oauth' });

  test('a generic OIDC issuer with a path (discovery at <issuer>/.well-known/...) signs in', async () => {
    const user = idp.addUser({ email: uniqueEmail('corp') });
    const { authorize, final } = await signInVia(srv, 'corp', user);
    assert.equal(authorize.searchParams.get('client_id'), idp.client('corp').clientId);
    assert.ok(idp.hits['/realms/corp/.well-known/openid-configuration'] >= 1);
    const session = await sessionFrom(srv, final);
    assert.equal(session.user.email, user.email);
  });

  test('a generic OIDC provider that takes only client_secret_basic (per its discovery document) signs in', async () => {
    const user = idp.addUser({ email: uniqueEmail('strict') });
    const session = await sessionFrom(srv, (await signInVia(srv, 'strict', user)).final);
    assert.equal(session.user.email, user.email);
  });

  test('a discovery document naming another issuer is not trusted: no sign-in through it', async () => {
    const res = await srv.api('GET', `/signin/provider/liar?${query({ redirectTo: `${APP}/done` })}`);
    expectError(res, '/signin/provider/{provider}', 'GET', 400, 'oauth-provider-error');
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
      // (Apple sends the name only the first time: it must not be lost the second.)
      const again = await sessionFrom(srv, (await signInVia(srv, provider, user)).final);
      assert.equal(again.user.id, u.id);
      assert.equal(again.user.displayName, user.name);
      assert.equal(again.user.avatarUrl, avatar);
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

  test('an ID token without the address: userinfo fills it in, unless its sub is someone else\'s (OIDC Core 5.3.2)', async () => {
    const bare = { email: undefined, email_verified: undefined, name: undefined, picture: undefined };
    const user = idp.addUser({ email: uniqueEmail('gaps') });
    idp.tamperNextIdToken({ client: 'acme', claims: bare });
    const u = await getUser(srv, await sessionFrom(srv, (await signInVia(srv, 'acme', user)).final));
    assert.equal(u.email, user.email);
    assert.equal(u.displayName, user.name);
    const other = idp.addUser({ email: uniqueEmail('gaps-other') });
    idp.tamperNextIdToken({ client: 'acme', claims: bare });
    idp.tamperNextUserinfo({ client: 'acme', claims: { sub: user.sub, email: user.email } });
    expectRedirectError((await signInVia(srv, 'acme', other)).final, 'oauth-profile-fetch-failed');
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
    const body = expectError(res, '/signin/provider/{provider}', 'GET', 400, 'oauth-provider-error');
    assert.ok(!body.message.includes('dead-secret'));
    await sessionFrom(srv, (await signInVia(srv, 'acme', idp.addUser())).final);
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

  test('the server log holds none of the secrets that passed through it', async () => {
    const user = idp.addUser();
    const session = await sessionFrom(srv, (await signInVia(srv, 'google', user)).final);
    const secrets = [
      ...idp.accessTokens.keys(), ...idp.refreshTokens.keys(), session.refreshToken,
      ...[...idp.clients.values()].map((c) => c.clientSecret),
      idp.apple.privateKey.export({ type: 'pkcs8', format: 'pem' }).split('\n')[1],
    ];
    const log = srv.logText(1_000_000);
    for (const secret of secrets) assert.ok(!log.includes(secret), `a secret is in the log: ${secret.slice(0, 8)}...`);
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

describe('sign-up disabled, Discord switched off', () => {
  const srv = useServer(oauthEnv({ GATEHOUSE_SIGNUP_DISABLED: 'true', GATEHOUSE_PROVIDER_DISCORD_ENABLED: 'false' }), { name: 'oauth-nosignup' });

  test('a built-in provider that is not enabled -> 409 disabled-endpoint, no redirect', async () => {
    const res = await srv.api('GET', `/signin/provider/discord?${query({ redirectTo: `${APP}/done` })}`);
    expectError(res, '/signin/provider/{provider}', 'GET', 409, 'disabled-endpoint');
  });

  test('a new identity is not turned into a user', async () => {
    const user = idp.addUser();
    const { final } = await signInVia(srv, 'github', user);
    expectRedirectError(final, 'signup-disabled');
  });
});

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

describe('a provider that hangs', () => {
  const srv = useServer(oauthEnv({ GATEHOUSE_OAUTH_HTTP_TIMEOUT_SECONDS: '2' }), { name: 'oauth-timeout' });

  test('the token call gives up after oauth_http_timeout_seconds: the browser gets an error, not a hang', async () => {
    const user = idp.addUser();
    const authorize = await begin(srv, 'github');
    const answer = await idp.authorize(authorize.toString(), user.email);
    idp.stallNextTokenExchange({ client: 'github', ms: 5000 });
    const t0 = Date.now();
    const final = location(await deliver(srv, answer, authorize.cookie));
    const took = Date.now() - t0;
    assert.ok(took >= 1500 && took < 4500, `answered after ${took} ms`);
    // No answer at all is the provider's failure (HttpClient's oauth-provider-error).
    expectRedirectError(final, 'oauth-provider-error');
  });
});
