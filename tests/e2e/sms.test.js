// Phone sign-in: codes by SMS and WhatsApp through the Twilio provider, pointed at
// a fake Twilio (node http server) that records messages and answers like the
// real Messages API. Raw HTTP and @nhost/nhost-js; phone + password, phone
// change, test numbers, expiry, wrong code, cooldown and provider failure.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, describe, test } from 'node:test';
import { createClient } from '@nhost/nhost-js';
import { MemoryStorage } from '@nhost/nhost-js/session';
import { expectError, expectResponse, expectSchema } from './lib/schema.js';
import { sleep, useServer } from './lib/server.js';
import { PASSWORD, bearer, checkSession, jwtClaims } from './lib/util.js';

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'twilio-auth-token';
const FROM = '+15017122661';
const FAILING = '+12025550123'; // the fake answers 21211 for this one

/** A fake Twilio Messages API: checks path, basic auth and form fields like the real one. */
function startFakeTwilio() {
  const messages = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const reply = (status, json) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (req.method !== 'POST' || req.url !== `/2010-04-01/Accounts/${SID}/Messages.json`) {
        return reply(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
      }
      const auth = `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`;
      if (req.headers.authorization !== auth) {
        return reply(401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
      }
      const form = new URLSearchParams(body);
      const to = form.get('To') ?? '';
      if (to.replace('whatsapp:', '') === FAILING) {
        return reply(400, { code: 21211, message: `The 'To' number ${to} is not a valid phone number.`, more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 });
      }
      if (!form.get('Body') || !form.get('From')) {
        return reply(400, { code: 21602, message: 'Message body is required.', status: 400 });
      }
      messages.push({ to, from: form.get('From'), body: form.get('Body') });
      return reply(201, { sid: `SM${messages.length}`, status: 'queued', to, from: form.get('From'), body: form.get('Body'), error_code: null });
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, messages, url: `http://127.0.0.1:${server.address().port}` }));
  });
}

const twilio = await startFakeTwilio();
after(() => twilio.server.close());

/** The code in the newest message to `phone` (waits briefly). */
async function codeFor(phone, { whatsapp = false } = {}) {
  const to = whatsapp ? `whatsapp:${phone}` : phone;
  for (let i = 0; i < 50; i++) {
    const m = [...twilio.messages].reverse().find((x) => x.to === to);
    if (m) return m.body.match(/\d{6,10}/)[0];
    await sleep(20);
  }
  throw new Error(`no message to ${to}`);
}
const countTo = (phone) => twilio.messages.filter((m) => m.to.replace('whatsapp:', '') === phone).length;

let counter = 0;
/** A valid, unique US number (+1 415 555 xxxx is valid to libphonenumber). */
function uniquePhone() {
  counter += 1;
  const n = (process.pid * 7 + Date.now() + counter * 97) % 9000 + 1000;
  return `+1415555${String(n).padStart(4, '0')}`;
}

const BASE_ENV = {
  GATEHOUSE_SMS_PASSWORDLESS_ENABLED: 'true',
  GATEHOUSE_PHONE_PASSWORD_ENABLED: 'true',
  GATEHOUSE_SMS_PROVIDER: 'twilio',
  GATEHOUSE_SMS_ACCOUNT_SID: SID,
  GATEHOUSE_SMS_AUTH_TOKEN: TOKEN,
  GATEHOUSE_SMS_FROM: FROM,
  GATEHOUSE_SMS_WHATSAPP_FROM: '+14155238886',
  GATEHOUSE_SMS_BASE_URL: twilio.url,
  GATEHOUSE_SMS_APP_NAME: 'Acme',
  GATEHOUSE_SMS_TEST_NUMBERS: '+15550001111:424242',
  GATEHOUSE_SMS_PER_NUMBER_PER_HOUR: '100',
  GATEHOUSE_RATE_LIMIT_SMS_PER_HOUR: '100000',
  GATEHOUSE_SMS_CODE_TTL_SECONDS: '30',
};

