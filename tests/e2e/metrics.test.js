// GET /metrics: a Prometheus scraper's view. The counters move by exactly what
// the clients did (sign-up, sign-in, wrong password, refresh, reuse of a rotated
// refresh token); every line of the scrape is valid exposition text; the endpoint
// is refused without its token and is absent from the main listener when it has
// a listener of its own. With access_log_json, the log carries one JSON line per
// request and per event, each with its request id and none with a secret.
import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, test } from 'node:test';
import { codeIn, linkIn, mailEnv, useMailbox } from './lib/mail.js';
import { expectError } from './lib/schema.js';
import { freePort, useServer } from './lib/server.js';
import { PASSWORD, refresh, signIn, signUp, uniqueEmail } from './lib/util.js';

const TOKEN = 'metrics-token-0123456789';

function get(port, path, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'GET', path, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const SAMPLE = new RegExp(`^(${NAME})(\\{(?:${LABEL}(?:,${LABEL})*)?\\})? (-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)( -?[0-9]+)?$`);
const HELP = new RegExp(`^# HELP (${NAME}) .*$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);

/**
 * Parses the text exposition format strictly: every line is a HELP, a TYPE or a
 * sample of a family typed before it. Returns {samples: Map(name{labels} -> value), types}.
 */
function parseExposition(text) {
  assert.ok(text.endsWith('\n'), 'the exposition ends with a newline');
  const samples = new Map();
  const types = new Map();
  for (const line of text.split('\n').slice(0, -1)) {
    let m;
    if ((m = TYPE.exec(line))) {
      assert.ok(!types.has(m[1]), `TYPE twice for ${m[1]}`);
      types.set(m[1], m[2]);
    } else if (HELP.exec(line)) {
      // documentation
    } else if ((m = SAMPLE.exec(line))) {
      const family = types.has(m[1]) ? m[1] : m[1].replace(/_(bucket|sum|count)$/, '');
      assert.ok(types.has(family), `sample before its TYPE: ${line}`);
      if (family !== m[1]) assert.equal(types.get(family), 'histogram', line);
      const key = m[1] + (m[2] || '');
      assert.ok(!samples.has(key), `sample twice: ${key}`);
      samples.set(key, Number(m[3]));
    } else {
      assert.fail(`not Prometheus text: ${JSON.stringify(line)}`);
    }
  }
  return { samples, types };
}

async function scrape(port, headers = { Authorization: `Bearer ${TOKEN}` }) {
  const res = await get(port, '/metrics', headers);
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  return parseExposition(res.text);
}

function delta(before, after, key) {
  assert.ok(after.samples.has(key), `no sample ${key}`);
  return after.samples.get(key) - (before.samples.get(key) ?? 0);
}

describe('metrics on the main listener behind a token', () => {
  const srv = useServer({
    GATEHOUSE_METRICS_TOKEN: TOKEN,
    GATEHOUSE_ACCESS_LOG_JSON: 'true',
    GATEHOUSE_REFRESH_TOKEN_REUSE_GRACE_SECONDS: '0',
  }, { name: 'metrics-token' });

  test('counters move by exactly what the clients did', async () => {
    const before = await scrape(srv.port);
    const email = uniqueEmail('metrics');
    const s0 = await signUp(srv, email);
    await signIn(srv, email);
    const wrong = await srv.api('POST', '/signin/email-password', { email, password: 'not-the-password-1' });
    expectError(wrong, '/signin/email-password', 'POST', 401, 'invalid-email-password');
    await refresh(srv, s0.refreshToken);
    const reuse = await srv.api('POST', '/token', { refreshToken: s0.refreshToken });
    expectError(reuse, '/token', 'POST', 401, 'invalid-refresh-token');
    const after = await scrape(srv.port);

    const d = (k) => delta(before, after, k);
    assert.equal(d('gatehouse_signups_total{method="email"}'), 1);
    assert.equal(d('gatehouse_signins_total{method="password"}'), 1);
    assert.equal(d('gatehouse_signin_failures_total{method="password"}'), 1);
    assert.equal(d('gatehouse_token_refreshes_total{outcome="rotated"}'), 1);
    assert.equal(d('gatehouse_token_refreshes_total{outcome="refused"}'), 0);
    assert.equal(d('gatehouse_refresh_token_reuse_total'), 1);
    assert.equal(d('gatehouse_auth_events_total{type="token-reuse"}'), 1);
    // Requests by route class and status class: the refresh and the reuse are token
    // routes; the sign-in (right and wrong) hash; the sign-up sets a password.
    assert.equal(d('gatehouse_http_requests_total{route_class="token",status_class="2xx"}'), 1);
    assert.equal(d('gatehouse_http_requests_total{route_class="token",status_class="4xx"}'), 1);
    assert.equal(d('gatehouse_http_requests_total{route_class="hashing",status_class="2xx"}'), 1);
    assert.equal(d('gatehouse_http_requests_total{route_class="hashing",status_class="4xx"}'), 1);
    assert.equal(d('gatehouse_http_requests_total{route_class="sets_password",status_class="2xx"}'), 1);
    assert.equal(d('gatehouse_http_request_duration_seconds_count{route_class="token"}'), 2);
    assert.equal(d('gatehouse_http_request_duration_seconds_bucket{route_class="token",le="+Inf"}'), 2);
    // The first scrape itself was answered before the second was taken.
    assert.equal(d('gatehouse_http_requests_total{route_class="plain",status_class="2xx"}'), 1);
    for (const lane of ['worker', 'hashing', 'remote']) {
      assert.ok(after.samples.has(`gatehouse_lane_queue_depth{lane="${lane}"}`));
      assert.ok(after.samples.has(`gatehouse_lane_rejections_total{lane="${lane}"}`));
    }
    assert.equal(after.types.get('gatehouse_http_request_duration_seconds'), 'histogram');
    assert.equal(after.types.get('gatehouse_lane_queue_depth'), 'gauge');
  });

  test('refused without the token, with a wrong one, and without Bearer', async () => {
    for (const headers of [{}, { Authorization: 'Bearer metrics-token-wrong-0000' }, { Authorization: TOKEN }, { Authorization: `Basic ${TOKEN}` }]) {
      const res = await get(srv.port, '/metrics', headers);
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.equal(res.headers['www-authenticate'], 'Bearer');
      assert.equal(JSON.parse(res.text).error, 'unauthenticated-user');
      assert.ok(!res.text.includes('gatehouse_'), 'no metric in a refusal');
    }
  });

  test('JSON lines: one per request and per event, with the request id, without secrets', async () => {
    const email = uniqueEmail('metrics-log');
    const secretPassword = 'Sup3r-secret-passw0rd';
    const s = await signUp(srv, email, secretPassword);
    const res = await srv.api('POST', '/signin/email-password', { email, password: secretPassword }, { 'X-Request-Id': 'trace-metrics-1', Authorization: `Bearer ${s.accessToken}` });
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-request-id'], 'trace-metrics-1');
    const fresh = await refresh(srv, s.refreshToken);
    const lines = srv.logs.filter((l) => l.stream === 'stdout' && l.line.startsWith('{')).map((l) => JSON.parse(l.line));
    const mine = lines.filter((j) => j.request_id === 'trace-metrics-1');
    assert.deepEqual(mine.map((j) => j.type).sort(), ['access', 'event']);
    assert.equal(mine.find((j) => j.type === 'event').event, 'signin');
    assert.ok(lines.some((j) => j.type === 'event' && j.event === 'token-refresh' && j.request_id), 'the refresh is an event line with its request id');
    const text = srv.logs.map((l) => l.line).join('\n');
    for (const secret of [secretPassword, PASSWORD, s.refreshToken, s.accessToken, fresh.refreshToken, fresh.accessToken, TOKEN]) {
      assert.ok(!text.includes(secret), 'a secret in the log');
    }
  });
});

// Chosen before the server starts, which is told to listen there.
const metricsPort = await freePort();

describe('metrics on a listener of their own', () => {
  const srv = useServer({ GATEHOUSE_METRICS_LISTEN: `127.0.0.1:${metricsPort}` }, { name: 'metrics-listen' });

  test('served there without a token, not on the main listener', async () => {
    const email = uniqueEmail('metrics-own');
    await signUp(srv, email);
    const s = await scrape(metricsPort, {});
    assert.ok(s.samples.get('gatehouse_signups_total{method="email"}') >= 1);
    const main = await get(srv.port, '/metrics');
    assert.equal(main.status, 404);
    // The metrics listener serves nothing else.
    assert.equal((await get(metricsPort, '/v1/healthz')).status, 404);
    // Scrapes are not counted as requests of the server they describe.
    const again = await scrape(metricsPort, {});
    assert.equal(again.samples.get('gatehouse_http_requests_total{route_class="plain",status_class="2xx"}'), s.samples.get('gatehouse_http_requests_total{route_class="plain",status_class="2xx"}'));
  });
});

describe('mail, email codes and magic links', () => {
  const box = useMailbox();
  const srv = useServer(mailEnv(box, { GATEHOUSE_METRICS_TOKEN: TOKEN }), { name: 'metrics-mail' });

  test('each mail, code sign-in, wrong code and magic-link sign-in is counted once', async () => {
    const email = uniqueEmail('metrics-mail');
    const before = await scrape(srv.port);
    assert.equal((await srv.api('POST', '/signin/otp/email', { email })).status, 200);
    const code = codeIn(await box.waitFor(email));
    const wrong = code === '000000' ? '111111' : '000000';
    const bad = await srv.api('POST', '/signin/otp/email/verify', { email, otp: wrong });
    expectError(bad, '/signin/otp/email/verify', 'POST', 400, ['invalid-otp']);
    const good = await srv.api('POST', '/signin/otp/email/verify', { email, otp: code });
    assert.equal(good.status, 200, good.text);
    assert.equal((await srv.api('POST', '/signin/passwordless/email', { email })).status, 200);
    const link = linkIn(await box.waitFor(email));
    const landed = await srv.api('GET', link.pathname + link.search);
    assert.ok([302, 303].includes(landed.status), landed.text);
    assert.ok(new URL(landed.headers.location).searchParams.get('refreshToken'), landed.headers.location);
    const after = await scrape(srv.port);
    const d = (k) => delta(before, after, k);
    assert.equal(d('gatehouse_mail_sends_total{outcome="sent"}'), 2);
    assert.equal(d('gatehouse_mail_sends_total{outcome="failed"}'), 0);
    assert.equal(d('gatehouse_signin_failures_total{method="email_otp"}'), 1);
    assert.equal(d('gatehouse_signins_total{method="email_otp"}'), 1);
    assert.equal(d('gatehouse_signins_total{method="magic_link"}'), 1);
    // The code request made the user; the link request found it.
    assert.equal(d('gatehouse_signups_total{method="passwordless_email"}'), 1);
    assert.equal(d('gatehouse_signups_total{method="email"}'), 0);
  });
});

describe('metrics off by default', () => {
  const srv = useServer({}, { name: 'metrics-off' });
  test('no /metrics', async () => {
    assert.equal((await get(srv.port, '/metrics')).status, 404);
  });
});
