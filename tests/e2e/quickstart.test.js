// examples/quickstart.mjs, run as README tells a newcomer to run it: a separate node
// process using @nhost/nhost-js against the real server, with verification on (the
// default: sign-up, the mailed link, then sign-in) and off (sign-up signs in at once).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { linkIn, mailEnv, useMailbox } from './lib/mail.js';
import { useServer } from './lib/server.js';
import { PASSWORD, uniqueEmail } from './lib/util.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// The example imports @nhost/nhost-js, which resolves from the script's folder: run a
// copy beside this suite's node_modules rather than installing the package twice.
const script = path.join(here, `.quickstart-${process.pid}.mjs`);
copyFileSync(path.join(here, '..', '..', 'examples', 'quickstart.mjs'), script);
after(() => rmSync(script, { force: true }));

function quickstart(srv, ...args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      env: { PATH: process.env.PATH, GATEHOUSE_AUTH_URL: srv.authUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

function expectRound(out, first) {
  assert.equal(out.code, 0, out.stderr || out.stdout);
  const lines = out.stdout.trim().split('\n');
  assert.equal(lines[0], first, out.stdout);
  assert.match(lines[1], /^user [0-9a-f-]{36} /);
  assert.equal(lines[2], 'refreshed with a new refresh token');
  assert.equal(lines[3], 'signed out');
}

describe('quick start with email verification (the default)', () => {
  const box = useMailbox();
  const srv = useServer(mailEnv(box), { name: 'quickstart' });

  test('sign-up asks for the mailed link; after it the script signs in, refreshes and signs out', async () => {
    const email = uniqueEmail('quick');
    const first = await quickstart(srv, email, PASSWORD);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /verify the address with the mailed link/);

    const before = await quickstart(srv, email, PASSWORD);
    assert.equal(before.code, 1, 'sign-in before verification fails');
    assert.match(before.stderr, /unverified-user/);

    const link = linkIn(await box.waitFor(email));
    const res = await srv.api('GET', link.pathname + link.search);
    assert.ok([302, 303].includes(res.status), res.text);

    expectRound(await quickstart(srv, email, PASSWORD), 'signed in');
    const wrong = await quickstart(srv, email, 'not-the-password-1');
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /invalid-email-password/);
  });
});

describe('quick start without verification', () => {
  const srv = useServer({}, { name: 'quickstart-noverify' });
  test('the first run signs up and goes through the whole round; usage without arguments', async () => {
    expectRound(await quickstart(srv, uniqueEmail('quick'), PASSWORD), 'signed up');
    const usage = await quickstart(srv);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /usage/);
  });
});
