// Sessions as devices (native extensions GET/DELETE /v1/user/sessions): two
// sign-ins from real browsers' user agents and addresses, the parsed list with
// the current flag, a refresh moving lastActiveAt/ip/userAgent, revoking the
// other device (its refresh token fails at once), revoking someone else's
// session (refused, and theirs lives on), and "all but this one". Every answer
// is checked against openapi/native.yaml. A second server without the rules
// file still lists, with empty parsed fields.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { expectError, expectResponse } from './lib/schema.js';
import { useServer } from './lib/server.js';
import { PASSWORD, bearer, jwtClaims, sleep, signIn, signUp, uniqueEmail } from './lib/util.js';

const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.130 Safari/537.36';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0';

// One proxy in front: the address is the right-most X-Forwarded-For entry.
const from = (ua, ip) => ({ 'User-Agent': ua, 'X-Forwarded-For': ip });

async function listSessions(srv, accessToken, headers = {}) {
  const res = await srv.api('GET', '/user/sessions', undefined, { ...bearer(accessToken), ...headers });
  assert.equal(res.status, 200, res.text);
  return expectResponse(res, 'GET', '/user/sessions').sessions;
}

async function refreshFrom(srv, refreshToken, headers) {
  const res = await srv.api('POST', '/token', { refreshToken }, headers);
  assert.equal(res.status, 200, res.text);
  return expectResponse(res, 'POST', '/token');
}

