// `gatehouse users import` / `users export`: Supabase- and Nhost-shaped auth.users
// exports with bcrypt hashes (made here with bcryptjs) are imported into the running
// server's database, and their people sign in with their original passwords; users
// exported from a SQLite server are imported into this pass's store (PostgreSQL in
// the second pass) and sign in there. Runs in both passes.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import bcrypt from 'bcryptjs';
import { expectError, expectResponse } from './lib/schema.js';
import { BIN, DATABASE, Server, useServer } from './lib/server.js';
import { Authenticator } from './lib/totp.js';
import { PASSWORD, bearer, jwtClaims, signIn, signUp, uniqueEmail } from './lib/util.js';

const srv = useServer({ GATEHOUSE_ALLOWED_ROLES: 'user,me,editor' }, { name: `gatehouse-${DATABASE}` });
const tmp = mkdtempSync(path.join(os.tmpdir(), 'gh-e2e-import-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the gatehouse CLI against a server's database; returns {status, stdout, stderr}. */
function cli(server, args, input) {
  const r = spawnSync(BIN, args, { env: server.env(), input, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return r;
}

/** A bcrypt hash with the $2a$ prefix Supabase and Nhost (pgcrypto) write. */
function bcrypt2a(password, cost = 10) {
  return bcrypt.hashSync(password, bcrypt.genSaltSync(cost).replace(/^\$2b\$/, '$2a$'));
}

async function getUser(server, session) {
  const res = await server.api('GET', '/user', undefined, bearer(session.accessToken));
  assert.equal(res.status, 200, res.text);
  return expectResponse(res, 'GET', '/user');
}

function exportLines(server) {
  const r = cli(server, ['users', 'export']);
  assert.equal(r.status, 0, `export failed: ${r.stderr}`);
  const lines = r.stdout.split('\n').filter(Boolean);
  return lines.map((l) => JSON.parse(l)); // stdout is nothing but JSON lines
}

test('Supabase auth.users rows: users keep id and bcrypt password, sign in with the old password', async () => {
  const people = [
    { id: randomUUID(), email: uniqueEmail('supa'), password: 'old-supabase-pass-1', meta: { full_name: 'Sue Base', plan: 'pro' } },
    { id: randomUUID(), email: uniqueEmail('supa2'), password: 'an0ther old pässword', meta: {} },
  ];
  const rows = people.map((p, i) => ({
    instance_id: '00000000-0000-0000-0000-000000000000',
    id: p.id,
    aud: 'authenticated',
    role: 'authenticated',
    email: p.email.toUpperCase(),
    encrypted_password: bcrypt2a(p.password, i === 0 ? 10 : 6),
    email_confirmed_at: '2023-01-15 12:34:56.789123+00',
    invited_at: null,
    confirmation_token: '',
    last_sign_in_at: '2023-02-01T00:00:00Z',
    raw_app_meta_data: { provider: 'email', providers: ['email'] },
    raw_user_meta_data: p.meta,
    is_super_admin: null,
    created_at: '2023-01-15 12:00:00+00',
    updated_at: '2023-01-16 12:00:00+00',
    phone: null,
    phone_confirmed_at: null,
    email_change: '',
    banned_until: null,
    deleted_at: null,
    is_sso_user: false,
    is_anonymous: false,
  }));
  const file = path.join(tmp, 'supabase.jsonl');
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const r = cli(srv, ['users', 'import', file]);
  assert.equal(r.status, 0, `import: ${r.stderr}`);
  assert.match(r.stderr, /imported 2 users \(0 native, 2 supabase, 0 nhost\), 0 failed/);
  assert.equal(r.stdout, '');

  for (const p of people) {
    const s = await signIn(srv, p.email, p.password);
    assert.equal(s.user.id, p.id, 'the user keeps its id');
    assert.equal(s.user.email, p.email);
    assert.equal(s.user.emailVerified, true);
    expectError(await srv.api('POST', '/signin/email-password', { email: p.email, password: 'wrong-password-1' }), '/signin/email-password', 'POST', 401, 'invalid-email-password');
  }
  const first = await signIn(srv, people[0].email, people[0].password); // after the Argon2id upgrade too
  const u = await getUser(srv, first);
  assert.equal(u.displayName, 'Sue Base');
  assert.deepEqual(u.metadata, { full_name: 'Sue Base', plan: 'pro' });
  assert.equal(u.createdAt, '2023-01-15T12:00:00.000Z');
  // The bcrypt hash was upgraded to Argon2id at the first sign-in.
  const exported = exportLines(srv).find((x) => x.id === people[0].id);
  assert.match(exported.passwordHash, /^\$argon2id\$/);
});

test('Nhost auth.users rows (with roles): sign in with the old password, roles kept', async () => {
  const p = { id: randomUUID(), email: uniqueEmail('nhost'), password: 'nhost-old-password' };
  const rows = [
    {
      id: p.id,
      created_at: '2022-05-01T10:00:00.123456+00:00',
      updated_at: '2022-05-02T10:00:00+00:00',
      last_seen: null,
      disabled: false,
      display_name: 'Nora Host',
      avatar_url: 'https://example.com/nora.png',
      locale: 'en',
      email: p.email,
      phone_number: null,
      password_hash: bcrypt2a(p.password, 8),
      email_verified: true,
      phone_number_verified: false,
      new_email: null,
      otp_method_last_used: null,
      otp_hash: null,
      default_role: 'editor',
      is_anonymous: false,
      totp_secret: null,
      active_mfa_type: null,
      ticket: null,
      metadata: { team: 7 },
      roles: [{ role: 'editor' }, { role: 'user' }],
    },
    'not json at all',
    { id: 'not-a-uuid', email: uniqueEmail('bad'), password_hash: null, created_at: '2022-05-01T10:00:00Z' },
  ];
  // Through stdin this time; bad lines are reported with their number and skipped.
  const r = cli(srv, ['users', 'import'], rows.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join('\n'));
  assert.equal(r.status, 1, `a failed line makes the exit status non-zero: ${r.stderr}`);
  assert.match(r.stderr, /line 2: not valid JSON/);
  assert.match(r.stderr, /line 3: id: not a UUID/);
  assert.match(r.stderr, /imported 1 users \(0 native, 0 supabase, 1 nhost\), 2 failed/);

  const s = await signIn(srv, p.email, p.password);
  assert.equal(s.user.id, p.id);
  const u = await getUser(srv, s);
  assert.equal(u.displayName, 'Nora Host');
  assert.equal(u.avatarUrl, 'https://example.com/nora.png');
  assert.equal(u.defaultRole, 'editor');
  assert.deepEqual([...u.roles].sort(), ['editor', 'user']);
  assert.deepEqual(u.metadata, { team: 7 });

  // The same file again: every user is refused (never overwritten), still signs in.
  const again = cli(srv, ['users', 'import'], JSON.stringify(rows[0]) + '\n');
  assert.equal(again.status, 1);
  assert.match(again.stderr, /line 1: a user with id .* already exists/);
  await signIn(srv, p.email, p.password);
});

test('Nhost rows with TOTP on: the clear secret moves, password + code signs in', async () => {
  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
  const p = { id: randomUUID(), email: uniqueEmail('nhost-totp'), password: 'nhost-old-password' };
  const row = {
    id: p.id, created_at: '2022-05-01T10:00:00Z', updated_at: '2022-05-02T10:00:00Z', email: p.email,
    password_hash: bcrypt2a(p.password, 8), email_verified: true, default_role: 'user',
    roles: [{ role: 'user' }], is_anonymous: false, disabled: false,
    totp_secret: secret, active_mfa_type: 'totp', metadata: {},
  };
  const r = cli(srv, ['users', 'import'], JSON.stringify(row) + '\n');
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /enrol again/);
  const first = await srv.api('POST', '/signin/email-password', { email: p.email, password: p.password });
  assert.equal(first.status, 200, first.text);
  assert.ok(first.json.mfa?.ticket, `a TOTP user gets a ticket: ${first.text}`);
  const code = await new Authenticator(secret).fresh();
  const second = await srv.api('POST', '/signin/mfa/totp', { ticket: first.json.mfa.ticket, otp: code });
  assert.equal(second.status, 200, second.text);
  assert.equal(second.json.session.user.id, p.id);
});

test(`export from SQLite, import into ${DATABASE}: sign in there with the same password`, async () => {
  // The source: a SQLite server (also in the PostgreSQL pass) with users signed up normally.
  const dbFile = path.join(tmp, 'source.db');
  const source = new Server({ GATEHOUSE_DATABASE_URL: `sqlite://${dbFile}`, GATEHOUSE_ALLOWED_ROLES: 'user,me,editor' }, { name: 'gatehouse-source' });
  await source.start();
  try {
    const people = [];
    for (let i = 0; i < 3; i++) {
      const email = uniqueEmail(`move${i}`);
      const s = await signUp(source, email, PASSWORD, { displayName: `Mover ${i}`, metadata: { i }, defaultRole: 'me' });
      people.push({ email, id: s.user.id });
    }
    const r = cli(source, ['users', 'export']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /exported \d+ users/);
    const lines = r.stdout.split('\n').filter(Boolean);
    const rows = lines.map((l) => JSON.parse(l));
    for (const p of people) {
      const row = rows.find((x) => x.id === p.id);
      assert.ok(row, `${p.email} missing from the export`);
      assert.equal(row.email, p.email);
      assert.match(row.passwordHash, /^\$argon2id\$/);
      assert.equal(row.defaultRole, 'me');
      assert.deepEqual(row.metadata, { i: people.indexOf(p) });
      assert.ok(Array.isArray(row.identities));
    }

    const imp = cli(srv, ['users', 'import'], r.stdout);
    assert.equal(imp.status, 0, imp.stderr);
    assert.match(imp.stderr, new RegExp(`imported ${lines.length} users \\(${lines.length} native`));
    for (const [i, p] of people.entries()) {
      const s = await signIn(srv, p.email, PASSWORD);
      assert.equal(s.user.id, p.id);
      const u = await getUser(srv, s);
      assert.equal(u.displayName, `Mover ${i}`);
      assert.equal(u.defaultRole, 'me');
      assert.deepEqual(u.metadata, { i });
    }
    // The target exports the moved users exactly as the source did, but for
    // the sign-ins above: each is a later last sign-in.
    const moved = exportLines(srv);
    for (const row of rows) {
      const m = moved.find((x) => x.id === row.id);
      assert.ok(m);
      assert.ok(Date.parse(m.lastSignInAt) > Date.parse(row.lastSignInAt), `${m.lastSignInAt} after ${row.lastSignInAt}`);
      const same = { updatedAt: null, lastSeen: null, passwordHash: null, lastSignInAt: null };
      assert.deepEqual({ ...m, ...same }, { ...row, ...same });
    }
  } finally {
    await source.stop();
    source.cleanup();
  }
});

/** Turns TOTP on for a signed-up user; returns {auth, totpSecret, recoveryCodes}. */
async function enrolTotp(server, session) {
  const gen = await server.api('GET', '/mfa/totp/generate', undefined, bearer(session.accessToken));
  assert.equal(gen.status, 200, gen.text);
  const { totpSecret } = expectResponse(gen, 'GET', '/mfa/totp/generate');
  const auth = new Authenticator(totpSecret);
  const on = await server.api('POST', '/user/mfa', { code: await auth.fresh(), activeMfaType: 'totp' }, bearer(session.accessToken));
  assert.equal(on.status, 200, on.text);
  const codes = await server.api('POST', '/user/mfa/recovery-codes', { code: await auth.fresh() }, bearer(session.accessToken));
  assert.equal(codes.status, 200, codes.text);
  return { auth, totpSecret, recoveryCodes: expectResponse(codes, 'POST', '/user/mfa/recovery-codes').recoveryCodes };
}

/** Password sign-in of a TOTP user, then the second step with `otp`: the response. */
async function signInWithSecondFactor(server, email, otp) {
  const first = await server.api('POST', '/signin/email-password', { email, password: PASSWORD });
  assert.equal(first.status, 200, first.text);
  const { mfa } = expectResponse(first, 'POST', '/signin/email-password');
  assert.ok(mfa?.ticket, `an MFA ticket, not a session: ${first.text}`);
  return server.api('POST', '/signin/mfa/totp', { ticket: mfa.ticket, otp });
}

test(`TOTP users move from SQLite to ${DATABASE}: password + TOTP code, and a recovery code, work there`, async () => {
  // Each store seals TOTP secrets under its own generated key, so the export must carry
  // the secret itself (and the recovery codes) for the target to seal again.
  const dbFile = path.join(tmp, 'totp-source.db');
  const source = new Server({ GATEHOUSE_DATABASE_URL: `sqlite://${dbFile}` }, { name: 'gatehouse-totp-source' });
  await source.start();
  let person;
  let exported;
  try {
    const email = uniqueEmail('totp-move');
    const up = await signUp(source, email, PASSWORD);
    person = { email, id: up.user.id, ...(await enrolTotp(source, up)) };
    const r = cli(source, ['users', 'export']);
    assert.equal(r.status, 0, r.stderr);
    exported = r.stdout;
  } finally {
    await source.stop();
    source.cleanup();
  }
  const row = exported.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((x) => x.id === person.id);
  assert.equal(row.mfaFactors.length, 1, 'the one TOTP factor');
  const [factor] = row.mfaFactors;
  assert.equal(factor.type, 'totp');
  assert.match(factor.id, /^[0-9a-f-]{36}$/);
  assert.ok(factor.verifiedAt, 'verified');
  assert.equal(factor.secret, person.totpSecret, 'the secret travels in clear (the export file is a secret)');
  assert.equal(factor.secretEncrypted, undefined, 'not sealed under the source key');
  assert.equal(row.totpSecret, undefined, 'no second copy of the secret on the user');
  assert.equal(row.recoveryCodeHashes.length, person.recoveryCodes.length);

  const imp = cli(srv, ['users', 'import'], exported);
  assert.equal(imp.status, 0, imp.stderr);
  const ok = await signInWithSecondFactor(srv, person.email, await person.auth.fresh());
  assert.equal(ok.status, 200, ok.text);
  const session = expectResponse(ok, 'POST', '/signin/mfa/totp').session;
  assert.equal(session.user.id, person.id);
  assert.equal(jwtClaims(session.accessToken).aal, 'aal2');
  const recovery = await signInWithSecondFactor(srv, person.email, person.recoveryCodes[0]);
  assert.equal(recovery.status, 200, recovery.text);
  const claims = jwtClaims(expectResponse(recovery, 'POST', '/signin/mfa/totp').session.accessToken);
  assert.deepEqual(claims.amr.map((a) => a.method ?? a), ['password', 'recovery']);
  const twice = await signInWithSecondFactor(srv, person.email, person.recoveryCodes[0]);
  expectError(twice, '/signin/mfa/totp', 'POST', [400, 401], 'invalid-totp');
});

test('a TOTP secret the server cannot decrypt is a 4xx for the user and an error in the log, never a 500', async () => {
  let key = 'the first mfa encryption key, 32 characters or more';
  const server = new Server(() => ({ GATEHOUSE_MFA_ENCRYPTION_KEY: key }), { name: 'gatehouse-rekeyed' });
  await server.start();
  try {
    const email = uniqueEmail('rekeyed');
    const up = await signUp(server, email, PASSWORD);
    const { auth, recoveryCodes } = await enrolTotp(server, up);
    key = 'another key, so the stored secret no longer opens';
    await server.restart();
    for (const otp of [await auth.fresh(), recoveryCodes[0]]) {
      const res = await signInWithSecondFactor(server, email, otp);
      expectError(res, '/signin/mfa/totp', 'POST', 400, 'no-totp-secret');
      assert.match(res.json.message, /administrator/);
    }
    assert.match(server.logText(), /TOTP secret of user \S+ cannot be decrypted/);
  } finally {
    await server.stop();
    server.cleanup();
  }
});
