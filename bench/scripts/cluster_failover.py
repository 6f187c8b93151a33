#!/usr/bin/env python3
"""Failover benchmark of a local 3-peer cluster (bin/bench cluster-failover), standard library only.

Talks REST to peers started by bin/sextant cluster up 3 (--dir D, --port P). Steps:
  1. a collection with shard_number 6, replication_factor 2, write_consistency_factor 1, --dim-d
     Cosine vectors; --preload points uploaded through peer 1;
  2. an 80/20 read/write load for --duration seconds from --threads client threads, each sending to
     peers 1 and 2 in turn (the victim is peer 3: the clients measure the cluster's own failover,
     not a client's reconnect to another peer). Reads: search (limit 10) or retrieve of an id the
     thread wrote. Writes, each wait=true: upsert of a new id (70 %), overwrite of an id the thread
     wrote with a new version in the payload (20 %), delete of one (10 %); every thread owns its
     ids, so the last acknowledged write of each id is known;
  3. at --fault-at seconds, the fault on peer 3: kill (SIGKILL), stop (SIGSTOP for --stop-seconds,
     then SIGCONT), partition (peer 3 runs in its own network namespace, reached through a veth pair
     whose host end --veth is set down for --stop-seconds, then up again: packets are dropped, no
     connection is refused);
  4. after the load: every acknowledged write checked through peers 1 and 2 (retrieve by id: an
     acknowledged upsert must be there with its version or with the version of a later write whose
     answer was an error; an acknowledged delete must be gone unless a later unacknowledged write
     brought it back);
  5. kill: peer 3 restarted with its storage; stop: it was continued. Time until every replica of
     peer 3 is Active on peers 1 and 2, with the transfers that repaired them (method, writes or
     points, duration, why not wal_delta); then step 4 again through all three peers.
Prints one JSON document to stdout.
"""
import argparse
import json
import os
import random
import signal
import subprocess
import threading
import time

from cluster_rest import call, load_avg, must

C = "failover"


class Ledger:
    """Per id: last acknowledged write and the writes tried after it whose answer was an error."""

    def __init__(self):
        self.acked = {}  # id -> ("up", version) | ("del", None)
        self.unsure = {}  # id -> list of ("up", version) | ("del", None) after the last ack

    def ack(self, pid, w):
        self.acked[pid] = w
        self.unsure.pop(pid, None)

    def fail(self, pid, w):
        self.unsure.setdefault(pid, []).append(w)

    def check(self, base, ids):
        """Problems for {ids} read through {base}: missing acknowledged points, stale versions."""
        problems = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            got = {}
            for attempt in range(5):
                try:
                    status, res = call(base, "POST", f"/collections/{C}/points", {"ids": chunk, "with_payload": True})
                    if status == 200:
                        got = {p["id"]: p["payload"].get("v") for p in res["result"]}
                        break
                except OSError:
                    pass
                time.sleep(1)
            else:
                problems.append(f"retrieve of {len(chunk)} ids through {base} failed")
                continue
            for pid in chunk:
                kind, version = self.acked[pid]
                allowed = [self.acked[pid]] + self.unsure.get(pid, [])
                present = pid in got
                ok = any((k == "del" and not present) or (k == "up" and present and got[pid] == v) for k, v in allowed)
                if not ok:
                    problems.append(f"id {pid}: acknowledged {kind} {version}, read "
                                    f"{'version ' + str(got[pid]) if present else 'nothing'} (unacked later: "
                                    f"{self.unsure.get(pid, [])})")
        return problems


def point(pid, version, dim, rnd):
    return {"id": pid, "vector": [rnd.random() + 0.01 for _ in range(dim)], "payload": {"v": version, "t": pid % 1000}}


def client(k, a, urls, dim, stop, ledger, lock, events, start):
    rnd = random.Random(1000 + k)
    mine = []  # ids this thread wrote and did not delete (acked or not)
    next_id = (k + 1) * 1_000_000
    n = 0
    while not stop.is_set():
        base = urls[n % len(urls)]
        n += 1
        t0 = time.monotonic()
        op = "read"
        pid = None
        w = None
        try:
            if rnd.random() < 0.8:
                if mine and rnd.random() < 0.5:
                    op, path, body, method = "retrieve", f"/collections/{C}/points", {"ids": [rnd.choice(mine)]}, "POST"
                else:
                    op, path, method = "search", f"/collections/{C}/points/search", "POST"
                    body = {"vector": [rnd.random() for _ in range(dim)], "limit": 10}
            else:
                r = rnd.random()
                if r < 0.7 or len(mine) < 10:
                    pid = next_id
                    next_id += 1
                    w = ("up", 1)
                    mine.append(pid)
                    op, method, path, body = "upsert", "PUT", f"/collections/{C}/points?wait=true", {
                        "points": [point(pid, 1, dim, rnd)]}
                elif r < 0.9:
                    pid = rnd.choice(mine)
                    w = ("up", n)
                    op, method, path, body = "overwrite", "PUT", f"/collections/{C}/points?wait=true", {
                        "points": [point(pid, n, dim, rnd)]}
                else:
                    pid = mine.pop(rnd.randrange(len(mine)))
                    w = ("del", None)
                    op, method, path, body = "delete", "POST", f"/collections/{C}/points/delete?wait=true", {
                        "points": [pid]}
            try:
                status, res = call(base, method, path, body, timeout=a.timeout)
                ok = status == 200
                err = None if ok else f"{status} {json.dumps(res)[:160]}"
            except OSError as e:
                ok, err = False, f"{type(e).__name__}: {e}"[:200]
        finally:
            t1 = time.monotonic()
        if w is not None:
            with lock:
                (ledger.ack if ok else ledger.fail)(pid, w)
        with lock:
            events.append((t0 - start, t1 - start, "write" if w is not None else "read", op, ok, err))


