// Native apps' sign-in with an ID token (POST /v1/signin/idtoken): tokens minted by
// the local identity provider (lib/idp.js) with the right or a wrong audience, nonce
// (raw or hashed), issuer, key, algorithm and times; the JWKS cached and refetched when
// the provider rotates its keys.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { hashedNonce, startIdp } from './lib/idp.js';
import { oauthKit } from './lib/oauth.js';
import { expectError, expectResponse } from './lib/schema.js';
import { sleep, useServer } from './lib/server.js';
import { checkSession, signUp, uniqueEmail } from './lib/util.js';

const idp = await startIdp();
const { oauthEnv } = oauthKit(idp);

describe('native ID token sign-in (POST /signin/idtoken)', () => {
  // The native apps' own client ids, accepted as audiences besides the web client's.
  const APP_AUDIENCES = ['ios-app.apps.example', 'android-app.apps.example'];
  const srv = useServer(oauthEnv({ GATEHOUSE_PROVIDER_GOOGLE_AUDIENCES: APP_AUDIENCES.join(',') }), { name: 'oauth-idtoken' });
  const P = '/signin/idtoken';

  async function idTokenSignIn(body) {
    const res = await srv.api('POST', P, body);
    assert.equal(res.status, 200, `${P}: ${res.status} ${res.text.slice(0, 500)}`);
    const json = expectResponse(res, 'POST', P);
    assert.ok(json.session);
    checkSession(json.session);
    return json.session;
  }

  test('google: a good token signs in (and in again as the same user); the JWKS is fetched once', async () => {
    const user = idp.addUser({ email: uniqueEmail('idt') });
    const nonce = 'raw-nonce-0123456789';
    const jwksBefore = idp.hits['/jwks'] ?? 0;
    const s1 = await idTokenSignIn({ provider: 'google', idToken: idp.mintIdToken({ client: 'google', user, claims: { nonce } }), nonce });
    assert.equal(s1.user.email, user.email);
    assert.equal(s1.user.displayName, user.name);
    const s2 = await idTokenSignIn({ provider: 'google', idToken: idp.mintIdToken({ client: 'google', user }) });
    assert.equal(s2.user.id, s1.user.id);
    assert.ok((idp.hits['/jwks'] ?? 0) - jwksBefore <= 1, 'JWKS cached between sign-ins');
  });

  test('apple: the token may carry hex(SHA-256(nonce)) for the raw nonce the app sends', async () => {
    const user = idp.addUser({ email: uniqueEmail('apple-idt') });
    const nonce = 'apple-raw-nonce-42';
    const s = await idTokenSignIn({ provider: 'apple', idToken: idp.mintIdToken({ client: 'apple', user, claims: { nonce: hashedNonce(nonce) } }), nonce });
    assert.equal(s.user.email, user.email);
  });

  test('another audience, a wrong nonce, an unknown key, another issuer, an expired token are refused', async () => {
    const user = idp.addUser();
    const cases = {
      'wrong audience': { idToken: idp.mintIdToken({ client: 'google', user, claims: { aud: 'someone-else' } }) },
      'the acme client': { idToken: idp.mintIdToken({ client: 'acme', user }) },
      'wrong nonce': { idToken: idp.mintIdToken({ client: 'google', user, claims: { nonce: 'expected' } }), nonce: 'other' },
      'nonce missing from the token': { idToken: idp.mintIdToken({ client: 'google', user }), nonce: 'given' },
      'unknown key': { idToken: idp.mintIdToken({ client: 'google', user, key: 'rogue' }) },
      'known kid, other key': { idToken: idp.mintIdToken({ client: 'google', user, key: 'rogue', header: { kid: idp.keys.rsa.kid } }) },
      'another issuer': { idToken: idp.mintIdToken({ client: 'google', user, claims: { iss: 'https://evil.example' } }) },
      expired: { idToken: idp.mintIdToken({ client: 'google', user, claims: { iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 } }) },
      'alg none': { idToken: unsigned(idp.mintIdToken({ client: 'google', user })) },
      'HS256 keyed with the published RSA key': { idToken: hmacConfused(idp.mintIdToken({ client: 'google', user }), idp.keys.rsa) },
      'the RSA kid with an ES256 signature': { idToken: idp.mintIdToken({ client: 'google', user, key: 'ec', header: { kid: idp.keys.rsa.kid } }) },
      'not valid yet (nbf in an hour)': { idToken: idp.mintIdToken({ client: 'google', user, claims: { nbf: Math.floor(Date.now() / 1000) + 3600 } }) },
      'issued in an hour': { idToken: idp.mintIdToken({ client: 'google', user, claims: { iat: Math.floor(Date.now() / 1000) + 3600, exp: Math.floor(Date.now() / 1000) + 7200 } }) },
      'no exp': { idToken: idp.mintIdToken({ client: 'google', user, claims: { exp: undefined } }) },
      'no sub': { idToken: idp.mintIdToken({ client: 'google', user, claims: { sub: undefined } }) },
      garbage: { idToken: 'not.a.jwt' },
    };
    for (const [name, c] of Object.entries(cases)) {
      const res = await srv.api('POST', P, { provider: 'google', ...c });
      assert.equal(res.status, 401, `${name}: expected 401, got ${res.status} ${res.text.slice(0, 300)}`);
      // The native vocabulary has no invalid-token: a token that does not verify is unauthenticated.
      expectError(res, P, 'POST', 401, 'unauthenticated-user');
    }
    // None of them created the user.
    const ok = await idTokenSignIn({ provider: 'google', idToken: idp.mintIdToken({ client: 'google', user }) });
    assert.equal(ok.user.email, user.email);
  });

  test('an ID token naming an existing account\'s address joins it only when the provider verified it', async () => {
    const email = uniqueEmail('idt-link');
    const s = await signUp(srv, email);
    const unverified = idp.addUser({ email, emailVerified: false });
    const res = await srv.api('POST', P, { provider: 'google', idToken: idp.mintIdToken({ client: 'google', user: unverified }) });
    expectError(res, P, 'POST', 409, 'email-already-in-use');
    const verified = idp.addUser({ email, emailVerified: true });
    const joined = await idTokenSignIn({ provider: 'google', idToken: idp.mintIdToken({ client: 'google', user: verified }) });
    assert.equal(joined.user.id, s.user.id);
  });

  test('sign-up options in the body apply to a user the ID token creates', async () => {
    const user = idp.addUser({ email: uniqueEmail('idt-opts') });
    const options = { displayName: 'Native App User', metadata: { platform: 'ios' }, defaultRole: 'user', allowedRoles: ['user', 'me'] };
    const s = await idTokenSignIn({ provider: 'google', idToken: idp.mintIdToken({ client: 'google', user }), options });
    assert.equal(s.user.displayName, 'Native App User');
    assert.deepEqual(s.user.metadata, { platform: 'ios' });
    assert.deepEqual([...s.user.roles].sort(), ['me', 'user']);
    const bad = await srv.api('POST', P, { provider: 'google', idToken: idp.mintIdToken({ client: 'google', user: idp.addUser() }), options: { defaultRole: 'admin' } });
    expectError(bad, P, 'POST', 400, ['role-not-allowed', 'default-role-must-be-in-allowed-roles']);
  });

  test('the configured further audiences are accepted, alone or with the client id', async () => {
    const user = idp.addUser({ email: uniqueEmail('aud') });
    for (const aud of [APP_AUDIENCES[1], [idp.client('google').clientId, APP_AUDIENCES[0]]]) {
      const s = await idTokenSignIn({ provider: 'google', idToken: idp.mintIdToken({ client: 'google', user, claims: { aud } }) });
      assert.equal(s.user.email, user.email);
    }
  });

  // OIDC Core 3.1.3.7 (3): reject a token that "contains additional audiences not
  // trusted by the Client".
  test('an audience list with an untrusted member is refused', async () => {
    const user = idp.addUser();
    const res = await srv.api('POST', P, { provider: 'google', idToken: idp.mintIdToken({ client: 'google', user, claims: { aud: [idp.client('google').clientId, 'someone-else'] } }) });
    expectError(res, P, 'POST', 401, 'unauthenticated-user');
  });

  test('a generic OIDC provider of this server is accepted too (ES256 token)', async () => {
    const user = idp.addUser({ email: uniqueEmail('acme-idt') });
    const token = idp.mintIdToken({ client: 'acme', user });
    assert.equal(JSON.parse(Buffer.from(token.split('.')[0], 'base64url')).alg, 'ES256');
    const s = await idTokenSignIn({ provider: 'acme', idToken: token });
    assert.equal(s.user.email, user.email);
  });

  test('a provider that is not google or apple -> 400', async () => {
    const res = await srv.api('POST', P, { provider: 'github', idToken: idp.mintIdToken({ client: 'acme' }) });
    expectError(res, P, 'POST', 400, ['invalid-request']);
  });
});

