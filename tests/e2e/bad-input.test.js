// Bad input on the two write endpoints: each a clear 4xx with the right code, the server
// stays up, and no user row appears (the address can still be signed up afterwards).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectError, expectResponse } from './lib/schema.js';
import { rawRequest, useServer } from './lib/server.js';
import { PASSWORD, signIn, signUp, uniqueEmail } from './lib/util.js';

const srv = useServer({ GATEHOUSE_BODY_LIMIT_BYTES: '1048576', GATEHOUSE_PASSWORD_MAX_LENGTH: '128' });
const UP = '/signup/email-password';
const IN = '/signin/email-password';

async function stillUp() {
  const h = await srv.api('GET', '/healthz');
  assert.equal(h.status, 200, `server should still answer /healthz: ${h.status} ${h.text}`);
  assert.ok(srv.alive, `server process died: ${JSON.stringify(srv.exit)}`);
}

/** The address has no account: sign-in fails, then a normal sign-up works. */
async function noRow(email) {
  const si = await srv.api('POST', IN, { email, password: PASSWORD });
  expectError(si, IN, 'POST', 401, 'invalid-email-password');
  await signUp(srv, email);
}

test('malformed JSON -> 400 invalid-request', async () => {
  const email = uniqueEmail('malformed');
  for (const raw of [
    `{"email":"${email}","password":"${PASSWORD}"`,
    `{"email":"${email}","password":"${PASSWORD}",}`,
    `{email:"${email}",password:"${PASSWORD}"}`,
    `{'email':'${email}','password':'${PASSWORD}'}`,
    `{"email":"${email}","password":"${PASSWORD}"} trailing`,
    `{"email":"${email}","password":"${PASSWORD}"}{}`,
    '',
    'null',
    '[]',
    '"str"',
    '12',
  ]) {
    for (const p of [UP, IN]) {
      const res = await srv.api('POST', p, raw);
      expectError(res, p, 'POST', 400, 'invalid-request');
    }
  }
  await stillUp();
  await noRow(email);
});

test('wrong types -> 400 invalid-request', async () => {
  const email = uniqueEmail('types');
  for (const body of [
    { email: 5, password: PASSWORD },
    { email: [email], password: PASSWORD },
    { email: { v: email }, password: PASSWORD },
    { email: null, password: PASSWORD },
    { email, password: 123456789012 },
    { email, password: null },
    { email, password: true },
    { email, password: [PASSWORD] },
  ]) {
    for (const p of [UP, IN]) {
      const res = await srv.api('POST', p, body);
      expectError(res, p, 'POST', 400, 'invalid-request');
    }
  }
  await noRow(email);
});

test('missing fields -> 400 invalid-request', async () => {
  const email = uniqueEmail('missing');
  for (const body of [{}, { email }, { password: PASSWORD }, { Email: email, Password: PASSWORD }]) {
    const res = await srv.api('POST', UP, body);
    expectError(res, UP, 'POST', 400, 'invalid-request');
  }
  await noRow(email);
});

test('a 10 MB body -> 413 payload-too-large, server still up, no row', async () => {
  const email = uniqueEmail('huge');
  const big = JSON.stringify({ email, password: PASSWORD, options: { metadata: { blob: 'x'.repeat(10 * 1024 * 1024) } } });
  // Sent like curl does: stop writing once the server answered (Node's http client
  // would report EPIPE instead of the early 413).
  const send = (p, text) => rawRequest(srv.port, 'POST', `/v1${p}`, { 'Content-Type': 'application/json' }, Buffer.from(text));
  const res = await send(UP, big);
  assert.equal(res.status, 413, `${res.status} ${res.text.slice(0, 300)}`);
  expectError(res, UP, 'POST', 413, 'payload-too-large');
  const res2 = await send(IN, JSON.stringify({ email, password: 'p'.repeat(10 * 1024 * 1024) }));
  expectError(res2, IN, 'POST', 413, 'payload-too-large');
  // a body just over the limit is refused too, one just under is parsed normally
  const over = await send(UP, JSON.stringify({ email, password: PASSWORD, options: { metadata: { b: 'x'.repeat(1048576) } } }));
  expectError(over, UP, 'POST', 413, 'payload-too-large');
  await stillUp();
  await noRow(email);
});

test('a declared Content-Length over the limit is refused before the body is read', async () => {
  // Only the headers and a few bytes are sent; the server must not wait for 10 MB.
  const net = await import('node:net');
  const reply = await new Promise((resolve, reject) => {
    const sock = net.connect(srv.port, '127.0.0.1');
    let data = '';
    sock.setTimeout(5000, () => {
      sock.destroy();
      resolve(data || 'TIMEOUT');
    });
    sock.on('data', (c) => (data += c.toString()));
    sock.on('end', () => resolve(data));
    sock.on('close', () => resolve(data));
    sock.on('error', (e) => (data ? resolve(data) : reject(e)));
    sock.write(`POST /v1/signup/email-password HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10485760\r\n\r\n{"email":`);
  });
  assert.match(reply, /^HTTP\/1\.1 413/, `expected an immediate 413, got: ${reply.slice(0, 200)}`);
  await stillUp();
});

