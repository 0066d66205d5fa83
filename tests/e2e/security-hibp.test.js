// Breached passwords (password_hibp_enabled, Nhost's AUTH_PASSWORD_HIBP_ENABLED): sign-up,
// signed-in change and reset refuse a password the range API lists (400
// password-in-hibp-database); only a 5-character SHA-1 prefix ever leaves the server;
// zero-count padding lines are decoys; a range API that hangs or is down lets the password
// through (fail open, logged) and holds neither token refresh nor sign-in meanwhile.
//
// The range API is a loopback fake of api.pwnedpasswords.com/range/<prefix> that records
// every request it gets.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { linkIn, useMailbox } from './lib/mail.js';
import { expectError, expectResponse } from './lib/schema.js';
import { freePort, useServer } from './lib/server.js';
import { bearer, PASSWORD, refresh, signIn, signUp, uniqueEmail } from './lib/util.js';

const BREACHED = 'Password1234!breached';
const ALSO_BREACHED = 'hunter2hunter2hunter2';
const DECOY = 'only-a-padding-line-42'; // listed with count 0, as Add-Padding decoys are
const sha1 = (s) => createHash('sha1').update(s, 'utf8').digest('hex').toUpperCase();

class FakeRangeApi {
  constructor() {
    this.requests = []; // {url, headers, body}
    this.delayMs = 0;
    this.listed = new Map([[BREACHED, 3861493], [ALSO_BREACHED, 17], [DECOY, 0]]);
  }

  start() {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        this.requests.push({ url: req.url, method: req.method, headers: req.headers, body });
        const m = /^\/range\/([0-9A-F]{5})$/.exec(req.url);
        const answer = () => {
          if (!m) {
            res.writeHead(404);
            return res.end();
          }
          const lines = [];
          for (const [pw, count] of this.listed) {
            const h = sha1(pw);
            if (h.startsWith(m[1])) lines.push(`${h.slice(5)}:${count}`);
          }
          // Unrelated suffixes with that prefix, some of them padding.
          for (let i = 0; i < 20; i++) lines.push(`${createHash('sha1').update(`x${i}`).digest('hex').toUpperCase().slice(5)}:${i % 3 ? i : 0}`);
          res.writeHead(200, { 'Content-Type': 'text/plain' });
          res.end(lines.join('\r\n'));
        };
        if (this.delayMs) setTimeout(answer, this.delayMs).unref();
        else answer();
      });
    });
    return new Promise((r) => this.server.listen(0, '127.0.0.1', () => { this.port = this.server.address().port; r(); }));
  }

  stop() {
    this.server.closeAllConnections?.();
    return new Promise((r) => this.server.close(() => r()));
  }

  get url() { return `http://127.0.0.1:${this.port}`; }

  /** Only the 5-character prefix may leave the server: in the path, nowhere else. */
  assertOnlyPrefixes(passwords) {
    assert.ok(this.requests.length > 0, 'the range API was asked');
    for (const r of this.requests) {
      assert.equal(r.method, 'GET');
      assert.match(r.url, /^\/range\/[0-9A-F]{5}$/, `request ${r.url}`);
      assert.equal(r.body, '');
      assert.equal(r.headers['add-padding'], 'true', 'asks for padding');
      const all = JSON.stringify(r);
      for (const pw of passwords) {
        const h = sha1(pw);
        assert.ok(!all.includes(h.slice(5, 12)) && !all.includes(pw), `more than the prefix of ${pw} left: ${all}`);
      }
    }
  }
}

function useRangeApi() {
  const api = new FakeRangeApi();
  before(() => api.start());
  after(() => api.stop());
  return api;
}

const hibpEnv = (api, extra = {}) => () => ({
  AUTH_PASSWORD_HIBP_ENABLED: 'true', // the Nhost name of password_hibp_enabled
  GATEHOUSE_PASSWORD_HIBP_URL: api.url,
  GATEHOUSE_PASSWORD_HIBP_TIMEOUT_SECONDS: '1',
  ...extra,
});