describe('sms sign-in through the Twilio provider', () => {
  const srv = useServer(BASE_ENV, { name: 'sms' });

  test('raw HTTP: send code, read it from the fake Twilio, sign in; user is created with a verified number', async () => {
    const phone = uniquePhone();
    const pretty = `+1 (415) 555-${phone.slice(-4)}`;
    const sent = await srv.api('POST', '/signin/passwordless/sms', { phoneNumber: pretty, options: { displayName: 'Phoebe' } });
    assert.equal(sent.status, 200, sent.text);
    assert.equal(expectResponse(sent, 'POST', '/signin/passwordless/sms'), 'OK');
    const code = await codeFor(phone);
    assert.match(code, /^\d{6}$/);
    const msg = twilio.messages.at(-1);
    assert.equal(msg.from, FROM);
    assert.match(msg.body, /Acme/);

    const res = await srv.api('POST', '/signin/passwordless/sms/otp', { phoneNumber: phone, otp: code });
    assert.equal(res.status, 200, res.text);
    const body = expectResponse(res, 'POST', '/signin/passwordless/sms/otp');
    checkSession(body.session);
    assert.equal(body.session.user.phoneNumber, phone);
    assert.equal(body.session.user.phoneNumberVerified, true);
    assert.equal(body.session.user.displayName, 'Phoebe');
    assert.equal(jwtClaims(body.session.accessToken)['https://hasura.io/jwt/claims']['x-hasura-user-id'], body.session.user.id);

    // Single use.
    const again = await srv.api('POST', '/signin/passwordless/sms/otp', { phoneNumber: phone, otp: code });
    expectError(again, '/signin/passwordless/sms/otp', 'POST', 400, 'invalid-otp');
  });

  test('@nhost/nhost-js: signInPasswordlessSms + verifySignInPasswordlessSms store a session', async () => {
    const nhost = createClient({ authUrl: srv.authUrl, storage: new MemoryStorage() });
    const phone = uniquePhone();
    const sent = await nhost.auth.signInPasswordlessSms({ phoneNumber: phone });
    assert.equal(sent.status, 200);
    assert.equal(sent.body, 'OK');
    const out = await nhost.auth.verifySignInPasswordlessSms({ phoneNumber: phone, otp: await codeFor(phone) });
    assert.equal(out.status, 200);
    expectSchema('SignInPasswordlessSmsOtpResponse', out.body);
    const me = await nhost.auth.getUser();
    assert.equal(me.body.phoneNumber, phone);
  });

  test('WhatsApp channel: whatsapp: prefix on both numbers', async () => {
    const phone = uniquePhone();
    const sent = await srv.api('POST', '/signin/passwordless/sms', { phoneNumber: phone, channel: 'whatsapp' });
    assert.equal(sent.status, 200, sent.text);
    const code = await codeFor(phone, { whatsapp: true });
    assert.equal(twilio.messages.at(-1).from, 'whatsapp:+14155238886');
    const res = await srv.api('POST', '/signin/passwordless/sms/otp', { phoneNumber: phone, otp: code });
    assert.equal(res.status, 200, res.text);
    const bad = await srv.api('POST', '/signin/passwordless/sms', { phoneNumber: uniquePhone(), channel: 'pigeon' });
    expectError(bad, '/signin/passwordless/sms', 'POST', 400, 'invalid-request');
  });

  test('wrong code: invalid-otp; five wrong tries burn the code', async () => {
    const phone = uniquePhone();
    await srv.api('POST', '/signin/passwordless/sms', { phoneNumber: phone });
    const code = await codeFor(phone);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      const res = await srv.api('POST', '/signin/passwordless/sms/otp', { phoneNumber: phone, otp: wrong });
      expectError(res, '/signin/passwordless/sms/otp', 'POST', 400, 'invalid-otp');
    }
    const res = await srv.api('POST', '/signin/passwordless/sms/otp', { phoneNumber: phone, otp: code });
    expectError(res, '/signin/passwordless/sms/otp', 'POST', 400, 'invalid-otp');
  });

  test('cooldown: a second code within 60 s is 429 with Retry-After and sends nothing', async () => {
    const phone = uniquePhone();
    assert.equal((await srv.api('POST', '/signin/passwordless/sms', { phoneNumber: phone })).status, 200);
    const res = await srv.api('POST', '/signin/passwordless/sms', { phoneNumber: phone });
    expectError(res, '/signin/passwordless/sms', 'POST', 429, 'too-many-requests');
    assert.ok(Number(res.headers['retry-after']) > 0);
    assert.equal(countTo(phone), 1);
  });

  test('provider failure: cannot-send-sms, no user and no code stored', async () => {
    const res = await srv.api('POST', '/signin/passwordless/sms', { phoneNumber: FAILING });
    expectError(res, '/signin/passwordless/sms', 'POST', 400, 'cannot-send-sms');
    // Nothing half-done: no cooldown started, and the number has no user.
    const again = await srv.api('POST', '/signin/passwordless/sms', { phoneNumber: FAILING });
    expectError(again, '/signin/passwordless/sms', 'POST', 400, 'cannot-send-sms');
    const signin = await srv.api('POST', '/signin/phone-password', { phoneNumber: FAILING, password: PASSWORD });
    assert.equal(signin.status, 401);
  });

  test('invalid numbers: 400 invalid-request, nothing sent', async () => {
    const before = twilio.messages.length;
    for (const phoneNumber of ['12345', 'not a number', '+1234', '']) {
      const res = await srv.api('POST', '/signin/passwordless/sms', { phoneNumber });
      expectError(res, '/signin/passwordless/sms', 'POST', 400, 'invalid-request');
    }
    const extra = await srv.api('POST', '/signin/passwordless/sms', { phoneNumber: uniquePhone(), bogus: 1 });
    expectError(extra, '/signin/passwordless/sms', 'POST', 400, 'invalid-request');
    assert.equal(twilio.messages.length, before);
  });

  test('test numbers: fixed code, nothing sent', async () => {
    const before = twilio.messages.length;
    const sent = await srv.api('POST', '/signin/passwordless/sms', { phoneNumber: '+1 555 000 1111' });
    assert.equal(sent.status, 200, sent.text);
    assert.equal(twilio.messages.length, before);
    const res = await srv.api('POST', '/signin/passwordless/sms/otp', { phoneNumber: '+15550001111', otp: '424242' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.session.user.phoneNumber, '+15550001111');
  });

  test('expiry: a code older than its TTL is refused', { timeout: 60_000 }, async () => {
    const phone = uniquePhone();
    await srv.api('POST', '/signin/passwordless/sms', { phoneNumber: phone });
    const code = await codeFor(phone);
    await sleep(31_000);
    const res = await srv.api('POST', '/signin/passwordless/sms/otp', { phoneNumber: phone, otp: code });
    expectError(res, '/signin/passwordless/sms/otp', 'POST', 400, 'invalid-otp');
  });

  test('phone + password: sign-up sends a code, unverified sign-in is refused, then works', async () => {
    const phone = uniquePhone();
    const up = await srv.api('POST', '/signup/phone-password', { phoneNumber: phone, password: PASSWORD });
    assert.equal(up.status, 200, up.text);
    assert.equal(expectResponse(up, 'POST', '/signup/phone-password').session, undefined);
    const early = await srv.api('POST', '/signin/phone-password', { phoneNumber: phone, password: PASSWORD });
    expectError(early, '/signin/phone-password', 'POST', 401, 'unverified-user');
    const code = await codeFor(phone);
    const confirmed = await srv.api('POST', '/signin/passwordless/sms/otp', { phoneNumber: phone, otp: code });
    assert.equal(confirmed.status, 200, confirmed.text);
    const ok = await srv.api('POST', '/signin/phone-password', { phoneNumber: phone, password: PASSWORD });
    assert.equal(ok.status, 200, ok.text);
    expectSchema('Session', expectResponse(ok, 'POST', '/signin/phone-password').session);
    assert.equal(ok.json.session.user.phoneNumberVerified, true);
    const wrong = await srv.api('POST', '/signin/phone-password', { phoneNumber: phone, password: 'wrong-password-1' });
    expectError(wrong, '/signin/phone-password', 'POST', 401, 'invalid-email-password');
    const dup = await srv.api('POST', '/signup/phone-password', { phoneNumber: phone, password: PASSWORD });
    expectError(dup, '/signup/phone-password', 'POST', 409, 'phone-already-in-use');
  });

  test('phone change: code to the new number, number changes only after verify', async () => {
    const phone = uniquePhone();
    await srv.api('POST', '/signin/passwordless/sms', { phoneNumber: phone });
    const s = await srv.api('POST', '/signin/passwordless/sms/otp', { phoneNumber: phone, otp: await codeFor(phone) });
    const token = s.json.session.accessToken;
    const next = uniquePhone();
    const unauth = await srv.api('POST', '/user/phone/change', { newPhoneNumber: next });
    expectError(unauth, '/user/phone/change', 'POST', 401, 'unauthenticated-user');
    const req = await srv.api('POST', '/user/phone/change', { newPhoneNumber: next }, bearer(token));
    assert.equal(req.status, 200, req.text);
    assert.equal(expectResponse(req, 'POST', '/user/phone/change'), 'OK');
    const still = await srv.api('GET', '/user', undefined, bearer(token));
    assert.equal(still.json.phoneNumber, phone);
    const code = await codeFor(next);
    const bad = await srv.api('POST', '/user/phone/change/verify', { newPhoneNumber: next, otp: code === '000000' ? '111111' : '000000' }, bearer(token));
    expectError(bad, '/user/phone/change/verify', 'POST', 400, 'invalid-otp');
    const done = await srv.api('POST', '/user/phone/change/verify', { newPhoneNumber: next, otp: code }, bearer(token));
    assert.equal(done.status, 200, done.text);
    assert.equal(expectResponse(done, 'POST', '/user/phone/change/verify').phoneNumber, next);
    const me = await srv.api('GET', '/user', undefined, bearer(token));
    assert.equal(me.json.phoneNumber, next);
    assert.equal(me.json.phoneNumberVerified, true);
  });
});

describe('sms sign-in disabled (default)', () => {
  const srv = useServer({}, { name: 'sms-off' });
  test('disabled-endpoint', async () => {
    const res = await srv.api('POST', '/signin/passwordless/sms', { phoneNumber: '+14155552671' });
    expectError(res, '/signin/passwordless/sms', 'POST', 409, 'disabled-endpoint');
  });
});

describe('the log provider (development)', () => {
  const srv = useServer({ GATEHOUSE_SMS_PASSWORDLESS_ENABLED: 'true', GATEHOUSE_SMS_PROVIDER: 'log' }, { name: 'sms-log' });
  test('SMS codes go to the log; WhatsApp is refused, as docs/api.md says only Twilio and the hook send it', async () => {
    const sms = await srv.api('POST', '/signin/passwordless/sms', { phoneNumber: uniquePhone() });
    assert.equal(sms.status, 200, sms.text);
    const wa = await srv.api('POST', '/signin/passwordless/sms', { phoneNumber: uniquePhone(), channel: 'whatsapp' });
    expectError(wa, '/signin/passwordless/sms', 'POST', 400, 'cannot-send-sms');
  });
});
