// Database outage: one gatehouse on its own PostgreSQL (started here with
// scripts/pg-test-server.sh, so the pass's shared server is untouched). Under light
// load PostgreSQL is halted: requests get a quick 503 service-unavailable with
// Retry-After (none hangs); PostgreSQL comes back: the same process serves again by
// itself, and no user was lost or duplicated. PostgreSQL pass only.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { expectError, expectResponse } from './lib/schema.js';
import { DATABASE, Server } from './lib/server.js';
import { PASSWORD, sleep, uniqueEmail } from './lib/util.js';

const run = promisify(execFile);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const PG_SCRIPT = process.env.E2E_PG_SCRIPT || path.resolve(HERE, '../../scripts/pg-test-server.sh');
const REQUEST_BOUND_MS = 5_000; // an outage must never make a request wait longer
const GRACE_SECONDS = 60; // long, so a retried refresh after the outage is never "reuse"

function psqlPath() {
  for (const dir of ['/usr/lib/postgresql'].filter(existsSync)) {
    const versions = readdirSync(dir).sort((x, y) => Number(y) - Number(x));
    for (const v of versions) {
      const p = path.join(dir, v, 'bin', 'psql');
      if (existsSync(p)) return p;
    }
  }
  return 'psql';
}

describe('PostgreSQL outage under light load', { skip: DATABASE !== 'postgres' && 'PostgreSQL pass only' }, () => {
  const pgDir = mkdtempSync(path.join(os.tmpdir(), 'gh-e2e-fault-pg-'));
  let pgUrl;
  let srv;
  const schema = `fault_${process.pid}`;
  const pg = (cmd) => run('bash', [PG_SCRIPT, cmd, pgDir], { timeout: 90_000 });
  const sql = async (query) => {
    const { stdout } = await run(psqlPath(), [pgUrl, '-At', '-v', 'ON_ERROR_STOP=1', '-c', query], { timeout: 30_000 });
    return stdout.trim();
  };

  before(async () => {
    ({ stdout: pgUrl } = await pg('start'));
    pgUrl = pgUrl.trim();
    srv = new Server(
      {
        GATEHOUSE_DATABASE_URL: pgUrl,
        GATEHOUSE_DATABASE_SCHEMA: schema,
        GATEHOUSE_REFRESH_TOKEN_REUSE_GRACE_SECONDS: String(GRACE_SECONDS),
      },
      { name: 'gatehouse-fault' },
    );
    await srv.start();
  });

  after(async () => {
    try {
      if (srv) {
        const alive = srv.alive;
        const res = await srv.stop();
        if (!alive || res.code !== 0) console.log(`---- ${srv.name} logs ----\n${srv.logText()}\n---- end ----`);
        srv.cleanup();
      }
    } finally {
      await pg('stop').catch(() => {});
      rmSync(pgDir, { recursive: true, force: true });
    }
  });

  // Outcome log of the load: every sign-up with its result, and every refresh chain's
  // last token that the server confirmed with a 200.
  const signups = []; // {email, status} status: HTTP code or 'error'
  const chains = []; // {email, token} token = last refresh token received with 200
  const slow = []; // requests that took longer than the bound
  let stopLoad = false;

  async function timed(method, p, body) {
    const t0 = Date.now();
    try {
      const res = await srv.api(method, p, body, {}, { timeoutMs: REQUEST_BOUND_MS + 1_000 });
      const ms = Date.now() - t0;
      if (ms > REQUEST_BOUND_MS) slow.push(`${method} ${p}: ${ms} ms`);
      return res;
    } catch (e) {
      slow.push(`${method} ${p}: ${e.message}`);
      return { status: 'error', error: e };
    }
  }

  // One load worker: sign up, refresh a few times, repeat. Bounded in iterations.
  async function worker(id) {
    for (let i = 0; i < 400 && !stopLoad; i++) {
      const email = uniqueEmail(`load${id}`);
      const up = await timed('POST', '/signup/email-password', { email, password: PASSWORD });
      signups.push({ email, status: up.status });
      if (up.status !== 200) {
        await sleep(100);
        continue;
      }
      const chain = { email, token: up.json.session.refreshToken };
      chains.push(chain);
      for (let r = 0; r < 3 && !stopLoad; r++) {
        const res = await timed('POST', '/token', { refreshToken: chain.token });
        if (res.status === 200) chain.token = res.json.refreshToken;
        else await sleep(100);
      }
    }
  }

  test('halt: quick 503s with Retry-After; resume: the same process serves again', async (t) => {
    const pid = srv.proc.pid;
    const load = Promise.all([worker(1), worker(2)]);
    await sleep(1_000);
    assert.ok(signups.some((s) => s.status === 200), 'load should be running before the outage');

    await pg('halt');
    const outageStart = Date.now();
    // During the outage: sign-up, sign-in and refresh answer 503 within the bound.
    const known = chains[0];
    for (let round = 0; round < 3; round++) {
      const probes = [
        ['/signup/email-password', { email: uniqueEmail('down'), password: PASSWORD }],
        ['/signin/email-password', { email: known.email, password: PASSWORD }],
        ['/token', { refreshToken: known.token }],
      ];
      for (const [p, body] of probes) {
        const t0 = Date.now();
        const res = await srv.api('POST', p, body, {}, { timeoutMs: REQUEST_BOUND_MS + 1_000 });
        const ms = Date.now() - t0;
        assert.ok(ms <= REQUEST_BOUND_MS, `${p} took ${ms} ms during the outage`);
        if (p === '/signup/email-password') signups.push({ email: body.email, status: res.status });
        expectError(res, p, 'POST', 503, 'service-unavailable');
        const retryAfter = Number(res.headers['retry-after']);
        assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1, `Retry-After should be a positive integer, got ${res.headers['retry-after']}`);
      }
      await sleep(300);
    }
    // Health endpoint stays up (the process is fine, only the database is gone).
    assert.ok(srv.alive, 'gatehouse must survive the outage');

    await pg('resume');
    const outageMs = Date.now() - outageStart;
    // Back by itself: the first sign-up that works, within a bounded wait.
    let back = null;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const email = uniqueEmail('back');
      const res = await timed('POST', '/signup/email-password', { email, password: PASSWORD });
      signups.push({ email, status: res.status });
      if (res.status === 200) {
        back = res;
        break;
      }
      await sleep(250);
    }
    assert.ok(back, `gatehouse did not serve again within 30 s after PostgreSQL came back:\n${srv.logText(40)}`);
    expectResponse(back, 'POST', '/signup/email-password');
    assert.equal(srv.proc.pid, pid, 'the same process serves again (no restart)');
    assert.ok(srv.alive);

    await sleep(500); // some load after recovery too
    stopLoad = true;
    await load;
    assert.deepEqual(slow, [], `requests over ${REQUEST_BOUND_MS} ms or failed at the socket (outage ${outageMs} ms)`);
    const statuses = new Set(signups.map((s) => s.status));
    for (const s of statuses) assert.ok([200, 503].includes(s), `unexpected sign-up status ${s}`);
    assert.ok(signups.some((s) => s.status === 503), 'some load requests should have met the outage');
    t.diagnostic(`outage ${outageMs} ms; sign-ups ${signups.length} (${signups.filter((s) => s.status === 503).length} got 503); sessions ${chains.length}`);
  });

  test('no lost or duplicated users, no lost sessions', async () => {
    assert.ok(signups.length > 0);
    const ok = signups.filter((s) => s.status === 200);
    const failed = signups.filter((s) => s.status !== 200);
    // Every confirmed sign-up can sign in.
    for (const { email } of ok) {
      const res = await srv.api('POST', '/signin/email-password', { email, password: PASSWORD });
      assert.equal(res.status, 200, `confirmed sign-up ${email} cannot sign in: ${res.status} ${res.text}`);
    }
    // Every chain's last confirmed token still refreshes (a rotation the client never
    // heard of is within the long grace window and returns its successor).
    for (const c of chains) {
      const res = await srv.api('POST', '/token', { refreshToken: c.token });
      assert.equal(res.status, 200, `session of ${c.email} lost: ${res.status} ${res.text}`);
    }
    // In the database: one row per address, every confirmed address present, and the
    // failed ones present at most once.
    const dupes = await sql(`SELECT count(*) FROM (SELECT email FROM "${schema}".users GROUP BY email HAVING count(*) > 1) d`);
    assert.equal(dupes, '0', 'duplicate emails in the users table');
    const emails = new Set((await sql(`SELECT email FROM "${schema}".users`)).split('\n').filter(Boolean));
    for (const { email } of ok) assert.ok(emails.has(email), `confirmed sign-up ${email} missing from the database`);
    const failedPresent = failed.filter((s) => emails.has(s.email)).length;
    assert.ok(failedPresent <= failed.length);
    // Nothing else crept in: every row is a sign-up we made.
    const made = new Set(signups.map((s) => s.email));
    for (const e of emails) assert.ok(made.has(e), `unexpected user ${e}`);
  });
});