/** The token re-signed HS256 with the public key's PEM as the secret (alg confusion). */
function hmacConfused(jwt, key) {
  const [, c] = jwt.split('.');
  const input = `${Buffer.from(JSON.stringify({ alg: 'HS256', kid: key.kid, typ: 'JWT' })).toString('base64url')}.${c}`;
  const pem = key.publicKey.export({ type: 'spki', format: 'pem' });
  return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
}

function unsigned(jwt) {
  const [, c] = jwt.split('.');
  return `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${c}.`;
}



describe('provider key rotation', () => {
  const srv = useServer(oauthEnv(), { name: 'oauth-rotation' });

  test('an ID token under a new kid verifies once the JWKS is refetched (within 35 s); the retired key no longer does', async () => {
    const user = idp.addUser({ email: uniqueEmail('rotate') });
    const signInWith = (key) => srv.api('POST', '/signin/idtoken', { provider: 'google', idToken: idp.mintIdToken({ client: 'google', user, key }) });
    assert.equal((await signInWith()).status, 200, 'the JWKS is cached now');
    idp.rotateKeys();
    const started = Date.now();
    let res;
    do {
      res = await signInWith();
      if (res.status === 200) break;
      expectError(res, '/signin/idtoken', 'POST', 401, 'unauthenticated-user');
      await sleep(2000);
    } while (Date.now() - started < 35_000);
    assert.equal(res.status, 200, `a token under the new kid still refused after ${Date.now() - started} ms: ${res.text}`);
    expectResponse(res, 'POST', '/signin/idtoken');
    const old = await signInWith(idp.retired.find((k) => k.alg === 'RS256'));
    expectError(old, '/signin/idtoken', 'POST', 401, 'unauthenticated-user');
  });
});
