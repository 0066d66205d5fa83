// What `make run` and `make test` install (issue 16): running the server needs the
// build and runtime packages only; the test tools (PostgreSQL, the SMTP sink, Chromium,
// Node) and clang come with `make test` / `make fuzz`. Read from the Makefile's dry
// run and scripts/install-deps.sh --print, so nothing is installed here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const packages = (profile) => sh('bash', ['scripts/install-deps.sh', '--print', profile]).split('\n').filter(Boolean);
const TEST_ONLY = ['postgresql', 'python3-aiosmtpd', 'chromium', 'nodejs', 'npm', 'clang'];

test('make run installs the build profile, make test the test profile', () => {
  const run = sh('make', ['-n', 'run', 'JOBS=1']);
  assert.match(run, /install-deps\.sh build\b/);
  assert.doesNotMatch(run, /install-deps\.sh (test|all)\b/);
  const all = sh('make', ['-n', 'test', 'JOBS=1']);
  assert.match(all, /install-deps\.sh test\b/);
});

test('the build profile has what compiles and runs the server and none of the test tools', () => {
  const build = packages('build');
  for (const p of ['cmake', 'libsqlite3-dev', 'libpq-dev', 'libsodium-dev', 'libspdlog-dev']) assert.ok(build.includes(p), p);
  for (const p of TEST_ONLY) assert.ok(!build.includes(p), `${p} is not needed to run`);
  const tests = packages('test');
  for (const p of [...build, 'postgresql', 'python3-aiosmtpd', 'chromium', 'openssl', 'nodejs', 'npm']) assert.ok(tests.includes(p), p);
  assert.ok(packages('fuzz').includes('clang'));
});
