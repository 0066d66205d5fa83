// The operators' console (GET /console/) in a real browser: headless Debian Chromium
// driven by playwright-core, as an operator uses it. Sign-in with the admin secret (a
// wrong one is refused on the page), a user found by email, their page with two
// sessions and their devices (markup in their metadata shown as text, never run), one session revoked (its refresh token then fails through
// supabase-js, the other still refreshes), the user banned (the other refresh fails
// too), the ban in the audit log, the effective settings with secrets masked, the live
// figures. Then raw HTTP: the strict headers (CSP without inline script, frame
// denial, nosniff, no-store), no secret in the page, the admin extensions
// /admin/settings and /admin/stats against openapi/gotrue.yaml, and no console at all
// on a server without admin_secret. Screenshots of each page go to
// tests/e2e/artifacts/console/ (git-ignored).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { API_VERSION, expectGoTrue, expectGoTrueError, supabaseFor } from './lib/gotrue.js';
import { useServer } from './lib/server.js';
import { PASSWORD, uniqueEmail } from './lib/util.js';

const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'artifacts', 'console');
const ADMIN_SECRET = 'e2e-console-secret-0123456789';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

const srv = useServer({
  GATEHOUSE_ADMIN_SECRET: ADMIN_SECRET,
  GATEHOUSE_REFRESH_TOKEN_REUSE_GRACE_SECONDS: '0',
}, { name: 'console' });
const off = useServer({}, { name: 'console-off' });

// Shown as text, never parsed as HTML.
const HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
const asAdmin = (method, p, body) => srv.api(method, `/auth/v1${p}`, body, { ...API_VERSION, 'x-hasura-admin-secret': ADMIN_SECRET });

async function signedIn(email, userAgent) {
  const supabase = supabaseFor(srv, { headers: { 'User-Agent': userAgent } });
  const { data, error } = await supabase.auth.signInWithPassword({ email, password: PASSWORD });
  assert.equal(error, null, error?.message);
  return { supabase, session: data.session };
}

