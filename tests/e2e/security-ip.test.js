// Which address a request comes from behind reverse proxies (issue 13, item 3a).
//
// The client writes the left of X-Forwarded-For; each proxy appends, on the right,
// the address it saw. Here the test plays both the client and the proxy: the peer
// is 127.0.0.1 (the "proxy"), the rightmost hop is the "real" client, anything to
// its left is forged. The address the server settled on is read from the access
// log line of a request tagged with its own X-Request-Id.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { expectError } from './lib/schema.js';
import { useServer } from './lib/server.js';
import { PASSWORD, signUp, sleep, uniqueEmail } from './lib/util.js';

const IN = '/signin/email-password';
// A per-IP sign-in limit (the harness turns it off by default): the shipped burst of 10,
// and a slow refill (one every 10 s) so that a loaded machine, where each sign-in takes
// longer, adds few tokens while a loop runs. The loops allow for the refill they saw.
const SIGNIN_PER_MINUTE = 6;
const SIGNIN_BURST = 10;
const SIGNIN_LIMIT = {
  GATEHOUSE_RATE_LIMIT_SIGNIN_PER_MINUTE: String(SIGNIN_PER_MINUTE),
  GATEHOUSE_RATE_LIMIT_SIGNIN_BURST: String(SIGNIN_BURST),
};
/** Requests one client may have had answered since `started`: the burst and the refill. */
function allowedSince(started) {
  return SIGNIN_BURST + Math.ceil(((Date.now() - started) / 60000) * SIGNIN_PER_MINUTE) + 1;
}

/** The client IP the server logged for one request sent with `headers`. */
async function ipSeen(srv, headers) {
  const id = `ip-${randomBytes(8).toString('hex')}`;
  const res = await srv.api('GET', '/healthz', undefined, { ...headers, 'X-Request-Id': id });
  assert.equal(res.status, 200, res.text);
  for (let i = 0; i < 100; i++) {
    const line = srv.logs.find((l) => l.line.includes(`id=${id}`));
    if (line) {
      const m = / ip=(\S*) id=/.exec(line.line);
      assert.ok(m, `access line without ip=: ${line.line}`);
      return m[1];
    }
    await sleep(10);
  }
  throw new Error(`no access log line for ${id}`);
}

describe('trust_proxy = true (one proxy in front)', () => {
  const srv = useServer({ ...SIGNIN_LIMIT, GATEHOUSE_TRUST_PROXY: 'true' }, { name: 'one-proxy' });

  test('40 wrong passwords for one account, each with another forged hop: 429s appear', async () => {
    const email = uniqueEmail('forged');
    await signUp(srv, email);
    const counts = {};
    const started = Date.now();
    for (let i = 0; i < 40; i++) {
      const res = await srv.api('POST', IN, { email, password: `wrong-password-${i}` }, {
        'X-Forwarded-For': `10.66.${i}.${i + 1}, 203.0.113.7`,
      });
      counts[res.status] = (counts[res.status] || 0) + 1;
      if (res.status === 429) {
        expectError(res, IN, 'POST', 429, 'too-many-requests');
        assert.match(res.headers['retry-after'] ?? '', /^\d+$/);
      } else {
        expectError(res, IN, 'POST', 401, 'invalid-email-password');
      }
    }
    const allowed = allowedSince(started);
    assert.ok((counts[401] || 0) <= allowed, `at most the burst and its refill (${allowed}) may be checked: ${JSON.stringify(counts)}`);
    assert.ok((counts[429] || 0) >= 40 - allowed, `the rest of 40 forged-hop guesses refused: ${JSON.stringify(counts)}`);
  });

  test('the spoofed leftmost hop is ignored: the per-IP limit follows the proxy-appended hop', async () => {
    // Other accounts each time: only the per-IP budget (burst 10) can refuse.
    const real = '198.51.100.23';
    let refused = 0;
    const started = Date.now();
    for (let i = 0; i < 15; i++) {
      const res = await srv.api('POST', IN, { email: uniqueEmail('spoof'), password: PASSWORD }, {
        'X-Forwarded-For': `192.0.2.${i + 1}, ${real}`,
      });
      if (res.status === 429) refused++;
      else expectError(res, IN, 'POST', 401, 'invalid-email-password');
    }
    const allowed = allowedSince(started);
    assert.ok(refused >= 15 - allowed && refused >= 1, `15 tries from one real client with forged hops: ${refused} refused (${allowed} allowed)`);
    // Another real client (a different rightmost hop) still has its own budget.
    const other = await srv.api('POST', IN, { email: uniqueEmail('spoof'), password: PASSWORD }, {
      'X-Forwarded-For': `${real}, 198.51.100.99`,
    });
    expectError(other, IN, 'POST', 401, 'invalid-email-password');
  });

  test('the client IP is the rightmost hop, canonical; garbage there falls back to the peer', async () => {
    assert.equal(await ipSeen(srv, { 'X-Forwarded-For': '1.2.3.4, 203.0.113.9' }), '203.0.113.9');
    assert.equal(await ipSeen(srv, { 'X-Forwarded-For': '203.0.113.10' }), '203.0.113.10');
    assert.equal(await ipSeen(srv, { 'X-Forwarded-For': '1.2.3.4, ::ffff:203.0.113.11' }), '203.0.113.11');
    assert.equal(await ipSeen(srv, { 'X-Forwarded-For': '1.2.3.4, [2001:db8::1]:4711' }), '2001:db8::1');
    assert.equal(await ipSeen(srv, { 'X-Forwarded-For': '1.2.3.4, not-an-ip' }), '127.0.0.1');
    assert.equal(await ipSeen(srv, {}), '127.0.0.1');
  });
});

