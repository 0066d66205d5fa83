// The GoTrue dialect's email flows (/auth/v1/otp, /magiclink, /verify GET and POST,
// /recover, /resend, PUT /user, /reauthenticate) through @supabase/supabase-js and raw
// HTTP, against the real SMTP sink: every mail carries the /auth/v1/verify link and the
// six-digit code beside it, as GoTrue's do, and either spends the mail.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { API_VERSION, expectGoTrue, expectGoTrueError, supabaseFor } from './lib/gotrue.js';
import { mailEnv, useMailbox } from './lib/mail.js';
import { sleep, useServer } from './lib/server.js';
import { bearer, PASSWORD, uniqueEmail } from './lib/util.js';

const APP = 'http://127.0.0.1:3000';
const WELCOME = 'https://app.example.com/welcome';

/** The GoTrue link and the code of a mail. */
function partsOf(mail) {
  const link = /(https?:\/\/\S+\/auth\/v1\/verify\?\S+)/.exec(mail.text);
  const code = /enter this code: (\d{6})/.exec(mail.text);
  assert.ok(link, `no /auth/v1/verify link in: ${mail.text}`);
  assert.ok(code, `no code in: ${mail.text}`);
  return { link: new URL(link[1]), code: code[1] };
}

/** The URL fragment of a 303 answer, as supabase-js reads it. */
function fragmentOf(res) {
  assert.equal(res.status, 303, `expected GoTrue's 303, got ${res.status} ${res.text}`);
  expectGoTrue(res, 'GET', '/verify');
  assert.equal(res.headers['cache-control'], 'no-store');
  const to = new URL(res.headers.location);
  return { to, params: new URLSearchParams(to.hash.slice(1)) };
}

