// Bad input on every route of the GoTrue dialect, as `gatehouse routes` lists them (so a
// route added later is swept too): malformed and wrongly typed bodies, huge and invalid
// UTF-8 strings, odd path parameters and queries, with and without a user's token. Each
// answer is a GoTrue-shaped error (or a success or redirect where the input happens to
// be acceptable), never a 500, and the server stays up.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { API_VERSION, expectGoTrue, gotrueSpec } from './lib/gotrue.js';
import { BIN, useServer } from './lib/server.js';
import { bearer, PASSWORD, uniqueEmail } from './lib/util.js';

const srv = useServer({ GATEHOUSE_ANONYMOUS_SIGNIN_ENABLED: 'true' });
const MOUNT = '/auth/v1';

function goTrueRoutes() {
  const out = execFileSync(BIN, ['routes'], { env: srv.env(), encoding: 'utf8' });
  const seen = new Set();
  const routes = [];
  for (const line of out.trim().split('\n')) {
    const [method, pattern] = line.split(' ');
    if (!pattern.startsWith(`${MOUNT}/`) || seen.has(`${method} ${pattern}`)) continue;
    seen.add(`${method} ${pattern}`);
    routes.push({ method, pattern: pattern.slice(MOUNT.length) });
  }
  // Signing out ends the token the sweep carries: last.
  const last = (r) => (r.pattern === '/logout' ? 1 : 0);
  return routes.sort((a, b) => last(a) - last(b));
}

const huge = 'x'.repeat(200_000);
const bodies = [
  '{"email":',
  '[]',
  'null',
  '"text"',
  '{"email":5,"password":[],"phone":{},"data":"x","refresh_token":7,"token":5,"code":5,"type":9}',
  { email: huge, password: huge, phone: huge, data: { k: huge } },
  { email: 'not-an-email', phone: 'not-a-phone', password: '', token: '', type: 'nonsense', factor_type: 'nope', challenge_id: 'x', code: 'x' },
  { email: null, phone: null, password: null, data: null, refresh_token: null },
  Buffer.from([0x7b, 0x22, 0x65, 0x6d, 0x61, 0x69, 0x6c, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d]), // {"email":"<bad utf-8>"}
];
const params = ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', '%00', 'a'.repeat(300)];
const queries = ['', '?grant_type=password', '?grant_type=refresh_token', '?grant_type=%ff', '?type=x&token=y&redirect_to=javascript:alert(1)', '?provider=nope&scope=%00'];

function check(res, method, pattern, what) {
  assert.ok(res.status < 500, `${method} ${pattern} ${what}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
  if (res.status >= 400) {
    assert.ok(res.headers['x-sb-error-code'], `${method} ${pattern} ${what}: no x-sb-error-code: ${res.text.slice(0, 200)}`);
    if (gotrueSpec.paths[pattern]?.[method.toLowerCase()]) expectGoTrue(res, method, pattern);
  }
}

test('every /auth/v1 route answers hostile input with a GoTrue 4xx, never a 500', async () => {
  const email = uniqueEmail('badin');
  const up = await srv.api('POST', `${MOUNT}/signup`, { email, password: PASSWORD }, API_VERSION);
  assert.equal(up.status, 200, up.text);
  const auth = bearer(up.json.access_token);
  const routes = goTrueRoutes();
  assert.ok(routes.length >= 8, JSON.stringify(routes));
  let sent = 0;
  for (const { method, pattern } of routes) {
    const paths = pattern.includes('{') ? params.map((p) => pattern.replace(/\{[^}]+\}/g, p)) : [pattern];
    for (const p of paths) {
      for (const q of queries) {
        for (const headers of [API_VERSION, { ...API_VERSION, ...auth }]) {
          const list = method === 'GET' || method === 'DELETE' ? [undefined] : bodies;
          for (const body of list) {
            const res = await srv.api(method, `${MOUNT}${p}${q}`, body, headers);
            sent += 1;
            check(res, method, pattern, `${p}${q} ${typeof body === 'string' ? body.slice(0, 40) : Buffer.isBuffer(body) ? 'bad utf-8' : JSON.stringify(body ?? null).slice(0, 60)}`);
          }
        }
      }
    }
  }
  assert.ok(sent > 100, `only ${sent} requests`);
  const h = await srv.api('GET', `${MOUNT}/health`);
  assert.equal(h.status, 200);
  // The account is unharmed: it still signs in.
  const again = await srv.api('POST', `${MOUNT}/token?grant_type=password`, { email, password: PASSWORD }, API_VERSION);
  assert.equal(again.status, 200, again.text);
});
