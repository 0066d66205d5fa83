// Hostile bytes in what the server reads before any flow: headers it stores (User-Agent,
// X-Forwarded-For), the path and the query. Each gets a 4xx or is cleaned, never a 500;
// what is stored is valid UTF-8 cut on a character boundary; no log line can be forged.
// Runs on both stores (PostgreSQL refuses invalid UTF-8 that SQLite would keep).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { expectError } from './lib/schema.js';
import { DATABASE, PG_URL, rawRequest, useServer } from './lib/server.js';
import { PASSWORD, signUp, uniqueEmail } from './lib/util.js';

const srv = useServer({ GATEHOUSE_TRUST_PROXY: 'true' });
const IN = '/signin/email-password';

/** A header value whose bytes on the wire are exactly `buf` (node writes header strings as latin1). */
const wire = (buf) => Buffer.from(buf).toString('latin1');

/** Runs one SQL query against the server's store; returns the rows as arrays of text. */
function query(sql) {
  if (DATABASE === 'postgres') {
    const out = execFileSync('psql', [PG_URL, '-At', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', `SET search_path TO "${srv.schema}"; ${sql}`], { encoding: 'utf8' });
    return out.split('\n').filter((l) => l.length && l !== 'SET').map((l) => l.split('\t'));
  }
  const db = path.join(srv.dir, 'gh.db');
  assert.ok(existsSync(db));
  const out = execFileSync('sqlite3', ['-readonly', '-separator', '\t', db, sql], { encoding: 'buffer' });
  // Decode strictly: a stored invalid byte must fail the test, not become U+FFFD here.
  const text = new TextDecoder('utf-8', { fatal: true }).decode(out);
  return text.split('\n').filter((l) => l.length).map((l) => l.split('\t'));
}

function storedClient(userId) {
  const sessions = query(`SELECT user_agent, ip FROM sessions WHERE user_id = '${userId}'`);
  const audit = query(`SELECT user_agent, ip FROM audit_log WHERE user_id = '${userId}' AND type LIKE 'signin%'`);
  return { sessions, audit };
}

const cases = [
  ['invalid UTF-8 (a lone 0xff)', Buffer.concat([Buffer.from('Mozilla/5.0 '), Buffer.from([0xff, 0xfe]), Buffer.from(' end')])],
  ['a multi-byte character across the 512-byte cut', Buffer.concat([Buffer.from('a'.repeat(511)), Buffer.from('é漢字', 'utf8')])],
  ['a four-byte character across the cut', Buffer.concat([Buffer.from('b'.repeat(510)), Buffer.from('😀😀', 'utf8')])],
  ['an overlong encoding and a surrogate', Buffer.concat([Buffer.from('x '), Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80]), Buffer.from(' y')])],
];

for (const [what, ua] of cases) {
  test(`User-Agent with ${what}: sign-in 200, stored as valid UTF-8 within 512 bytes`, async () => {
    const email = uniqueEmail('ua');
    const session = await signUp(srv, email);
    const res = await srv.api('POST', IN, { email, password: PASSWORD }, { 'User-Agent': wire(ua) });
    assert.equal(res.status, 200, `sign-in: ${res.status} ${res.text.slice(0, 300)}`);
    const { sessions, audit } = storedClient(session.user.id);
    assert.equal(sessions.length, 2, 'the sign-up and the sign-in session are stored');
    assert.ok(audit.length >= 1, `the sign-in is in the audit log: ${JSON.stringify(audit)}`);
    for (const [stored] of [...sessions, ...audit]) {
      assert.ok(Buffer.byteLength(stored, 'utf8') <= 512, `stored user agent is ${Buffer.byteLength(stored)} bytes`);
    }
    const fromSignIn = sessions.map(([s]) => s).find((s) => s !== ''); // node's sign-up sends none
    assert.ok(fromSignIn, 'the sign-in session keeps the user agent');
    // What survives is the start of what was sent, cut on a character boundary.
    const prefix = ua.subarray(0, 10).toString('latin1');
    assert.ok(fromSignIn.startsWith(prefix.replace(/[^\x20-\x7e].*$/s, '')), `stored: ${JSON.stringify(fromSignIn.slice(0, 40))}`);
  });
}

