// The GoTrue admin API (/auth/v1/admin) through supabase-js's auth.admin, as a server-side
// app uses it with the service_role key that `gatehouse keys service-key` prints, and raw
// HTTP against openapi/gotrue.yaml: users created, listed a page at a time (X-Total-Count,
// Link), read, changed, banned (their refresh fails), deleted; factors listed and removed;
// who may call it (service key, admin secret) and who may not (anon key, a user's token,
// a wrong secret, nothing); and our extensions: lookup by id / email / phone, keyset
// pages, a user's sessions as devices (one revoked), the audit log filtered and paged.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { API_VERSION, expectGoTrue, expectGoTrueError, supabaseFor } from './lib/gotrue.js';
import { BIN, useServer } from './lib/server.js';
import { Authenticator } from './lib/totp.js';
import { bearer, jwtClaims, PASSWORD, uniqueEmail, UUID_RE } from './lib/util.js';

const ADMIN_SECRET = 'e2e-admin-secret-0123456789';
const srv = useServer(
  { GATEHOUSE_ADMIN_SECRET: ADMIN_SECRET, GATEHOUSE_REFRESH_TOKEN_REUSE_GRACE_SECONDS: '0' },
  { name: 'gotrue-admin' },
);

/** `gatehouse keys <what>` against the running server's database. */
function mintKey(what) {
  const env = { ...srv.env() };
  delete env.GATEHOUSE_PORT;
  const out = spawnSync(BIN, ['keys', what], { env, cwd: srv.dir, encoding: 'utf8', timeout: 20_000 });
  assert.equal(out.status, 0, out.stdout + out.stderr);
  return out.stdout.trim();
}

// Minted on first use, once the server has made its database and key.
let minted;
function keys() {
  if (!minted) {
    const service = mintKey('service-key');
    minted = { service, anon: mintKey('anon-key'), admin: supabaseFor(srv, { key: service }).auth.admin };
  }
  return minted;
}

const asAdmin = (method, p, body, headers = {}) =>
  srv.api(method, `/auth/v1${p}`, body, { ...API_VERSION, ...bearer(keys().service), apikey: keys().service, ...headers });

async function created(extra = {}) {
  const email = uniqueEmail('adm');
  const { data, error } = await keys().admin.createUser({ email, password: PASSWORD, email_confirm: true, ...extra });
  assert.equal(error, null, error?.message);
  return { email, user: data.user };
}

async function signedIn(email, headers = {}) {
  const supabase = supabaseFor(srv, { key: keys().anon, headers });
  const { data, error } = await supabase.auth.signInWithPassword({ email, password: PASSWORD });
  assert.equal(error, null, error?.message);
  return { supabase, session: data.session };
}

describe('the keys and who may call the admin API', () => {
  test('keys anon-key and service-key print JWTs signed by the server key with their role', async () => {
    const service = jwtClaims(keys().service);
    const anon = jwtClaims(keys().anon);
    assert.equal(service.role, 'service_role');
    assert.equal(anon.role, 'anon');
    assert.equal(service.iss, 'supabase');
    assert.ok(service.exp - service.iat > 9 * 365 * 24 * 3600, 'about ten years');
    const jwks = (await srv.api('GET', '/auth/v1/.well-known/jwks.json')).json;
    const kid = JSON.parse(Buffer.from(keys().service.split('.')[0], 'base64url').toString()).kid;
    assert.ok(jwks.keys.some((k) => k.kid === kid), 'signed by a published key');
  });

  test('the anon key, a user token, a wrong secret, a forged key and nothing are refused', async () => {
    const { email } = await created();
    const { session } = await signedIn(email);
    const cases = [
      [{ ...bearer(keys().anon), apikey: keys().anon }, 403, 'not_admin'],
      [{ ...bearer(session.access_token), apikey: keys().anon }, 403, 'not_admin'],
      [{ 'x-hasura-admin-secret': 'not-the-secret' }, 403, 'not_admin'],
      [bearer(keys().service.slice(0, -4) + 'AAAA'), 403, 'bad_jwt'],
      [{}, 401, 'no_authorization'],
    ];
    for (const [headers, status, code] of cases) {
      const res = await srv.api('GET', '/auth/v1/admin/users', undefined, { ...API_VERSION, ...headers });
      expectGoTrueError(res, 'GET', '/admin/users', status, code);
    }
    const { error } = await supabaseFor(srv, { key: keys().anon }).auth.admin.listUsers();
    assert.equal(error.status, 403);
  });

  test('the admin secret opens it as the service key does', async () => {
    const res = await srv.api('GET', '/auth/v1/admin/users?per_page=1', undefined, {
      ...API_VERSION,
      'x-hasura-admin-secret': ADMIN_SECRET,
    });
    assert.equal(res.status, 200, res.text);
    expectGoTrue(res, 'GET', '/admin/users');
  });
});

