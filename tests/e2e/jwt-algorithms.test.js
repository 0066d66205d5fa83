// Other signing algorithms: RS256 (JWKS then matches the spec's JWK schema untouched)
// and HS256 with a shared secret (which must never appear in the JWKS).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { expectResponse, expectSchema } from './lib/schema.js';
import { useServer } from './lib/server.js';
import { bearer, jwtHeader, refresh, signUp, uniqueEmail } from './lib/util.js';

describe('RS256', () => {
  const srv = useServer({ GATEHOUSE_JWT_ALGORITHM: 'RS256' }, { name: 'rs256' });

  test('JWKS matches the spec JWK schema exactly; token verifies', async () => {
    const res = await srv.api('GET', '/.well-known/jwks.json');
    assert.equal(res.status, 200, res.text);
    const jwks = expectSchema('JWKSetRSA', expectResponse(res, 'GET', '/.well-known/jwks.json'));
    const s = await signUp(srv, uniqueEmail('rs'));
    assert.equal(jwtHeader(s.accessToken).alg, 'RS256');
    await jwtVerify(s.accessToken, createLocalJWKSet(jwks), { algorithms: ['RS256'] });
    const me = await srv.api('GET', '/user', undefined, bearer(s.accessToken));
    assert.equal(me.status, 200, me.text);
  });
});

describe('HS256', () => {
  const secret = 'e2e-shared-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
  const srv = useServer({ GATEHOUSE_JWT_ALGORITHM: 'HS256', GATEHOUSE_JWT_SECRET: secret }, { name: 'hs256' });

  test('tokens are HS256, verify with the secret; the JWKS does not leak it', async () => {
    const s = await signUp(srv, uniqueEmail('hs'));
    assert.equal(jwtHeader(s.accessToken).alg, 'HS256');
    const { payload } = await jwtVerify(s.accessToken, new TextEncoder().encode(secret), { algorithms: ['HS256'] });
    assert.equal(payload.sub, s.user.id);
    const res = await srv.api('GET', '/.well-known/jwks.json');
    assert.equal(res.status, 200, res.text);
    const jwks = expectResponse(res, 'GET', '/.well-known/jwks.json');
    assert.ok(!res.text.includes(Buffer.from(secret).toString('base64url')), 'secret leaked in JWKS');
    assert.ok(jwks.keys.every((k) => k.kty !== 'oct' && !('k' in k)), `symmetric key in JWKS: ${res.text}`);
    const v = await srv.api('POST', '/token/verify', { token: s.accessToken });
    assert.equal(v.status, 200, v.text);
    const s1 = await refresh(srv, s.refreshToken);
    await jwtVerify(s1.accessToken, new TextEncoder().encode(secret));
  });
});

describe("Nhost's HASURA_GRAPHQL_JWT_SECRET", () => {
  // As an Nhost deployment hands it to hasura-auth and Hasura alike: Hasura keeps
  // verifying the tokens with the same JSON.
  const key = 'nhost-hasura-shared-key-0123456789-abcdefghijklmnop';
  const srv = useServer({
    HASURA_GRAPHQL_JWT_SECRET: JSON.stringify({ type: 'HS256', key, claims_namespace: 'https://hasura.example/claims', issuer: 'hasura-auth' }),
  }, { name: 'hasura-jwt-secret' });

  test('tokens are HS256 under its key, with its claims namespace and issuer', async () => {
    const s = await signUp(srv, uniqueEmail('hasura'));
    assert.equal(jwtHeader(s.accessToken).alg, 'HS256');
    const { payload } = await jwtVerify(s.accessToken, new TextEncoder().encode(key), { algorithms: ['HS256'], issuer: 'hasura-auth' });
    assert.equal(payload['https://hasura.example/claims']['x-hasura-user-id'], s.user.id);
    assert.equal(payload['https://hasura.io/jwt/claims'], undefined);
    const me = await srv.api('GET', '/user', undefined, bearer(s.accessToken));
    assert.equal(me.status, 200, me.text);
  });
});
