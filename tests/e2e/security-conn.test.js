// Connection caps (issue 13, item 6): a flood of idle TCP connections must not
// starve the server of descriptors. Loopback only; every loop is bounded.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { describe, test } from 'node:test';
import { useServer } from './lib/server.js';
import { sleep } from './lib/util.js';

/** Opens `n` TCP connections that send nothing; resolves once each connected or failed. */
async function openIdle(port, n) {
  const conns = [];
  await Promise.all(
    Array.from({ length: n }, () => new Promise((resolve) => {
      const c = { sock: net.connect(port, '127.0.0.1'), closed: false };
      c.sock.on('connect', resolve);
      c.sock.on('error', () => resolve());
      c.sock.on('close', () => { c.closed = true; resolve(); });
      c.sock.resume(); // read (and discard) anything, so that a close is seen
      conns.push(c);
    })),
  );
  return conns;
}

const closedCount = (conns) => conns.filter((c) => c.closed).length;

async function waitUntil(pred, ms) {
  const end = Date.now() + ms;
  while (!pred() && Date.now() < end) await sleep(20);
  return pred();
}

/** GET /v1/healthz on a connection of its own; resolves {status, ms} or rejects after `timeoutMs`. */
function freshHealthz(port, timeoutMs) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const req = http.get({ host: '127.0.0.1', port, path: '/v1/healthz', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: Date.now() - started }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

const closeAll = (conns) => conns.forEach((c) => c.sock.destroy());

describe('under ulimit -n 256', () => {
  const srv = useServer({}, { name: 'ulimit-256', prelude: 'ulimit -n 256' });

  test('300 idle connections, then a fresh request answers within 2 s and accept does not spin', async () => {
    const conns = await openIdle(srv.port, 300);
    try {
      const res = await freshHealthz(srv.port, 2000);
      assert.equal(res.status, 200);
      assert.ok(res.ms < 2000, `took ${res.ms} ms`);
      const capLine = srv.logs.find((l) => /at most \d+ connections/.test(l.line));
      assert.ok(capLine, `no connection cap line in the log:\n${srv.logText(30)}`);
      const cap = Number(/at most (\d+) connections/.exec(capLine.line)[1]);
      assert.ok(cap > 16 && cap < 256, `cap ${cap} must leave a reserve below 256 descriptors`);
      // The oldest idle ones made room: at most `cap` of ours are still open.
      assert.ok(await waitUntil(() => 300 - closedCount(conns) <= cap, 2000), `${300 - closedCount(conns)} still open, cap ${cap}`);
      // Keep-alive clients keep being served.
      for (let i = 0; i < 5; i++) assert.equal((await srv.api('GET', '/healthz', undefined, {}, { timeoutMs: 2000 })).status, 200);
      const failures = srv.logs.filter((l) => l.line.includes('accept failed')).length;
      assert.ok(failures <= 3, `accept failed ${failures} times: the server spins on EMFILE`);
    } finally {
      closeAll(conns);
    }
  });
});

describe('the soft open-files limit', () => {
  const hard = Number(execFileSync('sh', ['-c', 'ulimit -Hn']).toString().trim()) || 0;
  const srv = useServer({}, { name: 'ulimit-soft', prelude: 'ulimit -S -n 256' });
  test('is raised to the hard limit at start', { skip: hard > 0 && hard <= 256 ? `hard limit ${hard}` : false }, () => {
    const line = srv.logs.find((l) => /open files limit/.test(l.line));
    assert.ok(line, srv.logText(30));
    assert.match(line.line, /raised from 256/);
    assert.match(line.line, new RegExp(`open files limit ${hard > 0 ? hard : '\\d+'}`));
  });
});

describe('max_connections_per_ip = 20', () => {
  const srv = useServer({ GATEHOUSE_MAX_CONNECTIONS_PER_IP: '20' }, { name: 'per-ip-20' });

  test('50 idle connections from one IP: its oldest are shed down to 20; a fresh request is served', async () => {
    // Two batches: within a batch the order of arrival is the network's.
    const older = await openIdle(srv.port, 25);
    await sleep(50);
    const conns = [...older, ...(await openIdle(srv.port, 25))];
    try {
      assert.ok(await waitUntil(() => closedCount(conns) >= 30, 3000), `${closedCount(conns)} of 50 closed`);
      const res = await freshHealthz(srv.port, 2000);
      assert.equal(res.status, 200);
      // The first batch (idle longest) went first.
      assert.ok(older.every((c) => c.closed), 'the oldest connections are shed first');
    } finally {
      closeAll(conns);
    }
  });

  test('connections with a request in flight are not shed: at a full cap of busy ones, the new one is refused', async () => {
    await sleep(200); // the previous test's sockets are gone
    const busy = await openIdle(srv.port, 20);
    try {
      // A request begun (request line only) is in flight: not idle.
      for (const c of busy) c.sock.write('GET /v1/healthz HTTP/1.1\r\n');
      await sleep(300);
      const [extra] = await openIdle(srv.port, 1);
      assert.ok(await waitUntil(() => extra.closed, 2000), 'the 21st connection should be refused');
      assert.equal(closedCount(busy), 0, 'busy connections must not be shed');
      // The busy ones are still served.
      const answer = new Promise((resolve) => {
        let data = '';
        busy[0].sock.on('data', (d) => {
          data += d;
          if (data.includes('\r\n\r\n')) resolve(data);
        });
      });
      busy[0].sock.write('Host: x\r\nConnection: close\r\n\r\n');
      assert.match(await answer, /^HTTP\/1\.1 200/);
    } finally {
      closeAll(busy);
    }
  });
});

describe('trusted proxies are exempt from the per-IP cap', () => {
  const srv = useServer(
    { GATEHOUSE_MAX_CONNECTIONS_PER_IP: '5', GATEHOUSE_TRUSTED_PROXIES: '127.0.0.1' },
    { name: 'per-ip-proxy' },
  );
  test('30 idle connections from the proxy all stay open', async () => {
    const conns = await openIdle(srv.port, 30);
    try {
      await sleep(500);
      assert.equal(closedCount(conns), 0);
      assert.equal((await freshHealthz(srv.port, 2000)).status, 200);
    } finally {
      closeAll(conns);
    }
  });
});
