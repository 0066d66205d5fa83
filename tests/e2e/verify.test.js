// POST /v1/token/verify: body token or Bearer header; forged tokens fail (expiry: expiry.test.js).
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { SignJWT, importJWK } from 'jose';
import { expectError, expectResponse } from './lib/schema.js';
import { useServer } from './lib/server.js';
import { bearer, jwtClaims, jwtHeader, signUp, uniqueEmail } from './lib/util.js';

const P = '/token/verify';

function expectOK(res) {
  assert.equal(res.status, 200, `${res.status} ${res.text}`);
  assert.equal(expectResponse(res, 'POST', P), 'OK');
}

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('default server', () => {
  const srv = useServer();

  test('valid token in the body -> "OK"', async () => {
    const s = await signUp(srv, uniqueEmail('ver'));
    expectOK(await srv.api('POST', P, { token: s.accessToken }));
  });

  test('valid token in the Bearer header, no body -> "OK"', async () => {
    const s = await signUp(srv, uniqueEmail('ver'));
    expectOK(await srv.api('POST', P, undefined, bearer(s.accessToken)));
  });

  test('valid token in the Bearer header, empty JSON body -> "OK"', async () => {
    const s = await signUp(srv, uniqueEmail('ver'));
    expectOK(await srv.api('POST', P, {}, bearer(s.accessToken)));
  });

  test('no token at all -> 401', async () => {
    expectError(await srv.api('POST', P, {}), P, 'POST', [400, 401], []);
    expectError(await srv.api('POST', P), P, 'POST', [400, 401], []);
  });

  test('forged tokens -> 401: bad signature, alg none, HS256 with the public key, edited claims, foreign key', async () => {
    const s = await signUp(srv, uniqueEmail('forge'));
    const [h, p, sig] = s.accessToken.split('.');
    const claims = jwtClaims(s.accessToken);
    const header = jwtHeader(s.accessToken);
    const jwksRes = await srv.api('GET', '/.well-known/jwks.json');
    const pub = jwksRes.json.keys.find((k) => k.kid === header.kid) ?? jwksRes.json.keys[0];

    const forged = {
      'flipped signature': `${h}.${p}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`,
      'no signature': `${h}.${p}.`,
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`,
      'alg None': `${b64({ alg: 'None', typ: 'JWT' })}.${p}.`,
      'HS256 keyed with the public JWK JSON': (() => {
        const hh = b64({ alg: 'HS256', typ: 'JWT', kid: header.kid });
        const mac = createHmac('sha256', JSON.stringify(pub)).update(`${hh}.${p}`).digest('base64url');
        return `${hh}.${p}.${mac}`;
      })(),
      'claims edited (role admin), original signature': `${h}.${b64({ ...claims, 'https://hasura.io/jwt/claims': { ...claims['https://hasura.io/jwt/claims'], 'x-hasura-default-role': 'admin' } })}.${sig}`,
      'signed by a foreign ES256 key with the same kid': await (async () => {
        const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        const jwk = privateKey.export({ format: 'jwk' });
        const key = await importJWK(jwk, 'ES256');
        return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: header.kid, typ: 'JWT' }).sign(key);
      })(),
      garbage: 'a.b.c',
      'two parts': `${h}.${p}`,
    };
    for (const [what, token] of Object.entries(forged)) {
      const res = await srv.api('POST', P, { token });
      assert.ok(res.status === 401 || res.status === 400, `${what}: expected 401, got ${res.status} ${res.text}`);
      expectResponse(res, 'POST', P);
      const me = await srv.api('GET', '/user', undefined, bearer(token));
      assert.equal(me.status, 401, `${what}: GET /user should be 401, got ${me.status} ${me.text}`);
    }
  });

  test('a refresh token is not an access token', async () => {
    const s = await signUp(srv, uniqueEmail('rt'));
    const res = await srv.api('POST', P, { token: s.refreshToken });
    assert.ok([400, 401].includes(res.status), `${res.status} ${res.text}`);
    expectResponse(res, 'POST', P);
  });
});
