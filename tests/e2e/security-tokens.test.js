// Access tokens the server must refuse although their signature checks out (issue 13):
// - item 9: a wrong, missing or listed `aud` (HS256 instance: anyone holding the shared
//   secret, e.g. another service, can mint tokens; only those for our audience count);
// - item 10: the token of a signed-out or reuse-revoked session, on GET /user (always)
//   and on POST /token/verify (stateless by default, checked with
//   GATEHOUSE_TOKEN_VERIFY_CHECKS_SESSION=true).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { expectError } from './lib/schema.js';
import { useServer } from './lib/server.js';
import { bearer, jwtClaims, refresh, signUp, uniqueEmail } from './lib/util.js';

const SECRET = 'e2e-security-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
const HS256 = { GATEHOUSE_JWT_ALGORITHM: 'HS256', GATEHOUSE_JWT_SECRET: SECRET };

/** The claims of `token` changed by `edit`, signed HS256 with the shared secret. */
async function forge(token, edit) {
  const claims = jwtClaims(token);
  edit(claims);
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(SECRET));
}

async function getUser(srv, token) {
  return srv.api('GET', '/user', undefined, bearer(token));
}
async function verify(srv, token) {
  return srv.api('POST', '/token/verify', { token });
}

describe('aud is checked (HS256)', () => {
  const srv = useServer(HS256, { name: 'sec-aud' });

  test('a re-signed token with our own claims passes (the forging itself works)', async () => {
    const s = await signUp(srv, uniqueEmail('aud-ok'));
    assert.equal(jwtClaims(s.accessToken).aud, 'authenticated');
    const same = await forge(s.accessToken, () => {});
    assert.equal((await getUser(srv, same)).status, 200);
    assert.equal((await verify(srv, same)).status, 200);
  });

  const cases = {
    'a wrong aud': (c) => { c.aud = 'billing-service'; },
    'no aud': (c) => { delete c.aud; },
    'a list without ours': (c) => { c.aud = ['billing-service']; },
    'a list with ours (never minted here)': (c) => { c.aud = ['authenticated', 'billing-service']; },
    'an empty aud': (c) => { c.aud = ''; },
    'a number': (c) => { c.aud = 1; },
  };
  for (const [name, edit] of Object.entries(cases)) {
    test(`${name}: 401 on GET /user and POST /token/verify`, async () => {
      const s = await signUp(srv, uniqueEmail('aud'));
      const forged = await forge(s.accessToken, edit);
      expectError(await getUser(srv, forged), '/user', 'GET', 401, []);
      expectError(await verify(srv, forged), '/token/verify', 'POST', 401, []);
      const byBearer = await srv.api('POST', '/token/verify', undefined, bearer(forged));
      expectError(byBearer, '/token/verify', 'POST', 401, []);
    });
  }
});

describe('GET /user refuses ended sessions; verify stays stateless by default', () => {
  const srv = useServer({ GATEHOUSE_REFRESH_TOKEN_REUSE_GRACE_SECONDS: '0' }, { name: 'sec-session' });

  test('sign out, then GET /user with the still-unexpired access token -> 401', async () => {
    const s = await signUp(srv, uniqueEmail('signedout'));
    assert.equal((await getUser(srv, s.accessToken)).status, 200);
    const out = await srv.api('POST', '/signout', { refreshToken: s.refreshToken });
    assert.equal(out.status, 200, out.text);
    expectError(await getUser(srv, s.accessToken), '/user', 'GET', 401, []);
    // Other routes that act for the user refuse it too.
    const mfa = await srv.api('GET', '/mfa/totp/generate', undefined, bearer(s.accessToken));
    assert.equal(mfa.status, 401, mfa.text);
    // Default: /token/verify checks the token alone (signature, exp, iss, aud).
    assert.equal((await verify(srv, s.accessToken)).status, 200);
  });

  test('sign out everywhere ends every session\'s access tokens for GET /user', async () => {
    const email = uniqueEmail('signedout-all');
    const a = await signUp(srv, email);
    const b = await srv.api('POST', '/signin/email-password', { email, password: 'correct-horse-battery-1' });
    assert.equal(b.status, 200, b.text);
    const out = await srv.api('POST', '/signout', { all: true }, bearer(a.accessToken));
    assert.equal(out.status, 200, out.text);
    expectError(await getUser(srv, a.accessToken), '/user', 'GET', 401, []);
    expectError(await getUser(srv, b.json.session.accessToken), '/user', 'GET', 401, []);
  });

  test('a session revoked by refresh-token reuse -> 401 for its access tokens', async () => {
    const s0 = await signUp(srv, uniqueEmail('reused'));
    const s1 = await refresh(srv, s0.refreshToken);
    assert.equal((await getUser(srv, s1.accessToken)).status, 200);
    // The old token again, after the (zero) grace window: reuse, the session is revoked.
    const reuse = await srv.api('POST', '/token', { refreshToken: s0.refreshToken });
    assert.equal(reuse.status, 401, reuse.text);
    expectError(await getUser(srv, s1.accessToken), '/user', 'GET', 401, []);
    expectError(await getUser(srv, s0.accessToken), '/user', 'GET', 401, []);
  });

  test('another session of the same user is untouched', async () => {
    const email = uniqueEmail('two-sessions');
    const a = await signUp(srv, email);
    const b = await srv.api('POST', '/signin/email-password', { email, password: 'correct-horse-battery-1' });
    await srv.api('POST', '/signout', { refreshToken: a.refreshToken });
    assert.equal((await getUser(srv, b.json.session.accessToken)).status, 200);
  });
});

describe('token_verify_checks_session = true', () => {
  const srv = useServer(
    { GATEHOUSE_TOKEN_VERIFY_CHECKS_SESSION: 'true', GATEHOUSE_REFRESH_TOKEN_REUSE_GRACE_SECONDS: '0' },
    { name: 'sec-verify-session' },
  );

  test('verify answers 200 for a live session and 401 once it is signed out (body and Bearer)', async () => {
    const s = await signUp(srv, uniqueEmail('verify-live'));
    assert.equal((await verify(srv, s.accessToken)).status, 200);
    assert.equal((await srv.api('POST', '/token/verify', undefined, bearer(s.accessToken))).status, 200);
    await srv.api('POST', '/signout', { refreshToken: s.refreshToken });
    expectError(await verify(srv, s.accessToken), '/token/verify', 'POST', 401, []);
    expectError(await srv.api('POST', '/token/verify', undefined, bearer(s.accessToken)), '/token/verify', 'POST', 401, []);
  });

  test('verify answers 401 for a reuse-revoked session', async () => {
    const s0 = await signUp(srv, uniqueEmail('verify-reuse'));
    const s1 = await refresh(srv, s0.refreshToken);
    assert.equal((await verify(srv, s1.accessToken)).status, 200);
    await srv.api('POST', '/token', { refreshToken: s0.refreshToken });
    expectError(await verify(srv, s1.accessToken), '/token/verify', 'POST', 401, []);
  });
});
