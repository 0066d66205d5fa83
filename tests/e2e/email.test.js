// Email flows against a real SMTP server (tests/e2e/lib/smtp_sink.py, aiosmtpd): each test
// reads the link or code out of the received mail and completes the flow through raw HTTP
// and @nhost/nhost-js 4.7.0.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createClient } from '@nhost/nhost-js';
import { MemoryStorage } from '@nhost/nhost-js/session';
import { codeIn, linkIn, mailEnv, useMailbox } from './lib/mail.js';
import { expectError, expectResponse } from './lib/schema.js';
import { freePort, useServer } from './lib/server.js';
import { bearer, checkSession, PASSWORD, refresh, uniqueEmail } from './lib/util.js';

const APP = 'http://127.0.0.1:3000';


/** Follows a mailed /verify link as a non-browser client: the spec's 302. */
async function follow(srv, url, headers = {}) {
  const res = await srv.api('GET', url.pathname + url.search, undefined, headers);
  return res;
}

function location(res) {
  assert.ok([302, 303].includes(res.status), `expected a redirect, got ${res.status} ${res.text}`);
  return new URL(res.headers.location);
}

async function signUpUnverified(srv, email, options) {
  const res = await srv.api('POST', '/signup/email-password', options ? { email, password: PASSWORD, options } : { email, password: PASSWORD });
  assert.equal(res.status, 200, res.text);
  const json = expectResponse(res, 'POST', '/signup/email-password');
  assert.equal(json.session, undefined, 'no session before verification');
  return json;
}

