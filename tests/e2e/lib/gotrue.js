// The GoTrue dialect from the tests' side: its contract (openapi/gotrue.yaml, checked as
// strictly as lib/schema.js checks the native one) and the official client,
// @supabase/supabase-js (pinned in package.json), created the way apps create it.
//
// expectGoTrue(res, method, path) checks a raw response (Server.api) against what the
// contract declares for that operation and status; every error body must be one of
// GoTrue's two shapes, with the x-sb-error-code header naming its code.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import YAML from 'yaml';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { toJsonSchema } from './schema.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export const GOTRUE_SPEC_PATH = path.resolve(here, '../../../openapi/gotrue.yaml');
export const gotrueSpec = YAML.parse(readFileSync(GOTRUE_SPEC_PATH, 'utf8'));
// Every supabase-js call names this API version (the newer error shape).
export const API_VERSION = { 'X-Supabase-Api-Version': '2024-01-01' };

const definitions = Object.fromEntries(
  Object.entries(gotrueSpec.components.schemas).map(([name, s]) => [name, toJsonSchema(s)]),
);
const ajv = new Ajv({ strict: true, allErrors: true, strictRequired: false, validateFormats: true });
addFormats(ajv);
ajv.addSchema({ $id: 'gotrue', definitions });

function rebase(s) {
  return JSON.parse(JSON.stringify(s).replaceAll('"#/definitions/', '"gotrue#/definitions/'));
}

function describeErrors(errors) {
  return errors.map((e) => `  ${e.instancePath || '(root)'} ${e.message} ${JSON.stringify(e.params)}`).join('\n');
}

/** Fails unless `body` matches components.schemas[name] of the GoTrue contract. */
export function expectGoTrueSchema(name, body) {
  const v = ajv.getSchema(`gotrue#/definitions/${name}`);
  if (!v) throw new Error(`no schema ${name} in ${GOTRUE_SPEC_PATH}`);
  if (!v(body)) assert.fail(`body does not match ${name}:\n${describeErrors(v.errors)}\nbody: ${JSON.stringify(body)}`);
  return body;
}

const compiled = new Map();
function responseValidator(method, apiPath, status) {
  const op = gotrueSpec.paths[apiPath]?.[method.toLowerCase()];
  if (!op) throw new Error(`gotrue.yaml has no ${method} ${apiPath}`);
  const resp = op.responses[String(status)] ?? op.responses.default;
  if (!resp) throw new Error(`gotrue.yaml declares no response ${status} (nor default) for ${method} ${apiPath}`);
  const key = `${method} ${apiPath} ${op.responses[String(status)] ? status : 'default'}`;
  if (!compiled.has(key)) {
    const ref = resp.$ref ? resp.$ref.split('/').pop() : null;
    const r = ref ? gotrueSpec.components.responses[ref] : resp;
    const schema = r.content?.['application/json']?.schema;
    const v = schema ? ajv.compile({ $schema: 'http://json-schema.org/draft-07/schema#', ...rebase(toJsonSchema(schema)) }) : null;
    compiled.set(key, { v, key });
  }
  return compiled.get(key);
}

/**
 * Checks a raw response against the contract for `method apiPath` (as in the document,
 * without /auth/v1) and its status. Error bodies must be GoTrue-shaped with the code
 * in x-sb-error-code. Returns res.json.
 */
export function expectGoTrue(res, method, apiPath) {
  const { v, key } = responseValidator(method, apiPath, res.status);
  if (!v) {
    assert.equal(res.text, '', `${key}: no body expected, got ${res.text.slice(0, 200)}`);
    return undefined;
  }
  assert.match(res.headers['content-type'] ?? '', /^application\/json\b/i, `${key}: ${res.text.slice(0, 300)}`);
  assert.notEqual(res.json, undefined, `${key}: body is not JSON: ${res.text.slice(0, 300)}`);
  if (!v(res.json)) assert.fail(`${key} (HTTP ${res.status}): ${describeErrors(v.errors)}\nbody: ${res.text.slice(0, 2000)}`);
  if (res.status >= 400) {
    const code = typeof res.json.code === 'string' ? res.json.code : res.json.error_code;
    assert.equal(res.headers['x-sb-error-code'], code, `${key}: x-sb-error-code`);
    if (typeof res.json.code === 'number') assert.equal(res.json.code, res.status, `${key}: code != HTTP status`);
  }
  return res.json;
}

/** An error response: HTTP status, GoTrue error code, contract-valid body. Returns the body. */
export function expectGoTrueError(res, method, apiPath, status, code) {
  assert.equal(res.status, status, `${method} ${apiPath}: expected ${status} ${code}, got ${res.status}: ${res.text.slice(0, 500)}`);
  const body = expectGoTrue(res, method, apiPath);
  assert.equal(res.headers['x-sb-error-code'], code, `${method} ${apiPath}: ${res.text.slice(0, 300)}`);
  return body;
}

/**
 * A supabase-js client for this server, as an app creates one (project URL and API key);
 * Node 20 has no WebSocket, so realtime gets `ws`. Sessions live in memory only. `headers`
 * go with every request (a User-Agent, say).
 */
export function supabaseFor(srv, { key = 'gatehouse-e2e-anon-key', auth = {}, headers } = {}) {
  return createClient(srv.url, key, {
    realtime: { transport: WebSocket },
    ...(headers ? { global: { headers } } : {}),
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false, ...auth },
  });
}
