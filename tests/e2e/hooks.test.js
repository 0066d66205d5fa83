// Auth hooks (docs/hooks.md) against the app's own endpoint: a node HTTP server on
// loopback that verifies every call's Standard Webhooks signature with the
// `standardwebhooks` package and the configured secrets, and answers as each test says.
// Custom access token claims in sign-in and refresh of both dialects, broken answers,
// a hook that is down, 503 + Retry-After retries, secret rotation, send-sms and
// send-email delivering the codes, before-user-created refusing, password and MFA
// verification attempts rejected.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { after, beforeEach, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { API_VERSION, expectGoTrue, expectGoTrueError, supabaseFor } from './lib/gotrue.js';
import { expectError, expectResponse } from './lib/schema.js';
import { sleep, useServer } from './lib/server.js';
import { Authenticator } from './lib/totp.js';
import { bearer, jwtClaims, PASSWORD, uniqueEmail } from './lib/util.js';

const secret = () => `v1,whsec_${randomBytes(32).toString('base64')}`;
const OLD = secret();
const NEW = secret();
const OTHER = secret(); // configured nowhere: must not verify
const SECRETS = {
  '/custom-access-token': [OLD, NEW], // rotating: both must verify
  '/before-user-created': [secret()],
  '/after-user-created': [secret()],
  '/send-sms': [secret()],
  '/send-email': [secret()],
  '/password-verification': [secret()],
  '/mfa-verification': [secret()],
};
const bare = (s) => s.replace(/^v1,/, '');

// What each hook path answers: (payload) => {status?, body?, headers?} or 'drop' (hang up).
const answers = {};
const defaults = {
  '/custom-access-token': (p) => ({ body: { claims: { ...p.claims, plan: 'gold', method: p.authentication_method } } }),
  '/before-user-created': () => ({ body: {} }),
  '/after-user-created': () => ({ status: 204 }),
  '/send-sms': () => ({ body: {} }),
  '/send-email': () => ({ body: {} }),
  '/password-verification': () => ({ body: { decision: 'continue' } }),
  '/mfa-verification': () => ({ body: { decision: 'continue' } }),
};
const calls = []; // {path, payload, verified: [bool per configured secret], other}

const hook = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    const headers = {
      'webhook-id': req.headers['webhook-id'],
      'webhook-timestamp': req.headers['webhook-timestamp'],
      'webhook-signature': req.headers['webhook-signature'],
    };
    const verifies = (s) => {
      try {
        new Webhook(bare(s)).verify(body, headers);
        return true;
      } catch {
        return false;
      }
    };
    const configured = SECRETS[req.url] ?? [];
    const verified = configured.map(verifies);
    const payload = JSON.parse(body);
    calls.push({ path: req.url, payload, verified, other: verifies(OTHER), id: headers['webhook-id'], type: req.headers['content-type'] });
    if (!verified.every(Boolean) || verified.length === 0) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { http_code: 401, message: 'bad signature' } }));
      return;
    }
    const a = (answers[req.url] ?? defaults[req.url])(payload);
    if (a === 'drop') {
      req.socket.destroy();
      return;
    }
    res.writeHead(a.status ?? 200, { 'content-type': 'application/json', ...(a.headers ?? {}) });
    res.end(a.body === undefined ? '' : JSON.stringify(a.body));
  });
});
await new Promise((r) => hook.listen(0, '127.0.0.1', r));
after(() => hook.close());
const HOOK = `http://127.0.0.1:${hook.address().port}`;

