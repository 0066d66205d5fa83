// A supabase/auth container's GOTRUE_* environment, and nothing of ours: the
// real binary signs with the first private JWK of GOTRUE_JWT_KEYS under its
// kid, verifies with every key, takes the token lifetime, audience, site URL,
// listen address and database from GoTrue's names, autoconfirm lets a new
// user in at once and GOTRUE_DISABLE_SIGNUP refuses sign-ups (through both
// dialects; supabase-js drives /auth/v1 as a migrating app does). `config check` says which
// GoTrue names it read and which it ignored, and refuses a bad JWK; a Supabase
// CLI config.toml with env() values reads the same way.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { createLocalJWKSet, importJWK, jwtVerify, SignJWT } from 'jose';
import { supabaseFor } from './lib/gotrue.js';
import { expectError } from './lib/schema.js';
import { BIN, DATABASE, PG_URL, useServer } from './lib/server.js';
import { bearer, decodeJwtPart, jwtHeader, signIn, signUp, uniqueEmail } from './lib/util.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-gotrue-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ecPrivate = { ...ec.privateKey.export({ format: 'jwk' }), kid: 'gotrue-ec-1', alg: 'ES256', use: 'sig', key_ops: ['sign', 'verify'] };
const rsaPublic = { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'old-rsa', alg: 'RS256', key_ops: ['verify'] };
const octSecret = Buffer.from('a-legacy-hs256-secret-of-at-least-32-bytes!');
const oct = { kty: 'oct', kid: 'legacy-hs', k: octSecret.toString('base64url'), alg: 'HS256', key_ops: ['verify'] };
// A verify-only key listed first: the first key that may sign is the EC one.
const JWT_KEYS = JSON.stringify([rsaPublic, ecPrivate, oct]);

function gotrueEnv(srv, extra = {}) {
  return {
    GOTRUE_API_HOST: '127.0.0.1',
    GOTRUE_API_PORT: String(srv.port),
    API_EXTERNAL_URL: `http://127.0.0.1:${srv.port}`,
    GOTRUE_DB_DATABASE_URL: DATABASE === 'postgres' ? PG_URL : `sqlite://${path.join(srv.dir, 'gh.db')}`,
    GOTRUE_SITE_URL: 'http://127.0.0.1:3000',
    GOTRUE_JWT_KEYS: JWT_KEYS,
    GOTRUE_JWT_EXP: '600',
    GOTRUE_JWT_AUD: 'authenticated',
    GOTRUE_MAILER_AUTOCONFIRM: 'true',
    GOTRUE_RATE_LIMIT_OTP: '100000',
    GOTRUE_RATE_LIMIT_TOKEN_REFRESH: '100000',
    GOTRUE_LOG_LEVEL: 'info',
    ...extra,
  };
}

describe('serve with only a GoTrue environment', () => {
  const srv = useServer((s) => gotrueEnv(s), { name: 'gotrue-env', bareEnv: true });

  test('tokens are signed by the first private JWK, under its kid, with GoTrue\'s lifetime and audience', async () => {
    const s = await signUp(srv, uniqueEmail('gotrue'));
    const header = jwtHeader(s.accessToken);
    assert.equal(header.alg, 'ES256');
    assert.equal(header.kid, 'gotrue-ec-1');
    const { payload } = await jwtVerify(s.accessToken, await importJWK(ec.publicKey.export({ format: 'jwk' }), 'ES256'), {
      audience: 'authenticated',
    });
    assert.equal(payload.exp - payload.iat, 600);
    assert.equal(s.accessTokenExpiresIn, 600);
  });

  test('autoconfirm: a new user signs in at once, without a verified address', async () => {
    const email = uniqueEmail('autoconfirm');
    await signUp(srv, email);
    const again = await signIn(srv, email);
    assert.ok(again.accessToken, JSON.stringify(again));
  });

  test('the JWKS publishes the asymmetric keys, never the oct one; every key verifies', async () => {
    const res = await srv.api('GET', '/.well-known/jwks.json');
    assert.equal(res.status, 200, res.text);
    const kids = res.json.keys.map((k) => k.kid).sort();
    assert.deepEqual(kids, ['gotrue-ec-1', 'old-rsa']);
    assert.ok(!res.text.includes(oct.k), 'the oct key leaked');
    const s = await signUp(srv, uniqueEmail('verify'));
    await jwtVerify(s.accessToken, createLocalJWKSet(res.json));
    // The same claims signed by the other keys (as tokens issued before the
    // switch were) verify; a token under a listed kid but another key does not.
    const claims = decodeJwtPart(s.accessToken, 1);
    const resign = (key, alg, kid) => new SignJWT(claims).setProtectedHeader({ alg, kid, typ: 'JWT' }).sign(key);
    for (const [token, want] of [
      [await resign(rsa.privateKey, 'RS256', 'old-rsa'), 200],
      [await resign(octSecret, 'HS256', 'legacy-hs'), 200],
      [await resign(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, 'RS256', 'old-rsa'), 401],
    ]) {
      const v = await srv.api('POST', '/token/verify', { token });
      assert.equal(v.status, want, `${jwtHeader(token).kid}: ${v.text}`);
    }
    const me = await srv.api('GET', '/user', undefined, bearer(await resign(rsa.privateKey, 'RS256', 'old-rsa')));
    assert.equal(me.status, 200, me.text);
  });
});

