// Small helpers shared by the test files: unique addresses, sign-up/sign-in shortcuts
// that also validate the response against the spec, JWT decoding.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { expectResponse } from './schema.js';

export { sleep } from './server.js';

export const PASSWORD = 'correct-horse-battery-1';
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A fresh lower-case address, unique across the whole run. */
export function uniqueEmail(tag = 'user') {
  return `${tag}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}@example.com`;
}

export function bearer(token) {
  return { Authorization: `Bearer ${token}` };
}

/** Signs up (200 expected, body validated); returns the session (non-null). */
export async function signUp(srv, email = uniqueEmail(), password = PASSWORD, options) {
  const body = options === undefined ? { email, password } : { email, password, options };
  const res = await srv.api('POST', '/signup/email-password', body);
  assert.equal(res.status, 200, `sign-up ${email}: ${res.status} ${res.text.slice(0, 500)}`);
  const json = expectResponse(res, 'POST', '/signup/email-password');
  assert.ok(json.session, `sign-up should return a session by default: ${res.text}`);
  return json.session;
}

/** Signs in (200 expected, body validated); returns the session. */
export async function signIn(srv, email, password = PASSWORD, headers = {}) {
  const res = await srv.api('POST', '/signin/email-password', { email, password }, headers);
  assert.equal(res.status, 200, `sign-in ${email}: ${res.status} ${res.text.slice(0, 500)}`);
  const json = expectResponse(res, 'POST', '/signin/email-password');
  assert.ok(json.session, `sign-in should return a session: ${res.text}`);
  return json.session;
}

/** POST /token (200 expected, bare Session validated). */
export async function refresh(srv, refreshToken) {
  const res = await srv.api('POST', '/token', { refreshToken });
  assert.equal(res.status, 200, `refresh: ${res.status} ${res.text.slice(0, 500)}`);
  return expectResponse(res, 'POST', '/token');
}

export function decodeJwtPart(token, i) {
  const part = token.split('.')[i];
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}
export const jwtHeader = (t) => decodeJwtPart(t, 0);
export const jwtClaims = (t) => decodeJwtPart(t, 1);

/** Asserts a session's shape beyond the schema: UUID tokens, a 3-part JWT, expiry. */
export function checkSession(session, { email, ttl } = {}) {
  assert.match(session.refreshToken, UUID_RE);
  assert.match(session.refreshTokenId, UUID_RE);
  assert.notEqual(session.refreshToken, session.refreshTokenId, 'refreshTokenId must not be the secret token itself');
  assert.equal(session.accessToken.split('.').length, 3, 'accessToken should be a JWS compact JWT');
  assert.ok(Number.isInteger(session.accessTokenExpiresIn) && session.accessTokenExpiresIn > 0);
  if (ttl !== undefined) assert.equal(session.accessTokenExpiresIn, ttl);
  const c = jwtClaims(session.accessToken);
  assert.ok(Math.abs(c.exp - c.iat - session.accessTokenExpiresIn) <= 1, `exp - iat (${c.exp - c.iat}) should equal accessTokenExpiresIn (${session.accessTokenExpiresIn})`);
  if (email !== undefined) {
    assert.ok(session.user, 'session.user should be present');
    assert.equal(session.user.email, email);
    assert.equal(c.sub, session.user.id);
  }
  return c;
}
