#!/usr/bin/env python3
"""make bench: load scenarios against a release build of Gatehouse on loopback.

Three parts, one run, every baseline measured in the same run (the machines are noisy):

1. Store side by side: the same scenarios against `gatehouse serve` on a temp SQLite
   database and on a throwaway PostgreSQL (scripts/pg-test-server.sh, started here and
   torn down after): requests/s, p50, p99 per scenario, sign-in as a ratio to the raw
   Argon2id verify rate (the hash is the floor), refresh during a sign-in storm, peak RSS.
2. Scale-out: two Gatehouse instances on that PostgreSQL; closed-loop refresh against
   one instance, then spread round-robin over both; req/s and the ratio.
3. Peer: better-auth (bench/peer, installed with `npm ci`) served by Node on the same
   PostgreSQL (its own database), with the same Argon2id parameters plugged in;
   Gatehouse / better-auth ratios for sign-up, sign-in, session refresh and get-user.

Targets (2-core machine): refresh and GET /user p99 < 5 ms at 2,000 req/s;
refresh p99 < 20 ms while a sign-in storm saturates the hash pool; >= 10x better-auth
on session operations. Environment: BENCH_SECONDS (per scenario, default 8),
BENCH_RATE (default 2000), BENCH_PARTS (default "sqlite,postgres,scale,peer,metrics").
The metrics part compares closed-loop refresh with /metrics on and off (target: < 5%).
"""
import concurrent.futures
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = sys.argv[1] if len(sys.argv) > 1 else "build/release"
BIN = os.path.join(BUILD, "gatehouse")
LOADGEN = os.path.join(BUILD, "gatehouse_loadgen")
PEER_DIR = os.path.join(ROOT, "bench", "peer")
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
RATE = int(os.environ.get("BENCH_RATE", "2000"))
PARTS = set(os.environ.get("BENCH_PARTS", "sqlite,postgres,scale,peer,metrics").split(","))
CONNS = 32
USERS = 64
PASSWORD = "bench-password-1"
CORES = os.cpu_count() or 2
HASH_SECONDS = 4


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port, path, body=None, token=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method="POST" if body is not None else "GET")
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    data = json.dumps(body).encode() if body is not None else None
    try:
        with urllib.request.urlopen(req, data, timeout=30) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:
        raise SystemExit(f"{path} on port {port}: HTTP {e.code}: {e.read()[:300]!r}")


def parallel(fn, items, workers=4):
    """Runs fn over items on a few threads (seeding: each call costs a password hash)."""
    with concurrent.futures.ThreadPoolExecutor(workers) as ex:
        return list(ex.map(fn, items))


def peak_rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


