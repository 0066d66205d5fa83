// Upgrades lose nothing: the current binary starts on a database that a released
// Gatehouse wrote (tests/e2e/upgrade/<version>/, made with that release's binary by
// upgrade/make-fixture.sh), migrates it on its first start, and every user still signs in
// with every method they had, every session still refreshes, pending codes and links
// still work, reuse detection still fires and the signing key is kept.
//
// The fixture's times are moved forward so that it looks written a minute ago (codes
// and sessions would have expired since the release otherwise); nothing else in it is
// touched.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { IdentityProvider } from './lib/idp.js';
import { mailEnv, useMailbox } from './lib/mail.js';
import { expectError, expectResponse } from './lib/schema.js';
import { DATABASE, PG_URL, Server } from './lib/server.js';
import { Authenticator } from './lib/totp.js';
import { bearer, checkSession } from './lib/util.js';
import { fixtureEnv } from './upgrade/fixture_env.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RELEASES = readdirSync(path.join(HERE, 'upgrade'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

// Every time column of the released schema (migrations 1-3), as [table, column].
const TIME_COLUMNS = [
  ['users', 'created_at'], ['users', 'updated_at'], ['users', 'last_seen'],
  ['identities', 'created_at'], ['identities', 'updated_at'],
  ['sessions', 'created_at'], ['sessions', 'refreshed_at'], ['sessions', 'expires_at'], ['sessions', 'revoked_at'],
  ['refresh_tokens', 'created_at'], ['refresh_tokens', 'expires_at'], ['refresh_tokens', 'rotated_at'],
  ['one_time_codes', 'created_at'], ['one_time_codes', 'expires_at'], ['one_time_codes', 'consumed_at'],
  ['mfa_factors', 'created_at'], ['mfa_factors', 'verified_at'],
  ['mfa_recovery_codes', 'created_at'], ['mfa_recovery_codes', 'used_at'],
  ['mfa_used_totp_steps', 'used_at'], ['mfa_failures', 'window_start'],
  ['oauth_requests', 'created_at'], ['oauth_requests', 'expires_at'],
  ['oauth_grants', 'created_at'], ['oauth_grants', 'expires_at'],
  ['signing_keys', 'created_at'], ['signing_keys', 'retired_at'],
  ['audit_log', 'at'], ['secrets', 'created_at'],
];
const AGE_MS = 60_000; // how old the fixture looks: past the refresh grace window

function shiftSql(delta) {
  return TIME_COLUMNS.map(([t, c]) => `UPDATE ${t} SET ${c} = ${c} + ${delta} WHERE ${c} IS NOT NULL;`).join('\n');
}

/** Loads the release's dump into the store `srv` will use and moves its times forward. */
function loadFixture(release, srv, state) {
  const delta = Date.now() - AGE_MS - state.made_at;
  if (DATABASE === 'postgres') {
    const sql = readFileSync(path.join(HERE, 'upgrade', release, 'postgres.sql'), 'utf8').replaceAll('__SCHEMA__', srv.schema);
    const run = (input) => execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', PG_URL], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    run(sql);
    run(`SET search_path TO ${srv.schema};\n${shiftSql(delta)}`);
    return delta;
  } else {
    const db = path.join(srv.dir, 'gh.db');
    const script = 'import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\nc.executescript(open(sys.argv[2]).read())\nc.executescript(sys.argv[3])\nc.commit()\nc.close()';
    execFileSync('python3', ['-c', script, db, path.join(HERE, 'upgrade', release, 'sqlite.sql'), shiftSql(delta)]);
    chmodSync(db, 0o600);
  }
  return delta;
}

// The fields of GET /user an upgrade must keep as they were.
// (createdAt moved with every other time of the fixture, by `shift`).
const KEPT = ['id', 'email', 'displayName', 'avatarUrl', 'locale', 'metadata', 'roles', 'defaultRole', 'emailVerified',
  'phoneNumber', 'phoneNumberVerified', 'isAnonymous', 'activeMfaType'];
