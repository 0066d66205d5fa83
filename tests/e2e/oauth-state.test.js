// The OAuth state: single-use, expiring, bound to the provider it was issued for and
// to the browser that started the sign-in (a cookie), shared by every instance through
// the database. Tampered, replayed (also five at once), cross-provider, missing and
// expired states, hostile callback parameters, login CSRF, grant-code expiry, and two
// instances behind one public URL (PostgreSQL pass).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startIdp } from './lib/idp.js';
import { APP, cookiesOf, deliver, expectInvalidState, getUser, location, oauthKit, query, sessionFrom, withCookie } from './lib/oauth.js';
import { expectSchema } from './lib/schema.js';
import { DATABASE, sleep, uniqueSchema, useServer } from './lib/server.js';
import { uniqueEmail } from './lib/util.js';

const idp = await startIdp();
const { oauthEnv, begin, signInVia } = oauthKit(idp);

describe('state', () => {
  const srv = useServer(oauthEnv(), { name: 'oauth-state' });

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
});

describe('state cookie off', () => {
  const srv = useServer(oauthEnv({ GATEHOUSE_OAUTH_STATE_COOKIE: 'false' }), { name: 'oauth-nocookie' });

  test('with the state cookie off: no cookie, and the state alone finishes the sign-in', async () => {
    const user = idp.addUser();
    const authorize = await begin(srv, 'github');
    assert.equal(authorize.cookie, '', 'no Set-Cookie at the start');
    const final = location(await deliver(srv, await idp.authorize(authorize.toString(), user.email), ''));
    await sessionFrom(srv, final);
  });
});

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
    assert.equal(res.status, 401, res.text);
    assert.equal(expectSchema('ErrorResponse', res.json).error, 'invalid-ticket');

    await sleep(Math.max(0, started + 31_000 - Date.now()));
    expectInvalidState(await deliver(srv, answer, authorize.cookie));
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
    assert.deepEqual([r1.status, r2.status].sort(), [200, 401], `${r1.text} / ${r2.text}`);
    const ok = r1.status === 200 ? r1 : r2;
    assert.equal(expectSchema('SessionPayload', ok.json).session.user.email, user.email);
  });
});