describe('GOTRUE_DISABLE_SIGNUP', () => {
  const srv = useServer((s) => gotrueEnv(s, { GOTRUE_DISABLE_SIGNUP: 'true' }), { name: 'gotrue-nosignup', bareEnv: true });

  test('sign-up is refused 403 signup-disabled, and GoTrue\'s signup_disabled under /auth/v1', async () => {
    const res = await srv.api('POST', '/signup/email-password', { email: uniqueEmail('no'), password: 'correct-horse-battery-1' });
    expectError(res, '/signup/email-password', 'POST', 403, 'signup-disabled');
    const { error } = await supabaseFor(srv).auth.signUp({ email: uniqueEmail('no'), password: 'correct-horse-battery-1' });
    assert.equal(error.code, 'signup_disabled');
    assert.equal(error.status, 422);
  });
});

describe('supabase-js against a server configured only by GOTRUE_*', () => {
  const srv = useServer((s) => gotrueEnv(s), { name: 'gotrue-env-js', bareEnv: true });

  test('sign-up, sign-in, the user, refresh and sign-out, with tokens under the GoTrue kid', async () => {
    const email = uniqueEmail('gotrue-js');
    const supabase = supabaseFor(srv);
    const up = await supabase.auth.signUp({ email, password: 'correct-horse-battery-1', options: { data: { team: 'a' } } });
    assert.equal(up.error, null, up.error?.message);
    assert.ok(up.data.session, 'GOTRUE_MAILER_AUTOCONFIRM: a session at once');
    assert.equal(jwtHeader(up.data.session.access_token).kid, 'gotrue-ec-1');
    assert.equal(up.data.session.expires_in, 600);
    const { payload } = await jwtVerify(up.data.session.access_token,
      await importJWK(ec.publicKey.export({ format: 'jwk' }), 'ES256'), { audience: 'authenticated' });
    assert.equal(payload.role, 'authenticated');
    assert.equal(payload.email, email);

    const other = supabaseFor(srv);
    const signin = await other.auth.signInWithPassword({ email, password: 'correct-horse-battery-1' });
    assert.equal(signin.error, null, signin.error?.message);
    const me = await other.auth.getUser();
    assert.equal(me.data.user.id, up.data.user.id);
    assert.deepEqual(me.data.user.user_metadata, { team: 'a' });
    const refreshed = await other.auth.refreshSession();
    assert.equal(refreshed.error, null, refreshed.error?.message);
    assert.notEqual(refreshed.data.session.refresh_token, signin.data.session.refresh_token);
    assert.equal((await other.auth.signOut()).error, null);
    const after = await srv.api('POST', '/auth/v1/token?grant_type=refresh_token', { refresh_token: refreshed.data.session.refresh_token });
    assert.equal(after.status, 400, after.text);
  });
});

