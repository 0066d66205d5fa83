// Signing keys changed while servers run: `gatehouse keys rotate` against the database of
// two running instances (one SQLite file or one PostgreSQL schema); both publish the new
// key and sign with it within signing_keys_reload_seconds, old tokens keep verifying.
// `keys retire` and `keys remove` keep the safe order (the signing key cannot be retired,
// an active one not removed, a retired one not before its tokens expired unless --force),
// and a removed key's tokens are refused by every instance.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { expectError } from './lib/schema.js';
import { BIN, Server, sleep } from './lib/server.js';
import { bearer, jwtHeader, signIn, signUp, uniqueEmail } from './lib/util.js';

const ENV = { GATEHOUSE_SIGNING_KEYS_RELOAD_SECONDS: '1' };

describe('signing keys change under running servers', () => {
  const a = new Server(ENV, { name: 'keys-a' });
  let b;
  before(async () => {
    await a.start();
    // The second instance reads the first one's database (same file or schema).
    const shared = { GATEHOUSE_DATABASE_URL: a.env().GATEHOUSE_DATABASE_URL, GATEHOUSE_DATABASE_SCHEMA: a.env().GATEHOUSE_DATABASE_SCHEMA };
    b = new Server({ ...ENV, ...Object.fromEntries(Object.entries(shared).filter(([, v]) => v)) }, { name: 'keys-b' });
    await b.start();
  });
  after(async () => {
    for (const s of [a, b]) {
      const res = await s?.stop();
      s?.cleanup();
      assert.equal(res?.code, 0, `${s?.name}: ${JSON.stringify(res)}`);
    }
  });

  /** Runs `gatehouse keys ...` with server a's settings (its database). */
  function keys(...args) {
    const env = { ...a.env() };
    delete env.GATEHOUSE_PORT;
    const out = spawnSync(BIN, ['keys', ...args], { env, cwd: a.dir, encoding: 'utf8', timeout: 20_000 });
    return { code: out.status, out: out.stdout + out.stderr };
  }
  const kids = async (srv) => (await srv.api('GET', '/.well-known/jwks.json')).json.keys.map((k) => k.kid);
  async function within(ms, what, fn) {
    const end = Date.now() + ms;
    for (;;) {
      if (await fn()) return;
      if (Date.now() > end) assert.fail(`not within ${ms} ms: ${what}`);
      await sleep(100);
    }
  }
  const verifies = async (srv, token) => (await srv.api('GET', '/user', undefined, bearer(token))).status === 200;

  test('rotate, retire and remove in the safe order, seen by both instances without a restart', async () => {
    const email = uniqueEmail('keys');
    await signUp(a, email);
    const [k1] = await kids(a);
    assert.deepEqual(await kids(b), [k1], 'both instances share one key');
    const oldToken = (await signIn(a, email)).accessToken;
    assert.equal(jwtHeader(oldToken).kid, k1);

    const rotated = keys('rotate');
    assert.equal(rotated.code, 0, rotated.out);
    const k2 = /new signing key (\S+);/.exec(rotated.out)?.[1];
    assert.ok(k2 && k2 !== k1, rotated.out);
    for (const srv of [a, b]) {
      await within(5_000, `${srv.name} publishes ${k2}`, async () => (await kids(srv)).includes(k2));
      await within(5_000, `${srv.name} signs with ${k2}`, async () => jwtHeader((await signIn(srv, email)).accessToken).kid === k2);
      assert.ok((await kids(srv)).includes(k1), 'the retired key is still published');
      assert.ok(await verifies(srv, oldToken), 'a token of the retired key still verifies');
    }
    const list = keys('list');
    assert.match(list.out, new RegExp(`${k2}\\s+\\S+\\s+created \\S+\\s+signing`));
    assert.match(list.out, new RegExp(`${k1}\\s+\\S+\\s+created \\S+\\s+retired`));

    // The signing key cannot be retired (nothing would sign), nor removed while active.
    const retireSigning = keys('retire', k2);
    assert.notEqual(retireSigning.code, 0);
    assert.match(retireSigning.out, /signs every new token; run `gatehouse keys rotate`/);
    const removeActive = keys('remove', k2);
    assert.notEqual(removeActive.code, 0);
    assert.match(removeActive.out, /is not retired/);
    assert.match(keys('remove', 'no-such-kid').out, /no signing key no-such-kid/);

    // The retired key's tokens may still be valid (access TTL 15 min): refused without --force.
    const early = keys('remove', k1);
    assert.notEqual(early.code, 0);
    assert.match(early.out, /may be valid until \S+\. Remove it after that, or now with --force/);
    assert.ok((await kids(a)).includes(k1));

    const forced = keys('remove', k1, '--force');
    assert.equal(forced.code, 0, forced.out);
    for (const srv of [a, b]) {
      await within(5_000, `${srv.name} stops publishing ${k1}`, async () => !(await kids(srv)).includes(k1));
      await within(5_000, `${srv.name} refuses ${k1}'s token`, async () => !(await verifies(srv, oldToken)));
      const res = await srv.api('GET', '/user', undefined, bearer(oldToken));
      expectError(res, '/user', 'GET', 401, ['invalid-token', 'unauthenticated-user']);
    }
    assert.equal(keys('list').out.includes(k1), false);
    // Sign-in still works with the new key on both.
    for (const srv of [a, b]) assert.ok(await verifies(srv, (await signIn(srv, email)).accessToken));
  });
});