const wrong = (code) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('GoTrue email flows over SMTP', () => {
  const box = useMailbox();
  const srv = useServer(mailEnv(box, {
    GATEHOUSE_ANONYMOUS_SIGNIN_ENABLED: 'true',
    GATEHOUSE_EMAIL_VERIFY_CONFIRM_PAGE: 'false',
  }), { name: 'gotrue-email' });
  const gt = (method, p, body, token) =>
    srv.api(method, `/auth/v1${p}`, body, { ...API_VERSION, ...(token ? bearer(token) : {}) });
  const follow = (link, headers = {}) => srv.api('GET', link.pathname + link.search, undefined, headers);

  test('sign-up mails a GoTrue link; GET /verify answers 303 with the session in the fragment, once', async () => {
    const email = uniqueEmail('gt-signup');
    const supabase = supabaseFor(srv);
    const up = await supabase.auth.signUp({ email, password: PASSWORD, options: { emailRedirectTo: WELCOME } });
    assert.equal(up.error, null, up.error?.message);
    assert.equal(up.data.session, null);
    const { link, code } = partsOf(await box.waitFor(email));
    assert.match(link.pathname, /\/auth\/v1\/verify$/);
    assert.equal(link.searchParams.get('type'), 'signup');
    assert.equal(link.searchParams.get('redirect_to'), WELCOME);
    assert.match(code, /^\d{6}$/);

    const { to, params } = fragmentOf(await follow(link));
    assert.equal(`${to.origin}${to.pathname}`, WELCOME);
    assert.equal(params.get('token_type'), 'bearer');
    assert.equal(params.get('type'), 'signup');
    assert.ok(Number(params.get('expires_in')) > 0);
    assert.ok(Number(params.get('expires_at')) > Date.now() / 1000);
    const me = await gt('GET', '/user', undefined, params.get('access_token'));
    const user = expectGoTrue(me, 'GET', '/user');
    assert.equal(user.email, email);
    assert.ok(user.email_confirmed_at);
    const refreshed = await gt('POST', '/token?grant_type=refresh_token', { refresh_token: params.get('refresh_token') });
    expectGoTrue(refreshed, 'POST', '/token');
    assert.equal(refreshed.status, 200);
    // The password chosen at sign-up signs in now.
    const signin = await supabase.auth.signInWithPassword({ email, password: PASSWORD });
    assert.equal(signin.error, null, signin.error?.message);

    // Spent: the link again (and its code) is GoTrue's otp_expired, in the fragment.
    const again = fragmentOf(await follow(link));
    assert.equal(again.params.get('error'), 'access_denied');
    assert.equal(again.params.get('error_code'), 'otp_expired');
    assert.equal(again.params.get('error_description'), 'Email link is invalid or has expired');
    const code2 = await gt('POST', '/verify', { type: 'signup', email, token: code });
    expectGoTrueError(code2, 'POST', '/verify', 403, 'otp_expired');
  });

  test('sign-up confirmed with verifyOtp and the mailed code; a wrong code first is otp_expired', async () => {
    const email = uniqueEmail('gt-signup-code');
    const supabase = supabaseFor(srv);
    assert.equal((await supabase.auth.signUp({ email, password: PASSWORD })).error, null);
    const { code } = partsOf(await box.waitFor(email));
    const bad = await supabase.auth.verifyOtp({ email, token: wrong(code), type: 'signup' });
    assert.equal(bad.error?.code, 'otp_expired');
    assert.equal(bad.error?.status, 403);
    assert.equal(bad.error?.message, 'Token has expired or is invalid');
    const { data, error } = await supabase.auth.verifyOtp({ email, token: code, type: 'signup' });
    assert.equal(error, null, error?.message);
    assert.ok(data.session.access_token);
    assert.equal(data.user.email, email);
    assert.ok(data.user.email_confirmed_at);
    const me = await supabase.auth.getUser();
    assert.equal(me.data.user.id, data.user.id);
  });

  test('signInWithOtp({email}): new user with data, verifyOtp type email; then the magic link and its token_hash', async () => {
    const email = uniqueEmail('gt-otp');
    const supabase = supabaseFor(srv);
    const sent = await supabase.auth.signInWithOtp({ email, options: { data: { plan: 'pro' }, emailRedirectTo: WELCOME } });
    assert.equal(sent.error, null, sent.error?.message);
    const first = partsOf(await box.waitFor(email));
    assert.equal(first.link.searchParams.get('type'), 'magiclink');
    const { data, error } = await supabase.auth.verifyOtp({ email, token: first.code, type: 'email' });
    assert.equal(error, null, error?.message);
    assert.ok(data.session.access_token);
    assert.equal(data.user.user_metadata.plan, 'pro');
    assert.ok(data.user.email_confirmed_at);

    // The link of the same mail is spent with its code.
    assert.equal(fragmentOf(await follow(first.link)).params.get('error_code'), 'otp_expired');

    // A second mail: its link signs in through GET /verify.
    const raw = await gt('POST', `/otp?redirect_to=${encodeURIComponent(WELCOME)}`, { email, create_user: false });
    assert.equal(raw.status, 200, raw.text);
    assert.deepEqual(expectGoTrue(raw, 'POST', '/otp'), {});
    const second = partsOf(await box.waitFor(email));
    const { to, params } = fragmentOf(await follow(second.link));
    assert.equal(`${to.origin}${to.pathname}`, WELCOME);
    assert.equal(params.get('type'), 'magiclink');
    assert.ok(params.get('access_token'));

    // A third through POST /magiclink, spent with verifyOtp({token_hash}).
    const ml = await gt('POST', '/magiclink', { email });
    assert.equal(ml.status, 200, ml.text);
    expectGoTrue(ml, 'POST', '/magiclink');
    const third = partsOf(await box.waitFor(email));
    const tokenHash = third.link.searchParams.get('token');
    // A type the mail is not for is refused, and leaves the mail unspent.
    const otherType = await gt('POST', '/verify', { type: 'recovery', token_hash: tokenHash });
    const refused = expectGoTrueError(otherType, 'POST', '/verify', 403, 'otp_expired');
    assert.equal(refused.message, 'Email link is invalid or has expired');
    const hashed = await supabaseFor(srv).auth.verifyOtp({ token_hash: tokenHash, type: 'magiclink' });
    assert.equal(hashed.error, null, hashed.error?.message);
    assert.equal(hashed.data.user.email, email);
    const reused = await gt('POST', '/verify', { type: 'magiclink', token_hash: tokenHash });
    expectGoTrueError(reused, 'POST', '/verify', 403, 'otp_expired');
  });

  test('create_user false: an unknown address gets the same {} and no mail; a bad redirect is refused', async () => {
    const email = uniqueEmail('gt-nocreate');
    const res = await gt('POST', '/otp', { email, create_user: false });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(expectGoTrue(res, 'POST', '/otp'), {});
    await sleep(300);
    assert.equal(box.to(email).length, 0);
    const evil = await gt('POST', `/otp?redirect_to=${encodeURIComponent('https://evil.test/')}`, { email: uniqueEmail('gt-evil') });
    expectGoTrueError(evil, 'POST', '/otp', 400, 'validation_failed');
  });

  test('resetPasswordForEmail, verifyOtp type recovery, updateUser({password}); unknown addresses answer alike', async () => {
    const email = uniqueEmail('gt-reset');
    const supabase = supabaseFor(srv);
    assert.equal((await supabase.auth.signUp({ email, password: PASSWORD })).error, null);
    const confirm = partsOf(await box.waitFor(email)).code;
    assert.equal((await supabase.auth.verifyOtp({ email, token: confirm, type: 'signup' })).error, null);
    const asked = await supabase.auth.resetPasswordForEmail(email, { redirectTo: WELCOME });
    assert.equal(asked.error, null, asked.error?.message);
    const mail = partsOf(await box.waitFor(email));
    assert.equal(mail.link.searchParams.get('type'), 'recovery');
    assert.equal(mail.link.searchParams.get('redirect_to'), WELCOME);
    const unknown = await gt('POST', '/recover', { email: uniqueEmail('gt-nobody') });
    assert.equal(unknown.status, 200, unknown.text);
    assert.deepEqual(expectGoTrue(unknown, 'POST', '/recover'), {});

    const { data, error } = await supabase.auth.verifyOtp({ email, token: mail.code, type: 'recovery' });
    assert.equal(error, null, error?.message);
    assert.ok(data.session);
    const same = await supabase.auth.updateUser({ password: PASSWORD });
    assert.equal(same.error?.code, 'same_password');
    assert.equal(same.error?.status, 422);
    const changed = await supabase.auth.updateUser({ password: 'a-brand-new-password-2' });
    assert.equal(changed.error, null, changed.error?.message);
    const old = await supabaseFor(srv).auth.signInWithPassword({ email, password: PASSWORD });
    assert.equal(old.error?.code, 'invalid_credentials');
    const fresh = await supabaseFor(srv).auth.signInWithPassword({ email, password: 'a-brand-new-password-2' });
    assert.equal(fresh.error, null, fresh.error?.message);
  });

  test('resend type signup: a new mail whose code works, the first one is burnt', async () => {
    const email = uniqueEmail('gt-resend');
    const supabase = supabaseFor(srv);
    assert.equal((await supabase.auth.signUp({ email, password: PASSWORD })).error, null);
    const first = partsOf(await box.waitFor(email));
    const again = await supabase.auth.resend({ type: 'signup', email, options: { emailRedirectTo: WELCOME } });
    assert.equal(again.error, null, again.error?.message);
    const second = partsOf(await box.waitFor(email));
    assert.equal(second.link.searchParams.get('redirect_to'), WELCOME);
    const old = await gt('POST', '/verify', { type: 'signup', email, token: first.code });
    expectGoTrueError(old, 'POST', '/verify', 403, 'otp_expired');
    const ok = await gt('POST', '/verify', { type: 'signup', email, token: second.code });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(expectGoTrue(ok, 'POST', '/verify').user.email, email);
    const nobody = await gt('POST', '/resend', { type: 'signup', email: uniqueEmail('gt-nobody') });
    assert.deepEqual(expectGoTrue(nobody, 'POST', '/resend'), {});
  });

  test('updateUser({email}) mails the new address; resend email_change; verifyOtp type email_change moves the user', async () => {
    const email = uniqueEmail('gt-change');
    const next = uniqueEmail('gt-changed');
    const supabase = supabaseFor(srv);
    await supabase.auth.signUp({ email, password: PASSWORD });
    await supabase.auth.verifyOtp({ email, token: partsOf(await box.waitFor(email)).code, type: 'signup' });
    const taken = uniqueEmail('gt-taken');
    await supabaseFor(srv).auth.signUp({ email: taken, password: PASSWORD });
    const clash = await supabase.auth.updateUser({ email: taken });
    assert.equal(clash.error?.code, 'email_exists');
    assert.equal(clash.error?.status, 422);

    const asked = await supabase.auth.updateUser({ email: next }, { emailRedirectTo: WELCOME });
    assert.equal(asked.error, null, asked.error?.message);
    assert.equal(asked.data.user.email, email, 'the email changes once verified');
    assert.equal(asked.data.user.new_email, next);
    const first = partsOf(await box.waitFor(next));
    assert.equal(first.link.searchParams.get('type'), 'email_change');
    const resent = await gt('POST', '/resend', { type: 'email_change', email });
    assert.equal(resent.status, 200, resent.text);
    expectGoTrue(resent, 'POST', '/resend');
    const second = partsOf(await box.waitFor(next));
    const { data, error } = await supabase.auth.verifyOtp({ email: next, token: second.code, type: 'email_change' });
    assert.equal(error, null, error?.message);
    assert.equal(data.user.email, next);
    assert.equal(data.user.new_email, undefined);
    const notice = await box.waitFor(email);
    assert.match(notice.subject, /changed/i);
    const signin = await supabaseFor(srv).auth.signInWithPassword({ email: next, password: PASSWORD });
    assert.equal(signin.error, null, signin.error?.message);
  });

  test('updateUser({data}) merges user_metadata; null removes a key', async () => {
    const supabase = supabaseFor(srv);
    const email = uniqueEmail('gt-data');
    await supabase.auth.signUp({ email, password: PASSWORD, options: { data: { a: 1, keep: 'x' } } });
    await supabase.auth.verifyOtp({ email, token: partsOf(await box.waitFor(email)).code, type: 'signup' });
    const first = await supabase.auth.updateUser({ data: { b: 2 } });
    assert.equal(first.error, null, first.error?.message);
    assert.deepEqual(first.data.user.user_metadata, { a: 1, keep: 'x', b: 2 });
    const second = await supabase.auth.updateUser({ data: { a: null, b: 3 } });
    assert.deepEqual(second.data.user.user_metadata, { keep: 'x', b: 3 });
    const me = await supabase.auth.getUser();
    assert.deepEqual(me.data.user.user_metadata, { keep: 'x', b: 3 });
  });

  test('an anonymous user becomes permanent: updateUser({email}), verifyOtp type email_change, then a password', async () => {
    const supabase = supabaseFor(srv);
    const anon = await supabase.auth.signInAnonymously({ options: { data: { cart: 3 } } });
    assert.equal(anon.error, null, anon.error?.message);
    const id = anon.data.user.id;
    assert.equal(anon.data.user.is_anonymous, true);
    const email = uniqueEmail('gt-anon');
    const asked = await supabase.auth.updateUser({ email });
    assert.equal(asked.error, null, asked.error?.message);
    const { code } = partsOf(await box.waitFor(email));
    const { data, error } = await supabase.auth.verifyOtp({ email, token: code, type: 'email_change' });
    assert.equal(error, null, error?.message);
    assert.equal(data.user.id, id, 'same user id');
    assert.equal(data.user.is_anonymous, false);
    assert.equal(data.user.email, email);
    assert.equal(data.user.user_metadata.cart, 3);
    const pw = await supabase.auth.updateUser({ password: PASSWORD });
    assert.equal(pw.error, null, pw.error?.message);
    const signin = await supabaseFor(srv).auth.signInWithPassword({ email, password: PASSWORD });
    assert.equal(signin.error, null, signin.error?.message);
    assert.equal(signin.data.user.id, id);
  });

  test('GET /verify: a redirect_to outside the allowed list goes to the site URL; bad tokens and types', async () => {
    const email = uniqueEmail('gt-evil-link');
    await gt('POST', '/otp', { email });
    const { link } = partsOf(await box.waitFor(email));
    link.searchParams.set('redirect_to', 'https://evil.test/steal');
    const { to, params } = fragmentOf(await follow(link));
    assert.equal(`${to.origin}${to.pathname}`.replace(/\/$/, ''), APP);
    assert.ok(params.get('access_token'));
    const forged = fragmentOf(await srv.api('GET', '/auth/v1/verify?token=passwordlessEmail%3Anope&type=magiclink'));
    assert.equal(forged.params.get('error_code'), 'otp_expired');
    const wrongType = fragmentOf(await srv.api('GET', `/auth/v1/verify?token=x&type=bogus&redirect_to=${encodeURIComponent(WELCOME)}`));
    assert.equal(wrongType.params.get('error_code'), 'validation_failed');
    assert.equal(`${wrongType.to.origin}${wrongType.to.pathname}`, WELCOME);
    const missing = await srv.api('GET', '/auth/v1/verify?type=signup', undefined, API_VERSION);
    expectGoTrueError(missing, 'GET', '/verify', 400, 'validation_failed');
  });

  test('bad input is a GoTrue 4xx, never a 500', async () => {
    const supabase = supabaseFor(srv);
    const email = uniqueEmail('gt-bad');
    await supabase.auth.signUp({ email, password: PASSWORD });
    const session = (await supabase.auth.verifyOtp({ email, token: partsOf(await box.waitFor(email)).code, type: 'signup' })).data.session;
    const cases = [
      ['POST', '/otp', { email: 5 }],
      ['POST', '/otp', { email: 'not-an-address' }],
      ['POST', '/otp', {}],
      ['POST', '/otp', { email: uniqueEmail('x'), data: 'text' }],
      ['POST', '/magiclink', { email: ['a'] }],
      ['POST', '/verify', { type: 'email', email: 'x', token: 123 }],
      ['POST', '/verify', { type: 'email', token: '123456' }],
      ['POST', '/verify', { type: 'email', email, token: 'x'.repeat(5000) }],
      ['POST', '/verify', { type: 'bogus', email, token: '123456' }],
      ['POST', '/verify', { type: 'recovery', token_hash: 'passwordReset:' + 'a'.repeat(600) }],
      ['POST', '/verify', { type: 7 }],
      ['POST', '/recover', {}],
      ['POST', '/recover', { email: 'nope' }],
      ['POST', '/resend', { type: 'bogus', email }],
      ['POST', '/resend', { email }],
      ['PUT', '/user', { data: 'text' }, session.access_token],
      ['PUT', '/user', { password: 5 }, session.access_token],
      ['PUT', '/user', { email: 'not-an-address' }, session.access_token],
      ['PUT', '/user', { password: 'short' }, session.access_token],
      ['PUT', '/user', { email: uniqueEmail('y') }],
      ['GET', '/reauthenticate', undefined],
    ];
    for (const [method, p, body, token] of cases) {
      const res = await gt(method, p, body, token);
      assert.ok(res.status >= 400 && res.status < 500, `${method} ${p} ${JSON.stringify(body)?.slice(0, 80)}: ${res.status} ${res.text}`);
      expectGoTrue(res, method, p.split('?')[0]);
    }
    const raw = await srv.api('POST', '/auth/v1/verify', '{"type":', { ...API_VERSION, 'content-type': 'application/json' });
    assert.ok(raw.status >= 400 && raw.status < 500, raw.text);
  });
});

