#!/usr/bin/env python3
"""Replication, measured with real processes: a hub and an office node, each `lantern serve`.

  cargo build --release -p lantern-cli && scripts/bench-replication.py [--rate 5] [--seconds 60]
      [--hour 3600] [--bulk-people 10000]

1. Lag under a steady write load: the office records a new person `--rate` times a second for
   `--seconds`; the hub's database is polled every 10 ms and each office event's lag is the time
   it was first seen there less the time it was recorded (p50, p99, max).
2. Catch-up after an hour apart: the office's server is stopped; an hour's writes at one event a
   second (`--hour` events, made as CSV imports) are made on each side; then one `lantern sync`
   round is timed.
3. Bulk catch-up: a new node joins a hub of `--bulk-people` people; `init --join` is timed
   (events per second).
4. The same for a laptop holding one service (the other services' events arrive as stubs).
"""

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time

ap = argparse.ArgumentParser()
ap.add_argument("--bin", default=os.environ.get("LANTERN_BIN", "target/release/lantern"))
ap.add_argument("--rate", type=float, default=5.0)
ap.add_argument("--seconds", type=float, default=60.0)
ap.add_argument("--hour", type=int, default=3600)
ap.add_argument("--bulk-people", type=int, default=10000)
a = ap.parse_args()
BIN = os.path.abspath(a.bin)
if not os.access(BIN, os.X_OK):
    raise SystemExit("build first: cargo build --release -p lantern-cli")
env = {k: v for k, v in os.environ.items() if k not in ("LANTERN_NOW", "LANTERN_AS")}


def run(data, *args, check=True):
    r = subprocess.run([BIN, "--data", data, *args], env=env, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise SystemExit(f"lantern {' '.join(args)}: {r.stderr}")
    return r


def js(data, *args):
    return json.loads(run(data, "--json", *args).stdout)


def serve(data, *extra):
    p = subprocess.Popen([BIN, "--data", data, "--json", "serve", "--listen", "127.0.0.1:0", *extra],
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = json.loads(p.stdout.readline())["listening"]
    return p, url


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, int(round(p / 100 * len(xs) + 0.5)) - 1))]


def join(hub, url, root, name, role, services=None):
    inv = os.path.join(root, f"{name}.invitation")
    extra = ["--services", services] if services else []
    run(hub, "node", "add", "--name", name, "--role", role, "--peer", url, "--out", inv, *extra)
    d = os.path.join(root, name)
    t = time.monotonic()
    v = js(d, "init", "--join", inv)
    return d, v, time.monotonic() - t


def people_csv(path, prefix, n):
    with open(path, "w") as f:
        f.write("person_id,given_name,family_name,preferred_name,date_of_birth,nhs_number,address,access_note,service,lives_alone,key_contacts\n")
        for i in range(n):
            f.write(f"{prefix}-{i:05d},Bench,{prefix.title()}{i},,1940-01-01,,,,riverside-homecare,,\n")


root = tempfile.mkdtemp(prefix="lantern-bench-replication-")
procs = []
try:
    hub = os.path.join(root, "hub")
    run(hub, "demo")
    hp, hub_url = serve(hub)
    procs.append(hp)
    office, _, _ = join(hub, hub_url, root, "office", "office")
    op, _ = serve(office, "--peer", hub_url, "--peer-every", "2")
    procs.append(op)
    office_id = js(office, "node", "status")["node"]

    # 1. Lag under a steady load.
    seen = {}
    stop = threading.Event()

    def poll():
        db = sqlite3.connect(f"file:{hub}/lantern.db?mode=ro", uri=True)
        last = 0
        while not stop.is_set():
            rows = db.execute("SELECT seq, recorded_at FROM events WHERE node_id = ? AND seq > ? ORDER BY seq",
                              (office_id, last)).fetchall()
            now = time.time()
            for seq, rec in rows:
                seen[seq] = (rec, now)
                last = max(last, seq)
            time.sleep(0.01)

    th = threading.Thread(target=poll)
    th.start()
    n = int(a.rate * a.seconds)
    start = time.monotonic()
    for i in range(n):
        run(office, "person", "add", "--id", f"p-lag-{i:05d}", "--given", "Lag", "--family", f"Test{i}",
            "--dob", "1940-01-01", "--service", "riverside-homecare")
        delay = start + (i + 1) / a.rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    time.sleep(5)
    stop.set()
    th.join()

    def ts(s):
        from datetime import datetime
        return datetime.fromisoformat(s.replace("Z", "+00:00")[:26] + "+00:00").timestamp() if "." in s else \
            datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()

    lags = [max(0.0, now - ts(rec)) for rec, now in seen.values()]
    print(f"1. steady load: {n} writes at {a.rate}/s on the office; {len(lags)} events reached the hub")
    print(f"   lag p50 {pct(lags, 50)*1000:.0f} ms, p99 {pct(lags, 99)*1000:.0f} ms, max {max(lags)*1000:.0f} ms")

    # 2. An hour apart.
    op.terminate()
    op.wait()
    procs.remove(op)
    per_side = a.hour // 2
    for side, prefix in ((office, "p-office"), (hub, "p-hub")):
        csv = os.path.join(root, f"{prefix}.csv")
        people_csv(csv, prefix, per_side)
        run(side, "import", "csv", "people", csv)
    before = js(office, "node", "status")["events"], js(hub, "node", "status")["events"]
    t = time.monotonic()
    r = js(office, "sync", "--peer", hub_url)
    took = time.monotonic() - t
    moved = r[0]["pulled"] + r[0]["pushed"]
    a_, b_ = js(office, "node", "status"), js(hub, "node", "status")
    assert a_["events_digest"] == b_["events_digest"], "not converged"
    print(f"2. an hour apart ({a.hour} people written, half on each side): one sync round moved {moved} events "
          f"({r[0]['pulled']} in, {r[0]['pushed']} out) in {took:.2f} s; digests equal")

    # 3. Bulk catch-up: a new node joins a hub of N people.
    big = os.path.join(root, "big")
    t = time.monotonic()
    run(big, "demo", "--people", str(a.bulk_people))
    made = time.monotonic() - t
    bp, big_url = serve(big)
    procs.append(bp)
    _, v, took = join(big, big_url, root, "laptop", "laptop")
    print(f"3. bulk catch-up: a laptop joined a hub of {a.bulk_people} people ({v['pulled']} events, made in {made:.0f} s) "
          f"in {took:.1f} s: {v['pulled']/took:,.0f} events/s")
    # 4. The same for a laptop holding one service: the rest arrive as stubs.
    _, v, took = join(big, big_url, root, "riverside", "laptop", "riverside-homecare")
    n = v["pulled"] + v["withheld"]
    print(f"4. a laptop holding Riverside only joined the same hub: {v['pulled']} events whole and {v['withheld']} stubs "
          f"in {took:.1f} s: {n/took:,.0f} events/s")
finally:
    for p in procs:
        p.terminate()
    shutil.rmtree(root, ignore_errors=True)
