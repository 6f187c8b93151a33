#!/usr/bin/env python3
"""Cluster tail-latency and replicated-write benchmark (bin/bench cluster-tail), standard library only.

Talks REST to a running local cluster of 3 peers (bin/sextant cluster up 3). Steps:
  1. write throughput: after an unrecorded warm-up upload, for replication_factor 1, 2, 3 (alternated:
     1 2 3 3 2 1) a 3-shard collection gets --write-points random 128-d points in batches of 100, wait=true, from --writers client threads through
     peers 1 and 2 in turn; points/s per run;
  2. tail: a collection with shard_number 6, replication_factor 2 and --points points; after an
     unrecorded 10 s warm-up, a search load
     (--clients threads, each alternating peers 1 and 2, limit 10) runs in windows, one read fan-out
     configuration per window, with every peer answering and then with peer 3 slow for the whole
     phase, configurations alternated within it; p50/p99/max and errors per window. --fault stop
     freezes peer 3 (SIGSTOP) for the phase (the leader's failure detector marks its replicas Dead
     after cluster.peer_unresponsive_ms); --fault pulse stops it for --pulse-stop-ms and lets it run
     for --pulse-run-ms in turn (a replica that still answers, slowly, like one in long GC pauses,
     which the failure detector does not mark Dead). The states of peer 3's replicas after the phase
     are recorded.
Prints one JSON document with every number to stdout.
"""
import argparse
import json
import os
import random
import signal
import statistics
import threading
import time
import urllib.error
import urllib.request


def call(base, method, path, body=None, timeout=120):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def must(base, method, path, body=None, tries=100):
    last = None
    for _ in range(tries):
        try:
            status, reply = call(base, method, path, body)
            if status == 200:
                return reply
            last = (status, reply)
        except OSError as e:
            last = e
        time.sleep(0.3)
    raise SystemExit(f"{method} {path} failed: {last}")


def vectors(rng, n, dim):
    return [[rng.uniform(-1, 1) for _ in range(dim)] for _ in range(n)]


def create(urls, name, shards, rf):
    call(urls[0], "DELETE", f"/collections/{name}")
    must(urls[0], "PUT", f"/collections/{name}",
         {"vectors": {"size": DIM, "distance": "Cosine"}, "shard_number": shards, "replication_factor": rf})
    for u in urls:  # every peer applied the create
        must(u, "GET", f"/collections/{name}")


def upload(urls, name, n, writers, seed):
    rng = random.Random(seed)
    batches = []
    for start in range(0, n, 100):
        vs = vectors(rng, min(100, n - start), DIM)
        batches.append([{"id": start + i, "vector": v, "payload": {"i": start + i}} for i, v in enumerate(vs)])
    lock = threading.Lock()
    errors = []

    def worker(k):
        while True:
            with lock:
                if not batches:
                    return
                b = batches.pop()
            status, reply = call(urls[k % 2], "PUT", f"/collections/{name}/points?wait=true", {"points": b})
            if status != 200:
                errors.append(reply)

    t = time.monotonic()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(writers)]
    [th.start() for th in threads]
    [th.join() for th in threads]
    return n / (time.monotonic() - t), len(errors)


def pct(xs, p):
    if not xs:
        return None
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def window(urls, name, clients, seconds, seed):
    """Search load for `seconds`; a request started before the end runs to its answer (or 60 s timeout)."""
    lat, errs = [], []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(k):
        rng = random.Random(seed * 100 + k)
        i = 0
        while time.monotonic() < stop:
            q = {"query": [rng.uniform(-1, 1) for _ in range(DIM)], "limit": 10}
            t = time.monotonic()
            try:
                status, reply = call(urls[(k + i) % 2], "POST", f"/collections/{name}/points/query", q, timeout=60)
                ok = status == 200 and len(reply["result"]["points"]) == 10
                err = None if ok else f"{status}: {str(reply)[:200]}"
            except OSError as e:
                err = f"{type(e).__name__}: {e}"
            ms = (time.monotonic() - t) * 1000
            with lock:
                (errs.append(err) if err else lat.append(ms))
            i += 1

    t0 = time.monotonic()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    [th.start() for th in threads]
    [th.join() for th in threads]
    took = time.monotonic() - t0
    return {"requests": len(lat) + len(errs), "errors": len(errs), "error_sample": errs[:2],
            "req_s": round(len(lat) / took, 1),
            "p50_ms": pct(lat, 50), "p99_ms": pct(lat, 99), "max_ms": max(lat) if lat else None,
            "load": open("/proc/loadavg").read().split()[:3]}


CONFIGS = {
    "fan-out off (factor 0, delay 0)": {"read_fan_out_factor": 0, "read_fan_out_delay_ms": 0},
    "read_fan_out_delay_ms 20": {"read_fan_out_factor": 0, "read_fan_out_delay_ms": 20},
    "read_fan_out_factor 1": {"read_fan_out_factor": 1, "read_fan_out_delay_ms": 0},
}


