// Sign-in rate limit per client IP: 3 per minute, burst 3 -> the 4th gets 429 + Retry-After.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectError, expectResponse } from './lib/schema.js';
import { useServer } from './lib/server.js';
import { PASSWORD, uniqueEmail } from './lib/util.js';

const srv = useServer(
  { GATEHOUSE_RATE_LIMIT_SIGNIN_PER_MINUTE: '3', GATEHOUSE_RATE_LIMIT_SIGNIN_BURST: '3' },
  { name: 'ratelimit' },
);
const IN = '/signin/email-password';

test('the 4th sign-in within a minute from one IP -> 429 too-many-requests with Retry-After', async () => {
  const email = uniqueEmail('rl');
  for (let i = 1; i <= 3; i++) {
    const res = await srv.api('POST', IN, { email, password: PASSWORD });
    expectError(res, IN, 'POST', 401, 'invalid-email-password');
  }
  const res = await srv.api('POST', IN, { email, password: PASSWORD });
  expectError(res, IN, 'POST', 429, 'too-many-requests');
  const ra = res.headers['retry-after'];
  assert.ok(ra !== undefined, `Retry-After header missing: ${JSON.stringify(res.headers)}`);
  assert.match(ra, /^\d+$/, `Retry-After should be delta-seconds: ${ra}`);
  assert.ok(Number(ra) >= 1 && Number(ra) <= 60, `Retry-After ${ra} should be within the minute window`);
});

test('while limited: health checks and token verification still answer', async () => {
  const h = await srv.api('GET', '/healthz');
  assert.equal(h.status, 200, h.text);
  expectResponse(h, 'GET', '/healthz');
  const v = await srv.api('POST', '/token/verify', { token: 'x.y.z' });
  assert.notEqual(v.status, 429, 'token verify is not behind the sign-in limit');
});