describe('email flows over SMTP', () => {
  const box = useMailbox();
  const srv = useServer(mailEnv(box), { name: 'email' });

  test('sign-up mails a verification link; unverified sign-in refused; the link signs in once', async () => {
    const email = uniqueEmail('verify');
    await signUpUnverified(srv, email);
    const mail = await box.waitFor(email);
    assert.equal(mail.mailFrom, 'auth@example.com');
    assert.match(mail.subject, /verify/i);
    assert.ok(mail.html.includes('<a href='), 'HTML part present');

    const denied = await srv.api('POST', '/signin/email-password', { email, password: PASSWORD });
    expectError(denied, '/signin/email-password', 'POST', 401, ['unverified-user']);

    const link = linkIn(mail);
    assert.equal(link.searchParams.get('type'), 'emailVerify');
    assert.match(link.searchParams.get('ticket'), /^verifyEmail:/);
    const res = await follow(srv, link);
    const to = location(res);
    assert.equal(to.origin, APP);
    assert.equal(to.searchParams.get('type'), 'emailVerify');
    const session = await refresh(srv, to.searchParams.get('refreshToken'));
    checkSession(session, { email });
    assert.equal(session.user.emailVerified, true);
    const signin = await srv.api('POST', '/signin/email-password', { email, password: PASSWORD });
    assert.equal(signin.status, 200, signin.text);

    const again = location(await follow(srv, link));
    assert.equal(again.searchParams.get('error'), 'invalid-ticket', 'a used link is refused');
    assert.equal(again.searchParams.get('refreshToken'), null);
  });

  test('link-scanner page: a browser GET shows a confirm button and spends nothing; the POST does', async () => {
    const email = uniqueEmail('scanner');
    await signUpUnverified(srv, email);
    const link = linkIn(await box.waitFor(email));
    for (let i = 0; i < 2; i++) { // a scanner, then the person
      const page = await follow(srv, link, { Accept: 'text/html,application/xhtml+xml' });
      assert.equal(page.status, 200);
      assert.match(page.headers['content-type'], /text\/html/);
      assert.match(page.text, /<form method="post"/);
      assert.equal(page.headers['referrer-policy'], 'no-referrer');
    }
    const form = new URLSearchParams({
      ticket: link.searchParams.get('ticket'), type: 'emailVerify', redirectTo: link.searchParams.get('redirectTo'),
    }).toString();
    const res = await srv.api('POST', '/verify', form, { 'Content-Type': 'application/x-www-form-urlencoded' });
    assert.equal(res.status, 303);
    const to = location(res);
    assert.ok(to.searchParams.get('refreshToken'));
  });

  test('resend answers the same for known and unknown addresses; only a real account gets mail', async () => {
    const email = uniqueEmail('resend');
    await signUpUnverified(srv, email);
    const first = linkIn(await box.waitFor(email));
    const known = await srv.api('POST', '/user/email/send-verification-email', { email });
    const unknown = await srv.api('POST', '/user/email/send-verification-email', { email: uniqueEmail('nobody') });
    assert.equal(known.status, 200);
    assert.equal(unknown.status, 200);
    assert.equal(known.text, '"OK"');
    assert.equal(unknown.text, known.text);
    const second = linkIn(await box.waitFor(email));
    assert.notEqual(second.searchParams.get('ticket'), first.searchParams.get('ticket'));
    assert.equal(location(await follow(srv, first)).searchParams.get('error'), 'invalid-ticket', 'resend replaces the older link');
    assert.ok(location(await follow(srv, second)).searchParams.get('refreshToken'));
  });

  test('magic link through @nhost/nhost-js, with an allowed wildcard redirect', async () => {
    const nhost = createClient({ authUrl: srv.authUrl, storage: new MemoryStorage() });
    const email = uniqueEmail('magic');
    const out = await nhost.auth.signInPasswordlessEmail({
      email, options: { redirectTo: 'https://app.example.com/welcome', displayName: 'Magic' },
    });
    assert.equal(out.body, 'OK');
    const mail = await box.waitFor(email);
    assert.ok(mail.text.includes('Magic'), 'display name in the mail');
    const to = location(await follow(srv, linkIn(mail)));
    assert.equal(to.origin + to.pathname, 'https://app.example.com/welcome');
    assert.equal(to.searchParams.get('type'), 'signinPasswordless');
    const s = await nhost.auth.refreshToken({ refreshToken: to.searchParams.get('refreshToken') });
    assert.equal(s.body.user.email, email);
    assert.equal(s.body.user.displayName, 'Magic');
    assert.equal(s.body.user.emailVerified, true);
  });

  test('disallowed redirects are refused, never followed', async () => {
    const email = uniqueEmail('redir');
    const res = await srv.api('POST', '/signin/passwordless/email', { email, options: { redirectTo: 'https://evil.test/x' } });
    expectError(res, '/signin/passwordless/email', 'POST', 400, ['redirectTo-not-allowed']);
    await srv.api('POST', '/signin/passwordless/email', { email });
    const link = linkIn(await box.waitFor(email));
    link.searchParams.set('redirectTo', 'https://evil.test/steal');
    const tampered = await follow(srv, link);
    assert.equal(tampered.status, 400);
    assert.equal(tampered.json.error, 'redirectTo-not-allowed');
    assert.equal(tampered.headers.location, undefined);
  });

  test('email code: sign in through @nhost/nhost-js; a used code is refused', async () => {
    const nhost = createClient({ authUrl: srv.authUrl, storage: new MemoryStorage() });
    const email = uniqueEmail('otp');
    await nhost.auth.signInOTPEmail({ email });
    const code = codeIn(await box.waitFor(email));
    const v = await nhost.auth.verifySignInOTPEmail({ email, otp: code });
    checkSession(v.body.session, { email });
    const reused = await srv.api('POST', '/signin/otp/email/verify', { email, otp: code });
    expectError(reused, '/signin/otp/email/verify', 'POST', 400, ['invalid-otp']);
  });

  test('five wrong codes burn the code', async () => {
    const email = uniqueEmail('otp5');
    assert.equal((await srv.api('POST', '/signin/otp/email', { email })).status, 200);
    const code = codeIn(await box.waitFor(email));
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      const r = await srv.api('POST', '/signin/otp/email/verify', { email, otp: wrong });
      expectError(r, '/signin/otp/email/verify', 'POST', 400, ['invalid-otp']);
    }
    const right = await srv.api('POST', '/signin/otp/email/verify', { email, otp: code });
    expectError(right, '/signin/otp/email/verify', 'POST', 400, ['invalid-otp']);
  });

  test('password reset: the mailed ticket sets the password and signs out every session', async () => {
    const email = uniqueEmail('reset');
    await signUpUnverified(srv, email);
    location(await follow(srv, linkIn(await box.waitFor(email)))); // verify
    const s = (await srv.api('POST', '/signin/email-password', { email, password: PASSWORD })).json.session;
    const nobody = await srv.api('POST', '/user/password/reset', { email: uniqueEmail('ghost') });
    const res = await srv.api('POST', '/user/password/reset', { email });
    assert.equal(res.status, 200);
    assert.equal(nobody.text, res.text, 'same answer for an unknown address');
    const link = linkIn(await box.waitFor(email));
    const ticket = link.searchParams.get('ticket');
    assert.match(ticket, /^passwordReset:/);
    const changed = await srv.api('POST', '/user/password', { newPassword: 'a-brand-new-password', ticket });
    assert.equal(changed.status, 200, changed.text);
    const reused = await srv.api('POST', '/user/password', { newPassword: 'yet-another-password', ticket });
    expectError(reused, '/user/password', 'POST', 401, 'invalid-ticket');
    const old = await srv.api('POST', '/token', { refreshToken: s.refreshToken });
    assert.equal(old.status, 401, 'sessions ended by the reset');
    assert.equal((await srv.api('POST', '/signin/email-password', { email, password: PASSWORD })).status, 401);
    assert.equal((await srv.api('POST', '/signin/email-password', { email, password: 'a-brand-new-password' })).status, 200);
  });

  test('signed-in password change needs the session and keeps only it', async () => {
    const nhost = createClient({ authUrl: srv.authUrl, storage: new MemoryStorage() });
    const email = uniqueEmail('change');
    await signUpUnverified(srv, email);
    location(await follow(srv, linkIn(await box.waitFor(email))));
    const a = (await srv.api('POST', '/signin/email-password', { email, password: PASSWORD })).json.session;
    await nhost.auth.signInEmailPassword({ email, password: PASSWORD });
    const anon = await srv.api('POST', '/user/password', { newPassword: 'x-new-password-1' });
    assert.equal(anon.status, 401);
    const out = await nhost.auth.changeUserPassword({ newPassword: 'x-new-password-1' });
    assert.equal(out.body, 'OK');
    assert.equal((await srv.api('POST', '/token', { refreshToken: a.refreshToken })).status, 401);
    assert.ok(await nhost.refreshSession(0), 'the caller stays signed in');
  });

  test('email change: mail to the new address, change on the link, notice to the old one', async () => {
    const email = uniqueEmail('old');
    const next = uniqueEmail('new');
    await signUpUnverified(srv, email);
    location(await follow(srv, linkIn(await box.waitFor(email))));
    const s = (await srv.api('POST', '/signin/email-password', { email, password: PASSWORD })).json.session;
    const res = await srv.api('POST', '/user/email/change', { newEmail: next }, bearer(s.accessToken));
    assert.equal(res.status, 200, res.text);
    const mail = await box.waitFor(next);
    let me = (await srv.api('GET', '/user', undefined, bearer(s.accessToken))).json;
    assert.equal(me.email, email, 'unchanged until the link is followed');
    const to = location(await follow(srv, linkIn(mail)));
    assert.equal(to.searchParams.get('type'), 'emailConfirmChange');
    me = (await srv.api('GET', '/user', undefined, bearer(s.accessToken))).json;
    assert.equal(me.email, next);
    const notice = await box.waitFor(email);
    assert.ok(notice.text.includes(next), notice.text);
  });
});

