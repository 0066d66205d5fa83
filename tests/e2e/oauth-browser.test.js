// Social sign-in in a real browser: headless Debian Chromium driven by playwright-core
// (never a downloaded browser). A tiny app served by this file on loopback is the
// client_url; its buttons start the sign-in at Gatehouse, the local identity provider
// (lib/idp.js) shows its login page, "Continue" sends the browser back through
// Gatehouse's callback to the app, whose page trades the refreshToken for a session at
// /v1/token and shows the signed-in email. Apple's form_post goes the same way with a
// cross-site form POST to the callback.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { startIdp } from './lib/idp.js';
import { useServer } from './lib/server.js';
import { uniqueEmail } from './lib/util.js';

const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps dialling Google's hosts, which
// this machine's closed network refuses.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const idp = await startIdp();

/** The app: GET / has the buttons, GET /callback finishes the sign-in in the page. */
function startApp(gatehouse) {
  const page = (body) => `<!doctype html><html><head><meta charset="utf-8"><title>App</title></head><body>${body}</body></html>`;
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://127.0.0.1');
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    if (u.pathname === '/') {
      const start = (p) => `${gatehouse()}/v1/signin/provider/${p}?redirectTo=${encodeURIComponent(`${app.url}/callback`)}`;
      return res.end(page(`
<h1>App</h1>
<button id="github" onclick="location.href='${start('github')}'">Sign in with GitHub</button>
<button id="acme" onclick="location.href='${start('acme')}'">Sign in with Acme</button>
<button id="apple" onclick="location.href='${start('apple')}'">Sign in with Apple</button>`));
    }
    if (u.pathname === '/callback') {
      return res.end(page(`
<p id="status">signing in...</p><p id="who"></p>
<script>
(async () => {
  const q = new URLSearchParams(location.search);
  // Keep the long-lived token out of history as soon as it is read.
  history.replaceState(null, '', location.pathname);
  if (q.get('error')) { document.getElementById('status').textContent = 'error: ' + q.get('error'); return; }
  const r = await fetch(${JSON.stringify(gatehouse())} + '/v1/token', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ refreshToken: q.get('refreshToken') }),
  });
  const session = await r.json();
  document.getElementById('who').textContent = session.user ? session.user.email : '';
  document.getElementById('status').textContent = r.ok ? 'signed in' : 'error: ' + (session.error || r.status);
})();
</script>`));
    }
    res.statusCode = 404;
    res.end(page('not found'));
  });
  const app = {
    server,
    get url() { return `http://127.0.0.1:${server.address().port}`; },
  };
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(app)));
}

const app = await startApp(() => srv.url);
after(() => new Promise((r) => { app.server.closeAllConnections(); app.server.close(() => r()); }));

const srv = useServer((s) => ({
  ...idp.gatehouseEnv(s, ['github', 'apple', 'acme']),
  GATEHOUSE_CLIENT_URL: app.url,
}), { name: 'oauth-browser' });

describe('sign-in in Chromium', () => {
  let browser;
  let profile;
  before(async () => {
    assert.ok(existsSync(CHROMIUM), `no ${CHROMIUM}: scripts/install-deps.sh installs Debian's chromium`);
    profile = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-chromium-'));
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  async function signInWith(button, email) {
    const page = await browser.newPage();
    try {
      await page.goto(app.url);
      await page.click(`#${button}`);
      await page.waitForURL((u) => u.origin === idp.url, { timeout: 10_000 });
      await page.fill('#login', email);
      await page.click('#continue');
      await page.waitForURL((u) => u.origin === app.url && u.pathname === '/callback', { timeout: 10_000 });
      await page.waitForFunction(() => document.getElementById('status')?.textContent !== 'signing in...', null, { timeout: 10_000 });
      const status = await page.textContent('#status');
      const who = await page.textContent('#who');
      return { status, who, url: page.url() };
    } finally {
      await page.close();
    }
  }

  for (const [button, tag] of [['github', 'GitHub'], ['acme', 'generic OIDC']]) {
    test(`${tag}: the app's button -> Gatehouse -> IdP login -> Continue -> the app shows the signed-in email`, async () => {
      const user = idp.addUser({ email: uniqueEmail(`browser-${button}`) });
      const r = await signInWith(button, user.email);
      assert.equal(r.status, 'signed in');
      assert.equal(r.who, user.email);
      assert.ok(!r.url.includes('refreshToken'), 'the app dropped the token from the address bar');
    });
  }

  test('Apple: form_post through the browser', async () => {
    const user = idp.addUser({ email: uniqueEmail('browser-apple'), name: 'Tim Apple' });
    const r = await signInWith('apple', user.email);
    assert.equal(r.status, 'signed in');
    assert.equal(r.who, user.email);
  });
});
