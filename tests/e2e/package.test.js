// The Debian package as an operator meets it: `cpack` builds it from the test build,
// `dpkg -i` installs it on this machine, the binary starts the way its systemd unit
// starts it (as the gatehouse user, the unit's environment, working directory and umask),
// a person signs up, and `dpkg --purge` takes it away again. Also `cmake --install` to a
// prefix. Needs root (CI runs as root); runs in the SQLite pass only, once per run.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { BIN, DATABASE, Server } from './lib/server.js';
import { PASSWORD } from './lib/util.js';

const BUILD_DIR = BIN ? path.dirname(BIN) : '';
const isRoot = process.getuid && process.getuid() === 0;
const skip = DATABASE !== 'sqlite' ? 'the SQLite pass runs it' : !isRoot ? 'needs root (dpkg -i)' : false;
const UNIT = '/usr/lib/systemd/system/gatehouse.service';

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000, ...opts });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

/** Environment= lines and the rest of the unit, as systemd reads them. */
function readUnit(text) {
  const env = {};
  const keys = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    if (m[1] === 'Environment') {
      const [k, ...v] = m[2].split('=');
      env[k] = v.join('=');
    } else {
      keys[m[1]] = m[2];
    }
  }
  return { env, keys };
}

describe('Debian package: build, install, run as the unit would, purge', { skip }, () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-pkg-'));
  let installed = false;
  after(() => {
    if (installed) spawnSync('dpkg', ['--purge', 'gatehouse'], { encoding: 'utf8' });
    rmSync('/var/lib/gatehouse', { recursive: true, force: true }); // made by this test
    rmSync(work, { recursive: true, force: true });
  });

  test('the package installs, serves a sign-up as its unit runs it, and purges cleanly', async () => {
    assert.equal(spawnSync('dpkg-query', ['-W', 'gatehouse']).status === 0, false, 'a gatehouse package is already installed here');
    sh('cpack', ['-G', 'DEB', '-B', work], { cwd: BUILD_DIR });
    const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
    assert.ok(deb, 'cpack made a .deb');
    const info = sh('dpkg-deb', ['-I', path.join(work, deb)]);
    assert.match(info, /Package: gatehouse/);
    assert.match(info, /Depends: .*libsqlite3/);

    sh('dpkg', ['-i', path.join(work, deb)]);
    installed = true;
    assert.ok(existsSync('/usr/bin/gatehouse'));
    assert.match(sh('/usr/bin/gatehouse', ['--version']), /gatehouse \d/);
    assert.match(sh('getent', ['passwd', 'gatehouse']), /^gatehouse:/);
    const state = statSync('/var/lib/gatehouse');
    assert.equal(state.mode & 0o777, 0o700, 'the state directory is private');
    assert.ok(existsSync('/etc/default/gatehouse'), 'the settings file the unit reads');

    const unitText = readFileSync(UNIT, 'utf8');
    const { env, keys } = readUnit(unitText);
    assert.equal(keys.User, 'gatehouse');
    assert.equal(keys.NoNewPrivileges, 'yes');
    assert.equal(keys.ProtectSystem, 'strict');
    assert.equal(keys.UMask, '0077');
    const verify = spawnSync('systemd-analyze', ['verify', UNIT], { encoding: 'utf8' });
    if (verify.status !== null && !/not been booted|Failed to (connect|initialize)/.test(verify.stderr)) {
      assert.equal(verify.status, 0, `systemd-analyze verify: ${verify.stderr}`);
    }

    // Start it the way the unit does: its user, environment, directory and umask.
    assert.equal(keys.ExecStart, '/usr/bin/gatehouse serve');
    const srv = new Server(
      { ...env, GATEHOUSE_EMAIL_VERIFICATION_REQUIRED: 'false' },
      {
        name: 'packaged',
        // setpriv execs in place (runuser would stay as a parent and re-raise SIGTERM).
        command: '/usr/bin/setpriv',
        args: ['--reuid', keys.User, '--regid', keys.Group, '--init-groups', '/bin/sh', '-c', `umask ${keys.UMask} && exec ${keys.ExecStart}`],
        cwd: keys.WorkingDirectory,
        bareEnv: true,
      },
    );
    await srv.start();
    try {
      const res = await srv.api('POST', '/signup/email-password', { email: 'packaged@example.com', password: PASSWORD });
      assert.equal(res.status, 200, res.text);
      assert.ok(res.json.session.accessToken);
      const db = '/var/lib/gatehouse/gatehouse.db';
      assert.ok(existsSync(db), 'the database is in the state directory');
      assert.equal(statSync(db).mode & 0o077, 0, 'the database is readable by its owner only');
      assert.equal(statSync(db).uid, Number(sh('id', ['-u', 'gatehouse']).trim()));
    } finally {
      const stopped = await srv.stop();
      srv.cleanup();
      assert.equal(stopped?.code, 0, `SIGTERM drains and exits 0: ${JSON.stringify(stopped)}`);
    }

    sh('dpkg', ['--purge', 'gatehouse']);
    installed = false;
    assert.equal(existsSync('/usr/bin/gatehouse'), false);
    assert.equal(existsSync(UNIT), false);
    assert.notEqual(spawnSync('getent', ['passwd', 'gatehouse']).status, 0, 'the system user is gone');
  });
});

describe('cmake --install to a prefix', { skip: DATABASE !== 'sqlite' ? 'the SQLite pass runs it' : false }, () => {
  const prefix = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-prefix-'));
  after(() => rmSync(prefix, { recursive: true, force: true }));

  test('binary, unit and docs land under the prefix and the binary runs from there', () => {
    execFileSync('cmake', ['--install', BUILD_DIR, '--prefix', prefix], { stdio: 'pipe' });
    assert.ok(existsSync(path.join(prefix, 'bin/gatehouse')));
    assert.ok(existsSync(path.join(prefix, 'lib/systemd/system/gatehouse.service')));
    assert.ok(existsSync(path.join(prefix, 'share/doc/gatehouse/LICENSE')));
    assert.match(sh(path.join(prefix, 'bin/gatehouse'), ['--version']), /gatehouse \d/);
  });
});
