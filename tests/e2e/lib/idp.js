// A local identity provider for the OAuth e2e tests: one HTTP server on 127.0.0.1 that
// speaks OAuth 2.0 and OpenID Connect for real, standing in for every provider kind
// Gatehouse knows (Google, Apple, Facebook, X, GitHub, Discord, a generic OIDC issuer).
//
//   GET  /authorize                  login page (pick a test user, press Continue)
//   POST /authorize/decide           302 back to redirect_uri with code and state, or
//                                    Apple's auto-submitting form_post page
//   POST /token                      authorization_code and refresh_token grants
//   GET  /userinfo                   OIDC userinfo (Bearer)
//   GET  /.well-known/openid-configuration, /jwks
//   GET  /github/user, /github/user/emails, /discord/users/@me, /facebook/me,
//        /x/2/users/me               the profile APIs of the non-OIDC kinds
//
// Each provider name Gatehouse is configured with gets its own client (id, secret,
// registered redirect URI). The IdP checks what the real providers check, including
// some of their quirks, so that a provider file that would fail in production fails
// here: GitHub's token endpoint answers form-encoded unless asked for JSON and reports
// errors with HTTP 200; GitHub's API refuses requests without a User-Agent; X requires
// PKCE and HTTP Basic client authentication; Apple's client_secret is an ES256 JWT
// checked against the key the IdP generated; Apple requires form_post when the name or
// email scope is asked for and sends the `user` form field on the first sign-in only.
//
// Tests drive it directly (authorize(), mintIdToken()), make it misbehave once
// (failNextTokenExchange(), stallNextTokenExchange(), failNextProfile(),
// tamperNextIdToken()), rotate its keys (rotateKeys()), or go through a browser (the
// login page has a `login` field and "Continue" / "Cancel" buttons).

import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes, randomInt, sign, verify } from 'node:crypto';
import http from 'node:http';
import { discordMe, facebookMe, githubApi, sendJson, userinfo, xUsersMe } from './idp_apis.js';

export const BUILTIN_KINDS = ['google', 'apple', 'facebook', 'twitter', 'github', 'discord'];
const OIDC_KINDS = new Set(['google', 'apple', 'oidc']);
const APPLE_AUDIENCE = 'https://appleid.apple.com';

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const sha256 = (s) => createHash('sha256').update(s).digest();
const token = (n = 24) => randomBytes(n).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Compact JWS; key is a KeyObject, alg RS256 or ES256. */
export function signJwt(header, claims, key) {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const alg = header.alg;
  const sig = alg === 'ES256'
    ? sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
    : sign('sha256', Buffer.from(input), key);
  return `${input}.${b64url(sig)}`;
}