const env = {
  // GoTrue's names for one hook, ours for the others.
  GOTRUE_HOOK_CUSTOM_ACCESS_TOKEN_ENABLED: 'true',
  GOTRUE_HOOK_CUSTOM_ACCESS_TOKEN_URI: `${HOOK}/custom-access-token`,
  GOTRUE_HOOK_CUSTOM_ACCESS_TOKEN_SECRETS: `${OLD}|${NEW}`,
  GATEHOUSE_HOOK_TIMEOUT_SECONDS: '2',
  GATEHOUSE_SMS_PASSWORDLESS_ENABLED: 'true',
  GATEHOUSE_EMAIL_OTP_ENABLED: 'true',
  GATEHOUSE_EMAIL_PASSWORDLESS_ENABLED: 'true',
  GATEHOUSE_REFRESH_TOKEN_REUSE_GRACE_SECONDS: '0',
  GATEHOUSE_EMAIL_RESEND_COOLDOWN_SECONDS: '0', // a code, then a link, to one address
};
for (const [name, path] of [
  ['BEFORE_USER_CREATED', '/before-user-created'], ['AFTER_USER_CREATED', '/after-user-created'],
  ['SEND_SMS', '/send-sms'], ['SEND_EMAIL', '/send-email'],
  ['PASSWORD_VERIFICATION_ATTEMPT', '/password-verification'], ['MFA_VERIFICATION_ATTEMPT', '/mfa-verification'],
]) {
  env[`GATEHOUSE_HOOK_${name}_ENABLED`] = 'true';
  env[`GATEHOUSE_HOOK_${name}_URI`] = `${HOOK}${path}`;
  env[`GATEHOUSE_HOOK_${name}_SECRETS`] = SECRETS[path].join('|');
}
const srv = useServer(env, { name: 'hooks' });
const gt = (method, p, body, headers = {}) => srv.api(method, `/auth/v1${p}`, body, { ...API_VERSION, ...headers });

beforeEach(() => {
  for (const k of Object.keys(answers)) delete answers[k];
});

const callsTo = (path, since = 0) => calls.slice(since).filter((c) => c.path === path);
async function waitForCall(path, pred, since = 0) {
  for (let i = 0; i < 100; i++) {
    const c = callsTo(path, since).find(pred);
    if (c) return c;
    await sleep(20);
  }
  throw new Error(`no call to ${path}`);
}

async function nativeSignUp(email = uniqueEmail('hook')) {
  const res = await srv.api('POST', '/signup/email-password', { email, password: PASSWORD });
  assert.equal(res.status, 200, res.text);
  return { email, session: expectResponse(res, 'POST', '/signup/email-password').session };
}

describe('the calls themselves', () => {
  test('every call is a signed JSON POST that verifies with each configured secret and no other', async () => {
    const since = calls.length;
    await nativeSignUp();
    const mine = calls.slice(since);
    assert.deepEqual(new Set(mine.map((c) => c.path)), new Set(['/before-user-created', '/after-user-created', '/custom-access-token']));
    for (const c of mine) {
      assert.ok(c.verified.length > 0 && c.verified.every(Boolean), `${c.path}: ${JSON.stringify(c.verified)}`);
      assert.equal(c.other, false, `${c.path} must not verify with a secret that is not configured`);
      assert.match(c.id, /^msg_/);
      assert.match(c.type, /^application\/json/);
    }
    // Rotation: the token hook carries two signatures, one per secret, and each verifies alone.
    const token = mine.find((c) => c.path === '/custom-access-token');
    assert.deepEqual(token.verified, [true, true]);
    const log = srv.logText();
    for (const s of [OLD, NEW, ...Object.values(SECRETS).flat()]) assert.ok(!log.includes(bare(s).slice(6)), 'no secret in the log');
  });
});

