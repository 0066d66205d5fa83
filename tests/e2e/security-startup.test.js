// What the binary does at start about its own safety (issue 13):
// - item 4: the SQLite database holds the signing private keys and the code and
//   derivation keys: a fresh server makes its folder 0700 and its files 0600 (the
//   harness runs with the usual umask 022), and refuses a database file others can read;
// - item 13: settings fine on a laptop and unsafe on a server (CORS `*` with
//   credentials, a non-loopback host with an http:// public URL, the development
//   mailer, the `log` SMS provider) each get one warning line at start and in
//   `config check`; with production = true the binary refuses them and exits non-zero.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { BIN, DATABASE, Server } from './lib/server.js';

const mode = (p) => statSync(p).mode & 0o777;
const octal = (m) => `0${m.toString(8)}`;

/** Runs `fn(srv)` with a server that is always stopped and removed afterwards. */
async function withServer(env, name, fn) {
  const srv = new Server(env, { name });
  try {
    await fn(srv);
  } catch (e) {
    console.log(`---- ${name} logs ----\n${srv.logText()}\n---- end ----`);
    throw e;
  } finally {
    await srv.stop();
    srv.cleanup();
  }
}

/** Starts a server that must refuse to start; returns its exit and its log text. */
async function expectRefusal(srv) {
  await assert.rejects(srv.start(), /exited before ready/);
  assert.ok(srv.exit && srv.exit.code !== 0 && srv.exit.code !== null, `exit ${JSON.stringify(srv.exit)}`);
  return srv.logText();
}

const unsafeLines = (srv) => srv.logs.filter((l) => l.line.includes('unsafe setting:')).map((l) => l.line);

// The settings that make the harness's default server safe (loopback host, one CORS
// origin, an SMTP server and an SMS provider configured; nothing is sent at start).
const SAFE = {
  GATEHOUSE_HOST: '127.0.0.1',
  GATEHOUSE_CORS_ALLOWED_ORIGINS: 'https://app.example.com',
  GATEHOUSE_SMTP_HOST: '127.0.0.1',
  GATEHOUSE_SMTP_PORT: '2525',
  GATEHOUSE_SMS_PROVIDER: 'twilio',
  GATEHOUSE_SMS_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
  GATEHOUSE_SMS_AUTH_TOKEN: 'twilio-auth-token',
  GATEHOUSE_SMS_FROM: '+15017122661',
};

describe('secrets at rest: database folder and files', { skip: DATABASE === 'postgres' && 'SQLite files only' }, () => {
  test('a fresh server creates data/ 0700 and gatehouse.db, -wal, -shm 0600 (umask 022 around it)', async () => {
    await withServer({ GATEHOUSE_DATABASE_URL: 'sqlite://./data/gatehouse.db' }, 'modes-fresh', async (srv) => {
      await srv.start();
      const folder = path.join(srv.dir, 'data');
      assert.equal(octal(mode(folder)), '0700', 'data folder');
      for (const f of ['gatehouse.db', 'gatehouse.db-wal', 'gatehouse.db-shm']) {
        assert.equal(octal(mode(path.join(folder, f))), '0600', f);
      }
    });
  });

  test('a pre-existing database file readable by others is refused, with the fix in the message', async () => {
    await withServer({ GATEHOUSE_DATABASE_URL: 'sqlite://./data/gatehouse.db' }, 'modes-loose', async (srv) => {
      await srv.start();
      await srv.stop();
      const db = path.join(srv.dir, 'data', 'gatehouse.db');
      chmodSync(db, 0o644);
      const text = await expectRefusal(srv);
      assert.match(text, /gatehouse\.db \(mode 0644\) is accessible by group or others/);
      assert.match(text, /chmod 600/);
      chmodSync(db, 0o600);
      // A clean stop may have removed the -wal file; a left-over one (a crash) is the case.
      if (!existsSync(`${db}-wal`)) writeFileSync(`${db}-wal`, '');
      chmodSync(`${db}-wal`, 0o666);
      assert.match(await expectRefusal(srv), /gatehouse\.db-wal \(mode 0666\)/);
      chmodSync(`${db}-wal`, 0o600);
      await srv.start(); // tightened: starts again, with its keys and users
    });
  });

  test('a folder others can read gets a warning; one others can write is refused', async () => {
    await withServer({ GATEHOUSE_DATABASE_URL: 'sqlite://./shared/gatehouse.db' }, 'modes-folder', async (srv) => {
      const folder = path.join(srv.dir, 'shared');
      mkdirSync(folder, { mode: 0o755 });
      chmodSync(folder, 0o755);
      await srv.start();
      assert.ok(srv.logs.some((l) => /database folder .*shared \(mode 0755\) is open to group or others/.test(l.line)), 'warning');
      assert.equal(octal(mode(path.join(folder, 'gatehouse.db'))), '0600');
      await srv.stop();
      chmodSync(folder, 0o777);
      assert.match(await expectRefusal(srv), /shared \(mode 0777\) is writable by group or others/);
      chmodSync(folder, 0o700);
    });
  });
});

