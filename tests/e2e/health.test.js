// GET/HEAD /v1/healthz, GET /v1/version, unknown routes, start-up and SIGTERM drain.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectError, expectResponse } from './lib/schema.js';
import { Server, useServer } from './lib/server.js';

const srv = useServer();

test('GET /v1/healthz -> 200 "OK" (JSON string)', async () => {
  const res = await srv.api('GET', '/healthz');
  assert.equal(res.status, 200, res.text);
  assert.equal(expectResponse(res, 'GET', '/healthz'), 'OK');
  assert.equal(res.text.trim(), '"OK"');
});

test('HEAD /v1/healthz -> 200 without a body', async () => {
  const res = await srv.api('HEAD', '/healthz');
  assert.equal(res.status, 200);
  assert.equal(res.text, '');
});

test('GET /v1/version -> {version}', async () => {
  const res = await srv.api('GET', '/version');
  assert.equal(res.status, 200, res.text);
  const body = expectResponse(res, 'GET', '/version');
  assert.ok(body.version.length > 0);
});

test('unknown route -> 404 route-not-found JSON error', async () => {
  const res = await srv.api('GET', '/no-such-thing');
  assert.equal(res.status, 404, res.text);
  // Not in the spec's paths: check against ErrorResponse through a declared default.
  expectError(res, '/healthz', 'GET', 404, 'route-not-found');
});

test('wrong method on a known route -> 404/405 JSON error', async () => {
  const res = await srv.api('GET', '/signin/email-password');
  assert.ok([404, 405].includes(res.status), `${res.status} ${res.text}`);
  expectResponse(res, 'POST', '/signin/email-password');
});

test('a path outside /v1 -> 404 JSON error', async () => {
  const res = await srv.api('GET', '/healthz-nope-outside');
  assert.equal(res.status, 404);
});

test('a second server: ready line, then SIGTERM exits 0 and drains an in-flight request', async () => {
  const s = new Server({}, { name: 'drain' });
  await s.start();
  try {
    assert.ok(
      s.logs.some((l) => l.line.includes(`listening on http://127.0.0.1:${s.port}`)),
      `ready line missing from stdout:\n${s.logText()}`,
    );
    // A sign-up (password hash: the slowest request we have) in flight while SIGTERM lands.
    const inflight = s.api('POST', '/signup/email-password', { email: `drain-${Date.now()}@example.com`, password: 'drain-password-1' });
    await new Promise((r) => setTimeout(r, 20));
    const exited = s.stop();
    const res = await inflight.catch((e) => ({ status: 0, text: String(e) }));
    const code = await exited;
    assert.equal(res.status, 200, `in-flight request should complete during drain: ${res.status} ${res.text}`);
    assert.deepEqual(code, { code: 0, signal: null }, `exit after SIGTERM:\n${s.logText(40)}`);
  } finally {
    await s.stop();
    s.cleanup();
  }
});
