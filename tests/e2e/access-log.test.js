// access_log_json: every access line is exactly one JSON object (what log shippers
// read), with no spdlog "[time] [info]" text in front (issue 16). The text access log
// is unchanged.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useServer } from './lib/server.js';
import { sleep } from './lib/util.js';

async function someRequests(srv) {
  assert.equal((await srv.api('GET', '/healthz')).status, 200);
  assert.equal((await srv.api('GET', '/no-such-route?secret=x')).status, 404);
  await srv.api('POST', '/signin/email-password', { email: 'nobody@example.com', password: 'wrong-password-1' });
  await sleep(200); // the lines are written after the responses
}

describe('access_log_json', () => {
  const srv = useServer({ GATEHOUSE_ACCESS_LOG_JSON: 'true' }, { name: 'access-log-json' });

  test('each access line parses whole as one JSON object', async () => {
    await someRequests(srv);
    const lines = srv.logs.filter((l) => l.stream === 'stdout' && l.line.includes('"type":"access"')).map((l) => l.line);
    assert.ok(lines.length >= 3, srv.logText());
    for (const line of lines) {
      assert.ok(line.startsWith('{') && line.endsWith('}'), `not a bare JSON object: ${line}`);
      const j = JSON.parse(line);
      assert.equal(j.type, 'access');
      assert.equal(typeof j.status, 'number');
      assert.ok(!Number.isNaN(Date.parse(j.time)), `time: ${j.time}`);
    }
    const paths = lines.map((l) => JSON.parse(l));
    assert.ok(paths.some((j) => j.path === '/v1/no-such-route' && j.status === 404), 'the query is never logged');
    assert.ok(paths.some((j) => j.method === 'POST' && j.path === '/v1/signin/email-password' && j.status === 401));
  });
});

describe('text access log', () => {
  const srv = useServer({}, { name: 'access-log-text' });

  test('one line per request, as before', async () => {
    await someRequests(srv);
    assert.ok(srv.logs.some((l) => /GET \/v1\/healthz 200 \d+B [\d.]+ms ip=127\.0\.0\.1 id=/.test(l.line)), srv.logText());
  });
});
