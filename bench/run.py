#!/usr/bin/env python3
"""make bench: load scenarios against a release build of Gatehouse on loopback.

Starts `gatehouse serve` on a temp SQLite database, seeds users and sessions,
drives bench/loadgen.cc's open-loop generator, and prints one table: requests/s,
p50, p99 and the server's peak RSS per scenario, and sign-in as a ratio to the
raw Argon2id verify rate measured in the same run (the hash is the floor).

Targets (2-core machine): refresh and GET /user p99 < 5 ms at 2,000 req/s;
refresh p99 < 20 ms while a sign-in storm saturates the hash pool.
"""
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
import urllib.request

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build/release"
BIN = os.path.join(BUILD, "gatehouse")
LOADGEN = os.path.join(BUILD, "gatehouse_loadgen")
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
RATE = int(os.environ.get("BENCH_RATE", "2000"))
CONNS = 32
PASSWORD = "bench-password-1"


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
    with urllib.request.urlopen(req, data, timeout=30) as r:
        return json.loads(r.read())


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def loadgen(*args):
    out = subprocess.run([LOADGEN, *map(str, args)], capture_output=True, text=True, timeout=SECONDS * 4 + 60)
    if out.returncode != 0:
        raise SystemExit(f"loadgen failed: {out.stderr}")
    if out.stderr:
        sys.stderr.write(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    tmp = tempfile.mkdtemp(prefix="gh-bench-")
    port = free_port()
    env = dict(os.environ,
               GATEHOUSE_HOST="127.0.0.1", GATEHOUSE_PORT=str(port),
               GATEHOUSE_DATABASE_URL=f"sqlite://{tmp}/bench.db",
               GATEHOUSE_ACCESS_LOG="false", GATEHOUSE_LOG_LEVEL="warn",
               GATEHOUSE_RATE_LIMIT_SIGNIN_PER_MINUTE="0", GATEHOUSE_RATE_LIMIT_TOKEN_PER_MINUTE="0")
    server = subprocess.Popen([BIN, "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                call(port, "/v1/healthz")
                break
            except Exception:
                time.sleep(0.1)
        else:
            raise SystemExit("server did not start")

        cores = os.cpu_count() or 2
        hash_rate = loadgen("hashrate", "--threads", cores, "--seconds", 3)["per_second"]

        users = 64
        for i in range(users):
            call(port, "/v1/signup/email-password", {"email": f"bench{i}@bench.local", "password": PASSWORD})

        def sessions(n):
            out = []
            for i in range(n):
                s = call(port, "/v1/signin/email-password", {"email": f"bench{i % users}@bench.local", "password": PASSWORD})
                out.append(s["session"])
            return out

        def tokens_file(name, values):
            path = os.path.join(tmp, name)
            with open(path, "w") as f:
                f.write("\n".join(values) + "\n")
            return path

        rows = []
        access = tokens_file("access", [s["accessToken"] for s in sessions(CONNS)])
        for scenario in ("refresh", "verify", "user"):
            tf = tokens_file(scenario, [s["refreshToken"] for s in sessions(CONNS)]) if scenario == "refresh" else access
            r = loadgen("http", "--port", port, "--scenario", scenario, "--rate", RATE,
                        "--seconds", SECONDS, "--conns", CONNS, "--tokens", tf)
            rows.append(r)

        signin = loadgen("http", "--port", port, "--scenario", "signin", "--rate", 0,
                         "--seconds", SECONDS, "--conns", cores * 2, "--users", users)
        signin["ratio_to_hash"] = signin["rps"] / hash_rate
        rows.append(signin)

        # Refresh at half the target rate while a sign-in storm asks for 3x what the
        # hash pool can do: the lanes must keep refresh fast.
        storm_result = {}

        def storm():
            storm_result.update(loadgen("http", "--port", port, "--scenario", "signin", "--rate",
                                        int(hash_rate * 3), "--seconds", SECONDS + 1, "--conns", 128,
                                        "--users", users))

        tf = tokens_file("refresh-storm", [s["refreshToken"] for s in sessions(CONNS)])
        t = threading.Thread(target=storm)
        t.start()
        time.sleep(0.5)
        under = loadgen("http", "--port", port, "--scenario", "refresh", "--rate", RATE // 2,
                        "--seconds", SECONDS - 1, "--conns", CONNS, "--tokens", tf)
        t.join()
        under["scenario"] = "refresh during sign-in storm"
        rows.append(under)
        storm_result["scenario"] = "sign-in storm (3x hash capacity)"
        rows.append(storm_result)

        rss = peak_rss_mib(server.pid)
        print()
        print(f"Argon2id verify baseline: {hash_rate:.1f}/s on {cores} threads (same run)")
        print(f"{'scenario':34} {'target/s':>9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for r in rows:
            target = "closed" if r.get("target_rate", 0) == 0 else f"{r['target_rate']:.0f}"
            print(f"{r['scenario']:34} {target:>9} {r['rps']:9.1f} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f} {r['errors']:7d}")
        print(f"sign-in / raw hash rate ratio: {signin['ratio_to_hash']:.3f} (1.0 = no overhead beyond the hash)")
        print(f"server peak RSS: {rss:.1f} MiB")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