describe('users through supabase.auth.admin', () => {
  test('createUser with metadata signs in; getUserById reads it back', async () => {
    const { email, user } = await created({ user_metadata: { name: 'Ada' }, app_metadata: { plan: 'pro' } });
    assert.match(user.id, UUID_RE);
    assert.equal(user.email, email);
    assert.ok(user.email_confirmed_at);
    assert.deepEqual(user.user_metadata, { name: 'Ada' });
    assert.equal(user.app_metadata.plan, 'pro');
    assert.equal(user.app_metadata.provider, 'email');
    const { data, error } = await keys().admin.getUserById(user.id);
    assert.equal(error, null, error?.message);
    assert.equal(data.user.id, user.id);
    const { session } = await signedIn(email);
    assert.equal(jwtClaims(session.access_token).sub, user.id);
  });

  test('createUser of a taken address is email_exists; without address validation_failed', async () => {
    const { email } = await created();
    const again = await asAdmin('POST', '/admin/users', { email, password: PASSWORD });
    expectGoTrueError(again, 'POST', '/admin/users', 422, 'email_exists');
    const none = await asAdmin('POST', '/admin/users', { password: PASSWORD });
    expectGoTrueError(none, 'POST', '/admin/users', 400, 'validation_failed');
  });

  test('listUsers pages with total, nextPage and lastPage; X-Total-Count and Link raw', async () => {
    for (let i = 0; i < 3; i++) await created();
    const first = await keys().admin.listUsers({ page: 1, perPage: 2 });
    assert.equal(first.error, null, first.error?.message);
    assert.equal(first.data.users.length, 2);
    assert.ok(first.data.total >= 3);
    assert.equal(first.data.nextPage, 2);
    assert.equal(first.data.lastPage, Math.ceil(first.data.total / 2));
    // Every page once: all ids, none twice.
    const ids = new Set();
    for (let page = 1; page <= first.data.lastPage; page++) {
      const { data } = await keys().admin.listUsers({ page, perPage: 2 });
      for (const u of data.users) {
        assert.ok(!ids.has(u.id), `user ${u.id} on two pages`);
        ids.add(u.id);
      }
    }
    assert.equal(ids.size, first.data.total);
    const raw = await asAdmin('GET', '/admin/users?page=1&per_page=2');
    expectGoTrue(raw, 'GET', '/admin/users');
    assert.equal(Number(raw.headers['x-total-count']), first.data.total);
    assert.match(raw.headers.link, /\?page=2&per_page=2>; rel="next"/);
    const bad = await asAdmin('GET', '/admin/users?page=abc');
    expectGoTrueError(bad, 'GET', '/admin/users', 400, 'validation_failed');
  });

  test('filter keeps the users whose email contains it', async () => {
    const { email, user } = await created();
    const res = await asAdmin('GET', `/admin/users?filter=${encodeURIComponent(email.split('@')[0])}`);
    const body = expectGoTrue(res, 'GET', '/admin/users');
    assert.deepEqual(body.users.map((u) => u.id), [user.id]);
  });

  test('a ban ends the sessions: the refresh fails, sign-in is user_banned until lifted', async () => {
    const { email, user } = await created();
    const { supabase, session } = await signedIn(email);
    const banned = await keys().admin.updateUserById(user.id, { ban_duration: '24h' });
    assert.equal(banned.error, null, banned.error?.message);
    assert.ok(Date.parse(banned.data.user.banned_until) > Date.now() + 23 * 3600e3);
    const refresh = await supabase.auth.refreshSession({ refresh_token: session.refresh_token });
    assert.ok(refresh.error, 'the refresh of a banned user fails');
    const again = await supabaseFor(srv).auth.signInWithPassword({ email, password: PASSWORD });
    assert.equal(again.error?.code, 'user_banned');
    const lifted = await keys().admin.updateUserById(user.id, { ban_duration: 'none' });
    assert.equal(lifted.error, null, lifted.error?.message);
    await signedIn(email);
    const bad = await asAdmin('PUT', `/admin/users/${user.id}`, { ban_duration: 'forever' });
    expectGoTrueError(bad, 'PUT', '/admin/users/{id}', 400, 'validation_failed');
  });

  test('updateUserById merges app_metadata (provider kept), replaces user_metadata, sets a password', async () => {
    const { email, user } = await created({ user_metadata: { a: 1 }, app_metadata: { keep: true } });
    const { data, error } = await keys().admin.updateUserById(user.id, {
      user_metadata: { b: 2 },
      app_metadata: { plan: 'team', provider: 'forged' },
      password: 'a new long password',
    });
    assert.equal(error, null, error?.message);
    assert.deepEqual(data.user.user_metadata, { b: 2 });
    assert.equal(data.user.app_metadata.plan, 'team');
    assert.equal(data.user.app_metadata.keep, true);
    assert.equal(data.user.app_metadata.provider, 'email');
    const old = await supabaseFor(srv).auth.signInWithPassword({ email, password: PASSWORD });
    assert.equal(old.error?.code, 'invalid_credentials');
    const fresh = await supabaseFor(srv).auth.signInWithPassword({ email, password: 'a new long password' });
    assert.equal(fresh.error, null, fresh.error?.message);
  });

  test('deleteUser: gone for getUserById and sign-in; unknown and malformed ids', async () => {
    const { email, user } = await created();
    const { error } = await keys().admin.deleteUser(user.id);
    assert.equal(error, null, error?.message);
    const gone = await asAdmin('GET', `/admin/users/${user.id}`);
    expectGoTrueError(gone, 'GET', '/admin/users/{id}', 404, 'user_not_found');
    const signIn = await supabaseFor(srv).auth.signInWithPassword({ email, password: PASSWORD });
    assert.equal(signIn.error?.code, 'invalid_credentials');
    const twice = await asAdmin('DELETE', `/admin/users/${user.id}`);
    expectGoTrueError(twice, 'DELETE', '/admin/users/{id}', 404, 'user_not_found');
    const malformed = await asAdmin('GET', '/admin/users/not-a-uuid');
    expectGoTrueError(malformed, 'GET', '/admin/users/{id}', 400, 'validation_failed');
  });

  test('mfa.listFactors and mfa.deleteFactor act on any user', async () => {
    const { email, user } = await created();
    const { supabase } = await signedIn(email);
    const enrolled = await supabase.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'phone' });
    assert.equal(enrolled.error, null, enrolled.error?.message);
    const auth = new Authenticator(enrolled.data.totp.secret);
    const verified = await supabase.auth.mfa.challengeAndVerify({ factorId: enrolled.data.id, code: await auth.fresh() });
    assert.equal(verified.error, null, verified.error?.message);
    const listed = await keys().admin.mfa.listFactors({ userId: user.id });
    assert.equal(listed.error, null, listed.error?.message);
    assert.deepEqual(listed.data.factors.map((f) => [f.id, f.status]), [[enrolled.data.id, 'verified']]);
    const removed = await keys().admin.mfa.deleteFactor({ userId: user.id, id: enrolled.data.id });
    assert.equal(removed.error, null, removed.error?.message);
    assert.deepEqual((await keys().admin.mfa.listFactors({ userId: user.id })).data.factors, []);
    const again = await asAdmin('DELETE', `/admin/users/${user.id}/factors/${enrolled.data.id}`);
    expectGoTrueError(again, 'DELETE', '/admin/users/{id}/factors/{fid}', 404, 'mfa_factor_not_found');
    // Without the factor the password alone is aal1 with nothing to step up to.
    const { session } = await signedIn(email);
    assert.equal(jwtClaims(session.access_token).aal, 'aal1');
  });

  test('POST /admin/users/{id}/logout ends every session of the user', async () => {
    const { email, user } = await created();
    const a = await signedIn(email);
    const b = await signedIn(email);
    const res = await asAdmin('POST', `/admin/users/${user.id}/logout`);
    assert.equal(res.status, 204, res.text);
    for (const s of [a, b]) {
      const r = await s.supabase.auth.refreshSession({ refresh_token: s.session.refresh_token });
      assert.ok(r.error, 'refresh after the admin sign-out fails');
    }
  });
});

