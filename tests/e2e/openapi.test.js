// GET /v1/openapi.json: the server hands out the project's contract, openapi/native.yaml,
// exactly as the repository has it (the build embeds it), and the contract and the
// server's route table name the same operations, both ways.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import YAML from 'yaml';
import { GOTRUE_SPEC_PATH } from './lib/gotrue.js';
import { expectResponse, SPEC_PATH } from './lib/schema.js';
import { BIN, useServer } from './lib/server.js';

const srv = useServer();
const repoDoc = YAML.parse(readFileSync(SPEC_PATH, 'utf8'));
const gotrueDoc = YAML.parse(readFileSync(GOTRUE_SPEC_PATH, 'utf8'));
const METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete'];

/** "METHOD /path" of every operation of the document. */
function documented(doc) {
  const ops = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of Object.keys(item)) if (METHODS.includes(m)) ops.push(`${m.toUpperCase()} ${p}`);
  }
  return ops.sort();
}

test('GET /v1/openapi.json answers the repository\'s openapi/native.yaml, as JSON', async () => {
  const res = await srv.api('GET', '/openapi.json');
  assert.equal(res.status, 200, res.text.slice(0, 300));
  const body = expectResponse(res, 'GET', '/openapi.json');
  assert.deepEqual(body, repoDoc);
  assert.equal(body.openapi, '3.0.3');
  assert.deepEqual(body.servers.map((s) => s.url), ['/v1']);
});

test('every route the server serves is in its dialect\'s document, and every documented operation is served', () => {
  // `gatehouse routes` builds the router exactly as `serve` does, with this server's settings.
  const out = execFileSync(BIN, ['routes'], { env: srv.env(), encoding: 'utf8' });
  const native = new Set();
  const gotrue = new Set();
  for (const line of out.trim().split('\n')) {
    const [method, pattern] = line.split(' ');
    if (pattern.startsWith('/auth/v1/')) gotrue.add(`${method} ${pattern.slice('/auth/v1'.length)}`);
    else {
      assert.ok(pattern.startsWith('/v1/'), `a route outside /v1 and /auth/v1: ${line}`);
      native.add(`${method} ${pattern.slice(3)}`);
    }
  }
  const served = [...native].sort();
  assert.ok(served.length > 30, out);
  assert.deepEqual(served.filter((r) => !documented(repoDoc).includes(r)), [], 'served but not in openapi/native.yaml');
  assert.deepEqual(documented(repoDoc).filter((r) => !served.includes(r)), [], 'documented but not served');
  const servedGoTrue = [...gotrue].sort();
  assert.deepEqual(servedGoTrue.filter((r) => !documented(gotrueDoc).includes(r)), [], 'served but not in openapi/gotrue.yaml');
  assert.deepEqual(documented(gotrueDoc).filter((r) => !servedGoTrue.includes(r)), [], 'documented but not served');
});

// The operations of the Nhost auth v1 API (its published OpenAPI document: 39, and HEAD /healthz):
// each must be in openapi/native.yaml as Nhost's (no extension mark), and so served by
// the test above; every operation our document does not mark as an extension is one of them.
const NHOST_OPERATIONS = [
  'GET /.well-known/jwks.json',
  'GET /healthz',
  'HEAD /healthz',
  'GET /mfa/totp/generate',
  'GET /signin/provider/{provider}',
  'GET /signin/provider/{provider}/callback',
  'GET /user',
  'GET /verify',
  'GET /version',
  'POST /elevate/webauthn',
  'POST /elevate/webauthn/verify',
  'POST /link/idtoken',
  'POST /pat',
  'POST /signin/anonymous',
  'POST /signin/email-password',
  'POST /signin/idtoken',
  'POST /signin/mfa/totp',
  'POST /signin/otp/email',
  'POST /signin/otp/email/verify',
  'POST /signin/passwordless/email',
  'POST /signin/passwordless/sms',
  'POST /signin/passwordless/sms/otp',
  'POST /signin/pat',
  'POST /signin/provider/{provider}/callback',
  'POST /signin/webauthn',
  'POST /signin/webauthn/verify',
  'POST /signout',
  'POST /signup/email-password',
  'POST /signup/webauthn',
  'POST /signup/webauthn/verify',
  'POST /token',
  'POST /token/verify',
  'POST /user/deanonymize',
  'POST /user/email/change',
  'POST /user/email/send-verification-email',
  'POST /user/mfa',
  'POST /user/password',
  'POST /user/password/reset',
  'POST /user/webauthn/add',
  'POST /user/webauthn/verify',
];

test('the native contract serves every operation of the Nhost auth API', () => {
  const ours = [];
  for (const [p, item] of Object.entries(repoDoc.paths)) {
    for (const [m, op] of Object.entries(item)) {
      if (METHODS.includes(m) && !op['x-gatehouse-extension']) ours.push(`${m.toUpperCase()} ${p}`);
    }
  }
  assert.equal(NHOST_OPERATIONS.length, 40);
  assert.deepEqual(NHOST_OPERATIONS.filter((o) => !ours.includes(o)), [], 'Nhost operations missing');
  assert.deepEqual(ours.filter((o) => !NHOST_OPERATIONS.includes(o)), [], 'extensions not marked');
});

for (const [name, doc] of [['native.yaml', repoDoc], ['gotrue.yaml', gotrueDoc]])
test(`${name} is whole: every $ref resolves, every operation has an id, a summary and an error answer`, () => {
  const repoDoc = doc;
  const refs = [];
  (function walk(n) {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      for (const [k, v] of Object.entries(n)) (k === '$ref' ? refs.push(v) : walk(v));
    }
  })(repoDoc);
  for (const ref of new Set(refs)) {
    assert.match(ref, /^#\/components\//, ref);
    const target = ref.slice(2).split('/').reduce((o, k) => o?.[k], repoDoc);
    assert.ok(target, `unresolved ${ref}`);
  }
  const ids = new Set();
  for (const op of documented(repoDoc)) {
    const [m, p] = op.split(' ');
    const o = repoDoc.paths[p][m.toLowerCase()];
    assert.ok(o.operationId && !ids.has(o.operationId), `${op}: missing or repeated operationId`);
    ids.add(o.operationId);
    assert.ok(o.summary, `${op}: no summary`);
    assert.ok(o.responses.default, `${op}: no default (error) response`);
    for (const [status, r] of Object.entries(o.responses)) {
      const resolved = r.$ref ? r.$ref.slice(2).split('/').reduce((x, k) => x?.[k], repoDoc) : r;
      assert.ok(resolved?.description, `${op} ${status}: no description`);
    }
  }
});
