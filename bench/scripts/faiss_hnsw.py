#!/usr/bin/env python3
"""FAISS IndexHNSWFlat as a peer in the ANN harness (engine `faiss` of `bin/bench ann`).

Driven by sextant-bench's FaissEngine, which writes the prepared vectors (normalized for Cosine) as raw
little-endian float32 rows and reads back what this script measures; recall is computed on the Java side
with the same rule as for every other engine. FAISS is only measured here, through its public Python API.

Build: IndexHNSWFlat(dim, M, metric) with hnsw.efConstruction, index.add(base) with
faiss.omp_set_num_threads(build_threads); the wall time of add() is the build time.

Search, per (threads, efSearch) point, like the Java worker: an untimed warm-up pass over the queries,
then up to 5 timed passes (a further one only while the point has taken < 15 s), the fastest reported
with its per-query latencies. Each query is one index.search() call of one row (OpenMP set to 1 thread:
a single-row search does not split across threads); `threads` Python threads take the next query from a
shared cursor. FAISS releases the GIL inside search(); the Python call overhead (~a few us per query)
is part of what is measured and is noted in the report.

Output in --out: build.json {"build_s", "notes"}; per point ids-t<T>-ef<E>.i32 (queries x k int32,
-1 for missing) and lat-t<T>-ef<E>.i64 (per-query nanoseconds) and points.json [{threads, ef, secs}].
"""
import argparse
import json
import os
import threading
import time

import faiss
import numpy as np

TIMED_PASSES = 5
PASS_BUDGET_S = 15.0


def read_rows(path, dim):
    return np.fromfile(path, dtype="<f4").reshape(-1, dim)


def run_pass(index, queries, k, threads, ids, lat):
    cursor = [0]
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                q = cursor[0]
                cursor[0] += 1
            if q >= len(queries):
                return
            s = time.perf_counter_ns()
            _, found = index.search(queries[q : q + 1], k)
            lat[q] = time.perf_counter_ns() - s
            ids[q] = found[0]

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True)
    p.add_argument("--queries", required=True)
    p.add_argument("--dim", type=int, required=True)
    p.add_argument("--metric", choices=["ip", "l2"], required=True)
    p.add_argument("--m", type=int, default=16)
    p.add_argument("--ef-construct", type=int, default=100)
    p.add_argument("--build-threads", type=int, default=2)
    p.add_argument("--threads", default="1,2")
    p.add_argument("--ef", default="10,20,40,80,160,320")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)

    base = read_rows(a.base, a.dim)
    queries = read_rows(a.queries, a.dim)
    metric = faiss.METRIC_INNER_PRODUCT if a.metric == "ip" else faiss.METRIC_L2
    index = faiss.IndexHNSWFlat(a.dim, a.m, metric)
    index.hnsw.efConstruction = a.ef_construct
    faiss.omp_set_num_threads(a.build_threads)
    t0 = time.perf_counter()
    index.add(base)
    build_s = time.perf_counter() - t0
    notes = (
        f"faiss-cpu {faiss.__version__} IndexHNSWFlat(M={a.m}, efConstruction={a.ef_construct},"
        f" {'inner product' if a.metric == 'ip' else 'L2'}), add() with {a.build_threads} OpenMP threads;"
        f" searched one query per search() call from Python threads"
    )
    with open(os.path.join(a.out, "build.json"), "w") as f:
        json.dump({"build_s": build_s, "notes": notes}, f)
    print(f"[faiss] built in {build_s:.1f} s: {notes}", flush=True)

    faiss.omp_set_num_threads(1)
    points = []
    n = len(queries)
    for threads in [int(t) for t in a.threads.split(",")]:
        for ef in [int(e) for e in a.ef.split(",")]:
            index.hnsw.efSearch = ef
            ids = np.full((n, a.k), -1, dtype="<i4")
            lat = np.zeros(n, dtype="<i8")
            run_pass(index, queries, a.k, threads, ids, lat)  # warm-up
            best = float("inf")
            best_lat = lat.copy()
            started = time.perf_counter()
            for i in range(TIMED_PASSES):
                if i > 0 and time.perf_counter() - started > PASS_BUDGET_S:
                    break
                pass_lat = np.zeros(n, dtype="<i8")
                t = time.perf_counter()
                run_pass(index, queries, a.k, threads, ids, pass_lat)
                s = time.perf_counter() - t
                if s < best:
                    best = s
                    best_lat = pass_lat
            ids.tofile(os.path.join(a.out, f"ids-t{threads}-ef{ef}.i32"))
            best_lat.tofile(os.path.join(a.out, f"lat-t{threads}-ef{ef}.i64"))
            points.append({"threads": threads, "ef": ef, "secs": best})
            print(f"[faiss] threads={threads} ef={ef} qps={n / best:.0f}", flush=True)
    with open(os.path.join(a.out, "points.json"), "w") as f:
        json.dump(points, f)


if __name__ == "__main__":
    main()