describe('our extensions: lookup, keyset pages, sessions, audit', () => {
  test('q finds a user by id, email (any case) and phone through the index', async () => {
    const phone = `+1415555${String(Math.floor(Math.random() * 9000) + 1000)}`;
    const { email, user } = await created({ phone, phone_confirm: true });
    for (const q of [user.id, email.toUpperCase(), phone, phone.slice(1)]) {
      const res = await asAdmin('GET', `/admin/users?q=${encodeURIComponent(q)}`);
      const body = expectGoTrue(res, 'GET', '/admin/users');
      assert.deepEqual(body.users.map((u) => u.id), [user.id], `q=${q}`);
    }
    const none = expectGoTrue(await asAdmin('GET', `/admin/users?q=${encodeURIComponent(uniqueEmail('none'))}`), 'GET', '/admin/users');
    assert.deepEqual(none.users, []);
  });

  test('after= pages in id order with a Link to the next page until the end', async () => {
    for (let i = 0; i < 3; i++) await created();
    const total = Number((await asAdmin('GET', '/admin/users?per_page=1')).headers['x-total-count']);
    const ids = [];
    let next = '/admin/users?after=&per_page=2';
    for (let i = 0; i < 1000 && next; i++) {
      const res = await asAdmin('GET', next);
      const body = expectGoTrue(res, 'GET', '/admin/users');
      ids.push(...body.users.map((u) => u.id));
      const m = /<[^>]*(\/admin\/users\?[^>]*)>; rel="next"/.exec(res.headers.link ?? '');
      next = m ? m[1] : null;
    }
    assert.equal(ids.length, total);
    assert.deepEqual([...ids].sort(), ids, 'id order');
    assert.equal(new Set(ids).size, ids.length);
    const bad = await asAdmin('GET', '/admin/users?after=nope');
    expectGoTrueError(bad, 'GET', '/admin/users', 400, 'validation_failed');
  });

  test("a user's sessions list their devices; one revoked, its refresh fails, the other lives", async () => {
    const { email, user } = await created();
    const chrome =
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36';
    const desktop = await signedIn(email, { 'User-Agent': chrome });
    const other = await signedIn(email);
    const res = await asAdmin('GET', `/admin/users/${user.id}/sessions`);
    const body = expectGoTrue(res, 'GET', '/admin/users/{id}/sessions');
    assert.equal(body.sessions.length, 2);
    const sid = jwtClaims(desktop.session.access_token).session_id;
    const listed = body.sessions.find((s) => s.id === sid);
    assert.ok(listed, 'the desktop session is listed');
    assert.equal(listed.user_id, user.id);
    assert.equal(listed.device.browser.name, 'Chrome');
    assert.equal(listed.device.browser.major, '120');
    assert.equal(listed.device.os.name, 'Windows');
    assert.equal(listed.ip, '127.0.0.1');

    const revoked = await asAdmin('DELETE', `/admin/users/${user.id}/sessions/${sid}`);
    assert.equal(revoked.status, 204, revoked.text);
    const dead = await desktop.supabase.auth.refreshSession({ refresh_token: desktop.session.refresh_token });
    assert.ok(dead.error, 'the revoked session does not refresh');
    const alive = await other.supabase.auth.refreshSession({ refresh_token: other.session.refresh_token });
    assert.equal(alive.error, null, alive.error?.message);
    const again = await asAdmin('DELETE', `/admin/users/${user.id}/sessions/${sid}`);
    assert.equal(again.status, 404, again.text);
    expectGoTrue(again, 'DELETE', '/admin/users/{id}/sessions/{sid}');
    // Another user's session id is not this user's.
    const { user: stranger } = await created();
    const foreign = await asAdmin('DELETE', `/admin/users/${stranger.id}/sessions/${jwtClaims(other.session.access_token).session_id}`);
    assert.equal(foreign.status, 404, foreign.text);
  });

  test('the audit log filters by user, type and time and pages below the last id', async () => {
    const { email, user } = await created();
    await signedIn(email);
    await signedIn(email);
    await supabaseFor(srv).auth.signInWithPassword({ email, password: 'wrong password here' });
    const res = await asAdmin('GET', `/admin/audit?user_id=${user.id}`);
    const entries = expectGoTrue(res, 'GET', '/admin/audit');
    const actions = entries.map((e) => e.payload.action);
    assert.deepEqual(actions.filter((a) => a === 'signin').length, 2, actions.join());
    assert.ok(actions.includes('admin-user-created'), actions.join());
    for (const e of entries) assert.equal(e.payload.actor_id, user.id);
    const created_ = entries.find((e) => e.payload.action === 'admin-user-created');
    assert.equal(created_.payload.log_type, 'team');

    const signins = expectGoTrue(await asAdmin('GET', `/admin/audit?user_id=${user.id}&type=signin`), 'GET', '/admin/audit');
    assert.equal(signins.length, 2);
    const future = new Date(Date.now() + 3600e3).toISOString();
    assert.deepEqual(expectGoTrue(await asAdmin('GET', `/admin/audit?since=${future}`), 'GET', '/admin/audit'), []);

    // One entry per page, following Link: the same entries in the same order.
    const paged = [];
    let next = `/admin/audit?user_id=${user.id}&per_page=1`;
    for (let i = 0; i < 50 && next; i++) {
      const page = await asAdmin('GET', next);
      paged.push(...expectGoTrue(page, 'GET', '/admin/audit').map((e) => e.id));
      const m = /<[^>]*(\/admin\/audit\?[^>]*)>; rel="next"/.exec(page.headers.link ?? '');
      next = m ? m[1] : null;
    }
    assert.deepEqual(paged, entries.map((e) => e.id));
    const bad = await asAdmin('GET', '/admin/audit?since=yesterday');
    expectGoTrueError(bad, 'GET', '/admin/audit', 400, 'validation_failed');
  });
});
