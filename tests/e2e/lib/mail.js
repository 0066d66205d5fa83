// A real SMTP server for the email tests: tests/e2e/lib/smtp_sink.py (aiosmtpd)
// started per test file, writing each received message as JSON into a temp dir.
// mailbox.waitFor(address) returns the next unread message to that address.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';

const SINK = path.join(path.dirname(fileURLToPath(import.meta.url)), 'smtp_sink.py');
const PYTHON = process.env.E2E_PYTHON || '/usr/bin/python3';

export class Mailbox {
  /** `auth` = "user:password" makes the server require SMTP AUTH; `delayMs` makes it slow. */
  constructor({ auth, delayMs = 0 } = {}) {
    this.auth = auth;
    this.delayMs = delayMs;
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-mail-'));
    this.seen = new Set();
    this.proc = null;
    this.port = 0;
  }

  start() {
    return new Promise((resolve, reject) => {
      this.proc = spawn(PYTHON, [SINK, this.dir, '0', ...(this.auth ? [this.auth] : [])], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, SMTP_SINK_DELAY_MS: String(this.delayMs) },
      });
      let out = '';
      let err = '';
      const timer = setTimeout(() => reject(new Error(`smtp sink did not start: ${err}`)), 10_000);
      this.proc.stdout.on('data', (d) => {
        out += d;
        const m = /READY (\d+)/.exec(out);
        if (m && !this.port) {
          this.port = Number(m[1]);
          clearTimeout(timer);
          resolve(this);
        }
      });
      this.proc.stderr.on('data', (d) => { err += d; });
      this.proc.on('exit', (code) => {
        if (!this.port) {
          clearTimeout(timer);
          reject(new Error(`smtp sink exited ${code}: ${err}`));
        }
      });
    });
  }

  async stop() {
    if (!this.proc) return;
    const p = this.proc;
    this.proc = null;
    p.stdin.end();
    await new Promise((r) => {
      const t = setTimeout(() => { p.kill('SIGKILL'); r(); }, 3000);
      p.on('exit', () => { clearTimeout(t); r(); });
    });
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Every message received so far, oldest first. */
  all() {
    return readdirSync(this.dir).filter((f) => f.endsWith('.json')).sort()
      .map((f) => ({ file: f, ...JSON.parse(readFileSync(path.join(this.dir, f), 'utf8')) }));
  }

  /** Messages to `address` (lower-cased) received so far. */
  to(address) {
    const a = address.toLowerCase();
    return this.all().filter((m) => m.rcptTos.map((r) => r.toLowerCase()).includes(a));
  }

  /** Waits for the next not-yet-returned message to `address`. */
  async waitFor(address, { timeoutMs = 10_000 } = {}) {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const m = this.to(address).find((x) => !this.seen.has(x.file));
      if (m) {
        this.seen.add(m.file);
        return m;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no mail to ${address} within ${timeoutMs} ms`);
  }
}

/** The /verify link in a message's text body. */
export function linkIn(message) {
  const m = /(https?:\/\/\S+\/v1\/verify\?\S+)/.exec(message.text);
  if (!m) throw new Error(`no verify link in mail: ${message.text}`);
  return new URL(m[1]);
}

/** The six-digit code in a message's text body. */
export function codeIn(message) {
  const m = /\b(\d{6})\b/.exec(message.text);
  if (!m) throw new Error(`no code in mail: ${message.text}`);
  return m[1];
}

/** Registers before/after hooks for one SMTP sink; start it before the server. */
export function useMailbox(opts = {}) {
  const box = new Mailbox(opts);
  before(async () => { await box.start(); });
  after(async () => { await box.stop(); });
  return box;
}

/** Env for a server that mails through `box` (its port is known only once it started). */
export function mailEnv(box, extra = {}) {
  const env = {
    GATEHOUSE_SMTP_HOST: '127.0.0.1',
    GATEHOUSE_SMTP_SECURE: 'none',
    GATEHOUSE_SMTP_SENDER: 'auth@example.com',
    GATEHOUSE_SMTP_RETRIES: '0',
    GATEHOUSE_EMAIL_VERIFICATION_REQUIRED: 'true',
    GATEHOUSE_EMAIL_PASSWORDLESS_ENABLED: 'true',
    GATEHOUSE_EMAIL_OTP_ENABLED: 'true',
    GATEHOUSE_EMAIL_RESEND_COOLDOWN_SECONDS: '0',
    GATEHOUSE_EMAIL_PER_ADDRESS_PER_HOUR: '1000',
    GATEHOUSE_RATE_LIMIT_EMAIL_PER_HOUR: '100000',
    GATEHOUSE_ALLOWED_REDIRECT_URLS: 'https://*.example.com/**',
    ...extra,
  };
  before(() => { env.GATEHOUSE_SMTP_PORT = String(box.port); });
  return env;
}