describe('trust_proxy = false (the default)', () => {
  const srv = useServer({}, { name: 'no-proxy' });
  test('X-Forwarded-For is ignored', async () => {
    assert.equal(await ipSeen(srv, { 'X-Forwarded-For': '203.0.113.9' }), '127.0.0.1');
    assert.equal(await ipSeen(srv, { 'X-Real-IP': '203.0.113.9' }), '127.0.0.1');
  });
});

describe('trusted_proxies (a list of networks)', () => {
  const srv = useServer({ GATEHOUSE_TRUSTED_PROXIES: '127.0.0.0/8, 10.0.0.0/8, fd00::/8' }, { name: 'proxy-list' });
  test('hops inside the list are skipped from the right; the first outside is the client', async () => {
    assert.equal(await ipSeen(srv, { 'X-Forwarded-For': '6.6.6.6, 198.51.100.7, 10.1.2.3' }), '198.51.100.7');
    assert.equal(await ipSeen(srv, { 'X-Forwarded-For': '198.51.100.8, 10.1.2.3, fd00::5' }), '198.51.100.8');
    assert.equal(await ipSeen(srv, { 'X-Forwarded-For': '198.51.100.9' }), '198.51.100.9');
    // Every hop one of ours: the far end of the chain.
    assert.equal(await ipSeen(srv, { 'X-Forwarded-For': '10.9.9.9, 10.1.2.3' }), '10.9.9.9');
    // Garbage left of our proxies: the last address a proxy of ours vouched for.
    assert.equal(await ipSeen(srv, { 'X-Forwarded-For': 'evil, 10.1.2.3' }), '10.1.2.3');
  });
});

describe('trusted_proxies without the peer', () => {
  const srv = useServer({ GATEHOUSE_TRUSTED_PROXIES: '10.0.0.0/8' }, { name: 'proxy-list-peer' });
  test('a peer outside the list is the client, whatever its header says', async () => {
    assert.equal(await ipSeen(srv, { 'X-Forwarded-For': '198.51.100.7, 10.1.2.3' }), '127.0.0.1');
  });
});

describe('trusted_proxy_hops = 2', () => {
  const srv = useServer({ GATEHOUSE_TRUSTED_PROXY_HOPS: '2' }, { name: 'two-hops' });
  test('the second hop from the right is the client', async () => {
    assert.equal(await ipSeen(srv, { 'X-Forwarded-For': '6.6.6.6, 198.51.100.7, 10.1.2.3' }), '198.51.100.7');
    // A shorter chain (a request that reached the inner proxy directly): its far end.
    assert.equal(await ipSeen(srv, { 'X-Forwarded-For': '10.1.2.3' }), '10.1.2.3');
  });
});

describe('client_ip_header', () => {
  describe('GoTrue name GOTRUE_RATE_LIMIT_HEADER=X-Real-IP', () => {
    const srv = useServer({ GOTRUE_RATE_LIMIT_HEADER: 'X-Real-IP' }, { name: 'x-real-ip' });
    test('X-Real-IP names the client; X-Forwarded-For is not read', async () => {
      assert.equal(await ipSeen(srv, { 'X-Real-IP': '198.51.100.31', 'X-Forwarded-For': '6.6.6.6' }), '198.51.100.31');
      assert.equal(await ipSeen(srv, { 'X-Forwarded-For': '6.6.6.6' }), '127.0.0.1');
    });
  });
  describe('GATEHOUSE_CLIENT_IP_HEADER=CF-Connecting-IP behind 127.0.0.1', () => {
    const srv = useServer(
      { GATEHOUSE_CLIENT_IP_HEADER: 'CF-Connecting-IP', GATEHOUSE_TRUSTED_PROXIES: '127.0.0.1' },
      { name: 'cf-connecting-ip' },
    );
    test('CF-Connecting-IP names the client', async () => {
      assert.equal(await ipSeen(srv, { 'CF-Connecting-IP': '2001:db8::42' }), '2001:db8::42');
    });
  });
});
