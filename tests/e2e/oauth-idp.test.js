// The local identity provider itself (lib/idp.js), driven as a relying party would,
// without Gatehouse: so that a failure in oauth.test.js points at the server, not at
// the test IdP. Covers the checks the server's provider files rely on being real.
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, randomBytes, verify } from 'node:crypto';
import { test } from 'node:test';
import { BUILTIN_KINDS, signJwt, startIdp } from './lib/idp.js';

const idp = await startIdp();
const RP = { url: 'http://127.0.0.1:1' }; // a relying party that is never contacted
const env = idp.gatehouseEnv(RP, [...BUILTIN_KINDS, 'acme']);
const cb = (name) => `${RP.url}/v1/signin/provider/${name}/callback`;
const b64url = (b) => Buffer.from(b).toString('base64url');

function authUrl(name, extra = {}) {
  const c = idp.client(name);
  const q = new URLSearchParams({ client_id: c.clientId, redirect_uri: cb(name), response_type: 'code', state: 'st-1', ...extra });
  return `${idp.url}/authorize?${q}`;
}

async function tokenCall(name, params, { basic = false, headers = {}, secret } = {}) {
  const c = idp.client(name);
  const body = new URLSearchParams({ grant_type: 'authorization_code', redirect_uri: cb(name), ...params });
  const h = { 'Content-Type': 'application/x-www-form-urlencoded', ...headers };
  if (basic) h.Authorization = `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(secret ?? c.clientSecret)}`).toString('base64')}`;
  else {
    body.set('client_id', c.clientId);
    body.set('client_secret', secret ?? c.clientSecret);
  }
  const res = await fetch(`${idp.url}/token`, { method: 'POST', headers: h, body });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, text, json, type: res.headers.get('content-type') };
}

function verifyJwt(jwt, jwks) {
  const [h, c, s] = jwt.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url'));
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) return null;
  const ok = verify('sha256', Buffer.from(`${h}.${c}`), { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
  return ok ? { header, claims: JSON.parse(Buffer.from(c, 'base64url')) } : null;
}

test('env names every provider with the fixed naming', () => {
  for (const n of BUILTIN_KINDS) {
    assert.equal(env[`GATEHOUSE_PROVIDER_${n.toUpperCase()}_ENABLED`], 'true');
    assert.equal(env[`GATEHOUSE_PROVIDER_${n.toUpperCase()}_CLIENT_ID`], idp.client(n).clientId);
  }
  assert.equal(env.GATEHOUSE_OIDC_PROVIDERS, 'acme');
  assert.equal(env.GATEHOUSE_OIDC_ACME_ISSUER, idp.issuer);
  assert.match(env.GATEHOUSE_PROVIDER_APPLE_PRIVATE_KEY, /^-----BEGIN PRIVATE KEY-----/);
  assert.equal(env.GATEHOUSE_PROVIDER_GITHUB_USERINFO_URL, `${idp.url}/github/user`);
  assert.equal(env.GATEHOUSE_PROVIDER_TWITTER_USERINFO_URL, `${idp.url}/x/2/users/me`);
});

test('OIDC code flow with PKCE and nonce: id_token verifies against the JWKS, userinfo answers', async () => {
  const user = idp.addUser({ name: 'Grace Hopper' });
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  const r = await idp.authorize(authUrl('acme', { scope: 'openid email profile', nonce: 'n-123', code_challenge: challenge, code_challenge_method: 'S256' }), user.email);
  assert.equal(r.status, 302, JSON.stringify(r));
  const loc = new URL(r.location);
  assert.equal(loc.searchParams.get('state'), 'st-1');
  const code = loc.searchParams.get('code');
  const wrong = await tokenCall('acme', { code, code_verifier: b64url(randomBytes(32)) });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.json.error, 'invalid_grant');
  // The failed attempt used the code up.
  const r2 = await idp.authorize(authUrl('acme', { scope: 'openid email profile', nonce: 'n-123', code_challenge: challenge, code_challenge_method: 'S256' }), user.email);
  const code2 = new URL(r2.location).searchParams.get('code');
  const ok = await tokenCall('acme', { code: code2, code_verifier: verifier }, { basic: true });
  assert.equal(ok.status, 200, ok.text);
  const jwks = await (await fetch(`${idp.url}/jwks`)).json();
  const v = verifyJwt(ok.json.id_token, jwks);
  assert.ok(v, 'id_token verifies');
  assert.equal(v.header.alg, 'ES256');
  assert.equal(v.claims.nonce, 'n-123');
  assert.equal(v.claims.aud, idp.client('acme').clientId);
  assert.equal(v.claims.email, user.email);
  const userinfo = () => fetch(`${idp.url}/userinfo`, { headers: { Authorization: `Bearer ${ok.json.access_token}` } });
  assert.deepEqual(await (await userinfo()).json(), { sub: user.sub, email: user.email, email_verified: true, name: 'Grace Hopper', given_name: 'Grace', family_name: 'Hopper', picture: user.picture, locale: 'en' });
  const replay = await tokenCall('acme', { code: code2, code_verifier: verifier });
  assert.equal(replay.json.error, 'invalid_grant');
  assert.equal((await userinfo()).status, 401, 'a replayed code revokes what it issued');
  const disc = await (await fetch(`${idp.url}/.well-known/openid-configuration`)).json();
  assert.equal(disc.issuer, idp.issuer);
});

test('authorize refuses unknown clients and unregistered redirect URIs without redirecting', async () => {
  const bad = await fetch(authUrl('google', { redirect_uri: 'http://evil.example/cb' }), { redirect: 'manual' });
  assert.equal(bad.status, 400);
  const r = await idp.authorize(authUrl('twitter', { scope: 'users.read tweet.read' }), 'x');
  assert.equal(r.status, 302);
  assert.equal(new URL(r.location).searchParams.get('error'), 'invalid_request', 'X requires PKCE');
});

test('GitHub: form-encoded token answer unless JSON is asked, errors with HTTP 200, API needs a User-Agent, primary email from /emails', async () => {
  const user = idp.addUser();
  const code = async () => new URL((await idp.authorize(authUrl('github', { scope: 'read:user user:email' }), user.email)).location).searchParams.get('code');
  const form = await tokenCall('github', { code: await code() });
  assert.equal(form.status, 200);
  assert.match(form.type, /x-www-form-urlencoded/);
  const at = new URLSearchParams(form.text).get('access_token');
  assert.ok(at);
  const bad = await tokenCall('github', { code: 'nope' }, { headers: { Accept: 'application/json' } });
  assert.equal(bad.status, 200);
  assert.equal(bad.json.error, 'invalid_grant');
  const noUa = await fetch(`${idp.url}/github/user`, { headers: { Authorization: `Bearer ${at}`, 'User-Agent': '' } });
  assert.equal(noUa.status, 403);
  const emails = await (await fetch(`${idp.url}/github/user/emails`, { headers: { Authorization: `token ${at}`, 'User-Agent': 't' } })).json();
  assert.equal(emails.find((e) => e.primary).email, user.email);
  assert.equal(emails[0].primary, false, 'the primary address is not first: providers must pick it, not the first one');
});

test('Apple: form_post with the user field once; client_secret must be an ES256 JWT from the .p8 key', async () => {
  const user = idp.addUser({ name: 'Tim Apple' });
  const url = authUrl('apple', { scope: 'name email', response_mode: 'form_post', nonce: 'n' });
  const first = await idp.authorize(url, user.email);
  assert.equal(first.formPost.action, cb('apple'));
  assert.deepEqual(JSON.parse(first.formPost.fields.user).name, { firstName: 'Tim', lastName: 'Apple' });
  const second = await idp.authorize(url, user.email);
  assert.equal(second.formPost.fields.user, undefined);
  const noFormPost = await idp.authorize(authUrl('apple', { scope: 'name email' }), user.email);
  assert.equal(new URL(noFormPost.location).searchParams.get('error'), 'invalid_request');
  const key = createPrivateKey(env.GATEHOUSE_PROVIDER_APPLE_PRIVATE_KEY);
  const t = Math.floor(Date.now() / 1000);
  const secret = signJwt({ alg: 'ES256', kid: env.GATEHOUSE_PROVIDER_APPLE_KEY_ID }, { iss: env.GATEHOUSE_PROVIDER_APPLE_TEAM_ID, sub: idp.client('apple').clientId, aud: 'https://appleid.apple.com', iat: t, exp: t + 300 }, key);
  const plain = await tokenCall('apple', { code: second.formPost.fields.code }, { secret: 'not-a-jwt' });
  assert.equal(plain.json.error, 'invalid_client');
  const third = await idp.authorize(url, user.email);
  const ok = await tokenCall('apple', { code: third.formPost.fields.code }, { secret });
  assert.equal(ok.status, 200, ok.text);
  const claims = JSON.parse(Buffer.from(ok.json.id_token.split('.')[1], 'base64url'));
  assert.equal(claims.email_verified, 'true', 'Apple writes booleans as strings');
});

test('failNextTokenExchange fails exactly one exchange', async () => {
  const user = idp.addUser();
  const code = async () => new URL((await idp.authorize(authUrl('discord', { scope: 'identify email' }), user.email)).location).searchParams.get('code');
  idp.failNextTokenExchange({ client: 'discord' });
  assert.equal((await tokenCall('discord', { code: await code() })).json.error, 'invalid_grant');
  const ok = await tokenCall('discord', { code: await code() });
  assert.equal(ok.status, 200);
  const me = await (await fetch(`${idp.url}/discord/users/@me`, { headers: { Authorization: `Bearer ${ok.json.access_token}` } })).json();
  assert.equal(me.email, user.email);
  assert.equal(me.verified, true);
});

test('mintIdToken: the rogue key is not in the JWKS', async () => {
  const jwks = await (await fetch(`${idp.url}/jwks`)).json();
  assert.ok(verifyJwt(idp.mintIdToken({ client: 'google' }), jwks));
  assert.equal(verifyJwt(idp.mintIdToken({ client: 'google', key: 'rogue' }), jwks), null);
});