describe('with uap-core rules', () => {
  const srv = useServer({ GATEHOUSE_TRUST_PROXY: 'true' }, { name: 'devices' });

  test('two browsers: parsed list, current flag, refresh updates, revoke the other, strangers refused', async () => {
    const email = uniqueEmail('devices');
    await signUp(srv, email);
    const pc = await signIn(srv, email, PASSWORD, from(CHROME_WINDOWS, '203.0.113.10'));
    const phone = await signIn(srv, email, PASSWORD, from(SAFARI_IPHONE, '198.51.100.20'));
    const pcId = jwtClaims(pc.accessToken).session_id;

    const list = await listSessions(srv, pc.accessToken);
    assert.equal(list.length, 3, 'sign-up, Chrome and Safari sessions');
    const chrome = list.find((s) => s.userAgent.ua === CHROME_WINDOWS);
    const safari = list.find((s) => s.userAgent.ua === SAFARI_IPHONE);
    assert.ok(chrome && safari, JSON.stringify(list));
    assert.deepEqual(
      list.filter((s) => s.current).map((s) => s.id),
      [chrome.id],
      'only the caller\u2019s own session is current',
    );
    assert.equal(chrome.id, pcId, 'current is the access token\u2019s session_id claim');
    assert.equal(chrome.ip, '203.0.113.10');
    assert.deepEqual(chrome.userAgent, {
      ua: CHROME_WINDOWS,
      browser: { name: 'Chrome', version: '120.0.6099', major: '120' },
      engine: { name: 'Blink', version: '120.0.6099.130' },
      os: { name: 'Windows', version: '10' },
      device: { model: '', type: 'desktop', vendor: '' },
      cpu: { architecture: 'amd64' },
    });
    assert.equal(safari.ip, '198.51.100.20');
    assert.deepEqual(safari.userAgent, {
      ua: SAFARI_IPHONE,
      browser: { name: 'Mobile Safari', version: '17.1.2', major: '17' },
      engine: { name: 'WebKit', version: '605.1.15' },
      os: { name: 'iOS', version: '17.1.2' },
      device: { model: 'iPhone', type: 'mobile', vendor: 'Apple' },
      cpu: { architecture: '' },
    });
    assert.ok(list[0].createdAt >= list[list.length - 1].createdAt, 'newest first');
    assert.equal(safari.lastActiveAt, safari.createdAt, 'not refreshed yet: last seen at sign-in');
    // The phone's own listing marks the phone.
    const fromPhone = await listSessions(srv, phone.accessToken);
    assert.deepEqual(fromPhone.filter((s) => s.current).map((s) => s.id), [safari.id]);

    // A refresh from elsewhere moves lastActiveAt, ip and userAgent; the id stays.
    await sleep(20);
    const phone2 = await refreshFrom(srv, phone.refreshToken, from(FIREFOX_LINUX, '192.0.2.30'));
    const afterRefresh = await listSessions(srv, pc.accessToken);
    const moved = afterRefresh.find((s) => s.id === safari.id);
    assert.ok(moved, 'the refreshed session keeps its id');
    assert.ok(moved.lastActiveAt > safari.lastActiveAt, `${moved.lastActiveAt} > ${safari.lastActiveAt}`);
    assert.equal(moved.createdAt, safari.createdAt);
    assert.equal(moved.ip, '192.0.2.30');
    assert.equal(moved.userAgent.ua, FIREFOX_LINUX);
    assert.equal(moved.userAgent.browser.name, 'Firefox');
    assert.equal(moved.userAgent.engine.name, 'Gecko');
    assert.equal(moved.userAgent.os.name, 'Ubuntu');
    assert.equal(moved.userAgent.cpu.architecture, 'amd64');

    // Someone else's session id is refused, like an unknown one, and theirs lives on.
    const other = await signUp(srv, uniqueEmail('devices-other'));
    const [otherSession] = await listSessions(srv, other.accessToken);
    const stranger = await srv.api('DELETE', `/user/sessions/${otherSession.id}`, undefined, bearer(pc.accessToken));
    const refused = expectError(stranger, '/user/sessions/{id}', 'DELETE', 404, 'user-session-not-found');
    const unknown = expectError(
      await srv.api('DELETE', `/user/sessions/${randomUUID()}`, undefined, bearer(pc.accessToken)),
      '/user/sessions/{id}',
      'DELETE',
      404,
      'user-session-not-found',
    );
    assert.equal(refused.message, unknown.message, 'another user\u2019s session looks like no session');
    await refreshFrom(srv, other.refreshToken, {});

    // Revoking the phone from the PC: the phone's refresh token fails at once.
    const del = await srv.api('DELETE', `/user/sessions/${safari.id}`, undefined, bearer(pc.accessToken));
    assert.equal(del.status, 200, del.text);
    assert.equal(expectResponse(del, 'DELETE', '/user/sessions/{id}'), 'OK');
    expectError(
      await srv.api('POST', '/token', { refreshToken: phone2.refreshToken }),
      '/token',
      'POST',
      401,
      'invalid-refresh-token',
    );
    const me = await srv.api('GET', '/user', undefined, bearer(phone2.accessToken));
    assert.equal(me.status, 401, 'the revoked session\u2019s access token no longer passes the session check');
    const remaining = await listSessions(srv, pc.accessToken);
    assert.ok(!remaining.some((s) => s.id === safari.id));
    assert.equal(remaining.length, 2);
    // Revoking it again is refused: it is no longer a live session.
    expectError(
      await srv.api('DELETE', `/user/sessions/${safari.id}`, undefined, bearer(pc.accessToken)),
      '/user/sessions/{id}',
      'DELETE',
      404,
      'user-session-not-found',
    );
  });

  test('DELETE /user/sessions ends every session but the current one', async () => {
    const email = uniqueEmail('devices-all');
    const first = await signUp(srv, email);
    const second = await signIn(srv, email, PASSWORD, from(SAFARI_IPHONE, '198.51.100.21'));
    const keep = await signIn(srv, email, PASSWORD, from(CHROME_WINDOWS, '203.0.113.11'));
    assert.equal((await listSessions(srv, keep.accessToken)).length, 3);

    const res = await srv.api('DELETE', '/user/sessions', undefined, bearer(keep.accessToken));
    assert.equal(res.status, 200, res.text);
    assert.equal(expectResponse(res, 'DELETE', '/user/sessions'), 'OK');
    const left = await listSessions(srv, keep.accessToken);
    assert.equal(left.length, 1);
    assert.equal(left[0].current, true);
    for (const gone of [first, second]) {
      expectError(await srv.api('POST', '/token', { refreshToken: gone.refreshToken }), '/token', 'POST', 401, 'invalid-refresh-token');
    }
    await refreshFrom(srv, keep.refreshToken, {});
  });

  test('without a valid access token the routes answer 401', async () => {
    for (const [method, p, apiPath] of [
      ['GET', '/user/sessions', '/user/sessions'],
      ['DELETE', '/user/sessions', '/user/sessions'],
      ['DELETE', `/user/sessions/${randomUUID()}`, '/user/sessions/{id}'],
    ]) {
      const res = await srv.api(method, p, undefined, bearer('not-a-jwt'));
      expectError(res, apiPath, method, 401, []);
    }
  });
});

describe('without the rules file', () => {
  const srv = useServer({ GATEHOUSE_USER_AGENT_RULES_FILE: '/nonexistent/regexes.yaml' }, { name: 'devices-norules' });

  test('the server starts, lists sessions, and the parsed fields are empty', async () => {
    const email = uniqueEmail('devices-norules');
    await signUp(srv, email);
    const s = await signIn(srv, email, PASSWORD, { 'User-Agent': CHROME_WINDOWS });
    const list = await listSessions(srv, s.accessToken);
    const mine = list.find((x) => x.current);
    assert.ok(mine);
    assert.deepEqual(mine.userAgent, {
      ua: CHROME_WINDOWS,
      browser: { name: '', version: '', major: '' },
      engine: { name: '', version: '' },
      os: { name: '', version: '' },
      device: { model: '', type: '', vendor: '' },
      cpu: { architecture: '' },
    });
    await listSessions(srv, s.accessToken);  // the second listing logs nothing new
    const warnings = srv.logs.map((l) => l.line).filter((l) => l.includes('user agents will not be parsed'));
    assert.equal(warnings.length, 1, `logged once: ${warnings.join('\n')}`);
  });
});
