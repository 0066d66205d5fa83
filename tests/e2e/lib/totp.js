// RFC 6238 TOTP (SHA-1, 6 digits, 30 s) computed with node:crypto, for tests that
// turn the second factor on and sign in with it.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { sleep } from './server.js';

export function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of text.replace(/=+$/, '').toUpperCase()) {
    const i = alphabet.indexOf(ch);
    assert.ok(i >= 0, `not base32: ${ch}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function hotp(key, counter) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const bin = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(bin % 1_000_000).padStart(6, '0');
}

const currentStep = () => Math.floor(Date.now() / 1000 / 30);

/** A user's authenticator: hands out codes of time steps not used before. */
export class Authenticator {
  constructor(secret) {
    this.key = base32Decode(secret);
    this.used = new Set();
  }
  async fresh() {
    for (;;) {
      const now = currentStep();
      // The server accepts one step either side; prefer the steps least likely to
      // fall out of its window while this request travels.
      for (const s of [now, now + 1]) {
        if (!this.used.has(s)) {
          this.used.add(s);
          return hotp(this.key, s);
        }
      }
      await sleep(1000);
    }
  }
  last() {
    return hotp(this.key, Math.max(...this.used));
  }
}