describe('GoTrue reauthentication, expiry and the per-address mail budget', () => {
  const box = useMailbox();
  const srv = useServer(mailEnv(box, {
    GATEHOUSE_EMAIL_VERIFICATION_REQUIRED: 'false',
    // GoTrue's name for the switch; every session counts as old here.
    GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_REAUTHENTICATION: 'true',
    GATEHOUSE_REAUTHENTICATION_MAX_SESSION_AGE_SECONDS: '0',
    GATEHOUSE_EMAIL_RESEND_COOLDOWN_SECONDS: '30',
    GATEHOUSE_EMAIL_CODE_TTL_SECONDS: '3',
  }), { name: 'gotrue-email-reauth' });
  const gt = (method, p, body, token) =>
    srv.api(method, `/auth/v1${p}`, body, { ...API_VERSION, ...(token ? bearer(token) : {}) });

  test('updateUser({password}) needs the nonce reauthenticate() mails; a wrong one is refused', async () => {
    const email = uniqueEmail('gt-reauth');
    const supabase = supabaseFor(srv);
    const up = await supabase.auth.signUp({ email, password: PASSWORD });
    assert.equal(up.error, null, up.error?.message);
    assert.ok(up.data.session, 'verification is off: a session at once');
    const needed = await supabase.auth.updateUser({ password: 'another-password-3' });
    assert.equal(needed.error?.code, 'reauthentication_needed');
    assert.equal(needed.error?.status, 400);
    const sent = await supabase.auth.reauthenticate();
    assert.equal(sent.error, null, sent.error?.message);
    const mail = await box.waitFor(email);
    const nonce = /\b(\d{6})\b/.exec(mail.text)[1];
    const bad = await supabase.auth.updateUser({ password: 'another-password-3', nonce: wrong(nonce) });
    assert.equal(bad.error?.code, 'reauthentication_not_valid');
    assert.equal(bad.error?.status, 422);
    const raw = await gt('PUT', '/user', { password: 'another-password-3', nonce }, up.data.session.access_token);
    assert.equal(raw.status, 200, raw.text);
    assert.ok(expectGoTrue(raw, 'PUT', '/user').reauthentication_sent_at);
    const reused = await gt('PUT', '/user', { password: 'yet-another-password-4', nonce }, up.data.session.access_token);
    expectGoTrueError(reused, 'PUT', '/user', 422, 'reauthentication_not_valid');
    const signin = await supabaseFor(srv).auth.signInWithPassword({ email, password: 'another-password-3' });
    assert.equal(signin.error, null, signin.error?.message);
    // The cooldown applies to the reauthentication mail too.
    const soon = await gt('GET', '/reauthenticate', undefined, up.data.session.access_token);
    expectGoTrueError(soon, 'GET', '/reauthenticate', 429, 'over_email_send_rate_limit');
  });

  test('an expired code is otp_expired; a second mail inside the cooldown is over_email_send_rate_limit', async () => {
    const email = uniqueEmail('gt-expire');
    const supabase = supabaseFor(srv);
    assert.equal((await supabase.auth.signInWithOtp({ email })).error, null);
    const { code } = partsOf(await box.waitFor(email));
    const soon = await supabase.auth.signInWithOtp({ email });
    assert.equal(soon.error?.code, 'over_email_send_rate_limit');
    assert.equal(soon.error?.status, 429);
    await sleep(3100);
    const late = await supabase.auth.verifyOtp({ email, token: code, type: 'email' });
    assert.equal(late.error?.code, 'otp_expired');
    assert.equal(late.error?.status, 403);
  });
});
