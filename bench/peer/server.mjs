// The peer in bench/run.py's side-by-side: better-auth served by Node on the same
// PostgreSQL as Gatehouse (its own database), with the same password hash plugged in.
//
//   node server.mjs --port P --database postgres://user@127.0.0.1:5432/peer
//   node server.mjs --hashrate --seconds 3 --concurrency 2   (raw hash baseline, prints JSON)
//
// Password hash: Argon2id with Gatehouse's parameters (m=19 MiB, t=2, p=1, 16-byte salt,
// 32-byte hash), through the `argon2` package (native libargon2 compiled by node-gyp
// during `npm ci`, runs on libuv's thread pool), plugged in via
// emailAndPassword.password.{hash, verify}. better-auth's own default (scrypt N=16384,
// r=16) is not used, so sign-up and sign-in cost the same hash on both sides.
//
// Endpoints under /api/auth: sign-up/email, sign-in/email, get-session (bearer plugin:
// Authorization: Bearer <session token>), token (jwt plugin: a fresh ES256 JWT for the
// session, the analogue of Gatehouse's POST /v1/token). Rate limiting is off (as in
// Gatehouse's bench), the JWT header on get-session is off (so get-session is a plain
// session + user read, like GET /v1/user; this only makes the peer faster).
import http from "node:http";
import argon2 from "argon2";
import pg from "pg";
import { betterAuth } from "better-auth";
import { bearer, jwt } from "better-auth/plugins";
import { toNodeHandler } from "better-auth/node";
import { getMigrations } from "better-auth/db/migration";

const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1, hashLength: 32 };
const PASSWORD = "bench-password-1";

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

// Raw hash rate: `concurrency` verifications in flight for `seconds`, the way the server
// runs them (libuv's pool), with nothing else around them.
async function hashRate() {
  const seconds = Number(arg("--seconds", "3"));
  const concurrency = Number(arg("--concurrency", "2"));
  const hash = await argon2.hash(PASSWORD, HASH_OPTIONS);
  const end = Date.now() + seconds * 1000;
  let count = 0;
  const start = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        if (!(await argon2.verify(hash, PASSWORD))) throw new Error("verify failed");
        ++count;
      }
    }),
  );
  const elapsed = (Date.now() - start) / 1000;
  console.log(JSON.stringify({ scenario: "argon2id-verify (node argon2)", threads: concurrency, per_second: count / elapsed }));
}

async function serve() {
  const port = Number(arg("--port", "3000"));
  const database = arg("--database", "");
  if (!database) throw new Error("--database postgres://... is required");
  const baseURL = `http://127.0.0.1:${port}`;
  const options = {
    database: new pg.Pool({ connectionString: database, max: Number(arg("--pool", "10")) }),
    secret: "bench-secret-bench-secret-bench-secret-0123456789",
    baseURL,
    trustedOrigins: [baseURL],
    logger: { level: "error" },
    telemetry: { enabled: false },
    rateLimit: { enabled: false },
    emailAndPassword: {
      enabled: true,
      password: {
        hash: (password) => argon2.hash(password, HASH_OPTIONS),
        verify: ({ hash, password }) => argon2.verify(hash, password),
      },
    },
    plugins: [bearer(), jwt({ jwks: { keyPairConfig: { alg: "ES256" } }, disableSettingJwtHeader: true })],
  };
  const { runMigrations } = await getMigrations(options);
  await runMigrations();
  const auth = betterAuth(options);
  const server = http.createServer(toNodeHandler(auth));
  server.keepAliveTimeout = 60_000;
  server.listen(port, "127.0.0.1", () => console.log(`peer listening on ${baseURL}`));
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

(process.argv.includes("--hashrate") ? hashRate() : serve()).catch((e) => {
  console.error(e);
  process.exit(1);
});