describe('custom access token', () => {
  test('native sign-in and refresh carry the hook\'s claims; the payload is GoTrue\'s', async () => {
    const { email } = await nativeSignUp();
    const since = calls.length;
    const res = await srv.api('POST', '/signin/email-password', { email, password: PASSWORD });
    const session = expectResponse(res, 'POST', '/signin/email-password').session;
    const claims = jwtClaims(session.accessToken);
    assert.equal(claims.plan, 'gold');
    assert.equal(claims.method, 'password');
    const call = callsTo('/custom-access-token', since)[0];
    assert.equal(call.payload.user_id, session.user.id);
    assert.equal(call.payload.authentication_method, 'password');
    assert.equal(call.payload.claims.sub, session.user.id);
    for (const k of ['aud', 'exp', 'iat', 'role', 'aal', 'session_id', 'is_anonymous', 'email', 'phone']) assert.ok(k in call.payload.claims, k);
    const refreshed = await srv.api('POST', '/token', { refreshToken: session.refreshToken });
    const next = expectResponse(refreshed, 'POST', '/token');
    assert.equal(jwtClaims(next.accessToken).plan, 'gold');
    assert.equal(jwtClaims(next.accessToken).method, 'token_refresh');
    // The token verifies and serves GET /user.
    const me = await srv.api('GET', '/user', undefined, bearer(next.accessToken));
    assert.equal(me.status, 200, me.text);
  });

  test('GoTrue dialect: supabase-js sign-in and refresh carry the claims', async () => {
    const email = uniqueEmail('hookgt');
    const supabase = supabaseFor(srv);
    const up = await supabase.auth.signUp({ email, password: PASSWORD });
    assert.equal(up.error, null, up.error?.message);
    const { data, error } = await supabase.auth.signInWithPassword({ email, password: PASSWORD });
    assert.equal(error, null, error?.message);
    assert.equal(jwtClaims(data.session.access_token).plan, 'gold');
    const r = await supabase.auth.refreshSession();
    assert.equal(r.error, null, r.error?.message);
    assert.equal(jwtClaims(r.data.session.access_token).method, 'token_refresh');
    const u = await supabase.auth.getUser();
    assert.equal(u.error, null, u.error?.message);
    assert.equal(u.data.user.email, email);
  });

  test('an answer without a required claim is a clear error naming it, in both dialects', async () => {
    const { email } = await nativeSignUp();
    answers['/custom-access-token'] = (p) => {
      const { role, ...rest } = p.claims;
      return { body: { claims: rest } };
    };
    const res = await srv.api('POST', '/signin/email-password', { email, password: PASSWORD });
    const body = expectError(res, '/signin/email-password', 'POST', 500, ['hook-failed']);
    assert.match(body.message, /"role"/);
    const g = await gt('POST', '/token?grant_type=password', { email, password: PASSWORD });
    const gb = expectGoTrueError(g, 'POST', '/token', 500, 'unexpected_failure');
    assert.match(gb.message, /"role"/);
    answers['/custom-access-token'] = (p) => ({ body: { claims: { ...p.claims, exp: 'soon' } } });
    const typed = await srv.api('POST', '/signin/email-password', { email, password: PASSWORD });
    assert.match(expectError(typed, '/signin/email-password', 'POST', 500, ['hook-failed']).message, /"exp".*integer/);
  });

  test('a hook that is down fails sign-in and refresh closed', async () => {
    const { email, session } = await nativeSignUp();
    answers['/custom-access-token'] = () => 'drop';
    const res = await srv.api('POST', '/signin/email-password', { email, password: PASSWORD });
    expectError(res, '/signin/email-password', 'POST', 500, ['hook-timeout']);
    const r = await srv.api('POST', '/token', { refreshToken: session.refreshToken });
    expectError(r, '/token', 'POST', 500, ['hook-timeout']);
    const g = await gt('POST', '/token?grant_type=password', { email, password: PASSWORD });
    expectGoTrueError(g, 'POST', '/token', 500, 'hook_timeout');
  });

  test('503 with Retry-After is retried, then the answer is used', async () => {
    const { email } = await nativeSignUp();
    let busy = 2;
    answers['/custom-access-token'] = (p) => (busy-- > 0
      ? { status: 503, headers: { 'retry-after': '1' }, body: { error: { http_code: 503, message: 'busy' } } }
      : { body: { claims: { ...p.claims, plan: 'late' } } });
    const since = calls.length;
    const started = Date.now();
    const res = await srv.api('POST', '/signin/email-password', { email, password: PASSWORD });
    const session = expectResponse(res, 'POST', '/signin/email-password').session;
    assert.equal(jwtClaims(session.accessToken).plan, 'late');
    const tries = callsTo('/custom-access-token', since);
    assert.equal(tries.length, 3);
    assert.equal(new Set(tries.map((c) => c.id)).size, 1, 'retries keep the webhook-id');
    assert.ok(Date.now() - started >= 1900, 'waited Retry-After between the calls');
    // Busy for good: three calls, then the caller hears that the hook did not answer.
    answers['/custom-access-token'] = () => ({ status: 429, headers: { 'retry-after': '0' } });
    const n = calls.length;
    const busyRes = await srv.api('POST', '/signin/email-password', { email, password: PASSWORD });
    expectError(busyRes, '/signin/email-password', 'POST', 500, ['hook-timeout']);
    assert.equal(callsTo('/custom-access-token', n).length, 3);
  });
});

