// The profile endpoints of the local identity provider (lib/idp.js): OIDC userinfo
// and the APIs of the kinds without ID tokens (GitHub's /user and /user/emails,
// Discord's /users/@me, Facebook's Graph /me, X's /2/users/me), answering as those
// providers do for the grant behind the request's bearer token.

/** Writes a JSON answer, never cached. */
export function sendJson(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/** The bearer token of a request (GitHub also takes "token X"; Facebook ?access_token=). */
function bearerToken(req, query) {
  const m = /^(?:Bearer|token)\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m ? m[1] : query.get('access_token');
}

/** The grant behind the request's bearer token for a client of `kinds`, or null (answered). */
function authorized(idp, req, q, res, kinds, onFail) {
  const t = bearerToken(req, q);
  const g = t ? idp.accessTokens.get(t) : null;
  idp.log.api.push({ path: req.url, client: g?.client.name, userAgent: req.headers['user-agent'] });
  if (!g || g.exp < Date.now() || !kinds.includes(g.client.kind)) {
    onFail();
    return null;
  }
  const i = idp.profileFailures.findIndex((f) => !f.client || f.client === g.client.name);
  if (i >= 0) {
    const f = idp.profileFailures.splice(i, 1)[0];
    sendJson(res, f.status, { error: 'server_error', message: 'profile failure (test)' });
    return null;
  }
  return g;
}

export function userinfo(idp, req, q, res) {
  const g = authorized(idp, req, q, res, ['google', 'oidc'], () => sendJson(res, 401, { error: 'invalid_token' }, { 'WWW-Authenticate': 'Bearer error="invalid_token"' }));
  if (!g) return;
  const u = g.user;
  const body = { sub: u.sub };
  if (g.scopes.includes('email') && u.email) Object.assign(body, { email: u.email, email_verified: u.emailVerified });
  if (g.scopes.includes('profile')) Object.assign(body, { name: u.name, given_name: u.givenName, family_name: u.familyName, picture: u.picture, locale: u.locale });
  const i = idp.userinfoTampers.findIndex((t) => !t.client || t.client === g.client.name);
  if (i >= 0) Object.assign(body, idp.userinfoTampers.splice(i, 1)[0].claims);
  return sendJson(res, 200, body);
}

export function githubApi(idp, req, u, res) {
  if (!req.headers['user-agent']) {
    res.writeHead(403, { 'Content-Type': 'text/plain' });
    return res.end('Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required).');
  }
  const g = authorized(idp, req, u.searchParams, res, ['github'], () => sendJson(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' }));
  if (!g) return;
  const user = g.user;
  if (u.pathname === '/github/user') {
    return sendJson(res, 200, { login: user.login, id: Number(user.numericId.slice(0, 9)), node_id: `U_${user.sub}`, avatar_url: user.picture, name: user.name, email: null, type: 'User' });
  }
  if (u.pathname === '/github/user/emails') {
    if (!g.scopes.includes('user:email') && !g.scopes.includes('user')) return sendJson(res, 404, { message: 'Not Found' });
    const list = [{ email: `${user.numericId.slice(0, 9)}+${user.login}@users.noreply.github.com`, primary: false, verified: true, visibility: null }];
    if (user.email) list.push({ email: user.email, primary: true, verified: user.emailVerified, visibility: 'private' });
    return sendJson(res, 200, list);
  }
  return sendJson(res, 404, { message: 'Not Found' });
}

export function discordMe(idp, req, q, res) {
  const g = authorized(idp, req, q, res, ['discord'], () => sendJson(res, 401, { message: '401: Unauthorized', code: 0 }));
  if (!g) return;
  const u = g.user;
  if (!g.scopes.includes('identify')) return sendJson(res, 401, { message: '401: Unauthorized', code: 0 });
  const body = { id: u.numericId, username: u.login, global_name: u.name, avatar: u.avatarHash, discriminator: '0', locale: 'en-US', mfa_enabled: false };
  if (g.scopes.includes('email')) Object.assign(body, { email: u.email, verified: u.emailVerified });
  return sendJson(res, 200, body);
}

export function facebookMe(idp, req, q, res) {
  const g = authorized(idp, req, q, res, ['facebook'], () => sendJson(res, 400, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } }));
  if (!g) return;
  const u = g.user;
  // Only the fields asked for, as the Graph API does (id always).
  const fields = (q.get('fields') ?? 'id,name').split(',').map((f) => f.trim());
  const all = {
    id: u.numericId,
    name: u.name,
    first_name: u.givenName,
    last_name: u.familyName,
    // The Graph API only ever returns a confirmed address, and only with the email permission.
    email: g.scopes.includes('email') && u.emailVerified ? u.email : undefined,
    picture: { data: { height: 50, width: 50, is_silhouette: false, url: u.picture } },
  };
  const body = { id: u.numericId };
  for (const f of fields) {
    const name = f.replace(/[.{].*$/, '');
    if (all[name] !== undefined) body[name] = all[name];
  }
  return sendJson(res, 200, body);
}

export function xUsersMe(idp, req, q, res) {
  const g = authorized(idp, req, q, res, ['twitter'], () => sendJson(res, 401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' }));
  if (!g) return;
  if (!g.scopes.includes('users.read') || !g.scopes.includes('tweet.read')) {
    return sendJson(res, 403, { title: 'Forbidden', status: 403, detail: 'GET /2/users/me needs the tweet.read and users.read scopes' });
  }
  const u = g.user;
  const fields = (q.get('user.fields') ?? '').split(',');
  const data = { id: u.numericId, name: u.name, username: u.login };
  if (fields.includes('profile_image_url')) data.profile_image_url = u.picture;
  if (fields.includes('confirmed_email') && g.scopes.includes('users.email') && u.emailVerified && u.email) data.confirmed_email = u.email;
  return sendJson(res, 200, { data });
}
