// Passkeys in a real browser: headless Debian Chromium (driven by playwright-core) with
// the DevTools protocol's virtual authenticator (CTAP2, resident keys, user
// verification). A page on http://localhost, written with @nhost/nhost-js (its
// webauthn calls) and navigator.credentials, signs up with a passkey, signs out, signs
// in with and without an email, adds a second passkey and elevates; then the failures:
// a wrong origin, a replayed and an expired challenge, another user's passkey, and a
// cloned authenticator whose sign count went back. Every body is checked against
// openapi/native.yaml.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { useServer, sleep } from './lib/server.js';
import { expectResponse } from './lib/schema.js';
import { uniqueEmail } from './lib/util.js';

const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const NHOST_UMD = path.join(path.dirname(fileURLToPath(import.meta.resolve('@nhost/nhost-js'))), 'nhost-js.umd.js');

// The app: one page with the SDK and two helpers around navigator.credentials that
// take the server's JSON options and give back PublicKeyCredential.toJSON().
function startApp(gatehouse) {
  const server = http.createServer((req, res) => {
    if (req.url === '/nhost-js.umd.js') {
      res.setHeader('Content-Type', 'text/javascript');
      return res.end(readFileSync(NHOST_UMD));
    }
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>App</title>
<script src="/nhost-js.umd.js"></script>
<script>
const nhost = NhostJs.createClient({ authUrl: ${JSON.stringify(`${gatehouse()}/v1`)} });
async function create(options) {
  const cred = await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options), signal: AbortSignal.timeout(10000) });
  return cred.toJSON();
}
async function get(options) {
  const cred = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options), signal: AbortSignal.timeout(10000) });
  return cred.toJSON();
}
// Runs an SDK call; its status and body, or the error's.
async function call(fn) {
  try { const r = await fn(); return { status: r.status, body: r.body }; }
  catch (e) { return { status: e.status, body: e.body }; }
}
const bearer = (token) => ({ headers: { Authorization: 'Bearer ' + token } });
</script></head><body>app</body></html>`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port })));
}

const app = await startApp(() => srv.url);
const other = await startApp(() => srv.url); // an origin Gatehouse does not allow
const appOrigin = `http://localhost:${app.port}`;
const srv = useServer({
  GATEHOUSE_CLIENT_URL: appOrigin,
  GATEHOUSE_EMAIL_VERIFICATION_REQUIRED: 'false',
  AUTH_WEBAUTHN_ENABLED: 'true',
  AUTH_WEBAUTHN_RP_NAME: 'Gatehouse e2e',
  AUTH_WEBAUTHN_RP_ORIGINS: appOrigin,
  GATEHOUSE_WEBAUTHN_CHALLENGE_SECONDS: '10',
}, { name: 'passkeys-browser' });

after(() => { app.server.close(); other.server.close(); });

// What the page's call() returned, checked against the contract for `method apiPath`.
function checked(r, method, apiPath) {
  return expectResponse({ status: r.status, json: r.body, text: JSON.stringify(r.body), headers: { 'content-type': 'application/json' } }, method, apiPath);
}

