"""Renders bench/results/cluster.png from cluster.json (cluster-tail) and cluster-transfer.json.

Three panels: write points/s per replication_factor (every run), search p99 per read fan-out setting with
all peers answering and with one peer frozen, and shard-transfer MB/s per method beside cp -r of the
same bytes. Reads only the JSON the benchmarks wrote; run by `bin/bench cluster-plot`.
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def load(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def writes_panel(ax, cluster):
    runs = cluster.get("writes", []) if cluster else []
    by_rf = {}
    for r in runs:
        by_rf.setdefault(r["replication_factor"], []).append(r["points_s"])
    for rf, values in sorted(by_rf.items()):
        ax.scatter([rf] * len(values), values, color="tab:blue", zorder=3)
        ax.bar(rf, sum(values) / len(values), color="tab:blue", alpha=0.3, width=0.6)
    ax.set_xticks(sorted(by_rf))
    ax.set_xlabel("replication_factor")
    ax.set_ylabel("points/s (bar: mean, dots: runs)")
    ax.set_title("Replicated writes")


def tail_panel(ax, cluster):
    rows = cluster.get("tail", []) if cluster else []
    configs = []
    for r in rows:
        if r["config"] not in configs:
            configs.append(r["config"])
    phases = []
    for r in rows:
        if r["phase"] not in phases:
            phases.append(r["phase"])
    width = 0.8 / max(1, len(phases))
    for pi, phase in enumerate(phases):
        xs, ys = [], []
        for ci, config in enumerate(configs):
            vals = [r["p99_ms"] for r in rows if r["phase"] == phase and r["config"] == config]
            if vals:
                xs.append(ci + pi * width)
                ys.append(max(vals))
        ax.bar(xs, ys, width=width, label=phase)
    ax.set_yscale("log")
    ax.set_xticks([i + width * (len(phases) - 1) / 2 for i in range(len(configs))])
    ax.set_xticklabels([c.replace(" (", "\n(") for c in configs], fontsize=7)
    ax.set_ylabel("search p99 ms (log)")
    ax.set_title("Read tail with a frozen replica")
    ax.legend(fontsize=7)


def transfer_panel(ax, transfer):
    rounds = transfer.get("rounds", []) if transfer else []
    by_method = {}
    cp = []
    for r in rounds:
        method = (r.get("transfer") or {}).get("method") or r.get("method") or "transfer"
        by_method.setdefault(method, []).append(r["transfer_mb_s"])
        if "cp_mb_s" in r:
            cp.append(r["cp_mb_s"])
    labels = sorted(by_method) + (["cp -r"] if cp else [])
    values = [sum(by_method[m]) / len(by_method[m]) for m in sorted(by_method)] + (
        [sum(cp) / len(cp)] if cp else []
    )
    ax.bar(labels, values, color=["tab:orange"] * len(by_method) + ["tab:gray"] * (1 if cp else 0))
    ax.set_yscale("log")
    ax.set_ylabel("MB/s (log, mean of rounds)")
    ax.set_title("Shard transfer vs cp -r")
    for i, v in enumerate(values):
        ax.text(i, v, "%.1f" % v, ha="center", va="bottom", fontsize=8)


def main():
    results = sys.argv[1] if len(sys.argv) > 1 else "bench/results"
    cluster = load(os.path.join(results, "cluster.json"))
    transfer = load(os.path.join(results, "cluster-transfer.json"))
    if cluster is None and transfer is None:
        sys.exit("cluster-plot: neither cluster.json nor cluster-transfer.json in " + results)
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    writes_panel(axes[0], cluster)
    tail_panel(axes[1], cluster)
    transfer_panel(axes[2], transfer)
    fig.tight_layout()
    out = os.path.join(results, "cluster.png")
    fig.savefig(out, dpi=110)
    print("cluster-plot: wrote " + out)


if __name__ == "__main__":
    main()