function decodeJwt(jwt) {
  const [h, c, s] = String(jwt).split('.');
  if (s === undefined) return null;
  try {
    return { header: JSON.parse(Buffer.from(h, 'base64url')), claims: JSON.parse(Buffer.from(c, 'base64url')), input: `${h}.${c}`, sig: Buffer.from(s, 'base64url') };
  } catch {
    return null;
  }
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** RFC 6749 2.3.1: Basic credentials are form-encoded before base64. */
function basicCredentials(req) {
  const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return null;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (i < 0) return null;
  const dec = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
  return { id: dec(text.slice(0, i)), secret: dec(text.slice(i + 1)) };
}


export class IdentityProvider {
  constructor() {
    this.server = null;
    this.port = 0;
    this.browserHost = '127.0.0.1';
    // Signing keys: the JWKS publishes rsa and ec; rogue is never published.
    this.keys = {
      rsa: { ...generateKeyPairSync('rsa', { modulusLength: 2048 }), kid: `rsa-${token(6)}`, alg: 'RS256' },
      ec: { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }), kid: `ec-${token(6)}`, alg: 'ES256' },
      rogue: { ...generateKeyPairSync('rsa', { modulusLength: 2048 }), kid: `rogue-${token(6)}`, alg: 'RS256' },
    };
    // The Apple developer key (.p8): Gatehouse signs its client_secret with it.
    const apple = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.apple = { teamId: 'TEAM' + token(4).toUpperCase().replace(/[^A-Z0-9]/g, 'X'), keyId: 'KEY' + randomInt(1e6, 1e7), privateKey: apple.privateKey, publicKey: apple.publicKey };
    this.clients = new Map(); // provider name -> client
    this.users = []; // test users
    this.pending = new Map(); // authorization requests awaiting the login page
    this.codes = new Map(); // code -> grant
    this.accessTokens = new Map(); // token -> {user, client, scope, exp}
    this.refreshTokens = new Map();
    this.appleSeen = new Set(); // `${client}:${sub}` that already got Apple's user field
    this.failures = []; // queued token-exchange failures
    this.profileFailures = []; // queued profile API / userinfo failures
    this.stalls = []; // queued token-endpoint stalls
    this.userinfoTampers = []; // queued changes to the next userinfo answer
    this.idTokenTampers = []; // queued changes to the next ID token the token endpoint issues
    this.log = { authorize: [], token: [], api: [] };
    this.hits = {}; // path -> count
    this.discoveryPatch = {}; // issuer path (/realms/x) -> members that replace its discovery's
    this.retired = []; // signing keys taken out of the JWKS by rotateKeys()
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  get issuer() {
    return this.url;
  }

  /**
   * Where browsers reach the IdP (the authorization endpoint): `browserHost` may name
   * the loopback differently ('localhost') so that the IdP is another site than
   * Gatehouse on 127.0.0.1, as a real provider is.
   */
  get browserUrl() {
    return `http://${this.browserHost}:${this.port}`;
  }

  /** The issuer a client's ID tokens name: ours, or ours + its issuerPath. */
  issuerOf(client) {
    return `${this.url}${client?.issuerPath ?? ''}`;
  }

  start() {
    this.server = http.createServer((req, res) => {
      this.#handle(req, res).catch((e) => {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`idp error: ${e.stack}`);
      });
    });
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.port = this.server.address().port;
        resolve(this);
      });
    });
  }

  stop() {
    if (!this.server) return Promise.resolve();
    const s = this.server;
    this.server = null;
    s.closeAllConnections?.();
    return new Promise((r) => s.close(() => r()));
  }

  // ---- configuration by the tests

  /**
   * The client for provider `name` (kind defaults to the name, or 'oidc' for a
   * non-built-in name), created on first use. `redirectUri` is added to its registered
   * redirect URIs.
   */
  client(name, { kind, redirectUri, issuerPath = '', tokenAuth } = {}) {
    let c = this.clients.get(name);
    if (!c) {
      c = {
        name,
        tokenAuth, // 'basic': only client_secret_basic at /token, as a client registered so (Ory Hydra's default)
        issuerPath, // a generic OIDC client may have its own issuer below ours (/realms/x)
        kind: kind ?? (BUILTIN_KINDS.includes(name) ? name : 'oidc'),
        clientId: `${name}-client-${token(6)}`,
        clientSecret: token(18),
        redirectUris: new Set(),
      };
      c.idTokenKey = c.kind === 'oidc' ? 'ec' : 'rsa'; // generic OIDC signs ES256, the others RS256
      this.clients.set(name, c);
    }
    if (redirectUri) c.redirectUris.add(redirectUri);
    return c;
  }

  /**
   * A test user. Fields (all optional): sub, email, emailVerified (default true), name,
   * givenName, familyName, picture, locale, numericId (GitHub/Facebook/X/Discord id),
   * login (GitHub/X handle). Returns the stored record.
   */
  addUser(fields = {}) {
    const sub = fields.sub ?? `u${token(9).replace(/[-_]/g, 'x')}`;
    const u = {
      sub,
      email: fields.email === undefined ? `${sub.toLowerCase()}@idp.example.com` : fields.email,
      emailVerified: fields.emailVerified ?? true,
      name: fields.name ?? 'Ada Lovelace',
      givenName: fields.givenName ?? (fields.name ?? 'Ada Lovelace').split(' ')[0],
      familyName: fields.familyName ?? (fields.name ?? 'Ada Lovelace').split(' ').slice(1).join(' '),
      picture: fields.picture ?? `${this.url}/avatars/${sub}.png`,
      locale: fields.locale ?? 'en',
      numericId: fields.numericId ?? String(randomInt(1e8, 1e9)) + String(randomInt(1e8, 1e9)),
      login: fields.login ?? `login-${sub.slice(1, 9)}`,
      avatarHash: fields.avatarHash ?? randomBytes(16).toString('hex'),
    };
    this.users.push(u);
    return u;
  }

  findUser(login) {
    return this.users.find((u) => u.sub === login || (u.email && u.email === login) || u.login === login);
  }

  /**
   * The next token exchange (of `client` names, or any) fails: {status, error,
   * description}. GitHub-kind clients get GitHub's HTTP 200 with an error body.
   */
  failNextTokenExchange({ status = 400, error = 'invalid_grant', description = 'The code is invalid or expired (test failure)', client } = {}) {
    this.failures.push({ status, error, description, client });
  }

  /**
   * Key rotation: new rsa and ec signing keys (new kids) replace the published ones;
   * the old ones leave the JWKS (tokens signed with them no longer verify).
   */
  rotateKeys() {
    this.retired.push(this.keys.rsa, this.keys.ec);
    this.keys.rsa = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }), kid: `rsa-${token(6)}`, alg: 'RS256' };
    this.keys.ec = { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }), kid: `ec-${token(6)}`, alg: 'ES256' };
  }

  /** The next token request (of `client`, or any) gets no answer for `ms` (a hung provider). */
  stallNextTokenExchange({ ms, client } = {}) {
    this.stalls.push({ ms, client });
  }

  /** The next userinfo answer (to `client`, or any) gets `claims` merged in (another sub...). */
  tamperNextUserinfo({ client, claims = {} } = {}) {
    this.userinfoTampers.push({ client, claims });
  }

  /** The next profile API or userinfo call (of `client`, or any) answers `status`. */
  failNextProfile({ status = 500, client } = {}) {
    this.profileFailures.push({ status, client });
  }

  /**
   * The next ID token the token endpoint issues (to `client`, or any) gets `claims`
   * merged in (a wrong nonce, aud, iss...) or is signed with `key` ('rogue': not in
   * the JWKS).
   */
  tamperNextIdToken({ client, claims = {}, key } = {}) {
    this.idTokenTampers.push({ client, claims, key });
  }

  /**
   * An ID token signed by this IdP. claims override the defaults (iss, aud = the
   * client's id, sub/email/... of `user`, iat, exp in 10 min); key: 'rsa' | 'ec' |
   * 'rogue' (not in the JWKS) or a key object (one of `retired`); header overrides (kid, alg).
   */
  mintIdToken({ client, user, claims = {}, key, header = {} } = {}) {
    const c = typeof client === 'string' ? this.client(client) : client;
    const k = typeof key === 'object' ? key : this.keys[key ?? c?.idTokenKey ?? 'rsa'];
    const u = user ?? this.addUser();
    const base = {
      iss: this.issuerOf(c),
      aud: c?.clientId,
      sub: u.sub,
      iat: now(),
      exp: now() + 600,
      auth_time: now(),
      ...this.#emailClaims(c?.kind ?? 'oidc', u),
    };
    if ((c?.kind ?? 'oidc') !== 'apple') Object.assign(base, { name: u.name, given_name: u.givenName, family_name: u.familyName, picture: u.picture, locale: u.locale });
    const all = { ...base, ...claims };
    for (const [k2, v] of Object.entries(all)) if (v === undefined) delete all[k2];
    return signJwt({ alg: k.alg, kid: k.kid, typ: 'JWT', ...header }, all, k.privateKey);
  }

  /**
   * Gatehouse env for the given providers pointing at this IdP, with exact redirect
   * URIs registered for `srv` (call it from a function given to useServer, when the
   * port is known). names: built-in names and any generic OIDC names.
   */
  gatehouseEnv(srv, names = [...BUILTIN_KINDS, 'acme']) {
    const env = {};
    const oidc = [];
    for (const name of names) {
      const c = this.client(name, { redirectUri: `${srv.url}/v1/signin/provider/${name}/callback` });
      if (c.kind === 'oidc') {
        oidc.push(name);
        const p = `GATEHOUSE_OIDC_${name.toUpperCase().replace(/-/g, '_')}_`;
        env[`${p}ISSUER`] = this.issuerOf(c);
        env[`${p}CLIENT_ID`] = c.clientId;
        env[`${p}CLIENT_SECRET`] = c.clientSecret;
        continue;
      }
      const p = `GATEHOUSE_PROVIDER_${name.toUpperCase()}_`;
      Object.assign(env, {
        [`${p}ENABLED`]: 'true',
        [`${p}CLIENT_ID`]: c.clientId,
        [`${p}AUTHORIZE_URL`]: `${this.browserUrl}/authorize`,
        [`${p}TOKEN_URL`]: `${this.url}/token`,
      });
      if (c.kind !== 'apple') env[`${p}CLIENT_SECRET`] = c.clientSecret;
      if (OIDC_KINDS.has(c.kind)) {
        env[`${p}ISSUER`] = this.issuer;
        env[`${p}JWKS_URL`] = `${this.url}/jwks`;
      }
      const userinfo = { google: '/userinfo', github: '/github/user', discord: '/discord/users/@me', facebook: '/facebook/me', twitter: '/x/2/users/me' }[c.kind];
      if (userinfo) env[`${p}USERINFO_URL`] = `${this.url}${userinfo}`;
      if (c.kind === 'apple') {
        env[`${p}TEAM_ID`] = this.apple.teamId;
        env[`${p}KEY_ID`] = this.apple.keyId;
        env[`${p}PRIVATE_KEY`] = this.apple.privateKey.export({ type: 'pkcs8', format: 'pem' });
      }
    }
    if (oidc.length) env.GATEHOUSE_OIDC_PROVIDERS = oidc.join(',');
    return env;
  }

  // ---- driving the login page without a browser

  /**
   * Follows an authorization URL as the user `login` would: GET the login page, submit
   * it. Resolves {status, location} for a redirect, {status, formPost: {action, fields}}
   * for form_post, or {status, text} when the IdP refused (an error page).
   */
  async authorize(authorizeUrl, login, { deny = false } = {}) {
    const page = await fetch(authorizeUrl, { redirect: 'manual' });
    const html = await page.text();
    if (page.status !== 200) return { status: page.status, location: page.headers.get('location'), text: html };
    const m = /name="request" value="([^"]+)"/.exec(html);
    assert.ok(m, `login page without a request id: ${html.slice(0, 500)}`);
    const body = new URLSearchParams({ request: m[1], login });
    if (deny) body.set('deny', '1');
    const res = await fetch(`${this.url}/authorize/decide`, { method: 'POST', body, redirect: 'manual' });
    const text = await res.text();
    if (res.status === 302) return { status: 302, location: res.headers.get('location') };
    const form = /<form method="post" action="([^"]+)"/.exec(text);
    if (form && text.includes('data-form-post')) {
      const fields = {};
      for (const f of text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[f[1]] = unescapeHtml(f[2]);
      return { status: res.status, formPost: { action: unescapeHtml(form[1]), fields } };
    }
    return { status: res.status, text };
  }

  // ---- HTTP

  async #handle(req, res) {
    const u = new URL(req.url, this.url);
    this.hits[u.pathname] = (this.hits[u.pathname] ?? 0) + 1;
    const route = `${req.method} ${u.pathname}`;
    if (route === 'GET /.well-known/openid-configuration') return sendJson(res, 200, this.#discovery(''));
    const tenant = /^GET (\/realms\/[a-z0-9-]+)\/\.well-known\/openid-configuration$/.exec(route);
    if (tenant) return sendJson(res, 200, { ...this.#discovery(tenant[1]), ...this.discoveryPatch[tenant[1]] });
    if (route === 'GET /jwks') return sendJson(res, 200, this.jwks());
    if (route === 'GET /authorize') return this.#authorizePage(u.searchParams, res);
    if (route === 'POST /authorize/decide') return this.#decide(new URLSearchParams(await readBody(req)), res);
    if (u.pathname === '/token') {
      const body = req.method === 'POST' ? await readBody(req) : '';
      const stall = this.stalls.findIndex((x) => !x.client || body.includes(encodeURIComponent(this.client(x.client).clientId)));
      if (stall >= 0) await new Promise((r) => setTimeout(r, this.stalls.splice(stall, 1)[0].ms));
      return this.#token(req, req.method === 'GET' ? u.searchParams : new URLSearchParams(body), res);
    }
    if (u.pathname === '/userinfo' && (req.method === 'GET' || req.method === 'POST')) return userinfo(this, req, u.searchParams, res);
    if (req.method === 'GET' && u.pathname.startsWith('/github/')) return githubApi(this, req, u, res);
    if (route === 'GET /discord/users/@me') return discordMe(this, req, u.searchParams, res);
    if (route === 'GET /facebook/me') return facebookMe(this, req, u.searchParams, res);
    if (route === 'GET /x/2/users/me') return xUsersMe(this, req, u.searchParams, res);
    if (req.method === 'GET' && u.pathname.startsWith('/avatars/')) {
      res.writeHead(200, { 'Content-Type': 'image/svg+xml' });
      return res.end('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>');
    }
    return sendJson(res, 404, { error: 'not_found', path: u.pathname });
  }


  #html(res, status, body) {
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Test IdP</title></head><body>${body}</body></html>`);
  }

  jwks() {
    const pub = (k) => ({ ...k.publicKey.export({ format: 'jwk' }), kid: k.kid, alg: k.alg, use: 'sig' });
    return { keys: [pub(this.keys.rsa), pub(this.keys.ec)] };
  }

  #discovery(issuerPath) {
    const u = this.url;
    return {
      issuer: `${u}${issuerPath}`,
      authorization_endpoint: `${this.browserUrl}/authorize`,
      token_endpoint: `${u}/token`,
      userinfo_endpoint: `${u}/userinfo`,
      jwks_uri: `${u}/jwks`,
      response_types_supported: ['code', 'code id_token'],
      response_modes_supported: ['query', 'form_post'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: ['openid', 'email', 'profile'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'email', 'email_verified', 'name', 'given_name', 'family_name', 'picture', 'locale'],
    };
  }

  // -- authorization endpoint

  #authorizePage(q, res) {
    const entry = Object.fromEntries(q);
    this.log.authorize.push(entry);
    const client = [...this.clients.values()].find((c) => c.clientId === q.get('client_id'));
    // Never redirect to an unverified redirect_uri: show the error here (RFC 6749 4.1.2.1).
    if (!client) return this.#html(res, 400, `<h1>invalid_client</h1><p>unknown client_id ${escapeHtml(q.get('client_id') ?? '')}</p>`);
    const redirectUri = q.get('redirect_uri');
    if (!client.redirectUris.has(redirectUri)) {
      return this.#html(res, 400, `<h1>redirect_uri_mismatch</h1><p>${escapeHtml(redirectUri ?? '(none)')} is not registered for ${escapeHtml(client.name)}</p>`);
    }
    const fail = (error, description) => {
      const to = new URL(redirectUri);
      to.searchParams.set('error', error);
      to.searchParams.set('error_description', description);
      if (q.has('state')) to.searchParams.set('state', q.get('state'));
      res.writeHead(302, { Location: to.toString() });
      res.end();
    };
    const responseType = (q.get('response_type') ?? '').split(' ').sort().join(' ');
    const allowed = OIDC_KINDS.has(client.kind) ? ['code', 'code id_token'] : ['code'];
    if (!allowed.includes(responseType)) return fail('unsupported_response_type', `response_type ${q.get('response_type')}`);
    if (!q.get('state')) return fail('invalid_request', 'state is required by this test IdP');
    const challenge = q.get('code_challenge');
    const method = q.get('code_challenge_method');
    if (challenge && method !== 'S256') return fail('invalid_request', `code_challenge_method must be S256, got ${method}`);
    if (challenge && !/^[A-Za-z0-9_-]{43}$/.test(challenge)) return fail('invalid_request', 'code_challenge is not a base64url SHA-256');
    if (client.kind === 'twitter' && !challenge) return fail('invalid_request', 'X requires PKCE (code_challenge)');
    const scopes = (q.get('scope') ?? '').split(/[ ,]+/).filter(Boolean);
    if (client.kind === 'oidc' && !scopes.includes('openid')) return fail('invalid_scope', 'openid scope required');
    const mode = q.get('response_mode') ?? 'query';
    if (client.kind === 'apple' && (scopes.includes('name') || scopes.includes('email')) && mode !== 'form_post') {
      return fail('invalid_request', 'response_mode must be form_post when name or email scope is requested');
    }
    if (!['query', 'form_post'].includes(mode)) return fail('invalid_request', `response_mode ${mode}`);
    const id = token(16);
    this.pending.set(id, { client, redirectUri, state: q.get('state'), nonce: q.get('nonce'), challenge, scopes, mode, responseType, at: Date.now() });
    const last = this.users[this.users.length - 1];
    const options = this.users.map((u) => `<option value="${escapeHtml(u.email ?? u.sub)}">`).join('');
    return this.#html(res, 200, `
<h1>Test IdP: sign in to ${escapeHtml(client.name)}</h1>
<form method="post" action="/authorize/decide">
  <input type="hidden" name="request" value="${id}">
  <label>User (email, sub or login) <input name="login" id="login" list="users" value="${escapeHtml(last ? last.email ?? last.sub : '')}"></label>
  <datalist id="users">${options}</datalist>
  <p>${escapeHtml(client.name)} asks for: ${escapeHtml(scopes.join(' '))}</p>
  <button type="submit" id="continue">Continue</button>
  <button type="submit" name="deny" value="1" id="deny">Cancel</button>
</form>`);
  }

  #decide(form, res) {
    const p = this.pending.get(form.get('request') ?? '');
    if (!p) return this.#html(res, 400, '<h1>unknown or used authorization request</h1>');
    const user = this.findUser(form.get('login') ?? '');
    if (!user && !form.get('deny')) return this.#html(res, 200, `<h1>no such test user</h1><p>${escapeHtml(form.get('login'))}</p>`);
    this.pending.delete(form.get('request'));
    const fields = { state: p.state };
    if (form.get('deny')) {
      fields.error = 'access_denied';
      fields.error_description = 'The user cancelled';
    } else {
      const code = token(24);
      this.codes.set(code, { ...p, user, exp: Date.now() + 60_000, used: false });
      fields.code = code;
      if (p.responseType === 'code id_token') fields.id_token = this.#idToken(p.client, user, p.nonce, p.scopes);
      if (p.client.kind === 'apple') {
        const key = `${p.client.clientId}:${user.sub}`;
        if (!this.appleSeen.has(key) && p.scopes.includes('name')) {
          fields.user = JSON.stringify({ name: { firstName: user.givenName, lastName: user.familyName }, email: user.email });
        }
        this.appleSeen.add(key);
      }
    }
    if (p.mode === 'form_post') {
      const inputs = Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${k}" value="${escapeHtml(v)}">`).join('');
      return this.#html(res, 200, `<form method="post" action="${escapeHtml(p.redirectUri)}" data-form-post>${inputs}<noscript><button>Continue</button></noscript></form><script>document.forms[0].submit()</script>`);
    }
    const to = new URL(p.redirectUri);
    for (const [k, v] of Object.entries(fields)) to.searchParams.set(k, v);
    res.writeHead(302, { Location: to.toString() });
    res.end();
  }

  // -- token endpoint

  #emailClaims(kind, user) {
    if (!user.email) return {};
    // Apple writes email_verified (and is_private_email) as strings.
    if (kind === 'apple') return { email: user.email, email_verified: String(user.emailVerified), is_private_email: 'false' };
    return { email: user.email, email_verified: user.emailVerified };
  }

  #idToken(client, user, nonce, scopes, fromToken = false) {
    const claims = { iss: this.issuerOf(client), aud: client.clientId, sub: user.sub, iat: now(), exp: now() + 3600, auth_time: now() };
    if (nonce) claims.nonce = nonce;
    if (client.kind === 'apple' || scopes.includes('email')) Object.assign(claims, this.#emailClaims(client.kind, user));
    if (client.kind !== 'apple' && scopes.includes('profile')) Object.assign(claims, { name: user.name, given_name: user.givenName, family_name: user.familyName, picture: user.picture, locale: user.locale });
    let k = this.keys[client.idTokenKey];
    const i = fromToken ? this.idTokenTampers.findIndex((t) => !t.client || t.client === client.name) : -1;
    if (i >= 0) {
      const t = this.idTokenTampers.splice(i, 1)[0];
      Object.assign(claims, t.claims);
      if (t.key) k = this.keys[t.key];
    }
    return signJwt({ alg: k.alg, kid: k.kid, typ: 'JWT' }, claims, k.privateKey);
  }

  /** Apple: client_secret is an ES256 JWT {iss: team, sub: client_id, aud: Apple} signed with the .p8 key. */
  #checkAppleSecret(client, secret) {
    const jwt = decodeJwt(secret);
    if (!jwt) return 'client_secret is not a JWT';
    if (jwt.header.alg !== 'ES256') return `client_secret alg ${jwt.header.alg}, want ES256`;
    if (jwt.header.kid !== this.apple.keyId) return `client_secret kid ${jwt.header.kid}, want ${this.apple.keyId}`;
    if (!verify('sha256', Buffer.from(jwt.input), { key: this.apple.publicKey, dsaEncoding: 'ieee-p1363' }, jwt.sig)) return 'client_secret signature does not verify';
    const c = jwt.claims;
    if (c.iss !== this.apple.teamId) return `client_secret iss ${c.iss}, want the team id`;
    if (c.sub !== client.clientId) return `client_secret sub ${c.sub}, want the client id`;
    // Apple wants its own URL; with ISSUER pointed at the test IdP that is the stand-in.
    if (c.aud !== APPLE_AUDIENCE && c.aud !== this.issuer) return `client_secret aud ${c.aud}`;
    if (!(c.exp > now()) || !(c.iat <= now() + 60) || c.exp - c.iat > 15777000) return 'client_secret iat/exp out of range';
    return null;
  }

  #token(req, params, res) {
    const entry = { method: req.method, params: Object.fromEntries(params), basic: !!basicCredentials(req), accept: req.headers.accept ?? '' };
    this.log.token.push(entry);
    // Client authentication: Basic or client_secret_post, per kind as the real provider.
    const basic = basicCredentials(req);
    const clientId = basic?.id ?? params.get('client_id');
    const client = [...this.clients.values()].find((c) => c.clientId === clientId);
    entry.client = client?.name;
    const github = client?.kind === 'github';
    const wantsJson = /application\/json/.test(req.headers.accept ?? '');
    const reply = (status, body) => {
      if (github) {
        // GitHub: errors come with HTTP 200; form-encoded unless JSON was asked for.
        if (body.error) status = 200;
        if (!wantsJson) {
          res.writeHead(status, { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' });
          return res.end(new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)])).toString());
        }
      }
      return sendJson(res, status, body);
    };
    const error = (status, code, description) => {
      entry.error = code;
      return reply(status, { error: code, error_description: description });
    };
    if (!client) return error(401, 'invalid_client', `unknown client ${clientId}`);
    if (req.method === 'GET' && client.kind !== 'facebook') return error(405, 'invalid_request', 'POST required');
    if (basic && params.get('client_secret')) return error(400, 'invalid_request', 'two client authentication methods');
    const secret = basic ? basic.secret : params.get('client_secret');
    if (client.kind === 'apple') {
      if (basic) return error(401, 'invalid_client', 'Apple takes client_id and client_secret in the body');
      const why = this.#checkAppleSecret(client, secret ?? '');
      if (why) return error(400, 'invalid_client', why);
    } else {
      if (client.kind === 'twitter' && !basic) return error(401, 'unauthorized_client', 'Missing valid authorization header');
      if (client.tokenAuth === 'basic' && !basic) return error(401, 'invalid_client', 'this client authenticates with client_secret_basic');
      if (secret !== client.clientSecret) return error(401, 'invalid_client', 'wrong client secret');
    }
    const failIdx = this.failures.findIndex((f) => !f.client || f.client === client.name);
    if (failIdx >= 0) {
      const f = this.failures.splice(failIdx, 1)[0];
      return error(f.status, f.error, f.description);
    }
    const grant = params.get('grant_type');
    if (grant === 'refresh_token') {
      const r = this.refreshTokens.get(params.get('refresh_token') ?? '');
      if (!r || r.client !== client) return error(400, 'invalid_grant', 'unknown refresh token');
      return reply(200, this.#issue(client, r.user, r.scopes, null));
    }
    if (grant !== 'authorization_code') return error(400, 'unsupported_grant_type', `grant_type ${grant}`);
    const code = this.codes.get(params.get('code') ?? '');
    if (!code) return error(400, 'invalid_grant', 'unknown code');
    if (code.used) {
      // A replayed code revokes what it issued (RFC 6749 4.1.2).
      for (const t of code.issued ?? []) { this.accessTokens.delete(t); this.refreshTokens.delete(t); }
      return error(400, 'invalid_grant', 'code already used');
    }
    code.used = true;
    if (code.client !== client) return error(400, 'invalid_grant', 'code issued to another client');
    if (Date.now() > code.exp) return error(400, 'invalid_grant', 'code expired');
    if (params.get('redirect_uri') !== code.redirectUri) return error(400, 'invalid_grant', `redirect_uri ${params.get('redirect_uri')} differs from the authorization request's`);
    const verifier = params.get('code_verifier');
    entry.pkce = !!verifier;
    if (code.challenge) {
      if (!verifier) return error(400, 'invalid_grant', 'code_verifier required');
      if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return error(400, 'invalid_grant', 'code_verifier malformed');
      if (b64url(sha256(verifier)) !== code.challenge) return error(400, 'invalid_grant', 'code_verifier does not match code_challenge');
    }
    const body = this.#issue(client, code.user, code.scopes, code.nonce);
    code.issued = [body.access_token, body.refresh_token];
    return reply(200, body);
  }

  #issue(client, user, scopes, nonce) {
    const access = token(32);
    const refresh = token(32);
    this.accessTokens.set(access, { user, client, scopes, exp: Date.now() + 3600_000 });
    this.refreshTokens.set(refresh, { user, client, scopes });
    const body = { access_token: access, token_type: client.kind === 'github' ? 'bearer' : 'Bearer', expires_in: 3600, refresh_token: refresh, scope: scopes.join(client.kind === 'github' ? ',' : ' ') };
    if (OIDC_KINDS.has(client.kind) && (client.kind === 'apple' || scopes.includes('openid'))) body.id_token = this.#idToken(client, user, nonce, scopes, true);
    return body;
  }

  // -- profile APIs

}

function unescapeHtml(s) {
  return s.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&').replace(/&quot;/g, '"');
}

/** Starts an IdP now (top-level await in a test file) and stops it after the file. */
export async function startIdp() {
  const idp = new IdentityProvider();
  await idp.start();
  const { after } = await import('node:test');
  after(() => idp.stop());
  return idp;
}

/** hex(SHA-256(raw)): what Apple's and Google's native SDKs put in the token for a raw nonce. */
export const hashedNonce = (raw) => sha256(raw).toString('hex');