describe('short code lifetime', () => {
  const box = useMailbox();
  const srv = useServer(mailEnv(box, { GATEHOUSE_EMAIL_CODE_TTL_SECONDS: '1' }), { name: 'email-ttl' });

  test('an expired code and an expired link are refused', async () => {
    const email = uniqueEmail('ttl');
    await srv.api('POST', '/signin/otp/email', { email });
    const code = codeIn(await box.waitFor(email));
    await srv.api('POST', '/signin/passwordless/email', { email });
    const link = linkIn(await box.waitFor(email));
    await new Promise((r) => setTimeout(r, 1500));
    const r = await srv.api('POST', '/signin/otp/email/verify', { email, otp: code });
    expectError(r, '/signin/otp/email/verify', 'POST', 400, ['invalid-otp']);
    assert.equal(location(await follow(srv, link)).searchParams.get('error'), 'invalid-ticket');
  });
});

describe('throttling', () => {
  const box = useMailbox();
  const srv = useServer(mailEnv(box, {
    GATEHOUSE_EMAIL_RESEND_COOLDOWN_SECONDS: '60',
    GATEHOUSE_RATE_LIMIT_EMAIL_PER_HOUR: '3',
  }), { name: 'email-throttle' });

  test('per-address cooldown and per-IP limit answer 429 with Retry-After', async () => {
    const email = uniqueEmail('cool');
    assert.equal((await srv.api('POST', '/user/password/reset', { email })).status, 200);
    const soon = await srv.api('POST', '/user/password/reset', { email });
    expectError(soon, '/user/password/reset', 'POST', 429, ['too-many-requests']);
    assert.ok(Number(soon.headers['retry-after']) > 0);
    const third = await srv.api('POST', '/user/password/reset', { email: uniqueEmail('other') });
    assert.equal(third.status, 200);
    const fourth = await srv.api('POST', '/user/password/reset', { email: uniqueEmail('other') });
    assert.equal(fourth.status, 429, 'per-IP budget of 3 an hour');
    assert.ok(Number(fourth.headers['retry-after']) > 0);
  });
});