test('a forwarded client address with invalid UTF-8 and a tab: 200, stored cleaned', async () => {
  const email = uniqueEmail('xff');
  const session = await signUp(srv, email);
  const xff = wire(Buffer.concat([Buffer.from('203.0.113.7'), Buffer.from([0xff, 0x09, 0x41])]));
  const res = await srv.api('POST', IN, { email, password: PASSWORD }, { 'X-Forwarded-For': xff });
  assert.equal(res.status, 200, `sign-in: ${res.status} ${res.text.slice(0, 300)}`);
  const { sessions, audit } = storedClient(session.user.id);
  for (const [, ip] of [...sessions, ...audit]) {
    assert.doesNotMatch(ip, /[\x00-\x1f\x7f]/, `stored ip ${JSON.stringify(ip)}`);
    assert.ok(Buffer.byteLength(ip) <= 64);
  }
});

test('invalid UTF-8 in the path or the query -> 400 invalid-request, never 500', async () => {
  for (const [p, apiPath] of [
    ['/v1/signin/provider/%ff', '/signin/provider/{provider}'],
    ['/v1/signin/provider/%c3%28', '/signin/provider/{provider}'],
    ['/v1/signin/provider/github?allowedRoles=%ff', '/signin/provider/{provider}'],
    ['/v1/signin/provider/github?redirectTo=http://127.0.0.1:3000/%ff', '/signin/provider/{provider}'],
    ['/v1/verify?ticket=%fe&type=emailVerify', '/verify'],
    ['/v1/verify?%ff=1', '/verify'],
  ]) {
    const res = await srv.api('GET', p);
    expectError(res, apiPath, 'GET', 400, 'invalid-request');
  }
  const h = await srv.api('GET', '/healthz');
  assert.equal(h.status, 200);
});

test('a %0a in the path cannot forge a log line', async () => {
  const marker = `FORGED-${Date.now()}`;
  for (const p of [
    `/v1/signin/provider/%ff%0a${marker}-1 [info] admin signed in`,
    `/v1/signin/provider/x%0d%0a${marker}-2`,
    `/v1/signin/provider/github?redirectTo=%ff%0a${marker}-3`,
    `/v1/nope%0a${marker}-4`,
  ]) {
    const res = await srv.api('GET', p.replaceAll(' ', '%20'));
    assert.ok(res.status >= 400 && res.status < 500, `${p}: ${res.status} ${res.text.slice(0, 200)}`);
    assert.equal(res.json?.status, res.status, `native error shape: ${res.text.slice(0, 200)}`);
  }
  const h = await srv.api('GET', '/healthz'); // flushes the access log of the requests above
  assert.equal(h.status, 200);
  const forged = srv.logs.filter((l) => l.line.startsWith(marker) || /^\S*FORGED-/.test(l.line));
  assert.deepEqual(forged, [], 'a request wrote a line of its own choosing into the log');
  for (const l of srv.logs) assert.doesNotMatch(l.line, /[\x00-\x08\x0b-\x1f\x7f]/, `control byte in log: ${JSON.stringify(l.line)}`);
});

test('request headers over the limit -> 431 whose body says 431', async () => {
  const res = await rawRequest(srv.port, 'GET', '/v1/healthz', { 'X-Big': 'x'.repeat(20_000) }, Buffer.alloc(0));
  assert.equal(res.status, 431, `${res.status} ${res.text}`);
  assert.ok(res.json, `431 answers JSON: ${res.text}`);
  assert.equal(res.json.status, 431, `body: ${res.text}`);
  assert.equal(typeof res.json.error, 'string');
  assert.ok(res.json.message.length > 0);
  const h = await srv.api('GET', '/healthz');
  assert.equal(h.status, 200);
});