def loadgen(*args):
    out = subprocess.run([LOADGEN, *map(str, args)], capture_output=True, text=True, timeout=SECONDS * 4 + 60)
    if out.returncode != 0:
        raise SystemExit(f"loadgen failed: {out.stderr}")
    if out.stderr:
        sys.stderr.write(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def tail(path, n=2000):
    try:
        with open(path, errors="replace") as f:
            return f.read()[-n:]
    except OSError:
        return ""


def wait_http(port, path, proc, logfile, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server on port {port} exited with {proc.returncode}: {tail(logfile)}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2).read()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except Exception:
            time.sleep(0.1)
    raise SystemExit(f"server on port {port} did not start within {seconds}s")


def stop(proc):
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


class Gatehouse:
    """One `gatehouse serve` on a free loopback port."""

    def __init__(self, tmp, database_url, schema=None, extra_env=None):
        self.port = free_port()
        self.log = os.path.join(tmp, f"gatehouse-{self.port}.log")
        env = dict(os.environ,
                   GATEHOUSE_HOST="127.0.0.1", GATEHOUSE_PORT=str(self.port),
                   GATEHOUSE_DATABASE_URL=database_url,
                   GATEHOUSE_ACCESS_LOG="false", GATEHOUSE_LOG_LEVEL="warn",
                   GATEHOUSE_RATE_LIMIT_SIGNIN_PER_MINUTE="0", GATEHOUSE_RATE_LIMIT_TOKEN_PER_MINUTE="0",
                   # Sign-up gives a session at once, as better-auth's default does.
                   GATEHOUSE_EMAIL_VERIFICATION_REQUIRED="false")
        if schema:
            env["GATEHOUSE_DATABASE_SCHEMA"] = schema
        env.update(extra_env or {})
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen([BIN, "serve"], env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_http(self.port, "/v1/healthz", self.proc, self.log)
        except BaseException:
            stop(self.proc)
            raise

    def signup(self, email):
        return call(self.port, "/v1/signup/email-password", {"email": email, "password": PASSWORD})

    def signin(self, email):
        return call(self.port, "/v1/signin/email-password", {"email": email, "password": PASSWORD})["session"]

    def sessions(self, n, prefix="bench"):
        return parallel(lambda i: self.signin(f"{prefix}{i % USERS}@bench.local"), range(n))

    def rss(self):
        return peak_rss_mib(self.proc.pid)

    def close(self):
        stop(self.proc)


class PostgresServer:
    """scripts/pg-test-server.sh: a throwaway server, torn down in close()."""

    def __init__(self):
        # Not under a 0700 temp dir: as root the server runs as another user.
        self.dir = f"/tmp/gh-bench-pg-{os.getpid()}"
        out = subprocess.run(["bash", os.path.join(ROOT, "scripts", "pg-test-server.sh"), "start", self.dir],
                             capture_output=True, text=True, timeout=180)
        if out.returncode != 0:
            raise SystemExit(f"PostgreSQL did not start: {out.stderr}")
        self.url = out.stdout.strip().splitlines()[-1]

    def create_database(self, name):
        subprocess.run(["psql", "-q", self.url, "-c", f"CREATE DATABASE {name}"], check=True, timeout=60,
                       capture_output=True)
        return self.url.rsplit("/", 1)[0] + "/" + name

    def close(self):
        subprocess.run(["bash", os.path.join(ROOT, "scripts", "pg-test-server.sh"), "stop", self.dir],
                       capture_output=True, timeout=120)


def tokens_file(tmp, name, values):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write("\n".join(values) + "\n")
    return path


def gatehouse_hash_rate():
    """Argon2id verify with the server's parameters, one thread per core, nothing else."""
    return loadgen("hashrate", "--threads", CORES, "--seconds", HASH_SECONDS)["per_second"]


def node_hash_rate():
    """The same for the peer's hash (node argon2 on libuv's pool), `CORES` in flight."""
    out = subprocess.run(["node", "server.mjs", "--hashrate", "--seconds", str(HASH_SECONDS),
                          "--concurrency", str(CORES)], cwd=PEER_DIR, capture_output=True, text=True,
                         timeout=HASH_SECONDS + 60, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])["per_second"]


def store_scenarios(gh, tmp, label):
    """The issue-2 scenarios against one instance; returns (rows, extras)."""
    log(f"{label}: seeding {USERS} users")
    parallel(lambda i: gh.signup(f"bench{i}@bench.local"), range(USERS))

    rows = {}
    access = tokens_file(tmp, f"{label}-access", [s["accessToken"] for s in gh.sessions(CONNS)])
    refresh = tokens_file(tmp, f"{label}-refresh", [s["refreshToken"] for s in gh.sessions(CONNS)])
    gt_refresh = tokens_file(tmp, f"{label}-gt-refresh", [s["refreshToken"] for s in gh.sessions(CONNS)])
    for scenario, title, target in (("refresh", "refresh", "gatehouse"), ("verify", "verify", "gatehouse"),
                                    ("user", "GET /user", "gatehouse"),
                                    ("refresh", "refresh /auth/v1", "gotrue"),
                                    ("user", "GET /user /auth/v1", "gotrue")):
        log(f"{label}: {title} at {RATE}/s")
        tokens = access if scenario != "refresh" else (gt_refresh if target == "gotrue" else refresh)
        rows[title] = loadgen("http", "--target", target, "--port", gh.port, "--scenario", scenario,
                              "--rate", RATE, "--seconds", SECONDS, "--conns", CONNS, "--tokens", tokens)

    log(f"{label}: raw hash rate, then sign-in, closed loop")
    hash_rate = gatehouse_hash_rate()
    signin = loadgen("http", "--port", gh.port, "--scenario", "signin", "--rate", 0,
                     "--seconds", SECONDS, "--conns", CORES * 2, "--users", USERS)
    rows["sign-in (closed loop)"] = signin

    # Refresh at half the target rate while a sign-in storm asks for 3x what the hash
    # pool can do: the lanes must keep refresh fast.
    storm_result = {}

    def storm():
        storm_result.update(loadgen("http", "--port", gh.port, "--scenario", "signin", "--rate",
                                    max(1, int(hash_rate * 3)), "--seconds", SECONDS + 1, "--conns", 128,
                                    "--users", USERS))

    tf = tokens_file(tmp, f"{label}-refresh-storm", [s["refreshToken"] for s in gh.sessions(CONNS)])
    log(f"{label}: refresh during a sign-in storm")
    t = threading.Thread(target=storm)
    t.start()
    time.sleep(0.5)
    under = loadgen("http", "--port", gh.port, "--scenario", "refresh", "--rate", RATE // 2,
                    "--seconds", SECONDS - 1, "--conns", CONNS, "--tokens", tf)
    t.join(timeout=SECONDS * 4 + 90)
    rows["refresh during sign-in storm"] = under
    rows["sign-in storm (3x hash capacity)"] = storm_result
    return rows, {"hash_rate": hash_rate, "ratio": signin["rps"] / hash_rate, "rss": gh.rss()}


def scale_out(pg, tmp):
    """Closed-loop refresh against one instance, then round-robin over two."""
    a = b = None
    try:
        a = Gatehouse(tmp, pg.url, "gh_scale")
        b = Gatehouse(tmp, pg.url, "gh_scale")
        log(f"scale-out: two instances on ports {a.port}, {b.port}; seeding")
        parallel(lambda i: a.signup(f"bench{i}@bench.local"), range(USERS))
        one = tokens_file(tmp, "scale-1", [s["refreshToken"] for s in a.sessions(CONNS)])
        # Sessions for the two-instance run come from both instances (they share the store).
        two = tokens_file(tmp, "scale-2", [s["refreshToken"] for s in a.sessions(CONNS // 2) + b.sessions(CONNS // 2)])
        log("scale-out: refresh, closed loop, 1 instance")
        r1 = loadgen("http", "--port", a.port, "--scenario", "refresh", "--rate", 0,
                     "--seconds", SECONDS, "--conns", CONNS, "--tokens", one)
        log("scale-out: refresh, closed loop, 2 instances")
        r2 = loadgen("http", "--ports", f"{a.port},{b.port}", "--scenario", "refresh", "--rate", 0,
                     "--seconds", SECONDS, "--conns", CONNS, "--tokens", two)
        return r1, r2
    finally:
        for g in (a, b):
            if g:
                g.close()


class Peer:
    """bench/peer/server.mjs: better-auth on Node."""

    def __init__(self, tmp, database_url):
        self.port = free_port()
        self.log = os.path.join(tmp, f"peer-{self.port}.log")
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(["node", "server.mjs", "--port", str(self.port), "--database", database_url],
                                         cwd=PEER_DIR, stdout=out, stderr=subprocess.STDOUT,
                                         env=dict(os.environ, NODE_ENV="production"))
        try:
            wait_http(self.port, "/api/auth/ok", self.proc, self.log, seconds=60)
        except BaseException:
            stop(self.proc)
            raise

    def signup(self, email):
        return call(self.port, "/api/auth/sign-up/email", {"email": email, "password": PASSWORD, "name": email})

    def signin(self, email):
        return call(self.port, "/api/auth/sign-in/email", {"email": email, "password": PASSWORD})["token"]

    def rss(self):
        return peak_rss_mib(self.proc.pid)

    def close(self):
        stop(self.proc)


def npm_ci():
    if not shutil.which("node") or not shutil.which("npm"):
        return "node/npm not found"
    log("peer: npm ci in bench/peer")
    try:
        out = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PEER_DIR,
                             capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return "npm ci timed out"
    if out.returncode != 0:
        return f"npm ci failed: {out.stderr[-1500:]}"
    # The native argon2 module is compiled by npm ci (node-gyp); check it loads and hashes.
    try:
        check = subprocess.run(["node", "server.mjs", "--hashrate", "--seconds", "0.2", "--concurrency", "1"],
                               cwd=PEER_DIR, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return "the peer's argon2 check timed out"
    return None if check.returncode == 0 else f"the peer's argon2 module does not work (exit {check.returncode}): " \
                                              f"{check.stderr[-800:]}"


def peer_comparison(pg, tmp):
    """Gatehouse and better-auth on one PostgreSQL, scenario by scenario, interleaved."""
    gh = peer = None
    try:
        gh = Gatehouse(tmp, pg.url, "gh_peer")
        peer = Peer(tmp, pg.create_database("peer"))
        log(f"peer: gatehouse on {gh.port}, better-auth on {peer.port}; seeding")
        hash_rates = {}
        parallel(lambda i: gh.signup(f"bench{i}@bench.local"), range(USERS))
        parallel(lambda i: peer.signup(f"bench{i}@bench.local"), range(USERS))
        gh_refresh = tokens_file(tmp, "peer-gh-refresh", [s["refreshToken"] for s in gh.sessions(CONNS)])
        # The GoTrue dialect's refresh rotates chains of its own (the native run spends its file's).
        gt_refresh = tokens_file(tmp, "peer-gt-refresh", [s["refreshToken"] for s in gh.sessions(CONNS)])
        gh_access = tokens_file(tmp, "peer-gh-access", [s["accessToken"] for s in gh.sessions(CONNS)])
        ba_tokens = tokens_file(tmp, "peer-ba", parallel(lambda i: peer.signin(f"bench{i % USERS}@bench.local"),
                                                         range(CONNS)))
        secs = max(3.0, SECONDS * 0.75)
        rows = []
        for title, scenario, conns in (("sign-up", "signup", CORES * 4), ("sign-in", "signin", CORES * 4),
                                       ("session refresh", "refresh", CONNS), ("get-user", "user", CONNS)):
            results = []
            for target, port, tokens in (("gatehouse", gh.port, gh_refresh if scenario == "refresh" else gh_access),
                                         ("better-auth", peer.port, ba_tokens)):
                log(f"peer: {title} against {target}, closed loop, {conns} conns")
                args = ["http", "--target", target, "--port", port, "--scenario", scenario, "--rate", 0,
                        "--seconds", secs, "--conns", conns, "--users", USERS, "--email-prefix",
                        "up" if scenario == "signup" else "bench"]
                if scenario in ("refresh", "user"):
                    args += ["--tokens", tokens]
                if scenario == "signin":  # each side's raw hash rate right before its sign-in run
                    hash_rates[target] = gatehouse_hash_rate() if target == "gatehouse" else node_hash_rate()
                results.append(loadgen(*args))
            rows.append((title, results[0], results[1]))
            if scenario in ("refresh", "user"):
                # The same operation through /auth/v1, against the same better-auth figure.
                log(f"peer: {title} against gatehouse /auth/v1, closed loop, {conns} conns")
                gt = loadgen("http", "--target", "gotrue", "--port", gh.port, "--scenario", scenario,
                             "--rate", 0, "--seconds", secs, "--conns", conns, "--tokens",
                             gt_refresh if scenario == "refresh" else gh_access)
                rows.append((title + " /auth/v1", gt, results[1]))
        return {"rows": rows, "gh_hash": hash_rates["gatehouse"], "node_hash": hash_rates["better-auth"], "gh_rss": gh.rss(), "peer_rss": peer.rss()}
    finally:
        for p in (peer, gh):
            if p:
                p.close()


METRICS_ROUNDS = 6


def metrics_overhead(tmp):
    """Closed-loop refresh on two SQLite servers, /metrics off and on, in alternating rounds."""
    off = on = None
    try:
        off = Gatehouse(tmp, f"sqlite://{tmp}/metrics-off.db")
        on = Gatehouse(tmp, f"sqlite://{tmp}/metrics-on.db",
                       extra_env={"GATEHOUSE_METRICS_TOKEN": "bench-metrics-token-0123456789"})
        for gh in (off, on):
            parallel(lambda i, gh=gh: gh.signup(f"bench{i}@bench.local"), range(USERS))
        # Fresh chains for every round: a chain a round rotated would be a reuse in the next.
        files = {(name, i): tokens_file(tmp, f"metrics-{name}-{i}", [s["refreshToken"] for s in gh.sessions(CONNS)])
                 for name, gh in (("off", off), ("on", on)) for i in range(METRICS_ROUNDS)}
        secs = max(2.0, SECONDS * 0.375)
        rounds = {"off": [], "on": []}
        for i in range(METRICS_ROUNDS):
            # Alternate which goes first: drift in the machine's load then hits both alike.
            order = (("off", off), ("on", on)) if i % 2 == 0 else (("on", on), ("off", off))
            for name, gh in order:
                log(f"metrics: refresh round {i + 1}, metrics {name}, closed loop, {CONNS} conns")
                rounds[name].append(loadgen("http", "--port", gh.port, "--scenario", "refresh", "--rate", 0,
                                            "--seconds", secs, "--conns", CONNS, "--tokens", files[(name, i)]))
        return rounds
    finally:
        for gh in (off, on):
            if gh:
                gh.close()


def fmt_cell(r):
    if not r:
        return f"{'-':>8} {'-':>7} {'-':>7} {'-':>5}"
    return f"{r['rps']:8.1f} {r['p50_ms']:7.2f} {r['p99_ms']:7.2f} {r['errors']:5d}"


def print_stores(stores):
    labels = list(stores)
    titles = list(next(iter(stores.values()))[0])
    print()
    print("== Gatehouse: SQLite and PostgreSQL side by side (open loop unless marked; ms from scheduled send)")
    head = f"{'scenario':34} {'target/s':>8}"
    for label in labels:
        head += f" | {label + ' req/s':>8} {'p50':>7} {'p99':>7} {'err':>5}"
    print(head)
    for title in titles:
        first = stores[labels[0]][0][title]
        target = "closed" if first.get("target_rate", 0) == 0 else f"{first['target_rate']:.0f}"
        line = f"{title:34} {target:>8}"
        for label in labels:
            line += " | " + fmt_cell(stores[label][0].get(title))
        print(line)
    line = f"{'sign-in / raw Argon2id verify rate':34} {'':>8}"
    for label in labels:
        x = stores[label][1]
        line += f" | {x['ratio']:8.3f} {'(hash':>7} {x['hash_rate']:7.1f}{'/s)':>6}"
    print(line)
    line = f"{'server peak RSS (MiB)':34} {'':>8}"
    for label in labels:
        line += f" | {stores[label][1]['rss']:8.1f} {'':>7} {'':>7} {'':>5}"
    print(line)


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks
    for path in (BIN, LOADGEN):
        if not os.access(path, os.X_OK):
            raise SystemExit(f"{path} missing: build it first (ninja -C {BUILD} gatehouse gatehouse_loadgen)")
    started = time.time()
    tmp = tempfile.mkdtemp(prefix="gh-bench-")
    pg = None
    stores, scale, peer, peer_skipped, metrics = {}, None, None, None, None
    try:
        if "peer" in PARTS:
            peer_skipped = npm_ci()
        if "sqlite" in PARTS:
            gh = Gatehouse(tmp, f"sqlite://{tmp}/bench.db")
            try:
                stores["SQLite"] = store_scenarios(gh, tmp, "sqlite")
            finally:
                gh.close()
        if "metrics" in PARTS:
            metrics = metrics_overhead(tmp)
        if PARTS & {"postgres", "scale", "peer"}:
            log("starting a throwaway PostgreSQL")
            pg = PostgresServer()
        if "postgres" in PARTS:
            gh = Gatehouse(tmp, pg.url, "gh_bench")
            try:
                stores["PostgreSQL"] = store_scenarios(gh, tmp, "postgres")
            finally:
                gh.close()
        if "scale" in PARTS:
            scale = scale_out(pg, tmp)
        if "peer" in PARTS and not peer_skipped:
            peer = peer_comparison(pg, tmp)
    finally:
        if pg:
            pg.close()
        shutil.rmtree(tmp, ignore_errors=True)

    print()
    print(f"Gatehouse bench, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {CORES} cores "
          f"(shared with the load generator and, for PostgreSQL, the database), {SECONDS:g}s per scenario")
    if stores:
        print_stores(stores)
    if scale:
        r1, r2 = scale
        print()
        print(f"== Scale-out: closed-loop refresh ({CONNS} conns) on one PostgreSQL")
        print(f"1 instance : {r1['rps']:8.1f} req/s  p50 {r1['p50_ms']:.2f} ms  p99 {r1['p99_ms']:.2f} ms  errors {r1['errors']}")
        print(f"2 instances: {r2['rps']:8.1f} req/s  p50 {r2['p50_ms']:.2f} ms  p99 {r2['p99_ms']:.2f} ms  errors {r2['errors']}")
        print(f"2 / 1 ratio: {r2['rps'] / max(r1['rps'], 1e-9):.2f}  (bounded by {CORES} cores shared by both "
              f"instances, PostgreSQL and the load generator: not a measure of multi-machine scaling)")
    if metrics:
        print()
        print(f"== /metrics on vs off: closed-loop refresh ({CONNS} conns, SQLite), alternating rounds")
        for name in ("off", "on"):
            cells = "  ".join(f"{r['rps']:8.1f} req/s p99 {r['p99_ms']:.2f} ms err {r['errors']}" for r in metrics[name])
            print(f"metrics {name:3}: {cells}")
        # Each round's two runs are back to back: their ratio cancels the drift of the
        # machine's load between rounds, which is larger than what is measured.
        ratios = sorted(a["rps"] / max(b["rps"], 1e-9) for a, b in zip(metrics["on"], metrics["off"]))
        mid = len(ratios) // 2
        median = (ratios[mid - 1] + ratios[mid]) / 2 if len(ratios) % 2 == 0 else ratios[mid]
        print(f"on / off per round: {' '.join(f'{r:.3f}' for r in ratios)}; median {median:.3f}  (target > 0.95)")
    if peer_skipped:
        print(f"\n== better-auth side by side skipped: {peer_skipped}")
    if peer:
        print()
        print("== Gatehouse vs better-auth (Node) on the same PostgreSQL, closed loop, same Argon2id parameters")
        print(f"{'operation':18} | {'gatehouse req/s':>15} {'p50':>7} {'p99':>7} {'err':>4} | "
              f"{'better-auth req/s':>17} {'p50':>7} {'p99':>7} {'err':>4} | {'GH / BA':>7}")
        for title, g, b in peer["rows"]:
            ratio = g["rps"] / b["rps"] if b["rps"] > 0 else float("inf")
            print(f"{title:18} | {g['rps']:15.1f} {g['p50_ms']:7.2f} {g['p99_ms']:7.2f} {g['errors']:4d} | "
                  f"{b['rps']:17.1f} {b['p50_ms']:7.2f} {b['p99_ms']:7.2f} {b['errors']:4d} | {ratio:7.2f}")
        rows = {t: (g, b) for t, g, b in peer["rows"]}
        gh_in, ba_in = rows["sign-in"][0]["rps"], rows["sign-in"][1]["rps"]
        print(f"raw Argon2id verify, {CORES} threads: gatehouse (libsodium) {peer['gh_hash']:.1f}/s, "
              f"node argon2 (libargon2) {peer['node_hash']:.1f}/s")
        gh_norm, ba_norm = gh_in / peer["gh_hash"], ba_in / peer["node_hash"]
        print(f"sign-in / own raw hash rate: gatehouse {gh_norm:.3f}, better-auth {ba_norm:.3f}; "
              f"hash-normalised sign-in ratio GH / BA {gh_norm / ba_norm:.2f}")
        for title in ("session refresh", "get-user"):
            native, gotrue = rows[title][0]["rps"], rows[title + " /auth/v1"][0]["rps"]
            print(f"{title}: /auth/v1 (GoTrue dialect) / /v1 (native) req/s {gotrue / max(native, 1e-9):.2f}")
        print(f"peak RSS: gatehouse {peer['gh_rss']:.1f} MiB, better-auth node {peer['peer_rss']:.1f} MiB")
    print(f"\nbench took {time.time() - started:.0f}s")


if __name__ == "__main__":
    main()
