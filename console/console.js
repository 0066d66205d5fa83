// The operators' console: one page, hash routes, plain DOM. It talks only to the
// GoTrue admin API (<gotrue_mount>/admin), sending the admin secret the operator
// typed as the x-hasura-admin-secret header. The secret lives in this tab's
// sessionStorage; it is never put in a cookie, a URL or the page. Every value
// shown comes from the server and is written as text (textContent), never as HTML.
'use strict';

(() => {
  const SECRET_KEY = 'gatehouse-admin-secret';
  const ADMIN_API = document.querySelector('meta[name="gatehouse-admin-api"]').content;
  // Anything above /console/ (a proxy's path prefix) is above the API too.
  const PREFIX = location.pathname.replace(/\/console\/?[^/]*$/, '');
  const POLL_MS = 10000;
  let pollTimer = null;

  // --- DOM helpers -------------------------------------------------------------

  // el('td', {class: 'mono'}, 'text', child...): attributes are set one by one,
  // children that are strings become text nodes.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }
  const svgNs = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    const node = document.createElementNS(svgNs, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    return node;
  }
  function table(headers, rows, attrs) {
    return el('table', attrs, el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)))),
      el('tbody', {}, rows));
  }
  const when = (t) => (t ? new Date(t).toLocaleString() : '');
  const view = () => document.getElementById('view');
  function show(...nodes) {
    view().replaceChildren(...nodes);
  }
  function showError(message) {
    const e = document.getElementById('error');
    e.textContent = message || '';
    e.hidden = !message;
  }

  // --- the admin API -----------------------------------------------------------

  class ApiError extends Error {
    constructor(status, body) {
      super((body && (body.msg || body.message || body.error_description || body.error)) || `HTTP ${status}`);
      this.status = status;
      this.body = body;
    }
  }

  async function api(method, path, body, secret = sessionStorage.getItem(SECRET_KEY)) {
    const headers = { 'x-hasura-admin-secret': secret || '', Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(PREFIX + ADMIN_API + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    if (!res.ok) {
      const err = new ApiError(res.status, json);
      // A secret that stopped working (changed on the server) ends the sign-in.
      if ((res.status === 401 || res.status === 403) && secret === sessionStorage.getItem(SECRET_KEY)) {
        sessionStorage.removeItem(SECRET_KEY);
        signedOut('The admin secret was refused; sign in again.');
      }
      throw err;
    }
    return { json, headers: res.headers };
  }

  // The value of `name` in a Link header's rel="next" URL.
  function nextParam(headers, name) {
    const link = headers.get('Link') || '';
    const m = link.match(/<([^>]*)>;\s*rel="next"/);
    if (!m) return null;
    return new URL(m[1], location.origin).searchParams.get(name);
  }

  // --- sign-in -----------------------------------------------------------------

  function signedOut(message) {
    stopPolling();
    document.getElementById('nav').hidden = true;
    document.getElementById('signin').hidden = false;
    document.getElementById('signin-error').textContent = message || '';
    showError('');
    show();
    document.getElementById('secret').focus();
  }

  async function signIn(ev) {
    ev.preventDefault();
    const input = document.getElementById('secret');
    const secret = input.value;
    const error = document.getElementById('signin-error');
    error.textContent = '';
    try {
      await api('GET', '/users?per_page=1', undefined, secret);
    } catch (e) {
      error.textContent = e.status === 403 || e.status === 401
        ? 'That admin secret is not the server\'s.'
        : `Sign-in failed: ${e.message}`;
      return;
    }
    sessionStorage.setItem(SECRET_KEY, secret);
    input.value = '';
    document.getElementById('signin').hidden = true;
    document.getElementById('nav').hidden = false;
    if (!location.hash || location.hash === '#' || location.hash === '#/') location.hash = '#/users';
    else route();
  }

  function signOut() {
    sessionStorage.removeItem(SECRET_KEY);
    signedOut('');
  }

  // --- pages -------------------------------------------------------------------

  function parseHash() {
    const h = location.hash.replace(/^#/, '') || '/users';
    const [path, query] = h.split('?');
    return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query || '') };
  }

  async function usersPage(params) {
    const q = params.get('q') || '';
    const after = params.get('after') || '';
    const search = el('input', { type: 'search', name: 'q', id: 'user-search', value: q, placeholder: 'id, email or phone', size: 40 });
    const form = el('form', { class: 'inline', id: 'user-search-form', onsubmit: (ev) => {
      ev.preventDefault();
      const v = search.value.trim();
      location.hash = v ? `#/users?q=${encodeURIComponent(v)}` : '#/users';
    } }, search, el('button', { type: 'submit' }, 'Find'), q || after ? el('a', { href: '#/users' }, 'All users') : null);
    // Keyset pages from the first one on (`after=` empty: from the start).
    const query = q ? `?q=${encodeURIComponent(q)}` : `?per_page=50&after=${encodeURIComponent(after)}`;
    const { json, headers } = await api('GET', `/users${query}`);
    const rows = json.users.map((u) => el('tr', { 'data-user-id': u.id },
      el('td', {}, el('a', { href: `#/users/${u.id}` }, u.email || u.phone || u.id)),
      el('td', {}, u.phone || ''),
      el('td', {}, when(u.created_at)),
      el('td', {}, when(u.last_sign_in_at)),
      el('td', {}, banned(u) ? el('span', { class: 'badge' }, 'banned') : '')));
    const next = q ? null : nextParam(headers, 'after');
    show(el('h2', {}, 'Users'), form,
      rows.length ? table(['user', 'phone', 'created', 'last sign-in', ''], rows, { id: 'users' })
        : el('p', { class: 'muted', id: 'no-users' }, q ? 'No user has that id, email or phone.' : 'No users.'),
      next ? el('p', { class: 'pager' }, el('a', { href: `#/users?after=${encodeURIComponent(next)}`, id: 'next-page' }, 'Next page')) : null);
  }

  const banned = (u) => u.banned_until && new Date(u.banned_until) > new Date();

  // A parsed user agent in a few words: "Firefox 126 on Linux", "Safari on iOS (iPhone)".
  function deviceText(s) {
    const d = s.device || {};
    const b = d.browser || {};
    const os = d.os || {};
    const dev = d.device || {};
    let text = b.name ? `${b.name}${b.major ? ` ${b.major}` : ''}` : (s.user_agent ? 'Unknown browser' : 'Unknown client');
    if (os.name) text += ` on ${os.name}${os.version ? ` ${os.version}` : ''}`;
    const model = [dev.vendor, dev.model].filter(Boolean).join(' ');
    if (model) text += ` (${model})`;
    return text;
  }

  function auditTable(entries, id) {
    const rows = entries.map((e) => el('tr', {},
      el('td', {}, when(e.created_at)),
      el('td', { class: 'mono' }, e.payload.action),
      el('td', {}, e.payload.actor_id ? el('a', { href: `#/users/${e.payload.actor_id}`, class: 'mono' }, e.payload.actor_id) : ''),
      el('td', {}, e.ip_address || ''),
      el('td', {}, el('pre', {}, Object.keys(e.payload.traits || {}).length ? JSON.stringify(e.payload.traits) : ''))));
    return rows.length ? table(['time', 'event', 'user', 'ip', 'details'], rows, { id })
      : el('p', { class: 'muted', id }, 'No entries.');
  }

  // Runs an action, then shows the page again (or the error).
  function action(label, run, attrs = {}) {
    return el('button', { type: 'button', ...attrs, onclick: async (ev) => {
      ev.target.disabled = true;
      try {
        await run();
        showError('');
        await route();
      } catch (e) {
        showError(`${label}: ${e.message}`);
        ev.target.disabled = false;
      }
    } }, label);
  }

  async function userPage(id) {
    const base = `/users/${encodeURIComponent(id)}`;
    const [{ json: u }, { json: factors }, { json: sessions }, { json: audit }] = await Promise.all([
      api('GET', base), api('GET', `${base}/factors`), api('GET', `${base}/sessions`),
      api('GET', `/audit?user_id=${encodeURIComponent(id)}&per_page=20`)]);
    const field = (name, value) => [el('dt', {}, name), el('dd', { 'data-field': name }, value ?? '')];
    const profile = el('dl', { class: 'profile', id: 'profile' },
      field('id', u.id), field('email', u.email), field('phone', u.phone),
      field('role', u.role), field('created', when(u.created_at)),
      field('email confirmed', when(u.email_confirmed_at)), field('phone confirmed', when(u.phone_confirmed_at)),
      field('last sign-in', when(u.last_sign_in_at)),
      field('banned until', banned(u) ? when(u.banned_until) : 'not banned'),
      field('anonymous', u.is_anonymous ? 'yes' : 'no'),
      field('app_metadata', el('pre', {}, JSON.stringify(u.app_metadata || {}, null, 2))),
      field('user_metadata', el('pre', {}, JSON.stringify(u.user_metadata || {}, null, 2))));
    const identities = (u.identities || []).map((i) => el('tr', {},
      el('td', {}, i.provider), el('td', { class: 'mono' }, i.id || i.identity_id || ''),
      el('td', {}, (i.identity_data && i.identity_data.email) || ''), el('td', {}, when(i.created_at))));
    const factorRows = factors.map((f) => el('tr', { 'data-factor-id': f.id },
      el('td', {}, f.friendly_name || ''), el('td', {}, f.factor_type), el('td', {}, f.status), el('td', {}, when(f.created_at)),
      el('td', {}, action('Remove', () => api('DELETE', `${base}/factors/${encodeURIComponent(f.id)}`), { class: 'danger' }))));
    const sessionRows = sessions.sessions.map((s) => el('tr', { 'data-session-id': s.id },
      el('td', { class: 'device' }, deviceText(s)), el('td', {}, s.ip || ''),
      el('td', {}, when(s.created_at)), el('td', {}, when(s.refreshed_at)),
      el('td', {}, action('Revoke', () => api('DELETE', `${base}/sessions/${encodeURIComponent(s.id)}`), { class: 'danger revoke' }))));
    const actions = el('div', { class: 'actions' },
      banned(u)
        ? action('Lift ban', () => api('PUT', base, { ban_duration: 'none' }), { id: 'unban' })
        : action('Ban 24h', () => api('PUT', base, { ban_duration: '24h' }), { id: 'ban', class: 'danger' }),
      action('Sign out everywhere', () => api('POST', `${base}/logout`), { id: 'signout-all' }),
      action('Delete user', async () => {
        if (!window.confirm(`Delete ${u.email || u.phone || u.id} and everything they own?`)) throw new Error('not confirmed');
        await api('DELETE', base);
        location.hash = '#/users';
      }, { id: 'delete', class: 'danger' }));
    show(el('p', {}, el('a', { href: '#/users' }, 'All users')),
      el('h2', {}, u.email || u.phone || u.id, banned(u) ? el('span', { class: 'badge', id: 'banned-badge' }, ' banned') : null),
      actions, profile,
      el('h3', {}, 'Identities'),
      identities.length ? table(['provider', 'id', 'email', 'linked'], identities, { id: 'identities' }) : el('p', { class: 'muted' }, 'None.'),
      el('h3', {}, 'Second factors'),
      factorRows.length ? table(['name', 'type', 'status', 'created', ''], factorRows, { id: 'factors' }) : el('p', { class: 'muted', id: 'factors' }, 'None.'),
      el('h3', {}, `Sessions (${sessionRows.length})`),
      sessionRows.length ? table(['device', 'ip', 'signed in', 'last refresh', ''], sessionRows, { id: 'sessions' }) : el('p', { class: 'muted', id: 'sessions' }, 'No live session.'),
      el('h3', {}, 'Audit trail'),
      auditTable(audit, 'user-audit'),
      el('p', {}, el('a', { href: `#/audit?user_id=${encodeURIComponent(u.id)}` }, 'Whole trail')));
  }

  async function auditPage(params) {
    const type = params.get('type') || '';
    const user = params.get('user_id') || '';
    const before = params.get('before') || '';
    const typeInput = el('input', { name: 'type', id: 'audit-type', value: type, placeholder: 'event type, e.g. signin-failed' });
    const userInput = el('input', { name: 'user_id', id: 'audit-user', value: user, placeholder: 'user id', size: 38 });
    const form = el('form', { class: 'inline', id: 'audit-filter', onsubmit: (ev) => {
      ev.preventDefault();
      const p = new URLSearchParams();
      if (typeInput.value.trim()) p.set('type', typeInput.value.trim());
      if (userInput.value.trim()) p.set('user_id', userInput.value.trim());
      location.hash = `#/audit${p.toString() ? `?${p}` : ''}`;
    } }, typeInput, userInput, el('button', { type: 'submit' }, 'Filter'));
    const q = new URLSearchParams({ per_page: '50' });
    if (type) q.set('type', type);
    if (user) q.set('user_id', user);
    if (before) q.set('before', before);
    const { json, headers } = await api('GET', `/audit?${q}`);
    const next = nextParam(headers, 'before');
    const nextHash = () => {
      const p = new URLSearchParams(params);
      p.set('before', next);
      return `#/audit?${p}`;
    };
    show(el('h2', {}, 'Audit log'), form, auditTable(json, 'audit'),
      next ? el('p', { class: 'pager' }, el('a', { href: nextHash(), id: 'next-page' }, 'Older entries')) : null);
  }

  async function settingsPage() {
    const { json } = await api('GET', '/settings');
    const rows = json.settings.map((s) => el('tr', { 'data-key': s.key },
      el('td', { class: 'mono' }, s.key),
      el('td', { class: 'mono' }, s.value),
      el('td', {}, s.secret ? el('span', { class: 'muted' }, 'secret, masked') : '')));
    show(el('h2', {}, 'Effective settings'),
      el('p', { class: 'muted' }, 'As `gatehouse config check` prints them; secrets show only whether they are set.'),
      table(['setting', 'value', ''], rows, { id: 'settings' }));
  }

  const SERIES = [
    ['sign_ins', 'Sign-ins'], ['sign_ups', 'Sign-ups'], ['refreshes', 'Refreshes'],
    ['failures', 'Failures'], ['rate_limited', 'Rate-limit refusals']];

  // One series as an inline SVG bar chart: a bar per minute, the current one last.
  function barChart(key, title, minutes, delta) {
    const w = 300;
    const h = 80;
    const values = minutes.map((m) => m[key] || 0);
    const max = Math.max(1, ...values);
    const bw = w / Math.max(1, values.length);
    const chart = svg('svg', { viewBox: `0 0 ${w} ${h + 2}`, role: 'img', 'aria-label': `${title} per minute` });
    values.forEach((v, i) => {
      const bh = Math.round((v / max) * h);
      const bar = svg('rect', { x: (i * bw + 1).toFixed(1), y: h - bh, width: Math.max(1, bw - 2).toFixed(1), height: bh,
        class: i === values.length - 1 ? 'bar now' : 'bar' });
      const tip = svg('title', {});
      tip.textContent = `${new Date(minutes[i].start).toLocaleTimeString()}: ${v}`;
      bar.append(tip);
      chart.append(bar);
    });
    chart.append(svg('line', { x1: 0, y1: h + 1, x2: w, y2: h + 1, class: 'axis' }));
    const last = values.length ? values[values.length - 1] : 0;
    const sum = values.reduce((a, b) => a + b, 0);
    return el('div', { class: 'chart', 'data-series': key },
      el('h3', {}, title), chart,
      el('p', { class: 'muted' }, `this minute ${last}, last 30 minutes ${sum}, max ${max === 1 && !sum ? 0 : max}/min`),
      delta === null ? null : el('p', { class: 'delta' }, `+${delta} since the last refresh`));
  }

  async function statsPage() {
    // The running totals of the previous poll: each chart says what moved since.
    let previous = null;
    const draw = async () => {
      const { json } = await api('GET', '/stats');
      if (!json.totals) {
        show(el('h2', {}, 'Live figures'), el('p', { class: 'muted' }, 'This server keeps no figures.'));
        return;
      }
      show(el('h2', {}, 'Live figures'),
        el('p', { class: 'muted' }, `Counts per minute over the last 30 minutes, refreshed every ${POLL_MS / 1000} s. Since start: `
          + SERIES.map(([k, t]) => `${t.toLowerCase()} ${json.totals[k]}`).join(', ') + '.'),
        el('div', { class: 'charts', id: 'charts' }, SERIES.map(([k, t]) =>
          barChart(k, t, json.minutes, previous ? Math.max(0, json.totals[k] - previous[k]) : null))));
      previous = json.totals;
    };
    await draw();
    pollTimer = setInterval(() => draw().catch((e) => showError(`Live figures: ${e.message}`)), POLL_MS);
  }

  function stopPolling() {
    if (pollTimer) clearInterval(pollTimer);
    pollTimer = null;
  }

  async function route() {
    stopPolling();
    if (!sessionStorage.getItem(SECRET_KEY)) return signedOut('');
    document.getElementById('signin').hidden = true;
    document.getElementById('nav').hidden = false;
    const { parts, params } = parseHash();
    for (const a of document.querySelectorAll('nav a'))
      a.classList.toggle('current', a.getAttribute('href') === `#/${parts[0] || 'users'}`);
    try {
      showError('');
      if (parts[0] === 'users' && parts[1]) await userPage(parts[1]);
      else if (parts[0] === 'audit') await auditPage(params);
      else if (parts[0] === 'settings') await settingsPage();
      else if (parts[0] === 'stats') await statsPage();
      else await usersPage(params);
      document.body.dataset.page = parts[0] === 'users' && parts[1] ? 'user' : (parts[0] || 'users');
    } catch (e) {
      if (sessionStorage.getItem(SECRET_KEY)) showError(e.message);
    }
  }

  document.getElementById('signin-form').addEventListener('submit', signIn);
  document.getElementById('signout').addEventListener('click', signOut);
  window.addEventListener('hashchange', route);
  route();
})();
