// Where mailed links, the confirm page and OAuth callback URLs point (issue 16):
// - without public_url the default follows the listen address (here 127.0.0.1 and
//   the harness's free port), not http://localhost:4000; the start-up banner shows
//   the public URL, the client URL and where the data lives (never a password);
// - Nhost's AUTH_SERVER_URL carries the /v1 suffix (https://host/v1): links and
//   callback URLs get one /v1, not /v1/v1.
// Mail goes through the SMTP sink (lib/mail.js); the OAuth start is read from its
// redirect to the provider, which is never contacted.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { linkIn, mailEnv, useMailbox } from './lib/mail.js';
import { DATABASE, PG_URL, useServer } from './lib/server.js';
import { PASSWORD, uniqueEmail } from './lib/util.js';

const GITHUB = {
  GATEHOUSE_PROVIDER_GITHUB_ENABLED: 'true',
  GATEHOUSE_PROVIDER_GITHUB_CLIENT_ID: 'gh-client',
  GATEHOUSE_PROVIDER_GITHUB_CLIENT_SECRET: 'gh-secret',
};

/** Signs up (verification on) and returns the /verify link mailed for it. */
async function mailedLink(srv, box) {
  const email = uniqueEmail('link');
  const res = await srv.api('POST', '/signup/email-password', { email, password: PASSWORD });
  assert.equal(res.status, 200, res.text);
  return linkIn(await box.waitFor(email));
}

/** The redirect_uri Gatehouse sends to GitHub when a sign-in starts. */
async function callbackUrl(srv) {
  const res = await srv.api('GET', '/signin/provider/github');
  assert.equal(res.status, 302, res.text);
  return new URL(res.headers.location).searchParams.get('redirect_uri');
}

describe('no public_url: links follow the listen address', () => {
  const box = useMailbox();
  const mail = mailEnv(box, GITHUB);
  // The harness sets GATEHOUSE_PUBLIC_URL; this server goes without (undefined = unset).
  const srv = useServer(() => ({ ...mail, GATEHOUSE_PUBLIC_URL: undefined }), { name: 'public-url-default' });

  test('the mailed link, the confirm page and the OAuth callback are on this port', async () => {
    const link = await mailedLink(srv, box);
    assert.equal(link.origin, srv.url);
    assert.equal(link.pathname, '/v1/verify');
    const page = await srv.api('GET', link.pathname + link.search, undefined, { Accept: 'text/html' });
    assert.equal(page.status, 200, page.text);
    assert.ok(page.text.includes(`action="${srv.url}/v1/verify"`), page.text);
    assert.equal(await callbackUrl(srv), `${srv.url}/v1/signin/provider/github/callback`);
  });

  test('the banner shows the public URL, the client URL and where the data lives', () => {
    const banner = srv.logs.filter((l) => l.stream === 'stdout').map((l) => l.line).join('\n');
    assert.match(banner, new RegExp(`public URL +${srv.url.replace(/\./g, '\\.')}\\b`));
    assert.match(banner, /client URL +http:\/\/127\.0\.0\.1:3000/);
    if (DATABASE === 'postgres') {
      assert.match(banner, new RegExp(`database +PostgreSQL \\S+, schema ${srv.schema}`));
      const password = new URL(PG_URL).password;
      if (password) assert.ok(!banner.includes(password), 'the password is never shown');
    } else {
      assert.match(banner, new RegExp(`database +SQLite ${srv.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/gh\\.db`));
    }
  });
});

describe('Nhost AUTH_SERVER_URL with its /v1 suffix', () => {
  const box = useMailbox();
  const mail = mailEnv(box, GITHUB);
  const srv = useServer((s) => ({ ...mail, GATEHOUSE_PUBLIC_URL: undefined, AUTH_SERVER_URL: `http://127.0.0.1:${s.port}/v1` }), { name: 'public-url-nhost' });

  test('links and callback URLs get one /v1', async () => {
    const link = await mailedLink(srv, box);
    assert.equal(link.href.split('?')[0], `${srv.url}/v1/verify`);
    assert.equal(await callbackUrl(srv), `${srv.url}/v1/signin/provider/github/callback`);
    // And the link works.
    const res = await srv.api('GET', link.pathname + link.search);
    assert.equal(res.status, 302, res.text);
    assert.equal(new URL(res.headers.location).searchParams.get('error'), null, res.headers.location);
  });
});
