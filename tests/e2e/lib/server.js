// Starts the real gatehouse binary for one test file and talks raw HTTP to it.
//
// Each server gets a fresh temp dir (SQLite DB, working directory), a free high port and
// env overrides on top of a quiet default (rate limits and the per-account guess limit
// effectively off, so that test files that sign in a lot are not throttled;
// ratelimit.test.js and security-guess.test.js set their own).
// Server stdout/stderr are kept in memory and printed when a test of the file fails.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before } from 'node:test';

const READY_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 5_000;

export const BIN = process.env.GATEHOUSE_BIN;

// Which store the servers use: 'sqlite' (a temp file per server, the default) or
// 'postgres' (run.sh's second pass: every server gets its own fresh schema on the
// one PostgreSQL E2E_PG_URL names). A test file's env overrides still win.
export const DATABASE = process.env.E2E_DATABASE === 'postgres' ? 'postgres' : 'sqlite';
export const PG_URL = process.env.E2E_PG_URL || '';

/** A PostgreSQL schema name no other server of the run uses ([a-z_][a-z0-9_]*). */
export function uniqueSchema(tag = 'e2e') {
  return `${tag}_${process.pid}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** Finds a free TCP port: bind port 0 on loopback, read it, close. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Env of the parent without anything that could configure gatehouse behind our back. */
function cleanParentEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('GATEHOUSE_') || k.startsWith('AUTH_')) continue;
    env[k] = v;
  }
  return env;
}

export class Server {
  /**
   * `args`: the command line (default `serve`; e.g. `serve --config FILE`). `command`
   * and `cwd` run something else that execs the server (the package test runs it as its
   * systemd unit would); `bareEnv` gives it only PATH, the port and the overrides.
   * `prelude`: shell commands run before the binary in the same process (e.g.
   * 'ulimit -n 256'): it is then started as `sh -c '<prelude>; exec gatehouse ...'`.
   */
  constructor(envOverrides = {}, { name = 'gatehouse', args = ['serve'], command, cwd, bareEnv = false, prelude = '' } = {}) {
    this.name = name;
    this.args = args;
    this.command = command;
    this.cwd = cwd;
    this.bareEnv = bareEnv;
    this.prelude = prelude;
    this.envOverrides = envOverrides;
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-e2e-'));
    this.logs = []; // [{stream, line}]
    this.proc = null;
    this.exit = null; // {code, signal} once the process ended
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    this.schema = uniqueSchema(); // used in the postgres pass; kept across restart()
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Base URL of the GoTrue dialect (what supabase-js derives from its project URL). */
  get gotrueUrl() {
    return `${this.url}/auth/v1`;
  }

  /** Base URL of the native dialect, as given to @nhost/nhost-js authUrl. */
  get authUrl() {
    return `${this.url}/v1`;
  }

  env() {
    if (this.bareEnv) {
      return { PATH: process.env.PATH, GATEHOUSE_PORT: String(this.port), ...this.overrides() };
    }
    return {
      ...cleanParentEnv(),
      GATEHOUSE_HOST: '127.0.0.1',
      GATEHOUSE_PORT: String(this.port),
      GATEHOUSE_DATABASE_URL: `sqlite://${path.join(this.dir, 'gh.db')}`,
      ...(DATABASE === 'postgres' ? { GATEHOUSE_DATABASE_URL: PG_URL, GATEHOUSE_DATABASE_SCHEMA: this.schema } : {}),
      GATEHOUSE_PUBLIC_URL: `http://127.0.0.1:${this.port}`,
      GATEHOUSE_CLIENT_URL: 'http://127.0.0.1:3000',
      GATEHOUSE_ACCESS_LOG: 'true',
      GATEHOUSE_RATE_LIMIT_SIGNIN_PER_MINUTE: '100000',
      GATEHOUSE_RATE_LIMIT_SIGNIN_BURST: '100000',
      GATEHOUSE_RATE_LIMIT_TOKEN_PER_MINUTE: '100000',
      GATEHOUSE_RATE_LIMIT_TOKEN_BURST: '100000',
      // Likewise the per-account guess limit (security-guess.test.js sets its own).
      GATEHOUSE_ACCOUNT_GUESS_LIMIT_PER_HOUR: '0',
      // Off by default so that test files can sign in right after sign-up; email.test.js
      // turns it on (any file may override it).
      GATEHOUSE_EMAIL_VERIFICATION_REQUIRED: 'false',
      ...this.overrides(),
    };
  }

  /**
   * The env overrides: an object, or a function of this server called at each start,
   * for settings that need the port (the OAuth tests register redirect URIs with it).
   */
  overrides() {
    return typeof this.envOverrides === 'function' ? this.envOverrides(this) : this.envOverrides;
  }

  /** Starts the binary; resolves once it printed its ready line or /healthz answered 200. */
  async start() {
    if (!BIN && !this.command) throw new Error('GATEHOUSE_BIN is not set (run through tests/e2e/run.sh)');
    if (DATABASE === 'postgres' && !PG_URL) throw new Error('E2E_DATABASE=postgres needs E2E_PG_URL (run through tests/e2e/run.sh)');
    let lastErr;
    // A port found free can be taken by a parallel test file before we bind it: retry.
    for (let attempt = 0; attempt < 3; attempt++) {
      this.port = await freePort();
      try {
        await this.#spawnAndWait();
        return this;
      } catch (e) {
        lastErr = e;
        await this.#kill();
        const text = this.logText();
        if (!/address.{0,20}(in use|already)|EADDRINUSE/i.test(text)) break;
      }
    }
    throw lastErr;
  }

  #spawnAndWait() {
    this.exit = null;
    const bin = this.command ?? BIN;
    const [cmd, args] = this.prelude ? ['sh', ['-c', `${this.prelude}; exec "$0" "$@"`, bin, ...this.args]] : [bin, this.args];
    const proc = spawn(cmd, args, {
      cwd: this.cwd ?? this.dir,
      env: this.env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    const started = Date.now();
    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (err) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(poller);
        if (err) reject(err);
        else resolve();
      };
      const onLine = (stream) => {
        let buf = '';
        return (chunk) => {
          buf += chunk.toString('utf8');
          let i;
          while ((i = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            this.logs.push({ stream, line });
            if (stream === 'stdout' && line.includes(`listening on http://127.0.0.1:${this.port}`)) {
              finish();
            }
          }
        };
      };
      proc.stdout.on('data', onLine('stdout'));
      proc.stderr.on('data', onLine('stderr'));
      proc.on('error', (e) => finish(new Error(`cannot spawn ${BIN}: ${e.message}`)));
      proc.on('exit', (code, signal) => {
        this.exit = { code, signal };
        finish(new Error(`${this.name} exited before ready (code ${code}, signal ${signal})\n${this.logText()}`));
      });
      const timer = setTimeout(
        () => finish(new Error(`${this.name} not ready after ${READY_TIMEOUT_MS} ms\n${this.logText()}`)),
        READY_TIMEOUT_MS,
      );
      // Fallback to the ready line: poll /healthz.
      const poller = setInterval(async () => {
        if (done || Date.now() - started < 200) return;
        try {
          const r = await this.api('GET', '/v1/healthz', undefined, {}, { timeoutMs: 1000 });
          if (r.status === 200) finish();
        } catch {
          /* not up yet */
        }
      }, 250);
    });
  }

  logText(maxLines = 400) {
    const lines = this.logs.slice(-maxLines).map((l) => `[${this.name} ${l.stream}] ${l.line}`);
    const dropped = this.logs.length - lines.length;
    return (dropped > 0 ? `... ${dropped} earlier lines dropped\n` : '') + lines.join('\n');
  }

  get alive() {
    return this.proc !== null && this.exit === null;
  }

  async #kill() {
    const proc = this.proc;
    if (!proc || this.exit) return this.exit;
    const exited = new Promise((r) => proc.once('exit', (code, signal) => r({ code, signal })));
    proc.kill('SIGTERM');
    const t = setTimeout(() => {
      this.logs.push({ stream: 'harness', line: `no exit ${STOP_GRACE_MS} ms after SIGTERM: SIGKILL` });
      proc.kill('SIGKILL');
    }, STOP_GRACE_MS);
    const res = await exited;
    clearTimeout(t);
    return res;
  }

  /** SIGTERM (SIGKILL after 5 s); returns {code, signal}. Keeps the temp dir. */
  async stop() {
    const res = await this.#kill();
    this.agent.destroy();
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    return res;
  }

  /** Stops and starts again on the same database (keys and users must survive). */
  async restart() {
    await this.stop();
    this.proc = null;
    const port = this.port;
    await this.#spawnAndWaitOnPort(port);
  }

  async #spawnAndWaitOnPort(port) {
    this.port = port;
    try {
      await this.#spawnAndWait();
    } catch (e) {
      await this.#kill();
      // Port may have been taken meanwhile: try a fresh one.
      this.port = await freePort();
      await this.#spawnAndWait();
    }
  }

  cleanup() {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * Raw HTTP. `p` starts with "/" ("/v1/..."); a path without "/v1" prefix gets it,
   * except the GoTrue mount's ("/auth/v1/...").
   * body: undefined (none), Buffer/string (sent as is), anything else (JSON-encoded).
   * Resolves {status, headers, text, json} where json is undefined if the body is not JSON.
   */
  api(method, p, body, headers = {}, { timeoutMs = 30_000 } = {}) {
    const urlPath = p.startsWith('/v1') || p.startsWith('/auth/') ? p : `/v1${p}`;
    let payload;
    const h = { ...headers };
    if (body !== undefined) {
      payload = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
      if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
      h['Content-Length'] = String(payload.length);
    }
    return new Promise((resolve, reject) => {
      let settled = false;
      const req = http.request(
        { host: '127.0.0.1', port: this.port, method, path: urlPath, headers: h, agent: this.agent },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('error', (e) => {
            if (!settled) {
              settled = true;
              reject(e);
            }
          });
          res.on('end', () => {
            if (settled) return;
            settled = true;
            const raw = Buffer.concat(chunks);
            const text = raw.toString('utf8');
            let json;
            try {
              json = text.length ? JSON.parse(text) : undefined;
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode, headers: res.headers, text, json, raw });
          });
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${urlPath}: no response in ${timeoutMs} ms`)));
      req.on('error', (e) => {
        if (settled) return;
        // The server may answer early (413) and close while we are still writing: the
        // response handler above then still runs; only fail if nothing arrives.
        setTimeout(() => {
          if (!settled) {
            settled = true;
            const dead = this.exit ? ` (server exited: ${JSON.stringify(this.exit)})` : '';
            reject(new Error(`${method} ${urlPath}: ${e.code || ''} ${e.message}${dead}`));
          }
        }, 200);
      });
      if (payload) req.end(payload);
      else req.end();
    });
  }
}

/**
 * Sends a request over a bare socket in 64 KB chunks and stops writing as soon as the
 * server starts answering, after a short pause following the headers (as curl does). Node's http client loses an early answer (a
 * 413 sent before the body is read) to EPIPE/ECONNRESET; this does not.
 * Resolves {status, headers, text, json, bytesWritten}.
 */
export function rawRequest(port, method, urlPath, headers, body, { timeoutMs = 30_000, headerPauseMs = 200 } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const received = [];
    let answered = false;
    let bytesWritten = 0;
    let finished = false;
    const finish = (err) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      sock.destroy();
      const data = Buffer.concat(received);
      if (!data.length) return reject(err ?? new Error(`${method} ${urlPath}: connection closed without a response (${bytesWritten} bytes sent)`));
      const sep = data.indexOf('\r\n\r\n');
      const head = data.subarray(0, sep < 0 ? data.length : sep).toString('latin1').split('\r\n');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0]);
      if (!m) return reject(new Error(`not an HTTP response: ${JSON.stringify(head[0])}`));
      const hdrs = {};
      for (const line of head.slice(1)) {
        const i = line.indexOf(':');
        if (i > 0) hdrs[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      let payload = sep < 0 ? Buffer.alloc(0) : data.subarray(sep + 4);
      if (hdrs['content-length'] !== undefined) payload = payload.subarray(0, Number(hdrs['content-length']));
      const text = payload.toString('utf8');
      let json;
      try {
        json = text.length ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      resolve({ status: Number(m[1]), headers: hdrs, text, json, bytesWritten });
    };
    const timer = setTimeout(() => finish(new Error(`${method} ${urlPath}: no response in ${timeoutMs} ms`)), timeoutMs);
    const responseComplete = () => {
      const data = Buffer.concat(received);
      const sep = data.indexOf('\r\n\r\n');
      if (sep < 0) return false;
      const m = /\r\ncontent-length:\s*(\d+)/i.exec(data.subarray(0, sep).toString('latin1'));
      return m ? data.length - sep - 4 >= Number(m[1]) : false;
    };
    sock.on('data', (c) => {
      answered = true;
      received.push(c);
      if (responseComplete()) finish();
    });
    sock.on('end', () => finish());
    sock.on('close', () => finish());
    sock.on('error', (e) => finish(e));
    sock.on('connect', async () => {
      const h = { Host: `127.0.0.1:${port}`, Connection: 'close', 'Content-Length': String(body.length), ...headers };
      sock.write(`${method} ${urlPath} HTTP/1.1\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
      // Like curl's Expect wait, give the server a moment to refuse on the headers alone.
      for (let waited = 0; waited < headerPauseMs && !answered; waited += 10) await sleep(10);
      const CHUNK = 64 * 1024;
      for (let off = 0; off < body.length && !answered && !finished; off += CHUNK) {
        const part = body.subarray(off, off + CHUNK);
        bytesWritten += part.length;
        if (!sock.write(part)) await new Promise((r) => { sock.once('drain', r); sock.once('close', r); });
        await new Promise((r) => setImmediate(r));
      }
    });
  });
}

