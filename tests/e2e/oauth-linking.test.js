// Who a social sign-in lands on, and linking: an identity already linked, a verified
// provider address joining an account (on, off, unverified, other case, an unproven
// account's password dropped), TOTP users, grant codes, `connect` and POST
// /link/idtoken, GET /user/providers, unlinking (never the last way in), and users
// imported from another system with their identities.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { startIdp } from './lib/idp.js';
import { APP, expectRedirectError, getUser, oauthKit, query, sessionFrom } from './lib/oauth.js';
import { expectError, expectResponse, expectSchema } from './lib/schema.js';
import { BIN, useServer } from './lib/server.js';
import { Authenticator } from './lib/totp.js';
import { PASSWORD, UUID_RE, bearer, checkSession, jwtClaims, signIn, signUp, uniqueEmail } from './lib/util.js';

const idp = await startIdp();
const { oauthEnv, signInVia } = oauthKit(idp);

describe('linking by address, second factor, connect', () => {
  const srv = useServer(oauthEnv({ GATEHOUSE_ANONYMOUS_SIGNIN_ENABLED: 'true' }), { name: 'oauth-linking' });

  test('a verified provider email joins the existing email+password account', async () => {
    const email = uniqueEmail('link');
    const s = await signUp(srv, email);
    const user = idp.addUser({ email, emailVerified: true });
    const session = await sessionFrom(srv, (await signInVia(srv, 'google', user)).final);
    assert.equal(session.user.id, s.user.id);
    // Both ways in still work.
    await signIn(srv, email);
  });

  test('a new user gets the provider\'s address verified only when the provider says so', async () => {
    for (const emailVerified of [true, false]) {
      const user = idp.addUser({ email: uniqueEmail(`fresh-${emailVerified}`), emailVerified });
      const u = await getUser(srv, await sessionFrom(srv, (await signInVia(srv, 'acme', user)).final));
      assert.equal(u.email, user.email);
      assert.equal(u.emailVerified, emailVerified);
    }
  });

  test('an unverified provider email does not join the existing account', async () => {
    await expectNotJoined(srv, 'acme', false);
  });

  test('a provider address in another case joins the existing account', async () => {
    const email = uniqueEmail('case');
    const s = await signUp(srv, email);
    const user = idp.addUser({ email: email.toUpperCase(), emailVerified: true });
    const session = await sessionFrom(srv, (await signInVia(srv, 'discord', user)).final);
    assert.equal(session.user.id, s.user.id);
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
});

describe('automatic linking off', () => {
  const srv = useServer(oauthEnv({ GATEHOUSE_OAUTH_LINK_VERIFIED_EMAIL: 'false' }), { name: 'oauth-nolink' });

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
    const body = expectSchema('SessionPayload', expectResponse(res, 'POST', GRANT));
    checkSession(body.session, { email: user.email });
    assert.deepEqual(jwtClaims(body.session.accessToken).amr.map((a) => a.method ?? a), ['oauth']);
    const again = await redeem(grant);
    expectError(again, GRANT, 'POST', 401, 'invalid-ticket');
    const bogus = await redeem('not-a-grant');
    expectError(bogus, GRANT, 'POST', 401, 'invalid-ticket');
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
      expectError(res, method === 'GET' ? p : '/user/providers/{provider}', method, 401, 'unauthenticated-user');
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
    assert.equal(expectResponse(del, 'DELETE', '/user/providers/{provider}'), 'OK');
    assert.deepEqual((await providers(session)).map((p) => p.provider), ['google']);
    // Google is now the only way in (no password; magic link and email code are off).
    const last = await srv.api('DELETE', '/user/providers/google', undefined, bearer(session.accessToken));
    expectError(last, '/user/providers/{provider}', 'DELETE', 400, 'invalid-request');
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
    expectResponse(res, 'GET', '/user/providers');
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
    expectError(res, '/signin/idtoken', 'POST', 401, 'disabled-user');
  });
});
