// Writes the upgrade fixture: a database as a released Gatehouse leaves it, plus what a
// test needs to sign those users in again (passwords, TOTP secrets, refresh tokens,
// pending codes). upgrade.test.js starts the current binary on it.
//
//   GATEHOUSE_BIN=<released binary> E2E_DATABASE=sqlite|postgres [E2E_PG_URL=...] \
//     node tests/e2e/upgrade/make-fixture.mjs <out dir>
//
// (run tests/e2e/upgrade/make-fixture.sh, which builds both stores' fixtures with one
// binary). Writes <out dir>/<store>.sql (the whole database as SQL, the PostgreSQL one
// with its schema named __SCHEMA__) and <out dir>/<store>.json (the credentials).
// Run once per release with that release's binary; never regenerate an old fixture.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { IdentityProvider } from '../lib/idp.js';
import { Mailbox, codeIn, linkIn, mailEnv } from '../lib/mail.js';
import { DATABASE, PG_URL, Server } from '../lib/server.js';
import { Authenticator } from '../lib/totp.js';
import { bearer } from '../lib/util.js';
import { fixtureEnv } from './fixture_env.mjs';

const out = process.argv[2];
if (!out) throw new Error('usage: make-fixture.mjs <out dir>');
mkdirSync(out, { recursive: true });