def cluster_view(base, victim):
    res = must(base, "GET", f"/collections/{C}/cluster")["result"]
    states = [r["state"] for r in res["remote_shards"] if r["peer_id"] == victim]
    done = [t for t in res.get("finished_transfers", []) if t["to"] == victim]
    return states, done


def restart(a):
    peer = os.path.join(a.dir, "peer-3")
    base = a.port + 6
    p2p = base + 2
    env = dict(os.environ, SEXTANT__CLUSTER__ENABLED="true", SEXTANT__CLUSTER__P2P__PORT=str(p2p),
               SEXTANT__STORAGE__SNAPSHOTS_PATH=os.path.join(peer, "snapshots"))
    log = open(os.path.join(peer, "peer.log"), "ab")
    proc = subprocess.Popen(
        [os.path.join(a.root, "bin/sextant"), "serve", "--storage-path", os.path.join(peer, "storage"),
         "--http-port", str(base), "--grpc-port", str(base + 1), "--uri", f"http://127.0.0.1:{p2p}",
         "--bootstrap", f"http://127.0.0.1:{a.port + 2}"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    with open(os.path.join(peer, "pid"), "w") as f:
        f.write(str(proc.pid))
    return proc.pid


def summarize(events, fault_t, fault_end_t):
    writes = sorted((e for e in events if e[2] == "write"), key=lambda e: e[1])
    reads = [e for e in events if e[2] == "read"]

    def stats(es, lo, hi):
        es = [e for e in es if lo <= e[0] < hi]
        lat = sorted((e[1] - e[0]) * 1000 for e in es)
        pct = lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))], 1) if lat else None
        return {"count": len(es), "errors": sum(1 for e in es if not e[4]), "p50_ms": pct(0.5),
                "p99_ms": pct(0.99), "max_ms": round(lat[-1], 1) if lat else None}

    after = [e for e in writes if e[1] >= fault_t]
    first_fail = next((e for e in after if not e[4]), None)
    gap = None
    if first_fail is not None:
        nxt = next((e for e in after if e[4] and e[0] >= first_fail[1]), None)
        gap = None if nxt is None else round(nxt[1] - first_fail[1], 3)
    # longest run of consecutive failed writes (in completion order)
    run, best, run_start, best_span = 0, 0, None, 0.0
    for e in writes:
        if e[4]:
            run = 0
        else:
            if run == 0:
                run_start = e[0]
            run += 1
            if run > best:
                best, best_span = run, e[1] - run_start
    # longest time without any successful write completing, from the fault to the end
    ok_times = [fault_t] + [e[1] for e in writes if e[4] and e[1] >= fault_t]
    stall = max((b - a2 for a2, b in zip(ok_times, ok_times[1:])), default=None)
    errors = {}
    for e in events:
        if not e[4]:
            key = e[5].split(":")[0][:80] if e[5] else "?"
            errors[key] = errors.get(key, 0) + 1
    end = max((e[1] for e in events), default=fault_t)
    return {
        "writes": stats(writes, 0, 1e9), "reads": stats(reads, 0, 1e9),
        "writes_before_fault": stats(writes, 0, fault_t), "writes_during_fault": stats(writes, fault_t, fault_end_t),
        "writes_after_fault": stats(writes, fault_end_t, end + 1),
        "reads_during_fault": stats(reads, fault_t, fault_end_t),
        "first_failed_write_s": None if first_fail is None else round(first_fail[1] - fault_t, 3),
        "failover_gap_s": gap, "longest_failure_run": best, "longest_failure_run_s": round(best_span, 3),
        "longest_write_stall_after_fault_s": None if stall is None else round(stall, 3),
        "error_kinds": errors,
        "error_samples": [e[5] for e in events if not e[4]][:5],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--fault", choices=["kill", "stop", "partition"], default="kill")
    ap.add_argument("--host", default="127.0.0.1", help="address of peers 1 and 2")
    ap.add_argument("--victim-host", default="127.0.0.1", help="address of peer 3")
    ap.add_argument("--veth", help="host end of peer 3's veth pair (partition)")
    ap.add_argument("--duration", type=float, default=60)
    ap.add_argument("--fault-at", type=float, default=20)
    ap.add_argument("--stop-seconds", type=float, default=15)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--preload", type=int, default=5000)
    ap.add_argument("--dim", type=int, default=32)
    ap.add_argument("--timeout", type=float, default=60)
    a = ap.parse_args()
    urls = [f"http://{a.host}:{a.port}", f"http://{a.host}:{a.port + 3}", f"http://{a.victim_host}:{a.port + 6}"]
    victim_pid = int(open(os.path.join(a.dir, "peer-3", "pid")).read())
    for u in urls:
        must(u, "GET", "/readyz")
    must(urls[0], "PUT", f"/collections/{C}", {"vectors": {"size": a.dim, "distance": "Cosine"}, "shard_number": 6,
                                                 "replication_factor": 2, "write_consistency_factor": 1})
    for u in urls:
        must(u, "GET", f"/collections/{C}")
    victim = must(urls[2], "GET", f"/collections/{C}/cluster")["result"]["peer_id"]
    placement = must(urls[0], "GET", f"/collections/{C}/cluster")["result"]
    ledger = Ledger()
    rnd = random.Random(7)
    for i in range(0, a.preload, 500):
        ids = list(range(i, min(a.preload, i + 500)))
        must(urls[0], "PUT", f"/collections/{C}/points?wait=true", {"points": [point(p, 0, a.dim, rnd) for p in ids]})
        for p in ids:
            ledger.ack(p, ("up", 0))

    stop, lock, events = threading.Event(), threading.Lock(), []
    start = time.monotonic()
    threads = [threading.Thread(target=client, args=(k, a, urls[:2], a.dim, stop, ledger, lock, events, start))
               for k in range(a.threads)]
    load_before = load_avg()
    for t in threads:
        t.start()
    time.sleep(a.fault_at)
    fault_t = time.monotonic() - start
    if a.fault == "kill":
        os.kill(victim_pid, signal.SIGKILL)
        fault_end_t = a.duration
    elif a.fault == "stop":
        os.kill(victim_pid, signal.SIGSTOP)
        time.sleep(a.stop_seconds)
        os.kill(victim_pid, signal.SIGCONT)
        fault_end_t = time.monotonic() - start
        continued_at = time.monotonic()
    else:
        subprocess.run(["ip", "link", "set", a.veth, "down"], check=True)
        time.sleep(a.stop_seconds)
        subprocess.run(["ip", "link", "set", a.veth, "up"], check=True)
        fault_end_t = time.monotonic() - start
        continued_at = time.monotonic()
    load_during = load_avg()
    # after SIGCONT / heal, watch peer 3's replicas while the load goes on: the time until all are
    # Active again is the repair time (polling only after the load ended measured the load's rest)
    watched = {}
    if a.fault != "kill":
        def watch():
            while not stop.is_set():
                try:
                    views = [cluster_view(u, victim)[0] for u in urls[:2]]
                except Exception:  # a peer busy or failing over: poll again
                    views = [None]
                if all(v and all(x == "Active" for x in v) for v in views):
                    watched["active_s"] = round(time.monotonic() - continued_at, 2)
                    return
                time.sleep(0.2)
        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
    time.sleep(max(0.0, a.duration - (time.monotonic() - start)))
    stop.set()
    for t in threads:
        t.join()
    summary = summarize(events, fault_t, fault_end_t)
    ids = sorted(ledger.acked)
    after_load = {u: ledger.check(u, ids) for u in urls[:2]}

    if a.fault == "kill":
        restarted_at = time.monotonic()
        restart(a)
        must(urls[2], "GET", "/readyz", tries=600)
        ready_s = round(time.monotonic() - restarted_at, 2)
        since = restarted_at
    else:
        ready_s = None
        since = continued_at
    deadline = time.monotonic() + 600
    states = {}
    while time.monotonic() < deadline:
        states = {u: cluster_view(u, victim)[0] for u in urls[:2]}
        if all(s and all(x == "Active" for x in s) for s in states.values()):
            break
        time.sleep(0.2)
    active_s = watched.get("active_s", round(time.monotonic() - since, 2))
    transfers = []
    for u in urls[:2]:
        transfers += cluster_view(u, victim)[1]
    after_repair = {u: ledger.check(u, ids) for u in urls}
    print(json.dumps({
        "fault": a.fault, "duration_s": a.duration, "fault_at_s": round(fault_t, 2),
        "fault_end_s": round(fault_end_t, 2), "stop_seconds": a.stop_seconds if a.fault != "kill" else None,
        "threads": a.threads, "preload": a.preload, "dim": a.dim, "victim_peer": victim,
        "victim_replicas": len([s for s in placement["remote_shards"] if s["peer_id"] == victim]),
        "load_before": load_before, "load_during": load_during, "load_after": load_avg(),
        "summary": summary, "acked_ids": len(ids),
        "problems_after_load": {u: p[:10] for u, p in after_load.items()},
        "problem_counts_after_load": {u: len(p) for u, p in after_load.items()},
        "restart_ready_s": ready_s, "all_active_s": active_s, "final_states": states,
        "transfers": transfers,
        "problems_after_repair": {u: p[:10] for u, p in after_repair.items()},
        "problem_counts_after_repair": {u: len(p) for u, p in after_repair.items()},
    }, indent=1))


if __name__ == "__main__":
    main()
