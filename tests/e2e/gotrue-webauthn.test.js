// WebAuthn second factors under /auth/v1 in a real browser: headless Chromium with the
// DevTools virtual authenticator (as passkeys-browser.test.js), and a page on
// http://localhost that loads supabase-js's UMD build and talks to Gatehouse through
// the page's own origin (the app server forwards /auth/v1). The page signs up with a
// password, registers a passkey factor (mfa.webauthn.register), reaches aal2, signs out,
// signs in with the password (aal1, nextLevel aal2) and steps up with the passkey
// (mfa.webauthn.authenticate); then the failures: an origin the server does not allow,
// a replayed challenge, another factor's challenge, and verifying after unenrolment.
// Raw HTTP checks bad input (GoTrue-shaped 400/422). Bodies are checked against
// openapi/gotrue.yaml.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { useServer } from './lib/server.js';
import { expectGoTrue, expectGoTrueError, expectGoTrueSchema, API_VERSION } from './lib/gotrue.js';
import { uniqueEmail } from './lib/util.js';

const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SUPABASE_UMD = path.join(path.dirname(fileURLToPath(import.meta.resolve('@supabase/supabase-js'))), 'umd', 'supabase.js');
const ANON_KEY = 'gatehouse-e2e-anon-key';
const PASSWORD = 'correct horse battery staple 42';
const ADMIN_SECRET = 'gotrue-webauthn-admin-secret-0123456789';