/** GET `p` on `server` without following redirects: {status, headers (a Headers), text}. */
async function get(server, p) {
  const res = await fetch(`${server.url}${p}`, { redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('the console in Chromium', () => {
  let browser;
  let profile;
  let page;
  const pageErrors = [];
  before(async () => {
    assert.ok(existsSync(CHROMIUM), `no ${CHROMIUM}: scripts/install-deps.sh installs Debian's chromium`);
    mkdirSync(ARTIFACTS, { recursive: true });
    profile = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-chromium-'));
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    // A script error or a CSP refusal (an inline script or style) shows up here.
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
    // The console asks nothing in this walk (only Delete confirms), and markup in a
    // user's metadata must never run: any dialog is a failure.
    page.on('dialog', (d) => { pageErrors.push(`dialog: ${d.message()}`); d.dismiss(); });
  });
  after(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });
  const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  let email;
  let user;
  let desktop;
  let phone;
  test('setup: a user signed in from two devices', async () => {
    email = uniqueEmail('console');
    const made = await asAdmin('POST', '/admin/users', { email, password: PASSWORD, email_confirm: true, user_metadata: { name: HOSTILE } });
    user = expectGoTrue(made, 'POST', '/admin/users');
    desktop = await signedIn(email, FIREFOX_LINUX);
    phone = await signedIn(email, IPHONE);
  });

  test('sign-in: a wrong secret is refused on the page, the right one opens the users list', async () => {
    const res = await page.goto(`${srv.url}/console`);
    assert.equal(res.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/console/');
    await page.locator('#signin').waitFor();
    await page.fill('#secret', 'not-the-secret');
    await page.click('#signin-form button[type=submit]');
    await page.locator('#signin-error', { hasText: 'not the server' }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'a refused secret is not kept');
    await shot('signin-refused');
    await page.fill('#secret', ADMIN_SECRET);
    await page.click('#signin-form button[type=submit]');
    await page.locator('#nav').waitFor();
    await page.locator('table#users').waitFor();
    assert.equal(await page.locator('#signin').isHidden(), true);
    // Kept in this tab only, never as a cookie.
    assert.equal(await page.evaluate(() => sessionStorage.getItem('gatehouse-admin-secret')), ADMIN_SECRET);
    assert.deepEqual(await browser.cookies(), []);
    assert.equal(await page.evaluate(() => localStorage.length), 0);
  });

  test("find the user by email, open their page: two sessions with devices", async () => {
    await page.fill('#user-search', email);
    await page.click('#user-search-form button[type=submit]');
    const link = page.locator('table#users tbody a', { hasText: email });
    await link.waitFor();
    assert.equal(await page.locator('table#users tbody tr').count(), 1);
    await shot('users');
    await link.click();
    await page.locator('#profile').waitFor();
    assert.equal(await page.locator('#profile [data-field="id"]').textContent(), user.id);
    assert.equal(await page.locator('#profile [data-field="email"]').textContent(), email);
    assert.match(await page.locator('#identities').textContent(), /email/);
    assert.ok((await page.locator('#profile [data-field="user_metadata"]').textContent()).includes(JSON.stringify(HOSTILE).slice(1, -1)));
    assert.equal(await page.locator('#profile img, #view script').count(), 0, 'metadata markup is not parsed');
    const devices = await page.locator('#sessions tbody td.device').allTextContents();
    assert.equal(devices.length, 2, devices.join(' | '));
    assert.ok(devices.some((d) => /^Firefox 126 on Linux/.test(d)), devices.join(' | '));
    assert.ok(devices.some((d) => /Safari.* on iOS 17\.4.*Apple iPhone/.test(d)), devices.join(' | '));
    await shot('user');
  });

  test('revoke one session: its refresh token fails, the other refreshes', async () => {
    await page.locator('#sessions tbody tr', { hasText: 'Firefox' }).locator('button.revoke').click();
    await page.locator('#sessions tbody tr').first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll('#sessions tbody tr').length === 1);
    assert.doesNotMatch(await page.locator('#sessions').textContent(), /Firefox/);
    const dead = await desktop.supabase.auth.refreshSession({ refresh_token: desktop.session.refresh_token });
    assert.ok(dead.error, 'the revoked session does not refresh');
    const alive = await phone.supabase.auth.refreshSession({ refresh_token: phone.session.refresh_token });
    assert.equal(alive.error, null, alive.error?.message);
    phone.session = alive.data.session;
  });

  test('ban 24h: the page says so, the last session is gone and its refresh fails', async () => {
    await page.click('#ban');
    await page.locator('#banned-badge').waitFor();
    await page.locator('#unban').waitFor();
    assert.doesNotMatch(await page.locator('#profile [data-field="banned until"]').textContent(), /not banned/);
    assert.match(await page.locator('#sessions').textContent(), /No live session/);
    const refused = await srv.api('POST', '/auth/v1/token?grant_type=refresh_token',
      { refresh_token: phone.session.refresh_token }, API_VERSION);
    assert.ok(refused.status >= 400 && refused.status < 500, refused.text);
    expectGoTrue(refused, 'POST', '/token');
    await page.locator('#user-audit', { hasText: 'admin-session-revoked' }).waitFor();
    await shot('user-banned');
  });

  test('the audit log, filtered by type and user, shows the ban', async () => {
    await page.click('nav a[href="#/audit"]');
    await page.locator('#audit-filter').waitFor();
    await page.fill('#audit-type', 'admin-user-updated');
    await page.fill('#audit-user', user.id);
    await page.click('#audit-filter button[type=submit]');
    const row = page.locator('table#audit tbody tr', { hasText: '"ban_duration":"24h"' });
    await row.waitFor();
    assert.match(await row.textContent(), new RegExp(user.id));
    const actions = await page.locator('table#audit tbody td.mono').allTextContents();
    assert.ok(actions.length >= 1 && actions.every((a) => a === 'admin-user-updated'), actions.join(','));
    await shot('audit');
  });

  test('effective settings: every secret masked, the admin secret nowhere on the page', async () => {
    await page.click('nav a[href="#/settings"]');
    const row = page.locator('table#settings tr[data-key="admin_secret"]');
    await row.waitFor();
    assert.match(await row.textContent(), new RegExp(`\\(set, ${ADMIN_SECRET.length} bytes\\)`));
    assert.match(await page.locator('table#settings tr[data-key="gotrue_mount"]').textContent(), /\/auth\/v1/);
    const html = await page.content();
    assert.equal(html.includes(ADMIN_SECRET), false, 'the secret is not in the page');
    await shot('settings');
  });

  test('live figures: a bar chart per series, the sign-ins counted', async () => {
    await page.click('nav a[href="#/stats"]');
    await page.locator('#charts').waitFor();
    assert.equal(await page.locator('#charts .chart svg').count(), 5);
    assert.equal(await page.locator('#charts [data-series="sign_ins"] rect.bar').count(), 30);
    const text = await page.locator('#charts [data-series="sign_ins"]').textContent();
    const sum = Number(text.match(/last 30 minutes (\d+)/)[1]);
    assert.ok(sum >= 2, text);
    await shot('stats');
  });

  test('sign out forgets the secret; no script error or CSP refusal on any page', async () => {
    await page.click('#signout');
    await page.locator('#signin').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    assert.deepEqual(pageErrors.filter((e) => !/Failed to load resource/.test(e)), []);
  });
});

describe('the console over raw HTTP', () => {
  test('strict headers on the page and its files; no secret in them', async () => {
    const redirect = await get(srv, '/console');
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.get('location'), 'console/');
    const index = await get(srv, '/console/');
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type'), /^text\/html/);
    const csp = index.headers.get('content-security-policy');
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    assert.equal(index.headers.get('x-frame-options'), 'DENY');
    assert.equal(index.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(index.headers.get('cache-control'), 'no-store');
    assert.equal(index.headers.get('set-cookie'), null);
    assert.match(index.text, /<meta name="gatehouse-admin-api" content="\/auth\/v1\/admin">/);
    assert.doesNotMatch(index.text, /<script>|<script [^>]*>[^<]/, 'no inline script');
    for (const [file, type] of [['console.js', /^text\/javascript/], ['console.css', /^text\/css/]]) {
      const r = await get(srv, `/console/${file}`);
      assert.equal(r.status, 200, file);
      assert.match(r.headers.get('content-type'), type);
      assert.equal(r.headers.get('content-security-policy'), csp);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(r.text.includes(ADMIN_SECRET), false);
    }
    assert.equal(index.text.includes(ADMIN_SECRET), false);
    assert.equal((await get(srv, '/console/nothing.js')).status, 404);
  });

  test('no admin_secret, no console', async () => {
    for (const p of ['/console', '/console/', '/console/console.js', '/console/console.css'])
      assert.equal((await get(off, p)).status, 404, p);
  });

  test('GET /admin/settings: admin only, secrets masked, as openapi/gotrue.yaml says', async () => {
    const anon = await srv.api('GET', '/auth/v1/admin/settings', undefined, API_VERSION);
    expectGoTrueError(anon, 'GET', '/admin/settings', 401, 'no_authorization');
    const wrong = await srv.api('GET', '/auth/v1/admin/settings', undefined, { ...API_VERSION, 'x-hasura-admin-secret': 'nope' });
    expectGoTrueError(wrong, 'GET', '/admin/settings', 403, 'not_admin');
    const res = await asAdmin('GET', '/admin/settings');
    const body = expectGoTrue(res, 'GET', '/admin/settings');
    assert.equal(res.text.includes(ADMIN_SECRET), false);
    const byKey = Object.fromEntries(body.settings.map((s) => [s.key, s]));
    assert.deepEqual(byKey.admin_secret, { key: 'admin_secret', value: `(set, ${ADMIN_SECRET.length} bytes)`, secret: true });
    assert.equal(byKey.jwt_secret.secret, true);
    assert.equal(byKey.database_url.secret, true);
    assert.equal(byKey.gotrue_mount.value, '/auth/v1');
    for (const s of body.settings) if (s.secret) assert.match(s.value, /^(|\(set, \d+ bytes\))$/, s.key);
  });

  test('GET /admin/stats: admin only, 30 minutes of counts and running totals', async () => {
    const anon = await srv.api('GET', '/auth/v1/admin/stats', undefined, API_VERSION);
    expectGoTrueError(anon, 'GET', '/admin/stats', 401, 'no_authorization');
    const before = expectGoTrue(await asAdmin('GET', '/admin/stats'), 'GET', '/admin/stats');
    assert.equal(before.minutes.length, 30);
    const starts = before.minutes.map((m) => Date.parse(m.start));
    for (let i = 1; i < starts.length; i++) assert.equal(starts[i] - starts[i - 1], 60_000);
    assert.ok(Date.now() - starts[29] < 61_000 + 5_000, 'the last minute is the current one');
    // A wrong password counts in this minute's failures and in the totals.
    const email = uniqueEmail('stats');
    expectGoTrue(await asAdmin('POST', '/admin/users', { email, password: PASSWORD, email_confirm: true }), 'POST', '/admin/users');
    const { error } = await supabaseFor(srv).auth.signInWithPassword({ email, password: 'wrong-password-1' });
    assert.equal(error?.code, 'invalid_credentials');
    const after = expectGoTrue(await asAdmin('GET', '/admin/stats'), 'GET', '/admin/stats');
    assert.equal(after.totals.failures, before.totals.failures + 1);
    assert.ok(after.minutes.at(-1).failures >= 1, JSON.stringify(after.minutes.at(-1)));
  });
});