describe('user created', () => {
  test('before-user-created refuses; nothing is created; after-user-created hears of the others', async () => {
    answers['/before-user-created'] = (p) => (p.user.email.startsWith('blocked')
      ? { status: 403, body: { error: { http_code: 403, message: 'Sign-ups from here are closed' } } }
      : { body: {} });
    const email = uniqueEmail('blocked');
    const since = calls.length;
    const res = await srv.api('POST', '/signup/email-password', { email, password: PASSWORD });
    const body = expectError(res, '/signup/email-password', 'POST', 403, ['hook-refused']);
    assert.equal(body.message, 'Sign-ups from here are closed');
    const g = await gt('POST', '/signup', { email: uniqueEmail('blocked'), password: PASSWORD });
    assert.equal(expectGoTrueError(g, 'POST', '/signup', 403, 'unexpected_failure').message, 'Sign-ups from here are closed');
    assert.equal(callsTo('/after-user-created', since).length, 0);
    const signin = await srv.api('POST', '/signin/email-password', { email, password: PASSWORD });
    expectError(signin, '/signin/email-password', 'POST', 401, ['invalid-email-password']);
    const before = callsTo('/before-user-created', since)[0];
    assert.equal(before.payload.metadata.name, 'before-user-created');
    assert.equal(before.payload.user.email, email);
    const { session } = await nativeSignUp();
    const told = await waitForCall('/after-user-created', (c) => c.payload.user.id === session.user.id, since);
    assert.equal(told.payload.metadata.name, 'after-user-created');
  });
});

let n = 0;
const uniquePhone = () => `+1415556${String(((process.pid * 7 + Date.now() + ++n * 97) % 9000) + 1000)}`;

describe('send hooks', () => {
  test('send-sms gets the code (the SMS provider does not), and it signs in', async () => {
    const phone = uniquePhone();
    const supabase = supabaseFor(srv);
    const since = calls.length;
    const sent = await supabase.auth.signInWithOtp({ phone });
    assert.equal(sent.error, null, sent.error?.message);
    const call = await waitForCall('/send-sms', () => true, since);
    const otp = call.payload.sms.otp;
    assert.match(otp, /^\d{6}$/);
    assert.equal(call.payload.user.phone, phone.slice(1));
    assert.ok(!srv.logText().includes(otp), 'the log SMS provider printed nothing');
    const { data, error } = await supabase.auth.verifyOtp({ phone, token: otp, type: 'sms' });
    assert.equal(error, null, error?.message);
    assert.equal(jwtClaims(data.session.access_token).plan, 'gold');
  });

  test('send-sms refusing is the caller\'s error', async () => {
    answers['/send-sms'] = () => ({ status: 400, body: { error: { http_code: 400, message: 'No texts to that country' } } });
    const g = await gt('POST', '/otp', { phone: uniquePhone() });
    assert.equal(expectGoTrueError(g, 'POST', '/otp', 403, 'unexpected_failure').message, 'No texts to that country');
  });

  test('send-email gets the code and the link ticket (the mailer does not), and they sign in', async () => {
    const { email } = await nativeSignUp();
    const since = calls.length;
    assert.equal((await srv.api('POST', '/signin/otp/email', { email })).status, 200);
    const call = await waitForCall('/send-email', () => true, since);
    assert.equal(call.payload.user.email, email);
    assert.equal(call.payload.email_data.email_action_type, 'magiclink');
    const code = call.payload.email_data.token;
    assert.match(code, /^\d{6}$/);
    assert.ok(!srv.logText().includes(code), 'the development mailer printed nothing');
    const res = await srv.api('POST', '/signin/otp/email/verify', { email, otp: code });
    const session = expectResponse(res, 'POST', '/signin/otp/email/verify').session;
    assert.equal(jwtClaims(session.accessToken).plan, 'gold');
    // A magic link: its ticket is the token_hash, and /verify takes it.
    const n2 = calls.length;
    assert.equal((await srv.api('POST', '/signin/passwordless/email', { email })).status, 200);
    const link = await waitForCall('/send-email', () => true, n2);
    const ticket = link.payload.email_data.token_hash;
    assert.match(ticket, /:/);
    const verify = await srv.api('GET', `/verify?ticket=${encodeURIComponent(ticket)}&type=signinPasswordless&redirectTo=${encodeURIComponent(link.payload.email_data.site_url)}`);
    assert.equal(verify.status, 302, verify.text);
    assert.match(verify.headers.location, /refreshToken=/);
  });
});

