// Social sign-in in a real browser: headless Debian Chromium driven by playwright-core
// (never a downloaded browser). A tiny app served by this file on loopback is the
// client_url, written with the official SDK (@nhost/nhost-js's UMD build): its buttons
// start the sign-in at Gatehouse, the local identity provider (lib/idp.js) shows its
// login page, "Continue" sends the browser back through Gatehouse's callback to the
// app, whose page turns the refreshToken (or a grant code) into a session and shows the
// signed-in email. Apple's form_post goes the same way with a cross-site form POST.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

const NHOST_UMD = path.join(path.dirname(fileURLToPath(import.meta.resolve('@nhost/nhost-js'))), 'nhost-js.umd.js');

/**
 * The app, written as an app would be with the official SDK (@nhost/nhost-js's UMD
 * build): GET / has the sign-in buttons (URLs from nhost.auth.signInProviderURL),
 * GET /callback finishes the sign-in: a refreshToken is refreshed into a session by
 * the SDK, a grant code is traded at POST /v1/signin/provider/grant, an error shown.
 */
function startApp(gatehouse) {
  const page = (body) => `<!doctype html><html><head><meta charset="utf-8"><title>App</title>
<script src="/nhost-js.umd.js"></script>
<script>const nhost = NhostJs.createClient({ authUrl: ${JSON.stringify(`${gatehouse()}/v1`)} });</script>
</head><body>${body}</body></html>`;
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://127.0.0.1');
    if (u.pathname === '/nhost-js.umd.js') {
      res.setHeader('Content-Type', 'text/javascript');
      return res.end(readFileSync(NHOST_UMD));
    }
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    if (u.pathname === '/') {
      return res.end(page(`
<h1>App</h1>
<button id="github">Sign in with GitHub</button>
<button id="acme">Sign in with Acme</button>
<button id="apple">Sign in with Apple</button>
<button id="acme-grant">Sign in with Acme (grant code)</button>
<script>
const redirectTo = location.origin + '/callback';
for (const [id, provider, extra] of [['github', 'github'], ['acme', 'acme'], ['apple', 'apple'], ['acme-grant', 'acme', { grant: true }]]) {
  document.getElementById(id).onclick = () => { location.href = nhost.auth.signInProviderURL(provider, { redirectTo, ...extra }); };
}
</script>`));
    }
    if (u.pathname === '/callback') {
      return res.end(page(`
<p id="status">signing in...</p><p id="who"></p>
<script>
(async () => {
  const status = document.getElementById('status');
  const q = new URLSearchParams(location.search);
  // Keep the long-lived token out of history as soon as it is read.
  history.replaceState(null, '', location.pathname);
  try {
    if (q.get('error')) throw new Error(q.get('error'));
    if (q.get('grant')) {
      const r = await fetch(nhost.auth.baseURL + '/signin/provider/grant', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ grant: q.get('grant') }),
      });
      const body = await r.json();
      if (!r.ok) throw new Error(body.error);
      nhost.sessionStorage.set(body.session);
    } else {
      await nhost.auth.refreshToken({ refreshToken: q.get('refreshToken') });
    }
    const me = await nhost.auth.getUser();
    document.getElementById('who').textContent = me.body.email;
    status.textContent = 'signed in';
  } catch (e) {
    status.textContent = 'error: ' + (e.body && e.body.error || e.message);
  }
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

/**
 * A TLS front on 127.0.0.1 (self-signed certificate made with openssl) passing every
 * request on to `front.target` (a Server), as a reverse proxy before Gatehouse does
 * in production. Gatehouse's public_url is then https, and its cookies Secure.
 */
async function startTlsFront() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-tls-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const front = { target: null, dir };
  front.server = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    const up = http.request({
      host: '127.0.0.1', port: front.target.port, method: req.method, path: req.url,
      headers: { ...req.headers, 'x-forwarded-proto': 'https' },
    }, (r) => {
      res.writeHead(r.statusCode, r.rawHeaders);
      r.pipe(res);
    });
    up.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
    req.pipe(up);
  });
  await new Promise((resolve) => front.server.listen(0, '127.0.0.1', resolve));
  front.url = `https://127.0.0.1:${front.server.address().port}`;
  return front;
}

function closeServer(server) {
  return new Promise((r) => { server.closeAllConnections(); server.close(() => r()); });
}

// Development: Gatehouse on plain HTTP, the IdP on the same site (127.0.0.1).
const appPlain = await startApp(() => srvPlain.url);
const srvPlain = useServer((s) => ({
  ...idp.gatehouseEnv(s, ['github', 'apple', 'acme']),
  GATEHOUSE_CLIENT_URL: appPlain.url,
}), { name: 'oauth-browser' });

// Production-like: Gatehouse behind TLS, the IdP another site (reached as localhost),
// so Apple's form_post is a cross-site POST to the callback.
const crossIdp = await startIdp();
crossIdp.browserHost = 'localhost';
const tls = await startTlsFront();
const appTls = await startApp(() => tls.url);
const srvTls = useServer((s) => {
  tls.target = s;
  return {
    ...crossIdp.gatehouseEnv({ url: tls.url }, ['github', 'apple', 'acme']),
    GATEHOUSE_PUBLIC_URL: tls.url,
    GATEHOUSE_CLIENT_URL: appTls.url,
  };
}, { name: 'oauth-browser-tls' });

after(async () => {
  await Promise.all([closeServer(appPlain.server), closeServer(appTls.server), closeServer(tls.server)]);
  rmSync(tls.dir, { recursive: true, force: true });
});

describe('sign-in in Chromium', () => {
  let browser;
  let profile;
  before(async () => {
    assert.ok(existsSync(CHROMIUM), `no ${CHROMIUM}: scripts/install-deps.sh installs Debian's chromium`);
    profile = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-chromium-'));
    // ignoreHTTPSErrors: the TLS front's certificate is self-signed.
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, ignoreHTTPSErrors: true });
  });
  after(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  async function signInWith(setup, button, email, { choice = 'continue' } = {}) {
    const { app, provider } = setup;
    const page = await browser.newPage();
    const visited = [];
    page.on('framenavigated', (f) => { if (f === page.mainFrame()) visited.push(f.url()); });
    try {
      await page.goto(app.url);
      await page.click(`#${button}`);
      await page.waitForURL((u) => u.origin === provider.browserUrl, { timeout: 10_000 });
      await page.fill('#login', email);
      await page.click(`#${choice}`);
      await page.waitForURL((u) => u.origin === app.url && u.pathname === '/callback', { timeout: 10_000 });
      await page.waitForFunction(() => document.getElementById('status')?.textContent !== 'signing in...', null, { timeout: 10_000 });
      const status = await page.textContent('#status');
      const who = await page.textContent('#who');
      return { status, who, url: page.url(), visited };
    } finally {
      await page.close();
    }
  }

  const plain = { app: appPlain, provider: idp };
  for (const [button, tag] of [['github', 'GitHub'], ['acme', 'generic OIDC']]) {
    test(`${tag}: the app's button -> Gatehouse -> IdP login -> Continue -> the app shows the signed-in email`, async () => {
      const user = idp.addUser({ email: uniqueEmail(`browser-${button}`) });
      const r = await signInWith(plain, button, user.email);
      assert.equal(r.status, 'signed in');
      assert.equal(r.who, user.email);
      assert.ok(!r.url.includes('refreshToken'), 'the app dropped the token from the address bar');
      assert.ok(r.visited.some((u) => u.includes('refreshToken=')), `Nhost's way: the token came in the URL (${r.visited.join(' ')})`);
    });
  }

  test('grant code: the app trades the one-time code for the session; no refresh token in the URL', async () => {
    const user = idp.addUser({ email: uniqueEmail('browser-grant') });
    const r = await signInWith(plain, 'acme-grant', user.email);
    assert.equal(r.status, 'signed in');
    assert.equal(r.who, user.email);
    assert.ok(r.visited.some((u) => u.includes('grant=')), r.visited.join(' '));
    assert.ok(!r.visited.some((u) => u.includes('refreshToken')), `no page of the chain had a refresh token in its URL: ${r.visited.join(' ')}`);
  });

  test('the user cancels at the IdP: the app shows the error, no session', async () => {
    const user = idp.addUser({ email: uniqueEmail('browser-cancel') });
    const r = await signInWith(plain, 'github', user.email, { choice: 'deny' });
    assert.equal(r.status, 'error: oauth-provider-error');
    assert.equal(r.who, '');
  });

  test('Apple: form_post through the browser', async () => {
    const user = idp.addUser({ email: uniqueEmail('browser-apple'), name: 'Tim Apple' });
    const r = await signInWith(plain, 'apple', user.email);
    assert.equal(r.status, 'signed in');
    assert.equal(r.who, user.email);
  });

  for (const [button, tag] of [['apple', 'Apple\'s cross-site form_post'], ['acme', 'generic OIDC'], ['github', 'GitHub']]) {
    test(`behind TLS with the IdP on another site: ${tag}`, async () => {
      const user = crossIdp.addUser({ email: uniqueEmail(`tls-${button}`), name: 'Tessa Ls' });
      const r = await signInWith({ app: appTls, provider: crossIdp }, button, user.email);
      assert.equal(r.status, 'signed in');
      assert.equal(r.who, user.email);
      const atIdp = new URL(r.visited.find((u) => u.startsWith(`${crossIdp.browserUrl}/authorize?`)));
      assert.equal(atIdp.searchParams.get('redirect_uri'), `${tls.url}/v1/signin/provider/${button}/callback`, 'the callback is behind the TLS front');
    });
  }
});