const must = (res, what) => {
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${res.text}`);
  return res.json;
};

const box = new Mailbox();
await box.start();
const idp = new IdentityProvider();
await idp.start();
const srv = new Server((s) => ({ ...mailEnv(box), ...fixtureEnv(idp, s) }), { name: 'fixture' });
await srv.start();

const state = { made_at: Date.now(), version: '', users: {} };
state.version = must(await srv.api('GET', '/version'), 'version').version;
state.kid = must(await srv.api('GET', '/.well-known/jwks.json'), 'jwks').keys[0].kid;

async function verifiedUser(tag, password, options) {
  const email = `${tag}@upgrade.example.com`;
  must(await srv.api('POST', '/signup/email-password', { email, password, options }), `${tag} sign-up`);
  const link = linkIn(await box.waitFor(email));
  const res = await srv.api('GET', `${link.pathname.replace(/^\/v1/, '')}${link.search}`);
  if (res.status !== 302) throw new Error(`${tag} verify: ${res.status}`);
  return email;
}
const signIn = async (email, password) =>
  must(await srv.api('POST', '/signin/email-password', { email, password }), `sign-in ${email}`);
const refresh = async (refreshToken) => must(await srv.api('POST', '/token', { refreshToken }), 'refresh');
const me = async (session) => must(await srv.api('GET', '/user', undefined, bearer(session.accessToken)), 'user');

// ada: email + password with sign-up options, three sessions: one refreshed twice (its
// current token must refresh after the upgrade), one whose first token was rotated
// long ago (presenting it again must be reuse), one never refreshed.
{
  const password = 'ada-password-0001';
  const email = await verifiedUser('ada', password, { displayName: 'Ada', locale: 'en', metadata: { plan: 'pro' }, allowedRoles: ['user', 'me'], defaultRole: 'user' });
  const s1 = (await signIn(email, password)).session;
  const r1 = await refresh(s1.refreshToken);
  const r2 = await refresh(r1.refreshToken);
  const s2 = (await signIn(email, password)).session;
  const s2next = await refresh(s2.refreshToken);
  const s3 = (await signIn(email, password)).session;
  state.users.ada = {
    email, password, user: await me(r2),
    current_refresh_token: r2.refreshToken,
    reused_refresh_token: s2.refreshToken, reused_session_current: s2next.refreshToken,
    fresh_refresh_token: s3.refreshToken,
  };
}

// bob: TOTP on (secret and the recovery codes shown once).
{
  const password = 'bob-password-0002';
  const email = await verifiedUser('bob', password);
  const { session } = await signIn(email, password);
  const gen = must(await srv.api('GET', '/mfa/totp/generate', undefined, bearer(session.accessToken)), 'generate');
  const auth = new Authenticator(gen.totpSecret);
  const on = await srv.api('POST', '/user/mfa', { code: await auth.fresh(), activeMfaType: 'totp' }, bearer(session.accessToken));
  must(on, 'mfa on');
  const codes = must(await srv.api('POST', '/user/mfa/recovery-codes', { code: await auth.fresh() }, bearer(session.accessToken)), 'recovery codes');
  state.users.bob = { email, password, totp_secret: gen.totpSecret, recovery_codes: codes.recoveryCodes, user: await me(session) };
}

// gina: a TOTP enrolment started (secret generated) but never turned on.
{
  const password = 'gina-password-0003';
  const email = await verifiedUser('gina', password);
  const { session } = await signIn(email, password);
  const gen = must(await srv.api('GET', '/mfa/totp/generate', undefined, bearer(session.accessToken)), 'generate');
  state.users.gina = { email, password, pending_totp_secret: gen.totpSecret, refresh_token: session.refreshToken };
}

// carol: a password-reset link mailed and not used yet.
{
  const password = 'carol-password-0004';
  const email = await verifiedUser('carol', password);
  must(await srv.api('POST', '/user/password/reset', { email }), 'reset');
  const link = linkIn(await box.waitFor(email));
  state.users.carol = { email, password, reset_ticket: link.searchParams.get('ticket') };
}

// dave: signed up, never verified; his verification link is pending.
{
  const password = 'dave-password-0005';
  const email = 'dave@upgrade.example.com';
  must(await srv.api('POST', '/signup/email-password', { email, password }), 'dave sign-up');
  const link = linkIn(await box.waitFor(email));
  state.users.dave = { email, password, verify_path: `${link.pathname.replace(/^\/v1/, '')}${link.search}` };
}

// erin: a six-digit email code pending (passwordless, creates the account on use).
{
  const email = 'erin@upgrade.example.com';
  must(await srv.api('POST', '/signin/otp/email', { email }), 'email otp');
  state.users.erin = { email, email_code: codeIn(await box.waitFor(email)) };
}

// phil: phone + password; pat: a passwordless SMS code pending.
{
  const phone = '+15005550101';
  const password = 'phil-password-0006';
  const up = must(await srv.api('POST', '/signup/phone-password', { phoneNumber: phone, password }), 'phone sign-up');
  state.users.phil = { phone, password, user: up.session ? await me(up.session) : null };
  const pat = '+15005550102';
  must(await srv.api('POST', '/signin/passwordless/sms', { phoneNumber: pat }), 'sms');
  await new Promise((r) => setTimeout(r, 200));
  const line = srv.logText().split('\n').reverse().find((l) => l.includes(`to ${pat}`) && /\b\d{6}\b/.test(l));
  if (!line) throw new Error('no SMS code in the log');
  state.users.pat = { phone: pat, sms_code: /\b(\d{6})\b/.exec(line.slice(line.indexOf(pat)))[1] };
}

// fay: signed up through Google (an ID token of the local IdP), no password.
{
  const u = idp.addUser({ sub: 'google-sub-fay-0007', email: 'fay@upgrade.example.com', name: 'Fay Google' });
  const s = must(await srv.api('POST', '/signin/idtoken', { provider: 'google', idToken: idp.mintIdToken({ client: 'google', user: u }) }), 'idtoken');
  state.users.fay = { sub: u.sub, email: u.email, user: await me(s.session), refresh_token: s.session.refreshToken };
}

// anon: an anonymous user with a live session.
{
  const s = must(await srv.api('POST', '/signin/anonymous', {}), 'anonymous');
  state.users.anon = { user: await me(s.session), refresh_token: s.session.refreshToken };
}

await srv.stop();
await box.stop();
await idp.stop();

// Dump the database as SQL text.
if (DATABASE === 'postgres') {
  let sql = execFileSync('pg_dump', ['--no-owner', '--no-privileges', '--schema', srv.schema, PG_URL], { encoding: 'utf8', maxBuffer: 64 << 20 });
  sql = sql.replaceAll(srv.schema, '__SCHEMA__');
  // A dump names the server's settings; keep only what any PostgreSQL 13+ accepts.
  sql = sql.split('\n').filter((l) => !/^SET (transaction_timeout|default_table_access_method)/.test(l)).join('\n');
  writeFileSync(path.join(out, 'postgres.sql'), sql);
} else {
  const dump = execFileSync('python3', ['-c', 'import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\nfor l in c.iterdump(): print(l)', path.join(srv.dir, 'gh.db')], { encoding: 'utf8', maxBuffer: 64 << 20 });
  writeFileSync(path.join(out, 'sqlite.sql'), dump);
}
writeFileSync(path.join(out, `${DATABASE}.json`), JSON.stringify(state, null, 2) + '\n');
srv.cleanup();
console.log(`fixture written to ${out} (${DATABASE}, gatehouse ${state.version})`);
