#!/usr/bin/env python3
"""Shard transfer throughput (bin/bench cluster-transfer), standard library only.

On a local 3-peer cluster (bin/sextant cluster up 3 --port P --dir D, transfer throttle off): a
collection with one shard and one replica gets --points random --dim-d points (payload {"i": n});
then, per round, replicate_shard copies it to another peer (stream_records: a new replica has no
recovery point) and the time from the request until the new replica is Active is measured, beside
`cp -r` of the source's shard directory (after sync; page cache warm, as the transfer's reads are)
into a scratch directory on the same file system; the new replica is dropped after each round.
Prints one JSON document to stdout.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import time

from cluster_rest import call, load_avg, must

C = "xfer"


def du(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(root, f))
            except OSError:
                pass
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--points", type=int, default=50000)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--methods", default="stream_records,snapshot",
                    help="comma-separated transfer methods, each run every round (alternating order)")
    a = ap.parse_args()
    urls = [f"http://127.0.0.1:{a.port + 3 * i}" for i in range(3)]
    for u in urls:
        must(u, "GET", "/readyz")
    must(urls[0], "PUT", f"/collections/{C}", {"vectors": {"size": a.dim, "distance": "Cosine"}, "shard_number": 1,
                                                 "replication_factor": 1})
    rnd = random.Random(3)
    t0 = time.monotonic()
    for i in range(0, a.points, 1000):
        pts = [{"id": p, "vector": [rnd.random() for _ in range(a.dim)], "payload": {"i": p}}
               for p in range(i, min(a.points, i + 1000))]
        must(urls[0], "PUT", f"/collections/{C}/points?wait=true", {"points": pts})
    upload_s = time.monotonic() - t0
    views = [must(u, "GET", f"/collections/{C}/cluster")["result"] for u in urls]
    src = next(i for i, v in enumerate(views) if v["local_shards"])
    src_id = views[src]["peer_id"]
    shard_dir = os.path.join(a.dir, f"peer-{src + 1}", "storage", "collections", C, "shards", "0")
    # let the optimizer settle so the directory measured is the one streamed
    for _ in range(600):
        info = must(urls[src], "GET", f"/collections/{C}")["result"]
        if info.get("status") == "green":
            break
        time.sleep(1)
    rounds = []
    methods = a.methods.split(",")
    plan = []
    for r in range(a.rounds):
        order = methods if r % 2 == 0 else list(reversed(methods))
        plan += [(r, m) for m in order]
    for k, (r, method) in enumerate(plan):
        dst = [i for i in range(3) if i != src][k % 2]
        dst_id = views[dst]["peer_id"]
        subprocess.run(["sync"], check=True)
        bytes_ = du(shard_dir)
        scratch = os.path.join(a.dir, f"cp-{k}")
        c0 = time.monotonic()
        subprocess.run(["cp", "-r", shard_dir, scratch], check=True)
        subprocess.run(["sync", "-f", scratch], check=True)
        cp_s = time.monotonic() - c0
        shutil.rmtree(scratch)
        s0 = time.monotonic()
        must(urls[0], "POST", f"/collections/{C}/cluster",
             {"replicate_shard": {"shard_id": 0, "from_peer_id": int(src_id), "to_peer_id": int(dst_id),
                                  "method": method}})
        state = None
        while time.monotonic() - s0 < 1800:
            v = must(urls[src], "GET", f"/collections/{C}/cluster")["result"]
            state = next((x["state"] for x in v["remote_shards"] if x["peer_id"] == dst_id), None)
            if state == "Active":
                break
            time.sleep(0.1)
        xfer_s = time.monotonic() - s0
        done = [t for t in must(urls[src], "GET", f"/collections/{C}/cluster")["result"].get("finished_transfers", [])
                if t["to"] == dst_id]
        count = must(urls[dst], "POST", f"/collections/{C}/points/count?consistency=all", {"exact": True})
        rounds.append({
            "round": r + 1, "method": method, "from": src + 1, "to": dst + 1, "shard_dir_bytes": bytes_,
            "cp_s": round(cp_s, 3), "cp_mb_s": round(bytes_ / 1e6 / cp_s, 1),
            "transfer_s": round(xfer_s, 3), "transfer_mb_s": round(bytes_ / 1e6 / xfer_s, 1),
            "points_s": round(a.points / xfer_s), "state": state,
            "transfer": done[-1] if done else None, "count_after": count["result"]["count"],
            "load": load_avg(),
        })
        must(urls[0], "POST", f"/collections/{C}/cluster", {"drop_replica": {"shard_id": 0, "peer_id": int(dst_id)}})
        time.sleep(2)
    print(json.dumps({"points": a.points, "dim": a.dim, "upload_s": round(upload_s, 1),
                      "raw_vector_bytes": a.points * a.dim * 4, "rounds": rounds}, indent=1))


if __name__ == "__main__":
    main()