const CASES = [
  ['CORS * with credentials', { GATEHOUSE_CORS_ALLOWED_ORIGINS: '*' }, /cors_allowed_origins = "\*"/],
  // Listening on every address while links and tokens travel over plain http.
  ['host 0.0.0.0 with an http:// public URL', { GATEHOUSE_HOST: '0.0.0.0' }, /host = "0\.0\.0\.0" .*public_url \(http:\/\/127\.0\.0\.1:\d+\) is plain http/],
  ['the development mailer', { GATEHOUSE_SMTP_HOST: '' }, /smtp_host is empty: the development mailer/],
  ['the log SMS provider', { GATEHOUSE_SMS_PROVIDER: 'log' }, /sms_provider = "log" writes every SMS code to the log/],
];

describe('unsafe settings: a warning each at start; production = true refuses them', () => {
  test('the safe settings start in production mode without any warning', async () => {
    await withServer({ ...SAFE, GATEHOUSE_PRODUCTION: 'true' }, 'prod-safe', async (srv) => {
      await srv.start();
      assert.deepEqual(unsafeLines(srv), []);
      const me = await srv.api('GET', '/v1/healthz');
      assert.equal(me.status, 200);
    });
  });

  for (const [name, env, message] of CASES) {
    test(`${name}: one warning line at start`, async () => {
      await withServer({ ...SAFE, ...env }, 'warn', async (srv) => {
        await srv.start();
        const lines = unsafeLines(srv);
        assert.equal(lines.length, 1, lines.join('\n'));
        assert.match(lines[0], message);
        assert.match(lines[0], /warn/i);
      });
    });

    test(`${name}: production = true exits non-zero, saying why`, async () => {
      await withServer({ ...SAFE, ...env, GATEHOUSE_PRODUCTION: 'true' }, 'refuse', async (srv) => {
        const text = await expectRefusal(srv);
        assert.match(text, /production = true/);
        assert.match(text, message);
      });
    });
  }

  test('the laptop defaults warn about all four at once', async () => {
    const env = { GATEHOUSE_HOST: '0.0.0.0' };
    await withServer(env, 'defaults', async (srv) => {
      await srv.start();
      const lines = unsafeLines(srv);
      assert.equal(lines.length, 4, lines.join('\n'));
      CASES.forEach(([, , message], i) => assert.match(lines[i], message));
    });
  });

  test('`config check` reports them; with production = true it fails', () => {
    const srv = new Server({ ...SAFE, GATEHOUSE_CORS_ALLOWED_ORIGINS: '*', GATEHOUSE_SMTP_HOST: '' }, { name: 'check' });
    srv.port = 4000;
    try {
      const warn = spawnSync(BIN, ['config', 'check'], { cwd: srv.dir, env: srv.env(), encoding: 'utf8', timeout: 30_000 });
      assert.equal(warn.status, 0, warn.stderr);
      assert.match(warn.stdout, /warning: unsafe setting: cors_allowed_origins/);
      assert.match(warn.stdout, /warning: unsafe setting: smtp_host is empty/);
      assert.match(warn.stdout, /configuration is valid/);
      const prod = spawnSync(BIN, ['config', 'check'], {
        cwd: srv.dir, env: { ...srv.env(), GATEHOUSE_PRODUCTION: 'true' }, encoding: 'utf8', timeout: 30_000,
      });
      assert.notEqual(prod.status, 0);
      assert.match(prod.stderr, /production = true: cors_allowed_origins/);
      assert.match(prod.stderr, /production = true: smtp_host is empty/);
      assert.doesNotMatch(prod.stdout, /configuration is valid/);
    } finally {
      srv.cleanup();
    }
  });
});