describe('breached passwords refused', () => {
  const api = useRangeApi();
  const box = useMailbox();
  const srv = useServer(() => ({
    ...hibpEnv(api)(),
    GATEHOUSE_SMTP_HOST: '127.0.0.1',
    GATEHOUSE_SMTP_PORT: String(box.port),
    GATEHOUSE_SMTP_SECURE: 'none',
    GATEHOUSE_SMTP_SENDER: 'auth@example.com',
    GATEHOUSE_SMTP_RETRIES: '0',
    GATEHOUSE_EMAIL_RESEND_COOLDOWN_SECONDS: '0',
    GATEHOUSE_RATE_LIMIT_EMAIL_PER_HOUR: '100000',
  }), { name: 'hibp' });

  test('sign-up with a breached password -> 400 password-in-hibp-database; only the prefix left', async () => {
    api.requests = [];
    const email = uniqueEmail('hibp-up');
    const res = await srv.api('POST', '/signup/email-password', { email, password: BREACHED });
    expectError(res, '/signup/email-password', 'POST', 400, 'password-in-hibp-database');
    assert.deepEqual(api.requests.map((r) => r.url), [`/range/${sha1(BREACHED).slice(0, 5)}`]);
    api.assertOnlyPrefixes([BREACHED]);
    // No account was made: the address signs up with a good password.
    await signUp(srv, email);
  });

  test('a password absent from the range, or listed only as padding (count 0), is accepted', async () => {
    api.requests = [];
    await signUp(srv, uniqueEmail('hibp-clean'), PASSWORD);
    await signUp(srv, uniqueEmail('hibp-decoy'), DECOY);
    assert.deepEqual(api.requests.map((r) => r.url), [`/range/${sha1(PASSWORD).slice(0, 5)}`, `/range/${sha1(DECOY).slice(0, 5)}`]);
    api.assertOnlyPrefixes([PASSWORD, DECOY]);
  });

  test('signed-in password change to a breached password -> 400; a clean one works', async () => {
    const email = uniqueEmail('hibp-change');
    const s = await signUp(srv, email);
    api.requests = [];
    const bad = await srv.api('POST', '/user/password', { newPassword: ALSO_BREACHED }, bearer(s.accessToken));
    expectError(bad, '/user/password', 'POST', 400, 'password-in-hibp-database');
    api.assertOnlyPrefixes([ALSO_BREACHED]);
    await signIn(srv, email, PASSWORD); // unchanged
    const good = await srv.api('POST', '/user/password', { newPassword: 'a-fresh-unbreached-pass' }, bearer(s.accessToken));
    assert.equal(good.status, 200, good.text);
    await signIn(srv, email, 'a-fresh-unbreached-pass');
  });

  test('reset with a mailed ticket to a breached password -> 400, the ticket still works for a clean one', async () => {
    const email = uniqueEmail('hibp-reset');
    await signUp(srv, email);
    assert.equal((await srv.api('POST', '/user/password/reset', { email })).status, 200);
    const ticket = linkIn(await box.waitFor(email)).searchParams.get('ticket');
    api.requests = [];
    const bad = await srv.api('POST', '/user/password', { newPassword: BREACHED, ticket });
    expectError(bad, '/user/password', 'POST', 400, 'password-in-hibp-database');
    api.assertOnlyPrefixes([BREACHED]);
    const good = await srv.api('POST', '/user/password', { newPassword: 'reset-to-something-new', ticket });
    assert.equal(good.status, 200, good.text);
    await signIn(srv, email, 'reset-to-something-new');
  });
});

describe('a range API that hangs: fail open, nothing else waits', () => {
  const api = useRangeApi();
  // One hash thread: a sign-up waiting on the range API there would hold every sign-in.
  const srv = useServer(hibpEnv(api, { GATEHOUSE_HASH_THREADS: '1', GATEHOUSE_PASSWORD_HIBP_TIMEOUT_SECONDS: '5' }), { name: 'hibp-slow' });

  test('sign-up goes through after the timeout, with a log line; refresh and sign-in are not held', async () => {
    const email = uniqueEmail('hibp-slow');
    const s = await signUp(srv, email); // before the API hangs
    api.delayMs = 30_000;
    try {
      const started = Date.now();
      const signUps = [1, 2].map((i) => srv.api('POST', '/signup/email-password', { email: uniqueEmail(`hibp-hang${i}`), password: BREACHED }));
      await new Promise((r) => setTimeout(r, 500)); // both wait on the range API now
      const t0 = Date.now();
      await refresh(srv, s.refreshToken);
      await signIn(srv, email);
      const held = Date.now() - t0;
      assert.ok(held < 3000, `token refresh and sign-in took ${held} ms while sign-ups waited on the range API`);
      for (const res of await Promise.all(signUps)) {
        assert.equal(res.status, 200, `fail open: ${res.status} ${res.text}`);
        expectResponse(res, 'POST', '/signup/email-password');
      }
      const took = Date.now() - started;
      assert.ok(took >= 4500 && took < 25_000, `sign-ups gave up on the range API after the 5 s timeout (took ${took} ms)`);
      assert.ok(srv.logs.some((l) => /breach check skipped/.test(l.line)), 'the skipped check is logged');
    } finally {
      api.delayMs = 0;
    }
  });
});

describe('a range API that is down: fail open', () => {
  let closedPort;
  before(async () => { closedPort = await freePort(); });
  const srv = useServer(() => ({
    GATEHOUSE_PASSWORD_HIBP_ENABLED: 'true',
    GATEHOUSE_PASSWORD_HIBP_URL: `http://127.0.0.1:${closedPort}`,
    GATEHOUSE_PASSWORD_HIBP_TIMEOUT_SECONDS: '1',
  }), { name: 'hibp-down' });

  test('sign-up with a listed password succeeds and the skip is logged', async () => {
    await signUp(srv, uniqueEmail('hibp-down'), BREACHED);
    assert.ok(srv.logs.some((l) => /breach check skipped/.test(l.line)), 'the skipped check is logged');
  });
});

describe('breach check off (the default)', () => {
  const api = useRangeApi();
  const srv = useServer(() => ({ GATEHOUSE_PASSWORD_HIBP_URL: api.url }), { name: 'hibp-off' });

  test('a listed password is accepted and nothing is asked', async () => {
    await signUp(srv, uniqueEmail('hibp-off'), BREACHED);
    assert.equal(api.requests.length, 0);
  });
});