function assertKept(now, before, who, shift) {
  for (const k of KEPT) assert.deepEqual(now[k], before[k], `${who}: ${k} changed by the upgrade`);
  assert.equal(Date.parse(now.createdAt), Date.parse(before.createdAt) + shift, `${who}: createdAt`);
}

for (const release of RELEASES) {
  describe(`upgrade from ${release} (${DATABASE})`, () => {
    const state = JSON.parse(readFileSync(path.join(HERE, 'upgrade', release, `${DATABASE}.json`), 'utf8'));
    const U = state.users;
    const box = useMailbox();
    let idp;
    let srv;
    let shift = 0; // ms the fixture's times were moved forward
    before(async () => {
      idp = new IdentityProvider();
      await idp.start();
      srv = new Server((s) => ({ ...mailEnv(box), ...fixtureEnv(idp, s) }), { name: `upgrade-${release}` });
      shift = loadFixture(release, srv, state);
      await srv.start();
    });
    let failed = false;
    after(async () => {
      const res = await srv.stop();
      await idp.stop();
      if (failed) console.log(`---- ${srv.name} logs ----\n${srv.logText()}\n---- end ----`);
      srv.cleanup();
      assert.equal(res?.code, 0, `SIGTERM should drain and exit 0, got ${JSON.stringify(res)}`);
    });
    const check = (name, fn) => test(name, async (t) => {
      try {
        await fn(t);
      } catch (e) {
        failed = true;
        throw e;
      }
    });

    const signIn = (email, password) => srv.api('POST', '/signin/email-password', { email, password });
    async function session(res, what) {
      assert.equal(res.status, 200, `${what}: ${res.status} ${res.text}`);
      assert.ok(res.json.session, `${what}: no session in ${res.text}`);
      checkSession(res.json.session);
      return res.json.session;
    }
    const user = async (s) => (await srv.api('GET', '/user', undefined, bearer(s.accessToken))).json;

    check('the signing key is kept: JWKS still publishes the released kid', async () => {
      const jwks = await srv.api('GET', '/.well-known/jwks.json');
      assert.ok(jwks.json.keys.some((k) => k.kid === state.kid), `kid ${state.kid} missing from ${jwks.text}`);
    });

    check('sessions refresh: the current token of a twice-rotated chain and a fresh one', async () => {
      const res = await srv.api('POST', '/token', { refreshToken: U.ada.current_refresh_token });
      assert.equal(res.status, 200, res.text);
      expectResponse(res, 'POST', '/token');
      assertKept(await user(res.json), U.ada.user, 'ada', shift);
      const fresh = await srv.api('POST', '/token', { refreshToken: U.ada.fresh_refresh_token });
      assert.equal(fresh.status, 200, fresh.text);
    });

    check('reuse detection still fires for a token rotated before the upgrade, and ends its session', async () => {
      const reused = await srv.api('POST', '/token', { refreshToken: U.ada.reused_refresh_token });
      expectError(reused, '/token', 'POST', 401, 'invalid-refresh-token');
      const current = await srv.api('POST', '/token', { refreshToken: U.ada.reused_session_current });
      expectError(current, '/token', 'POST', 401, 'invalid-refresh-token');
    });

    check('email + password: ada signs in, with her options kept', async () => {
      const s = await session(await signIn(U.ada.email, U.ada.password), 'ada');
      assertKept(await user(s), U.ada.user, 'ada', shift);
      assert.notEqual(s.accessToken, undefined);
    });

    check('TOTP: bob gets a ticket, then a session with a code of his secret and with a recovery code', async () => {
      const first = await signIn(U.bob.email, U.bob.password);
      assert.equal(first.status, 200, first.text);
      assert.ok(!first.json.session && first.json.mfa?.ticket, first.text);
      expectResponse(first, 'POST', '/signin/email-password');
      const auth = new Authenticator(U.bob.totp_secret);
      const s = await session(await srv.api('POST', '/signin/mfa/totp', { ticket: first.json.mfa.ticket, otp: await auth.fresh() }), 'bob totp');
      assertKept(await user(s), U.bob.user, 'bob', shift);
      assert.equal((await user(s)).activeMfaType, 'totp');
      assert.ok(Array.isArray(U.bob.recovery_codes) && U.bob.recovery_codes.length > 0, 'the fixture keeps recovery codes');
      const again = await signIn(U.bob.email, U.bob.password);
      await session(await srv.api('POST', '/signin/mfa/totp', { ticket: again.json.mfa.ticket, otp: U.bob.recovery_codes[0] }), 'bob recovery');
    });

    check('a TOTP enrolment begun before the upgrade is finished after it with the same secret', async () => {
      const r = await srv.api('POST', '/token', { refreshToken: U.gina.refresh_token });
      assert.equal(r.status, 200, r.text);
      const auth = new Authenticator(U.gina.pending_totp_secret);
      const on = await srv.api('POST', '/user/mfa', { code: await auth.fresh(), activeMfaType: 'totp' }, bearer(r.json.accessToken));
      assert.equal(on.status, 200, on.text);
      const s = await signIn(U.gina.email, U.gina.password);
      assert.ok(s.json.mfa?.ticket, `gina should now need a second factor: ${s.text}`);
    });

    check('a password-reset ticket mailed before the upgrade resets after it', async () => {
      const res = await srv.api('POST', '/user/password', { newPassword: 'carol-new-password-1', ticket: U.carol.reset_ticket });
      assert.equal(res.status, 200, res.text);
      await session(await signIn(U.carol.email, 'carol-new-password-1'), 'carol');
      expectError(await signIn(U.carol.email, U.carol.password), '/signin/email-password', 'POST', 401, 'invalid-email-password');
    });

    check('an unverified user stays unverified until the link mailed before the upgrade is followed', async () => {
      expectError(await signIn(U.dave.email, U.dave.password), '/signin/email-password', 'POST', 401, 'unverified-user');
      const res = await srv.api('GET', U.dave.verify_path);
      assert.equal(res.status, 302, res.text);
      assert.match(res.headers.location, /refreshToken=/, res.headers.location);
      const s = await session(await signIn(U.dave.email, U.dave.password), 'dave');
      assert.equal((await user(s)).emailVerified, true);
    });

    check('a six-digit email code sent before the upgrade signs in after it', async () => {
      await session(await srv.api('POST', '/signin/otp/email/verify', { email: U.erin.email, otp: U.erin.email_code }), 'erin');
    });

    check('phone + password and a pending SMS code', async () => {
      const s = await session(await srv.api('POST', '/signin/phone-password', { phoneNumber: U.phil.phone, password: U.phil.password }), 'phil');
      if (U.phil.user) assertKept(await user(s), U.phil.user, 'phil', shift);
      await session(await srv.api('POST', '/signin/passwordless/sms/otp', { phoneNumber: U.pat.phone, otp: U.pat.sms_code }), 'pat');
    });

    check('a Google user signs in again as the same user and keeps her session', async () => {
      const u = idp.addUser({ sub: U.fay.sub, email: U.fay.email, name: 'Fay Google' });
      const res = await srv.api('POST', '/signin/idtoken', { provider: 'google', idToken: idp.mintIdToken({ client: 'google', user: u }) });
      const s = await session(res, 'fay');
      assert.equal(s.user.id, U.fay.user.id);
      assertKept(await user(s), U.fay.user, 'fay', shift);
      const r = await srv.api('POST', '/token', { refreshToken: U.fay.refresh_token });
      assert.equal(r.status, 200, r.text);
      const providers = await srv.api('GET', '/user/providers', undefined, bearer(s.accessToken));
      assert.equal(providers.status, 200, providers.text);
      assert.match(providers.text, /google/);
    });

    check('an anonymous session refreshes and stays anonymous', async () => {
      const r = await srv.api('POST', '/token', { refreshToken: U.anon.refresh_token });
      assert.equal(r.status, 200, r.text);
      const me = await user(r.json);
      assertKept(me, U.anon.user, 'anon', shift);
      assert.equal(me.isAnonymous, true);
    });

    check('a second start finds nothing left to migrate and keeps every user', async () => {
      await srv.restart();
      await session(await signIn(U.ada.email, U.ada.password), 'ada after restart');
    });
  });
}
