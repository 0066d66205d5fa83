// Redirect rules matched on the URL as a browser reads it: with allowed_redirect_urls
// holding https://*.example.com, nothing a browser would take to another host (evil.com,
// 8.8.8.8) gets through magic link, OAuth start or /v1/verify, and the legitimate
// shapes (client_url, exact, subdomain, path prefix, port) still do.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectError, expectResponse } from './lib/schema.js';
import { Server, useServer } from './lib/server.js';
import { sleep, uniqueEmail } from './lib/util.js';

const srv = useServer({
  GATEHOUSE_ALLOWED_REDIRECT_URLS: 'https://*.example.com,https://app.example.org/auth,https://ports.example.net:8443',
  GATEHOUSE_EMAIL_PASSWORDLESS_ENABLED: 'true',
  GATEHOUSE_EMAIL_RESEND_COOLDOWN_SECONDS: '0',
  GATEHOUSE_EMAIL_PER_ADDRESS_PER_HOUR: '100000',
  GATEHOUSE_RATE_LIMIT_EMAIL_PER_HOUR: '100000',
  // A built-in provider, so that the start route answers; its start never calls GitHub.
  GATEHOUSE_PROVIDER_GITHUB_ENABLED: 'true',
  GATEHOUSE_PROVIDER_GITHUB_CLIENT_ID: 'gh-client',
  GATEHOUSE_PROVIDER_GITHUB_CLIENT_SECRET: 'gh-secret',
});

// From the issue: each one is read by a browser (WHATWG URL) as evil.com or 8.8.8.8.
const BYPASSES = [
  'https://evil%2ecom?.example.com',
  'https://evil%2Ecom#.example.com',
  'https://134744072?.example.com',
  'https://0x08080808#.example.com',
  'https://evil%2ecom\\.example.com',
  'https://evil\u3002com?.example.com',
];
const ALSO_REFUSED = [
  'https://evil.com/.example.com',
  'https://evil.com?x=.example.com',
  'https://app.example.com@evil.com/',
  'https://user:pw@app.example.com/',
  'https://example.com/',
  'https://a.b.example.com/',
  'http://app.example.com/',
  'https://app.example.com.evil.com/',
  'https://010.8.8.8/.example.com',
  'https://evil\uff0ecom/.example.com',
  'https://app.example.org/authx',
  'https://app.example.org/auth/../admin',
  'https://app.example.org/auth/%2e%2e/admin',
  'https://ports.example.net/x',
  'https://ports.example.net:9443/x',
  'http://127.0.0.1:3000.evil.com/',
  'http://2130706433:3000/',
  'javascript://app.example.com/%0aalert(1)',
];
const ALLOWED = [
  'http://127.0.0.1:3000/after', // client_url
  'https://app.example.com', // subdomain by the wildcard
  'https://preview-42.example.com/welcome?tab=1#top',
  'https://APP.example.com:443/x',
  'https://app.example.org/auth', // exact
  'https://app.example.org/auth/callback?x=1', // path prefix
  'https://ports.example.net:8443/x', // port
];

async function magicLink(redirectTo) {
  // The mail-sending routes' per-IP bucket holds 10 at most, refilled at ~28/s here.
  await sleep(60);
  return srv.api('POST', '/signin/passwordless/email', { email: uniqueEmail('redir'), options: { redirectTo } });
}

async function oauthStart(redirectTo) {
  return srv.api('GET', `/signin/provider/github?${new URLSearchParams({ redirectTo })}`);
}

async function verify(redirectTo) {
  return srv.api('GET', `/verify?${new URLSearchParams({ ticket: 'signinPasswordless:bogus', type: 'signinPasswordless', redirectTo })}`);
}

for (const [name, call, apiPath, method] of [
  ['magic link', magicLink, '/signin/passwordless/email', 'POST'],
  ['OAuth start', oauthStart, '/signin/provider/{provider}', 'GET'],
  ['/v1/verify', verify, '/verify', 'GET'],
]) {
  test(`${name}: every bypass of https://*.example.com is refused`, async () => {
    for (const url of [...BYPASSES, ...ALSO_REFUSED]) {
      const res = await call(url);
      assert.equal(res.status, 400, `${name} accepted ${JSON.stringify(url)}: ${res.status} ${res.headers.location ?? res.text.slice(0, 200)}`);
      expectError(res, apiPath, method, 400, 'redirectTo-not-allowed');
      assert.equal(res.headers.location, undefined);
    }
  });

  test(`${name}: client_url, exact, subdomain, path prefix and port still work`, async () => {
    for (const url of ALLOWED) {
      const res = await call(url);
      if (name === 'magic link') {
        assert.equal(res.status, 200, `${url}: ${res.status} ${res.text.slice(0, 200)}`);
        expectResponse(res, method, apiPath);
      } else if (name === 'OAuth start') {
        assert.equal(res.status, 302, `${url}: ${res.status} ${res.text.slice(0, 200)}`);
        assert.match(res.headers.location, /^https:\/\/github\.com\//);
      } else {
        // The bogus ticket fails, and the failure goes to the allowed target.
        assert.equal(res.status, 302, `${url}: ${res.status} ${res.text.slice(0, 200)}`);
        const to = new URL(res.headers.location);
        assert.equal(to.searchParams.get('error'), 'invalid-ticket', `${to}`);
        assert.equal(`${to.protocol}//${to.host}`, `${new URL(url).protocol}//${new URL(url).host}`);
      }
    }
  });
}

test('a rule that cannot be read stops the start, naming it', async () => {
  for (const rule of ['https://*.com', 'https://app.example.com/*/x', 'https://evil%2ecom.example.com', 'app.example.com']) {
    const bad = new Server({ GATEHOUSE_ALLOWED_REDIRECT_URLS: rule }, { name: 'bad-rule' });
    try {
      await assert.rejects(bad.start(), (e) => {
        assert.match(e.message, /exited before ready/);
        assert.ok(bad.logText().includes('allowed_redirect_urls'), `the error names the setting: ${bad.logText(20)}`);
        return true;
      });
    } finally {
      await bad.stop();
      bad.cleanup();
    }
  }
});