describe('verification attempts', () => {
  test('password verification: told of each check, its reject is the caller\'s error', async () => {
    const { email, session } = await nativeSignUp();
    const since = calls.length;
    const wrong = await srv.api('POST', '/signin/email-password', { email, password: 'not-the-password-1' });
    expectError(wrong, '/signin/email-password', 'POST', 401, ['invalid-email-password']);
    const told = callsTo('/password-verification', since)[0];
    assert.deepEqual(told.payload, { user_id: session.user.id, valid: false });
    answers['/password-verification'] = () => ({ body: { decision: 'reject', message: 'Locked by the app', should_logout_user: true } });
    const res = await srv.api('POST', '/signin/email-password', { email, password: PASSWORD });
    assert.equal(expectError(res, '/signin/email-password', 'POST', 403, ['hook-refused']).message, 'Locked by the app');
    // should_logout_user ended the sessions.
    const r = await srv.api('POST', '/token', { refreshToken: session.refreshToken });
    expectError(r, '/token', 'POST', 401, ['invalid-refresh-token']);
    const g = await gt('POST', '/token?grant_type=password', { email, password: PASSWORD });
    assert.equal(expectGoTrueError(g, 'POST', '/token', 403, 'unexpected_failure').message, 'Locked by the app');
  });

  test('MFA verification: told of each code, its reject is mfa_verification_rejected', async () => {
    const email = uniqueEmail('hookmfa');
    const supabase = supabaseFor(srv);
    assert.equal((await supabase.auth.signUp({ email, password: PASSWORD })).error, null);
    const { data: f, error } = await supabase.auth.mfa.enroll({ factorType: 'totp' });
    assert.equal(error, null, error?.message);
    const auth = new Authenticator(f.totp.secret);
    const since = calls.length;
    const ok = await supabase.auth.mfa.challengeAndVerify({ factorId: f.id, code: await auth.fresh() });
    assert.equal(ok.error, null, ok.error?.message);
    const told = callsTo('/mfa-verification', since)[0];
    assert.equal(told.payload.factor_id, f.id);
    assert.equal(told.payload.factor_type, 'totp');
    assert.equal(told.payload.valid, true);
    answers['/mfa-verification'] = (p) => (p.factor_id === f.id ? { body: { decision: 'reject', message: 'Not from this device' } } : { body: { decision: 'continue' } });
    const token = ok.data.access_token;
    const ch = await gt('POST', `/factors/${f.id}/challenge`, {}, bearer(token));
    const challenge = expectGoTrue(ch, 'POST', '/factors/{factorId}/challenge');
    const v = await gt('POST', `/factors/${f.id}/verify`, { challenge_id: challenge.id, code: await auth.fresh() }, bearer(token));
    assert.equal(expectGoTrueError(v, 'POST', '/factors/{factorId}/verify', 403, 'mfa_verification_rejected').message, 'Not from this device');
  });
});