function check(env, args = []) {
  return spawnSync(BIN, ['config', 'check', ...args], {
    env: { PATH: process.env.PATH, HOME: dir, GOTRUE_DB_DATABASE_URL: `sqlite://${dir}/check.db`, ...env },
    cwd: dir,
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('config check on a GoTrue environment', () => {
  test('says which names it read, which it ignored and why', () => {
    const out = check({
      GOTRUE_JWT_KEYS: JWT_KEYS,
      GOTRUE_JWT_EXP: '3600',
      GOTRUE_SITE_URL: 'https://app.example.com',
      GATEHOUSE_CLIENT_URL: 'https://ours.example.com',
      GOTRUE_RATE_LIMIT_TOKEN_REFRESH: '150',
      GOTRUE_RATE_LIMIT_VERIFY: '30',
      GOTRUE_HOOK_SEND_SMS_URI: 'https://hooks.example.com/sms',
      GOTRUE_SMTP_PASS: 'a-secret-password',
    });
    assert.equal(out.status, 0, out.stderr);
    assert.match(out.stdout, /configuration is valid/);
    assert.match(out.stdout, /gotrue: read GOTRUE_JWT_EXP -> access_token_ttl_seconds = 3600/);
    assert.match(out.stdout, /gotrue: read GOTRUE_RATE_LIMIT_TOKEN_REFRESH -> rate_limit_token_per_minute = 30/);
    assert.match(out.stdout, /gotrue: read GOTRUE_JWT_KEYS -> jwt_keys = \(set\)/);
    assert.match(out.stdout, /gotrue: GOTRUE_SITE_URL: ignored: superseded by GATEHOUSE_CLIENT_URL/);
    assert.match(out.stdout, /gotrue: GOTRUE_RATE_LIMIT_VERIFY: ignored: /);
    assert.match(out.stdout, /gotrue: read GOTRUE_HOOK_SEND_SMS_URI -> hook_send_sms_uri = https:\/\/hooks\.example\.com\/sms/);
    assert.match(out.stdout, /jwt_algorithm = ES256/);
    assert.ok(!out.stdout.includes('a-secret-password'), 'a secret was printed');
  });

  test('GoTrue hook settings are read; a pg-functions: hook is refused as not served (docs/hooks.md)', () => {
    const secret = `v1,whsec_${Buffer.from('hook-signing-key-hook-signing-key').toString('base64')}`;
    const ok = check({
      GOTRUE_HOOK_CUSTOM_ACCESS_TOKEN_ENABLED: 'true',
      GOTRUE_HOOK_CUSTOM_ACCESS_TOKEN_URI: 'https://app.example.com/hooks/token',
      GOTRUE_HOOK_CUSTOM_ACCESS_TOKEN_SECRETS: secret,
    });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /gotrue: read GOTRUE_HOOK_CUSTOM_ACCESS_TOKEN_ENABLED -> hook_custom_access_token_enabled = true/);
    assert.match(ok.stdout, /hook_custom_access_token_secrets = \(set\)/);
    assert.ok(!ok.stdout.includes(secret.slice(9)), 'the hook secret was printed');
    const pg = check({
      GOTRUE_HOOK_CUSTOM_ACCESS_TOKEN_ENABLED: 'true',
      GOTRUE_HOOK_CUSTOM_ACCESS_TOKEN_URI: 'pg-functions://postgres/public/custom_access_token_hook',
      GOTRUE_HOOK_CUSTOM_ACCESS_TOKEN_SECRETS: 'v1,not-a-whsec-secret',
    });
    assert.equal(pg.status, 2, pg.stdout);
    assert.match(pg.stderr, /hook_custom_access_token_uri: pg-functions: hooks .* are not served/);
    assert.match(pg.stderr, /hook_custom_access_token_secrets: secret 1 is not of the form v1,whsec_<base64>/);
    assert.ok(!pg.stderr.includes('not-a-whsec-secret'), 'the hook secret was printed');
  });

  test('a JWK whose private part belongs to another key is a configuration error naming it', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    const bad = JSON.stringify([{ ...ecPrivate, d: other.d }]);
    const out = check({ GOTRUE_JWT_KEYS: bad });
    assert.equal(out.status, 2, out.stdout);
    assert.match(out.stderr, /jwt_keys: key 1 \(kid "gotrue-ec-1"\): EC key: the private part \(d\) does not belong/);
    const alg = check({ GOTRUE_JWT_KEYS: JSON.stringify([{ ...ecPrivate, alg: 'ES512' }]) });
    assert.equal(alg.status, 2);
    assert.match(alg.stderr, /alg "ES512" is not supported/);
  });

  test('a Supabase CLI config.toml, env() values from the environment', () => {
    const file = path.join(dir, 'config.toml');
    writeFileSync(
      file,
      [
        'project_id = "demo"',
        '[auth]',
        'site_url = "http://127.0.0.1:3000"',
        'jwt_expiry = 1200',
        'enable_signup = false',
        '[auth.rate_limit]',
        'token_refresh = 50',
        '[auth.email.smtp]',
        'host = "smtp.example.com"',
        'pass = "env(E2E_SMTP_PASS)"',
        'admin_email = "admin@example.com"',
        '[auth.hook.send_email]',
        'enabled = true',
        '',
      ].join('\n'),
    );
    const out = check({ E2E_SMTP_PASS: 'from-the-env' }, ['--config', file]);
    assert.equal(out.status, 0, out.stderr);
    assert.match(out.stdout, /gotrue: read auth\.jwt_expiry \(GOTRUE_JWT_EXP\) -> access_token_ttl_seconds = 1200/);
    assert.match(out.stdout, /gotrue: read auth\.enable_signup \(GOTRUE_DISABLE_SIGNUP\) -> signup_disabled = true/);
    assert.match(out.stdout, /rate_limit_token_per_minute = 10/);
    assert.match(out.stdout, /smtp_pass = \(set, 12 bytes\)/);
    assert.match(out.stdout, /gotrue: auth\.hook\.send_email\.enabled: ignored/);
  });
});
