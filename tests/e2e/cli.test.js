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