describe('passkeys in Chromium', () => {
  let browser;
  let profile;
  let page;
  let cdp;
  let authenticatorId;
  before(async () => {
    assert.ok(existsSync(CHROMIUM), `no ${CHROMIUM}: scripts/install-deps.sh installs Debian's chromium`);
    profile = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-chromium-'));
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage();
    cdp = await browser.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    }));
    await page.goto(appOrigin);
  });
  after(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const run = (fn, arg) => page.evaluate(fn, arg);
  const signUp = (email) => run(async (email) => {
    const start = await call(() => nhost.auth.signUpWebauthn({ email }));
    if (start.status !== 200) return { start };
    const credential = await create(start.body);
    const verify = await call(() => nhost.auth.verifySignUpWebauthn({ credential, nickname: 'first' }));
    return { start, credential, verify };
  }, email);
  const signIn = (email) => run(async (email) => {
    const start = await call(() => nhost.auth.signInWebauthn(email ? { email } : {}));
    const credential = await get(start.body);
    const verify = await call(() => nhost.auth.verifySignInWebauthn({ credential }));
    return { start, credential, verify };
  }, email);

  let alice;
  let aliceCredential;
  test('sign up, sign out, sign in with and without email, add a second passkey, elevate', async () => {
    const email = uniqueEmail('passkey');
    const up = await signUp(email);
    const opts = checked(up.start, 'post', '/signup/webauthn');
    assert.equal(opts.rp.id, 'localhost');
    assert.equal(opts.rp.name, 'Gatehouse e2e');
    assert.equal(opts.authenticatorSelection.residentKey, 'required');
    const session = checked(up.verify, 'post', '/signup/webauthn/verify').session;
    assert.equal(session.user.email, email);
    aliceCredential = up.credential;

    const out = await run((t) => call(() => nhost.auth.signOut({ refreshToken: t })), session.refreshToken);
    assert.equal(out.status, 200);

    const withEmail = await signIn(email);
    const reqOpts = checked(withEmail.start, 'post', '/signin/webauthn');
    assert.equal(reqOpts.allowCredentials.length, 1);
    assert.equal(reqOpts.allowCredentials[0].id, up.credential.rawId);
    assert.equal(checked(withEmail.verify, 'post', '/signin/webauthn/verify').session.user.id, session.user.id);

    const discoverable = await signIn(null);
    assert.deepEqual(checked(discoverable.start, 'post', '/signin/webauthn').allowCredentials, []);
    const s2 = checked(discoverable.verify, 'post', '/signin/webauthn/verify').session;
    assert.equal(s2.user.id, session.user.id);
    alice = s2;

    // A second passkey on another authenticator.
    const second = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'usb', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });
    const add = await run(async (token) => {
      const start = await call(() => nhost.auth.addSecurityKey(bearer(token)));
      const credential = await create(start.body);
      const verify = await call(() => nhost.auth.verifyAddSecurityKey({ credential, nickname: 'usb key' }, bearer(token)));
      return { start, verify };
    }, s2.accessToken);
    const addOpts = checked(add.start, 'post', '/user/webauthn/add');
    assert.equal(addOpts.excludeCredentials.length, 1);
    const added = checked(add.verify, 'post', '/user/webauthn/verify');
    assert.equal(added.nickname, 'usb key');

    const list = await run((t) => fetch(nhost.auth.baseURL + '/user/webauthn', bearer(t)).then(async (r) => ({ status: r.status, body: await r.json() })), s2.accessToken);
    assert.equal(checked(list, 'get', '/user/webauthn').securityKeys.length, 2);

    const elevate = await run(async (token) => {
      const start = await call(() => nhost.auth.elevateWebauthn(bearer(token)));
      const credential = await get(start.body);
      const verify = await call(() => nhost.auth.verifyElevateWebauthn({ credential }, bearer(token)));
      return { start, verify };
    }, s2.accessToken);
    assert.equal(checked(elevate.start, 'post', '/elevate/webauthn').allowCredentials.length, 2);
    const elevated = checked(elevate.verify, 'post', '/elevate/webauthn/verify').session;
    const claims = JSON.parse(Buffer.from(elevated.accessToken.split('.')[1], 'base64url'));
    assert.equal(claims.aal, 'aal2');

    // Remove the second one (our extension); it no longer lists.
    const removed = await run(({ t, id }) => fetch(nhost.auth.baseURL + '/user/webauthn/' + id, { method: 'DELETE', ...bearer(t) }).then(async (r) => ({ status: r.status, body: await r.json() })), { t: s2.accessToken, id: added.id });
    assert.equal(checked(removed, 'delete', '/user/webauthn/{id}'), 'OK');
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: second.authenticatorId });
  });

  test('a replayed challenge and an expired one are refused', async () => {
    // With Alice's email from here on: the authenticator may also hold removed passkeys.
    const first = await signIn(alice.user.email);
    checked(first.verify, 'post', '/signin/webauthn/verify');
    const replay = await run((credential) => call(() => nhost.auth.verifySignInWebauthn({ credential })), first.credential);
    assert.equal(replay.status, 401);
    assert.equal(checked(replay, 'post', '/signin/webauthn/verify').error, 'invalid-webauthn');
    assert.equal(replay.body.message, 'unknown or used challenge');

    const late = await run(async (email) => {
      const start = await call(() => nhost.auth.signInWebauthn({ email }));
      return get(start.body);
    }, alice.user.email);
    await sleep(11_000); // webauthn_challenge_seconds is 10 here
    const expired = await run((credential) => call(() => nhost.auth.verifySignInWebauthn({ credential })), late);
    assert.equal(checked(expired, 'post', '/signin/webauthn/verify').error, 'invalid-webauthn');
    assert.equal(expired.body.message, 'expired challenge');
  });

  test('a ceremony from an origin that is not allowed is refused', async () => {
    // The same tab (its virtual authenticator holds the passkey) on another port of localhost:
    // the browser signs, since the RP id fits, but Gatehouse does not allow that origin.
    await page.goto(`http://localhost:${other.port}`);
    const r = await page.evaluate(async (email) => {
      const start = await call(() => nhost.auth.signInWebauthn({ email }));
      const credential = await get(start.body);
      return call(() => nhost.auth.verifySignInWebauthn({ credential }));
    }, alice.user.email);
    await page.goto(appOrigin);
    assert.equal(r.status, 401);
    assert.equal(checked(r, 'post', '/signin/webauthn/verify').error, 'invalid-webauthn');
    assert.equal(r.body.message, 'origin not allowed');
  });

  test("another user's passkey does not answer a user's challenge", async () => {
    // Bob signs up on a second authenticator; the ceremony for Bob is answered with Alice's passkey.
    const bobAuth = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'usb', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    const bobEmail = uniqueEmail('bob');
    const bob = await signUp(bobEmail);
    checked(bob.verify, 'post', '/signup/webauthn/verify');
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: bobAuth.authenticatorId });
    const r = await run(async ({ email, aliceId }) => {
      const start = await call(() => nhost.auth.signInWebauthn({ email }));
      // Only Alice's passkey is on the remaining authenticator: point the browser at it.
      const options = { ...start.body, allowCredentials: [{ type: 'public-key', id: aliceId }] };
      const credential = await get(options);
      return call(() => nhost.auth.verifySignInWebauthn({ credential }));
    }, { email: bobEmail, aliceId: aliceCredential.rawId });
    assert.equal(r.status, 401);
    assert.equal(checked(r, 'post', '/signin/webauthn/verify').error, 'invalid-webauthn');
    assert.equal(r.body.message, 'passkey of another user');
  });

  test('a cloned authenticator (sign count going back) is refused', async () => {
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    const cred = credentials.find((c) => Buffer.from(c.credentialId, 'base64').toString('base64url') === aliceCredential.rawId);
    assert.ok(cred && cred.signCount > 1, `the virtual authenticator counts: ${JSON.stringify(cred?.signCount)}`);
    await cdp.send('WebAuthn.removeCredential', { authenticatorId, credentialId: cred.credentialId });
    await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: { ...cred, signCount: 0 } });
    // With Alice's email, so the browser answers with exactly that credential.
    const r = await signIn(alice.user.email);
    assert.equal(r.verify.status, 401);
    assert.equal(checked(r.verify, 'post', '/signin/webauthn/verify').error, 'invalid-webauthn');
    assert.equal(r.verify.body.message, 'sign count did not advance: cloned authenticator?');
  });
});