test('non-UTF-8 bytes in JSON strings -> 400 invalid-request, no row', async () => {
  const email = uniqueEmail('utf8');
  const [local, domain] = email.split('@');
  const bodies = [
    Buffer.concat([Buffer.from(`{"email":"${local}`), Buffer.from([0xff, 0xfe]), Buffer.from(`@${domain}","password":"${PASSWORD}"}`)]),
    Buffer.concat([Buffer.from(`{"email":"${email}","password":"${PASSWORD}`), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
    Buffer.concat([Buffer.from(`{"email":"${email}","password":"${PASSWORD}`), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]), // UTF-16 surrogate
    Buffer.concat([Buffer.from(`{"email":"${email}","password":"${PASSWORD}`), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]), // overlong "/"
    Buffer.concat([Buffer.from(`{"email":"${email}","password":"${PASSWORD}`), Buffer.from([0xe2, 0x82]), Buffer.from('"}')]), // truncated
  ];
  for (const b of bodies) {
    const res = await srv.api('POST', UP, b);
    expectError(res, UP, 'POST', 400, 'invalid-request');
  }
  await stillUp();
  await noRow(email);
});

test('lone surrogate escapes, and NUL in the email -> 400 invalid-request, no row', async () => {
  const email = uniqueEmail('esc');
  for (const raw of [
    `{"email":"${email}","password":"${PASSWORD}\\ud800"}`,
    `{"email":"${email}","password":"${PASSWORD}\\udc00x"}`,
    `{"email":"${email}\\u0000","password":"${PASSWORD}"}`,
  ]) {
    const res = await srv.api('POST', UP, raw);
    expectError(res, UP, 'POST', 400, 'invalid-request');
  }
  await noRow(email);
});

test('NUL inside a password: refused, or kept whole (never truncated at the NUL)', async () => {
  const email = uniqueEmail('nul');
  const res = await srv.api('POST', UP, `{"email":"${email}","password":"${PASSWORD}\\u0000tail"}`);
  if (res.status === 400) {
    expectError(res, UP, 'POST', 400, 'invalid-request');
    return noRow(email);
  }
  assert.equal(res.status, 200, res.text);
  expectResponse(res, 'POST', UP);
  const truncated = await srv.api('POST', IN, { email, password: PASSWORD });
  expectError(truncated, IN, 'POST', 401, 'invalid-email-password');
  await signIn(srv, email, `${PASSWORD}\u0000tail`);
});

test('unicode email addresses are refused with 400 invalid-request (spec: format email), no row', async () => {
  const stamp = Date.now();
  for (const email of [
    `jos\u00e9-${stamp}@example.com`, // é in the local part
    `user-${stamp}@ex\u00e4mple.com`, // IDN domain, not punycoded
    `user-${stamp}@ex\u0430mple.com`, // Cyrillic а: a homoglyph of example.com
    `\uff55ser-${stamp}@example.com`, // fullwidth u, NFKC-folds to "user"
    `user-${stamp}\u200b@example.com`, // zero-width space
  ]) {
    const res = await srv.api('POST', UP, { email, password: PASSWORD });
    expectError(res, UP, 'POST', 400, 'invalid-request');
    const si = await srv.api('POST', IN, { email, password: PASSWORD });
    expectError(si, IN, 'POST', [400, 401], ['invalid-request', 'invalid-email-password']);
  }
  // the ASCII look-alike address is still free
  await signUp(srv, `user-${stamp}@example.com`);
});

test('mixed-case duplicate -> 409 and the first account is unchanged', async () => {
  const email = uniqueEmail('mixed');
  const s = await signUp(srv, email);
  const up = email.replace(/^./, (c) => c.toUpperCase()).replace('example', 'EXAMPLE');
  const res = await srv.api('POST', UP, { email: up, password: 'a-different-password' });
  expectError(res, UP, 'POST', 409, 'email-already-in-use');
  assert.equal((await signIn(srv, up)).user.id, s.user.id);
  const old = await srv.api('POST', IN, { email, password: 'a-different-password' });
  expectError(old, IN, 'POST', 401, 'invalid-email-password');
});

test('over-long passwords: 129 chars and 100 KB -> 400 invalid-request quickly, no row', async () => {
  const email = uniqueEmail('longpw');
  for (const pw of ['y'.repeat(129), 'z'.repeat(100_000)]) {
    const t0 = Date.now();
    const res = await srv.api('POST', UP, { email, password: pw });
    expectError(res, UP, 'POST', 400, 'invalid-request');
    const si = await srv.api('POST', IN, { email, password: pw });
    expectError(si, IN, 'POST', [400, 401], ['invalid-request', 'invalid-email-password']);
    assert.ok(Date.now() - t0 < 5000, 'rejecting a long password should not hash it');
  }
  await noRow(email);
});

test('an over-long email (> 254 chars) -> 400 invalid-request', async () => {
  const email = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.example.com`;
  const res = await srv.api('POST', UP, { email, password: PASSWORD });
  expectError(res, UP, 'POST', 400, 'invalid-request');
});

test('deeply nested JSON -> 4xx, server stays up', async () => {
  const depth = 100_000;
  const raw = `{"email":"${uniqueEmail('deep')}","password":"${PASSWORD}","options":{"metadata":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}}`;
  const res = await srv.api('POST', UP, raw);
  assert.ok(res.status >= 400 && res.status < 500, `${res.status} ${res.text.slice(0, 200)}`);
  expectResponse(res, 'POST', UP);
  await stillUp();
});

test('a wrong Content-Type is refused or parsed as JSON, never a 5xx', async () => {
  const email = uniqueEmail('ctype');
  const res = await srv.api('POST', UP, JSON.stringify({ email, password: PASSWORD }), { 'Content-Type': 'text/plain' });
  assert.ok(res.status < 500, `${res.status} ${res.text}`);
  expectResponse(res, 'POST', UP);
});

test('after all of the above the server still serves normal traffic', async () => {
  const email = uniqueEmail('after');
  await signUp(srv, email);
  await signIn(srv, email);
  await stillUp();
});
