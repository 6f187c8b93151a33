#!/usr/bin/env bash
# Shard transfer throughput on a local 3-peer cluster (issue 17, P10), sourced by bin/bench
# cluster-transfer: bin/sextant cluster up 3 on --port with the transfer throttle off
# (cluster.transfer.points_per_second 0), bench/scripts/cluster_transfer.py (replicate_shard of a
# one-shard collection beside cp -r of its directory), cluster down; the table is appended, dated,
# after the marker <!-- cluster-transfer --> at the end of bench/results/cluster.md (earlier runs
# stay), raw numbers in bench/results/cluster-transfer.json.
run_cluster_transfer() {
  cd "$ROOT"
  local port=27320 dir="/tmp/sextant-cluster-transfer" extra=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --port) port="$2"; shift 2 ;;
      --dir) dir="$2"; shift 2 ;;
      *) extra+=("$1"); shift ;;
    esac
  done
  rm -rf "$dir"; mkdir -p "$dir" "$RESULTS"
  trap '{ bin/sextant cluster down --dir "'"$dir"'"; } || true' RETURN
  SEXTANT__CLUSTER__TRANSFER__POINTS_PER_SECOND=0 bin/sextant cluster up 3 --port "$port" --dir "$dir" >&2
  python3 bench/scripts/cluster_transfer.py --port "$port" --dir "$dir" "${extra[@]}" > "$RESULTS/cluster-transfer.json"
  python3 - "$RESULTS/cluster-transfer.json" "$RESULTS/cluster.md" \
    "bin/bench cluster-transfer --port $port --dir $dir ${extra[*]}" <<'PY'
import json, os, sys
r = json.load(open(sys.argv[1]))
marker = "<!-- cluster-transfer -->"
lines = [marker, "", "## Shard transfer throughput", "",
         f"Command: `{sys.argv[3]}` (3 peers on loopback, transfer throttle off: "
         "`cluster.transfer.points_per_second: 0`). One shard, one replica, "
         f"{r['points']} random {r['dim']}-d points with payload `{{\"i\": n}}` (raw vectors "
         f"{r['raw_vector_bytes'] / 1e6:.1f} MB); each round `replicate_shard` to another peer "
         "once per method (`method` in the request; order alternates per round), timed from the request "
         "until the new replica is Active, beside `cp -r` of the source's shard directory (after `sync`, "
         "page cache warm) on the same file system. MB/s = shard directory bytes / seconds. The new "
         "replica is dropped after each round. **Shared 2-core machine: noisy.**", "",
         "| round | method | shard dir MB | cp -r s | cp MB/s | transfer s | transfer MB/s | points/s | transfer's own ms | points in the new replica | load avg |",
         "|---|---|---|---|---|---|---|---|---|---|---|"]
for x in r["rounds"]:
    t = x["transfer"] or {}
    lines.append(f"| {x['round']} | {x.get('method', '-')} | {x['shard_dir_bytes'] / 1e6:.1f} | {x['cp_s']} | {x['cp_mb_s']} | {x['transfer_s']} | "
                 f"{x['transfer_mb_s']} | {x['points_s']} | {t.get('millis', '-')} ({t.get('method', '-')}) | "
                 f"{x['count_after']} | {' '.join(x['load'])} |")
path = sys.argv[2]
old = open(path).read() if os.path.exists(path) else "# Cluster\n"
# appended after the earlier runs (their numbers stay), dated
import datetime
lines[2] = lines[2] + " (" + datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC") + ")"
open(path, "w").write(old.rstrip() + "\n\n" + "\n".join(lines) + "\n")
PY
  echo "bench cluster-transfer: updated bench/results/cluster.md (and cluster-transfer.json)" >&2
}