describe('deanonymize by email', () => {
  const box = useMailbox();
  const srv = useServer(mailEnv(box, { GATEHOUSE_ANONYMOUS_SIGNIN_ENABLED: 'true' }), { name: 'email-deanon' });

  for (const method of ['email-password', 'passwordless']) {
    test(`${method}: the user stays anonymous until the mailed link is followed, keeping its id`, async () => {
      const anon = (await srv.api('POST', '/signin/anonymous', {})).json.session;
      const email = uniqueEmail(`deanon-${method}`);
      const body = method === 'passwordless' ? { signInMethod: method, email } : { signInMethod: method, email, password: PASSWORD };
      const res = await srv.api('POST', '/user/deanonymize', body, bearer(anon.accessToken));
      assert.equal(res.status, 200, res.text);
      const pending = await srv.api('GET', '/user', undefined, bearer(anon.accessToken));
      assert.equal(pending.json.isAnonymous, true, 'anonymous in effect until the link');

      const mail = await box.waitFor(email);
      const to = location(await follow(srv, linkIn(mail)));
      const token = to.searchParams.get('refreshToken');
      assert.ok(token, `the link signs in: ${to}`);
      const s = await refresh(srv, token);
      assert.equal(s.user.id, anon.user.id);
      assert.equal(s.user.isAnonymous, false);
      assert.equal(s.user.email, email);
      assert.equal(s.user.defaultRole, 'user');
    });
  }
});

describe('SMTP AUTH', () => {
  const box = useMailbox({ auth: 'mailer:s3cret' });
  const good = useServer(mailEnv(box, { GATEHOUSE_SMTP_USER: 'mailer', GATEHOUSE_SMTP_PASS: 's3cret' }), { name: 'email-auth' });
  const bad = useServer(mailEnv(box, { GATEHOUSE_SMTP_USER: 'mailer', GATEHOUSE_SMTP_PASS: 'wrong', GATEHOUSE_SMTP_TIMEOUT_SECONDS: '3' }), { name: 'email-auth-bad' });

  test('the right credentials deliver; wrong ones fail cleanly with nothing half-done', async () => {
    const email = uniqueEmail('auth');
    assert.equal((await good.api('POST', '/signin/passwordless/email', { email })).status, 200);
    const mail = await box.waitFor(email);
    assert.match(mail.subject, /sign-in link/i);
    const other = uniqueEmail('authbad');
    const res = await bad.api('POST', '/signin/passwordless/email', { email: other });
    expectError(res, '/signin/passwordless/email', 'POST', 503, ['service-unavailable']);
    assert.match(bad.logText(), /NOT delivered/);
    assert.equal(box.to(other).length, 0);
  });
});

describe('SMTP server down', () => {
  const env = {
    GATEHOUSE_SMTP_HOST: '127.0.0.1',
    GATEHOUSE_SMTP_SECURE: 'none',
    GATEHOUSE_SMTP_RETRIES: '1',
    GATEHOUSE_SMTP_TIMEOUT_SECONDS: '2',
    GATEHOUSE_EMAIL_VERIFICATION_REQUIRED: 'true',
    GATEHOUSE_EMAIL_PASSWORDLESS_ENABLED: 'true',
    GATEHOUSE_EMAIL_RESEND_COOLDOWN_SECONDS: '0',
  };
  before(async () => { env.GATEHOUSE_SMTP_PORT = String(await freePort()); }); // nothing listens
  const srv = useServer(env, { name: 'email-smtp-down' });

  test('a clear 503, a clear log line, and nothing half-done', async () => {
    const email = uniqueEmail('down');
    const up = await srv.api('POST', '/signup/email-password', { email, password: PASSWORD });
    expectError(up, '/signup/email-password', 'POST', 503, ['service-unavailable']);
    assert.ok(Number(up.headers['retry-after']) > 0);
    assert.match(up.json.message, /email could not be sent/i);
    // The address was not taken: signing up again fails the same way, not email-already-in-use.
    const again = await srv.api('POST', '/signup/email-password', { email, password: PASSWORD });
    assert.equal(again.json.error, 'service-unavailable');
    const magic = await srv.api('POST', '/signin/passwordless/email', { email });
    assert.equal(magic.json.error, 'service-unavailable');
    assert.match(srv.logText(), /NOT delivered/);
  });
});
