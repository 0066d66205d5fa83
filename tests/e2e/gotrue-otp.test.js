// The GoTrue dialect's phone codes (/auth/v1/otp, /verify, PUT /user) through
// @supabase/supabase-js and raw HTTP, with a fake Twilio Messages API on loopback:
// the phone-login guide's calls (signInWithOtp, verifyOtp type sms, WhatsApp,
// updateUser({phone}) then verifyOtp type phone_change), and phone + password sign-up.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, describe, test } from 'node:test';
import { API_VERSION, expectGoTrue, supabaseFor } from './lib/gotrue.js';
import { sleep, useServer } from './lib/server.js';
import { PASSWORD } from './lib/util.js';

const SID = 'AC0123456789abcdef0123456789abcdef';
const messages = [];
const twilio = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    const form = new URLSearchParams(body);
    messages.push({ to: form.get('To'), body: form.get('Body') });
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ sid: `SM${messages.length}`, status: 'queued' }));
  });
});
await new Promise((r) => twilio.listen(0, '127.0.0.1', r));
after(() => twilio.close());

async function codeFor(to) {
  for (let i = 0; i < 50; i++) {
    const m = [...messages].reverse().find((x) => x.to === to);
    if (m) return m.body.match(/\d{6}/)[0];
    await sleep(20);
  }
  throw new Error(`no message to ${to}`);
}
let n = 0;
const uniquePhone = () => `+1415555${String(((process.pid * 7 + Date.now() + ++n * 97) % 9000) + 1000)}`;

const srv = useServer({
  GATEHOUSE_SMS_PASSWORDLESS_ENABLED: 'true',
  GATEHOUSE_PHONE_PASSWORD_ENABLED: 'true',
  GATEHOUSE_SMS_PROVIDER: 'twilio',
  GATEHOUSE_SMS_ACCOUNT_SID: SID,
  GATEHOUSE_SMS_AUTH_TOKEN: 'twilio-auth-token',
  GATEHOUSE_SMS_FROM: '+15017122661',
  GATEHOUSE_SMS_WHATSAPP_FROM: '+14155238886',
  GATEHOUSE_SMS_BASE_URL: `http://127.0.0.1:${twilio.address().port}`,
  GATEHOUSE_SMS_PER_NUMBER_PER_HOUR: '100',
  GATEHOUSE_RATE_LIMIT_SMS_PER_HOUR: '100000',
}, { name: 'gotrue-otp' });
const gt = (method, p, body) => srv.api(method, `/auth/v1${p}`, body, API_VERSION);

describe('phone login as the Supabase guide writes it', () => {
  test('signInWithOtp({phone}) then verifyOtp type sms signs in; the code is single use', async () => {
    const phone = uniquePhone();
    const supabase = supabaseFor(srv);
    const sent = await supabase.auth.signInWithOtp({ phone, options: { data: { plan: 'pro' } } });
    assert.equal(sent.error, null, sent.error?.message);
    const token = await codeFor(phone);
    const { data, error } = await supabase.auth.verifyOtp({ phone, token, type: 'sms' });
    assert.equal(error, null, error?.message);
    assert.ok(data.session.access_token);
    assert.equal(data.user.phone, phone.slice(1));
    const again = await gt('POST', '/verify', { type: 'sms', phone, token });
    assert.equal(again.status, 403);
    assert.equal(expectGoTrue(again, 'POST', '/verify').code, 'otp_expired');
  });

  test('the guide\'s curl calls: POST /otp answers {} and POST /verify a session; WhatsApp as channel', async () => {
    const phone = uniquePhone();
    const sent = await gt('POST', '/otp', { phone, channel: 'whatsapp' });
    assert.equal(sent.status, 200, sent.text);
    assert.deepEqual(expectGoTrue(sent, 'POST', '/otp'), {});
    const token = await codeFor(`whatsapp:${phone}`);
    const res = await gt('POST', '/verify', { type: 'sms', phone, token });
    assert.equal(res.status, 200, res.text);
    const body = expectGoTrue(res, 'POST', '/verify');
    assert.equal(body.token_type, 'bearer');
    assert.ok(body.refresh_token);
  });

  test('create_user false: an unknown number gets the same answer and no message', async () => {
    const phone = uniquePhone();
    const res = await gt('POST', '/otp', { phone, create_user: false });
    assert.equal(res.status, 200, res.text);
    await sleep(100);
    assert.equal(messages.filter((m) => m.to === phone).length, 0);
  });

  test('updateUser({phone}) then verifyOtp type phone_change moves the user', async () => {
    const phone = uniquePhone();
    const supabase = supabaseFor(srv);
    await supabase.auth.signInWithOtp({ phone });
    const v = await supabase.auth.verifyOtp({ phone, token: await codeFor(phone), type: 'sms' });
    assert.equal(v.error, null, v.error?.message);
    const next = uniquePhone();
    const up = await supabase.auth.updateUser({ phone: next });
    assert.equal(up.error, null, up.error?.message);
    const changed = await supabase.auth.verifyOtp({ phone: next, token: await codeFor(next), type: 'phone_change' });
    assert.equal(changed.error, null, changed.error?.message);
    assert.equal(changed.data.user.phone, next.slice(1));
  });

  test('signUp({phone, password}) sends a code; verifyOtp type sms confirms; bad input is a 4xx', async () => {
    const phone = uniquePhone();
    const supabase = supabaseFor(srv);
    const up = await supabase.auth.signUp({ phone, password: PASSWORD });
    assert.equal(up.error, null, up.error?.message);
    const v = await supabase.auth.verifyOtp({ phone, token: await codeFor(phone), type: 'sms' });
    assert.equal(v.error, null, v.error?.message);
    const bad = await gt('POST', '/otp', { phone: 'not a number' });
    assert.ok(bad.status >= 400 && bad.status < 500, bad.text);
    expectGoTrue(bad, 'POST', '/otp');
  });
});