def set_config(urls, name, params):
    must(urls[0], "PATCH", f"/collections/{name}", {"params": params})
    for u in urls[:2]:  # applied on both peers that take the load
        for _ in range(100):
            p = must(u, "GET", f"/collections/{name}")["result"]["config"]["params"]
            if all(p.get(k) == v for k, v in params.items()):
                break
            time.sleep(0.1)


def main():
    global DIM
    ap = argparse.ArgumentParser()
    ap.add_argument("--urls", required=True, help="REST URLs of peers 1,2,3")
    ap.add_argument("--frozen-pid", type=int, required=True, help="pid of peer 3's process")
    ap.add_argument("--points", type=int, default=5000)
    ap.add_argument("--write-points", type=int, default=10000)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--writers", type=int, default=2)
    ap.add_argument("--healthy-seconds", type=int, default=15)
    ap.add_argument("--frozen-seconds", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--fault", choices=["stop", "pulse"], default="stop")
    ap.add_argument("--pulse-stop-ms", type=int, default=400)
    ap.add_argument("--pulse-run-ms", type=int, default=100)
    ap.add_argument("--skip-writes", action="store_true", help="no write-throughput runs")
    a = ap.parse_args()
    DIM = a.dim
    urls = a.urls.split(",")
    out = {"points": a.points, "write_points": a.write_points, "dim": a.dim, "clients": a.clients, "writers": a.writers, "writes": [], "tail": [],
           "fault": a.fault, "pulse_stop_ms": a.pulse_stop_ms, "pulse_run_ms": a.pulse_run_ms}

    if not a.skip_writes:
        create(urls, "wbench", 3, 2)  # warm-up (JIT, connections), not recorded
        upload(urls, "wbench", a.write_points, a.writers, seed=50)
    for i, rf in enumerate([] if a.skip_writes else [1, 2, 3, 3, 2, 1]):
        create(urls, "wbench", 3, rf)
        pps, errors = upload(urls, "wbench", a.write_points, a.writers, seed=i)
        row = {"replication_factor": rf, "points_s": round(pps), "errors": errors,
               "load": open("/proc/loadavg").read().split()[:3]}
        out["writes"].append(row)
        print("writes", row, flush=True, file=os.sys.stderr)
    call(urls[0], "DELETE", "/collections/wbench")

    create(urls, "tail", 6, 2)
    pps, errors = upload(urls, "tail", a.points, a.writers, seed=99)
    out["tail_upload"] = {"points_s": round(pps), "errors": errors}
    names = list(CONFIGS)
    window(urls, "tail", a.clients, 10, seed=77)  # warm-up, not recorded
    for i, cfg in enumerate(names):
        set_config(urls, "tail", CONFIGS[cfg])
        w = window(urls, "tail", a.clients, a.healthy_seconds, seed=i)
        w.update(phase="all peers answer", config=cfg)
        out["tail"].append(w)
        print("tail", w, flush=True, file=os.sys.stderr)
    phase = ("peer 3 frozen (SIGSTOP)" if a.fault == "stop"
             else f"peer 3 pulsed (stopped {a.pulse_stop_ms} ms / running {a.pulse_run_ms} ms)")
    pulsing = threading.Event()
    pulser = None
    if a.fault == "stop":
        os.kill(a.frozen_pid, signal.SIGSTOP)
    else:
        pulsing.set()

        def pulse():
            while pulsing.is_set():
                os.kill(a.frozen_pid, signal.SIGSTOP)
                time.sleep(a.pulse_stop_ms / 1000)
                os.kill(a.frozen_pid, signal.SIGCONT)
                time.sleep(a.pulse_run_ms / 1000)

        pulser = threading.Thread(target=pulse, daemon=True)
        pulser.start()
    try:
        order = []
        for r in range(a.rounds):
            order += names if r % 2 == 0 else list(reversed(names))
        for i, cfg in enumerate(order):
            set_config(urls, "tail", CONFIGS[cfg])
            w = window(urls, "tail", a.clients, a.frozen_seconds, seed=100 + i)
            w.update(phase=phase, config=cfg)
            out["tail"].append(w)
            print("tail", w, flush=True, file=os.sys.stderr)
        # the states peer 1 holds for the replicas on peer 3, at the end of the phase
        status, info = call(urls[0], "GET", "/collections/tail/cluster")
        counts = {}
        if status == 200:
            for sh in info["result"].get("local_shards", []) + info["result"].get("remote_shards", []):
                counts[sh["state"]] = counts.get(sh["state"], 0) + 1
        out["states_after"] = counts if status == 200 else {"status": status}
    finally:
        pulsing.clear()
        if pulser is not None:
            pulser.join()
        os.kill(a.frozen_pid, signal.SIGCONT)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
