// What the OAuth test files share: the raw-HTTP walk through a social sign-in with
// redirect: 'manual' (start at Gatehouse -> the IdP's login -> the callback -> the app's
// redirectTo), carrying the start's cookies to the callback as the browser that started
// would, and the checks on where each walk ends. oauthKit(idp) binds it to one local
// identity provider (lib/idp.js).

import assert from 'node:assert/strict';
import { BUILTIN_KINDS } from './idp.js';
import { expectResponse } from './schema.js';
import { bearer, checkSession, refresh } from './util.js';

/** The app (client_url of the test servers); nothing listens there, redirects are only read. */
export const APP = 'http://127.0.0.1:3000';
/** Every built-in provider and one generic OIDC provider, `acme`. */
export const ALL = [...BUILTIN_KINDS, 'acme'];

export function location(res) {
  assert.ok([302, 303].includes(res.status), `expected a redirect, got ${res.status}: ${res.text.slice(0, 500)}`);
  return new URL(res.headers.location);
}

/** A query string from params, leaving out undefined ones. */
export const query = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined)).toString();

/** The cookies a browser keeps from `res` (name=value of each Set-Cookie), as a Cookie header value. */
export function cookiesOf(res) {
  const set = res.headers['set-cookie'] ?? [];
  return (Array.isArray(set) ? set : [set]).map((c) => c.split(';')[0]).join('; ');
}

export const withCookie = (cookie) => (cookie ? { Cookie: cookie } : {});

export function expectRedirectError(final, code, redirectTo = `${APP}/done`) {
  assert.equal(`${final.origin}${final.pathname}`, redirectTo, `errors go back to redirectTo: ${final}`);
  assert.equal(final.searchParams.get('error'), code, `error on ${final}`);
  assert.ok((final.searchParams.get('errorDescription') ?? '').length > 0, `errorDescription on ${final}`);
  assert.equal(final.searchParams.get('refreshToken'), null);
}

/**
 * Without a request behind the state there is no trusted redirectTo: the browser goes
 * to client_url with invalid-state, and no session.
 */
export function expectInvalidState(res) {
  const final = location(res);
  assert.equal(final.origin, APP, `invalid state goes to client_url: ${final}`);
  assert.equal(final.searchParams.get('error'), 'invalid-state', `${final}`);
  assert.ok((final.searchParams.get('errorDescription') ?? '').length > 0);
  assert.equal(final.searchParams.get('refreshToken'), null);
  assert.equal(final.searchParams.get('grant'), null);
}

/** The session behind a success redirect (refreshToken in the URL), checked. */
export async function sessionFrom(srv, final, redirectTo = `${APP}/done`) {
  assert.equal(`${final.origin}${final.pathname}`, redirectTo, `back to redirectTo: ${final}`);
  assert.equal(final.searchParams.get('error'), null, `error on the redirect: ${final}`);
  const rt = final.searchParams.get('refreshToken');
  assert.ok(rt, `refreshToken on the redirect: ${final}`);
  const session = await refresh(srv, rt);
  checkSession(session);
  return session;
}

export async function getUser(srv, session) {
  const res = await srv.api('GET', '/user', undefined, bearer(session.accessToken));
  assert.equal(res.status, 200, res.text);
  return expectResponse(res, 'GET', '/user');
}

/**
 * Delivers what the IdP answered to Gatehouse's callback (GET query or Apple's form
 * POST) from the browser holding `cookie` (what the start set; '' for another browser).
 */
export async function deliver(srv, answer, cookie) {
  if (answer.formPost) {
    const a = new URL(answer.formPost.action);
    return srv.api('POST', a.pathname + a.search, new URLSearchParams(answer.formPost.fields).toString(), { 'Content-Type': 'application/x-www-form-urlencoded', ...withCookie(cookie) });
  }
  assert.ok(answer.location, `IdP did not redirect: ${JSON.stringify(answer).slice(0, 500)}`);
  const cb = new URL(answer.location);
  assert.equal(cb.origin, srv.url, `IdP redirected elsewhere: ${cb}`);
  return srv.api('GET', cb.pathname + cb.search, undefined, withCookie(cookie));
}

/** The walk's steps that need the IdP. */
export function oauthKit(idp) {
  /** Gatehouse env (a function of the server): the providers `names` at the IdP, plus `extra`. */
  const oauthEnv = (extra = {}, names = ALL) => (srv) => ({ ...idp.gatehouseEnv(srv, names), GATEHOUSE_ALLOWED_REDIRECT_URLS: `${APP}/**`, ...extra });

  /** GET /signin/provider/<p>: the 302 to the IdP, its URL (with .cookie, what the browser keeps). */
  async function begin(srv, provider, params = {}) {
    const res = await srv.api('GET', `/signin/provider/${provider}?${query({ redirectTo: `${APP}/done`, ...params })}`);
    const to = location(res);
    to.cookie = cookiesOf(res);
    assert.equal(to.origin, idp.url, `${provider}: should redirect to the IdP, got ${to}`);
    assert.match(res.headers['cache-control'] ?? '', /no-store/, 'a redirect carrying a state is never cached');
    return to;
  }

  /**
   * The whole chain for `user` at `provider`: resolves {authorize, answer, res, final}
   * where final is the URL Gatehouse sent the browser back to.
   */
  async function signInVia(srv, provider, user, params = {}) {
    const authorize = await begin(srv, provider, params);
    const answer = await idp.authorize(authorize.toString(), user.email ?? user.sub);
    const res = await deliver(srv, answer, authorize.cookie);
    return { authorize, answer, res, final: location(res) };
  }

  return { oauthEnv, begin, signInVia };
}
