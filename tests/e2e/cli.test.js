// The command line as docs/configuration.md writes it: --config before or after the
// subcommand, shown in each subcommand's --help, and `serve --config` really serving
// with the file's settings.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { BIN, Server } from './lib/server.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args, env = {}) {
  return spawnSync(BIN, args, { env: { PATH: process.env.PATH, HOME: dir, ...env }, cwd: dir, encoding: 'utf8', timeout: 20_000 });
}

describe('--config wherever the docs put it', () => {
  const file = path.join(dir, 'gatehouse.toml');
  writeFileSync(file, 'password_min_length = 12\n');

  for (const args of [['--config', file, 'config', 'check'], ['config', 'check', '--config', file], ['config', '--config', file, 'check']]) {
    test(`gatehouse ${args.map((a) => (a === file ? 'FILE' : a)).join(' ')}`, () => {
      const out = run(args, { GATEHOUSE_DATABASE_URL: `sqlite://${dir}/cli.db` });
      assert.equal(out.status, 0, out.stderr);
      assert.match(out.stdout, /configuration is valid/);
      assert.match(out.stdout, /password_min_length\s*=?\s*12/);
    });
  }

  test('every subcommand\'s --help shows the option', () => {
    for (const sub of [['serve'], ['migrate'], ['config', 'check'], ['keys', 'rotate'], ['users', 'export']]) {
      const out = run([...sub, '--help']);
      assert.equal(out.status, 0, out.stderr);
      assert.match(out.stdout, /--config/, `${sub.join(' ')} --help`);
    }
  });

  test('a missing file is refused by name', () => {
    const out = run(['serve', '--config', path.join(dir, 'nope.toml')]);
    assert.notEqual(out.status, 0);
    assert.match(out.stderr + out.stdout, /nope\.toml/);
  });
});

describe('gatehouse serve --config FILE serves with the file\'s settings', () => {
  const file = path.join(dir, 'serve.toml');
  writeFileSync(file, 'password_min_length = 20\n');
  const srv = new Server({}, { name: 'cli-serve', args: ['serve', '--config', file] });

  test('a password shorter than the file asks for is refused', async () => {
    await srv.start();
    try {
      const res = await srv.api('POST', '/signup/email-password', { email: 'cli@example.com', password: 'only-sixteen-chr' });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.json.error, 'password-too-short');
    } finally {
      await srv.stop();
      srv.cleanup();
    }
  });
});

// Issue 16: a typo in a variable name (GATEHOUSE_PROT) used to be ignored in silence,
// and a database URL of a kind no store opens (mysql://) passed `config check` and
// failed only at migrate.
describe('what the environment gets wrong is said at once', () => {
  const db = { GATEHOUSE_DATABASE_URL: `sqlite://${dir}/env.db` };

  test('config check names an unknown GATEHOUSE_ / AUTH_ variable and the one it may mean', () => {
    const out = run(['config', 'check'], { ...db, GATEHOUSE_PROT: '4001', AUTH_SERVER_ULR: 'https://x.example.com/v1', AUTH_NOT_A_THING: '1', OTHER_PROT: '1' });
    assert.equal(out.status, 0, out.stderr);
    assert.match(out.stdout, /warning: unknown variable: GATEHOUSE_PROT .*\(did you mean GATEHOUSE_PORT\?\)/);
    assert.match(out.stdout, /warning: unknown variable: AUTH_SERVER_ULR .*\(did you mean AUTH_SERVER_URL\?\)/);
    assert.match(out.stdout, /warning: unknown variable: AUTH_NOT_A_THING is not a setting/);
    assert.doesNotMatch(out.stdout, /OTHER_PROT/, 'only our prefixes are ours');
    assert.match(out.stdout, /configuration is valid/);
    const clean = run(['config', 'check'], { ...db, GATEHOUSE_PORT: '4001', AUTH_SERVER_URL: 'https://x.example.com/v1' });
    assert.doesNotMatch(clean.stdout, /unknown variable/);
  });

  test('serve warns about it in the log at start (and the harness\'s own names are all known)', async () => {
    const srv = new Server({ GATEHOUSE_PROT: '4001' }, { name: 'cli-unknown-env' });
    await srv.start();
    try {
      const warned = srv.logs.filter((l) => l.line.includes('unknown variable'));
      assert.equal(warned.length, 1, srv.logText());
      assert.match(warned[0].line, /GATEHOUSE_PROT .*did you mean GATEHOUSE_PORT/);
    } finally {
      await srv.stop();
      srv.cleanup();
    }
  });

  test('a mysql:// database URL is a configuration error, also for config check and serve', () => {
    for (const args of [['config', 'check'], ['serve'], ['migrate']]) {
      const out = run(args, { GATEHOUSE_DATABASE_URL: 'mysql://app:hunter2@db.example.com/auth' });
      assert.equal(out.status, 2, `${args.join(' ')}: ${out.stdout}${out.stderr}`);
      assert.match(out.stderr, /invalid configuration:\n\s+database_url: unsupported database/);
      assert.doesNotMatch(out.stderr + out.stdout, /hunter2/, 'the URL may carry a password');
    }
  });
});