// The app: supabase-js, and /auth/v1 forwarded to Gatehouse (one origin, as an app
// behind its own gateway).
function startApp(gatehouse) {
  const server = http.createServer((req, res) => {
    if (req.url.startsWith('/auth/v1/')) {
      const target = new URL(req.url, gatehouse());
      const fwd = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (up) => {
        res.writeHead(up.statusCode, up.headers);
        up.pipe(res);
      });
      fwd.on('error', () => { res.statusCode = 502; res.end(); });
      return req.pipe(fwd);
    }
    if (req.url === '/supabase.js') {
      res.setHeader('Content-Type', 'text/javascript');
      return res.end(readFileSync(SUPABASE_UMD));
    }
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>App</title>
<script src="/supabase.js"></script>
<script>
const sb = supabase.createClient(location.origin, ${JSON.stringify(ANON_KEY)},
  { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } });
// A supabase-js result without class instances, for the test's side.
const plain = (r) => JSON.parse(JSON.stringify({ data: r.data ?? null, error: r.error ? { code: r.error.code, status: r.error.status, message: r.error.message, name: r.error.name } : null }));
const claims = (t) => JSON.parse(atob(t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
</script></head><body>app</body></html>`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port })));
}

const app = await startApp(() => srv.url);
const appOrigin = `http://localhost:${app.port}`;
const srv = useServer({
  GATEHOUSE_CLIENT_URL: appOrigin,
  GATEHOUSE_EMAIL_VERIFICATION_REQUIRED: 'false',
  AUTH_WEBAUTHN_ENABLED: 'true',
  AUTH_WEBAUTHN_RP_NAME: 'Gatehouse e2e',
  GATEHOUSE_ADMIN_SECRET: ADMIN_SECRET,
  AUTH_WEBAUTHN_RP_ORIGINS: appOrigin,
  GOTRUE_MFA_WEB_AUTHN_ENROLL_ENABLED: 'true',
  GOTRUE_MFA_WEB_AUTHN_VERIFY_ENABLED: 'true',
}, { name: 'gotrue-webauthn' });

after(() => app.server.close());

const claims = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url'));
const gt = (method, p, body, token) => srv.api(method, `/auth/v1${p}`, body, {
  apikey: ANON_KEY, ...API_VERSION, ...(token ? { Authorization: `Bearer ${token}` } : {}),
});

describe('WebAuthn factors through supabase-js in Chromium', () => {
  let browser;
  let profile;
  let page;
  let cdp;
  before(async () => {
    assert.ok(existsSync(CHROMIUM), `no ${CHROMIUM}: scripts/install-deps.sh installs Debian's chromium`);
    profile = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-chromium-'));
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage();
    cdp = await browser.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    // A security key: supabase-js asks for a cross-platform authenticator by default.
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'usb', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    await page.goto(appOrigin);
  });
  after(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const run = (fn, arg) => page.evaluate(fn, arg);
  const signUp = (email) => run(async ({ email, password }) => plain(await sb.auth.signUp({ email, password })), { email, password: PASSWORD });
  const signIn = (email) => run(async ({ email, password }) => plain(await sb.auth.signInWithPassword({ email, password })), { email, password: PASSWORD });
  const register = (friendlyName) => run(async (friendlyName) => plain(await sb.auth.mfa.webauthn.register({ friendlyName })), friendlyName);
  const aal = () => run(async () => plain(await sb.auth.mfa.getAuthenticatorAssuranceLevel()));

  let email;
  let factorId;
  test('register a passkey factor, reach aal2, sign out, sign in with the password, step up with the passkey', async () => {
    email = uniqueEmail('gtwebauthn');
    const up = await signUp(email);
    assert.equal(up.error, null, JSON.stringify(up.error));
    assert.equal(claims(up.data.session.access_token).aal, 'aal1');

    const reg = await register('laptop key');
    assert.equal(reg.error, null, JSON.stringify(reg.error));
    expectGoTrueSchema('Session', reg.data);
    const c = claims(reg.data.access_token);
    assert.equal(c.aal, 'aal2');
    assert.ok(c.amr.some((m) => m.method === 'webauthn'), JSON.stringify(c.amr));
    const level = await aal();
    assert.equal(level.data.currentLevel, 'aal2');

    const list = await run(async () => plain(await sb.auth.mfa.listFactors()));
    assert.equal(list.data.all.length, 1);
    assert.equal(list.data.webauthn.length, 1);
    const factor = list.data.webauthn[0];
    assert.equal(factor.factor_type, 'webauthn');
    assert.equal(factor.status, 'verified');
    assert.equal(factor.friendly_name, 'laptop key');
    factorId = factor.id;

    // One store of credentials: the factor is a passkey of the native API too.
    const token = (await run(async () => (await sb.auth.getSession()).data.session.access_token));
    const native = await srv.api('GET', '/v1/user/webauthn', undefined, { Authorization: `Bearer ${token}` });
    assert.equal(native.status, 200, native.text);
    assert.deepEqual(native.json.securityKeys.map((k) => [k.id, k.nickname]), [[factorId, 'laptop key']]);

    assert.equal((await run(async () => plain(await sb.auth.signOut()))).error, null);
    const again = await signIn(email);
    assert.equal(again.error, null, JSON.stringify(again.error));
    const before = await aal();
    assert.equal(before.data.currentLevel, 'aal1');
    assert.equal(before.data.nextLevel, 'aal2');

    const step = await run(async (factorId) => plain(await sb.auth.mfa.webauthn.authenticate({ factorId })), factorId);
    assert.equal(step.error, null, JSON.stringify(step.error));
    expectGoTrueSchema('Session', step.data);
    assert.equal(claims(step.data.access_token).aal, 'aal2');
    assert.equal(claims(step.data.access_token).session_id, claims(again.data.session.access_token).session_id);
    assert.equal((await aal()).data.currentLevel, 'aal2');

    // The admin listing shows it.
    const admin = expectGoTrue(await srv.api('GET', `/auth/v1/admin/users/${again.data.user.id}/factors`, undefined,
      { 'x-hasura-admin-secret': ADMIN_SECRET, ...API_VERSION }), 'GET', '/admin/users/{id}/factors');
    assert.deepEqual(admin.map((f) => [f.id, f.factor_type, f.status]), [[factorId, 'webauthn', 'verified']]);
  });

  // A challenge of the factor over supabase-js, the browser's answer, and the raw verify.
  const answer = (factorId, opts = {}) => run(async ({ factorId, opts }) => {
    const ch = await sb.auth.mfa.challenge({ factorId, webauthn: { rpId: location.hostname, rpOrigins: [location.origin] } });
    if (ch.error) return { error: plain(ch).error };
    const cred = await navigator.credentials.get({ publicKey: ch.data.webauthn.credential_options.publicKey, signal: AbortSignal.timeout(10000) });
    const token = (await sb.auth.getSession()).data.session.access_token;
    return { challengeId: ch.data.id, type: ch.data.webauthn.type, credential: cred.toJSON(), token, rpOrigins: opts.rpOrigins ?? [location.origin] };
  }, { factorId, opts });
  const rawVerify = (factorId, a, extra = {}) => gt('POST', `/factors/${factorId}/verify`, {
    challenge_id: a.challengeId,
    webauthn: { type: a.type, rpId: 'localhost', rpOrigins: a.rpOrigins, credential_response: a.credential, ...extra },
  }, a.token);

  test('a replayed challenge and another factor\'s challenge are refused', async () => {
    const a = await answer(factorId);
    assert.equal(a.type, 'request');
    expectGoTrue(await rawVerify(factorId, a), 'POST', '/factors/{factorId}/verify');
    const replay = await rawVerify(factorId, a);
    const body = expectGoTrueError(replay, 'POST', '/factors/{factorId}/verify', 422, 'mfa_verification_failed');
    assert.match(body.msg ?? body.message, /used challenge/);

    // A second, pending factor: its id with the first factor's challenge.
    const token = a.token;
    const pending = expectGoTrue(await gt('POST', '/factors', { factor_type: 'webauthn', friendly_name: 'spare' }, (await run(async () => (await sb.auth.getSession()).data.session.access_token))), 'POST', '/factors');
    assert.equal(pending.type, 'webauthn');
    assert.deepEqual(Object.keys(pending).sort(), ['friendly_name', 'id', 'type']);
    const b = await answer(factorId);
    const cross = await gt('POST', `/factors/${pending.id}/verify`, {
      challenge_id: b.challengeId, webauthn: { type: 'request', credential_response: b.credential },
    }, b.token);
    expectGoTrueError(cross, 'POST', '/factors/{factorId}/verify', 400, 'validation_failed'); // a pending factor wants `create`
    const cross2 = await gt('POST', `/factors/${factorId}/verify`, {
      challenge_id: pending.id, webauthn: { type: 'request', credential_response: b.credential },
    }, b.token);
    expectGoTrueError(cross2, 'POST', '/factors/{factorId}/verify', 422, 'mfa_factor_not_found');
    assert.ok(token);
    const del = expectGoTrue(await gt('DELETE', `/factors/${pending.id}`, undefined, b.token), 'DELETE', '/factors/{factorId}');
    assert.deepEqual(del, { id: pending.id });
  });

  test('an origin the server does not allow is refused at challenge and verify', async () => {
    const r = await run(async (factorId) => plain(await sb.auth.mfa.challenge({ factorId, webauthn: { rpId: 'localhost', rpOrigins: ['http://localhost:1'] } })), factorId);
    assert.equal(r.error.code, 'validation_failed');
    assert.equal(r.error.status, 400);
    const a = await answer(factorId);
    const res = await rawVerify(factorId, a, { rpOrigins: ['https://evil.example'] });
    expectGoTrueError(res, 'POST', '/factors/{factorId}/verify', 400, 'validation_failed');
    const wrongRp = await gt('POST', `/factors/${factorId}/challenge`, { webauthn: { rpId: 'evil.example', rpOrigins: [appOrigin] } }, a.token);
    expectGoTrueError(wrongRp, 'POST', '/factors/{factorId}/challenge', 400, 'validation_failed');
  });

  test('bad input answers GoTrue-shaped 400/422', async () => {
    const a = await answer(factorId);
    const v = (body) => gt('POST', `/factors/${factorId}/verify`, body, a.token);
    expectGoTrueError(await v({ challenge_id: a.challengeId }), 'POST', '/factors/{factorId}/verify', 400, 'validation_failed');
    expectGoTrueError(await v({ challenge_id: a.challengeId, webauthn: 'x' }), 'POST', '/factors/{factorId}/verify', 400, 'validation_failed');
    expectGoTrueError(await v({ challenge_id: a.challengeId, webauthn: { type: 'request' } }), 'POST', '/factors/{factorId}/verify', 400, 'validation_failed');
    expectGoTrueError(await v({ challenge_id: a.challengeId, webauthn: { type: 'request', credential_response: { id: 'x' } } }), 'POST', '/factors/{factorId}/verify', 400, 'validation_failed');
    expectGoTrueError(await v({ challenge_id: a.challengeId, webauthn: { type: 'create', credential_response: a.credential } }), 'POST', '/factors/{factorId}/verify', 400, 'validation_failed');
    expectGoTrueError(await v({ challenge_id: 'nope', webauthn: { credential_response: a.credential } }), 'POST', '/factors/{factorId}/verify', 400, 'bad_json');
    const tampered = { ...a.credential, response: { ...a.credential.response, signature: a.credential.response.signature.slice(0, -4) + 'AAAA' } };
    expectGoTrueError(await v({ challenge_id: a.challengeId, webauthn: { credential_response: tampered } }), 'POST', '/factors/{factorId}/verify', 422, 'mfa_verification_failed');
    expectGoTrueError(await gt('POST', `/factors/${factorId}/challenge`, { webauthn: { rpOrigins: 'x' } }, a.token), 'POST', '/factors/{factorId}/challenge', 400, 'validation_failed');
    expectGoTrueError(await gt('POST', `/factors/${factorId}/challenge`, { webauthn: { rpOrigins: [] } }, a.token), 'POST', '/factors/{factorId}/challenge', 400, 'validation_failed');
  });

  test('after unenrolment the passkey no longer verifies', async () => {
    const a = await answer(factorId);
    const token = (await run(async () => (await sb.auth.getSession()).data.session.access_token));
    const del = await run(async (factorId) => plain(await sb.auth.mfa.unenroll({ factorId })), factorId);
    assert.equal(del.error, null, JSON.stringify(del.error));
    const res = await rawVerify(factorId, { ...a, token });
    expectGoTrueError(res, 'POST', '/factors/{factorId}/verify', 404, 'mfa_factor_not_found');
    const list = await run(async () => plain(await sb.auth.mfa.listFactors()));
    assert.equal(list.data.all.length, 0);
  });
});