/**
 * Registers before/after hooks for the current test file (or describe block) that start
 * one server with `env` overrides (an object, or a function of the Server) and stop it; prints its logs if any test failed.
 * Returns the Server (usable once the before hook ran).
 */
export function useServer(env = {}, opts = {}) {
  const srv = new Server(env, opts);
  let failed = false;
  before(async () => {
    await srv.start();
  });
  afterEach((t) => {
    if (t.passed === false) failed = true;
  });
  after(async () => {
    const wasAlive = srv.alive;
    const res = await srv.stop();
    if (failed || !wasAlive) {
      console.log(`---- ${srv.name} logs (env ${JSON.stringify(srv.overrides())}) ----\n${srv.logText()}\n---- end ----`);
    }
    srv.cleanup();
    if (wasAlive && res && (res.code !== 0 || res.signal)) {
      throw new Error(`${srv.name}: SIGTERM should drain and exit 0, got ${JSON.stringify(res)}\n${srv.logText(60)}`);
    }
    if (!wasAlive) {
      throw new Error(`${srv.name} was not running at the end of the file (crashed?): ${JSON.stringify(srv.exit)}`);
    }
  });
  return srv;
}

/**
 * Like useServer for several instances with the same `env` (share a schema through
 * GATEHOUSE_DATABASE_SCHEMA to have them behind one "load balancer"): started together
 * (they migrate a fresh schema at once), stopped together; each must still run at the
 * end and exit 0 on SIGTERM. Prints every instance's logs if a test failed.
 */
export function useInstances(env, names) {
  const servers = names.map((name) => new Server(env, { name }));
  let failed = false;
  before(async () => {
    await Promise.all(servers.map((s) => s.start()));
  });
  afterEach((t) => {
    if (t.passed === false) failed = true;
  });
  after(async () => {
    const alive = servers.map((s) => s.alive);
    const res = await Promise.all(servers.map((s) => s.stop()));
    if (failed || alive.includes(false)) {
      for (const s of servers) console.log(`---- ${s.name} logs ----\n${s.logText()}\n---- end ----`);
    }
    for (const s of servers) s.cleanup();
    assert.deepEqual(alive, servers.map(() => true), 'every instance should be running at the end');
    for (const r of res) assert.deepEqual(r, { code: 0, signal: null }, 'SIGTERM should drain and exit 0');
  });
  return servers;
}
