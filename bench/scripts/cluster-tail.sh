#!/usr/bin/env bash
# Slow-replica tail latency and replicated write throughput on a local 3-peer cluster (issue 17, P10),
# sourced by bin/bench cluster-tail. Starts bin/sextant cluster up 3 on --port (REST of peer i on
# port+3(i-1)) with storage under --dir, runs bench/scripts/cluster_tail.py (write throughput at
# replication_factor 1, 2, 3; a search load on 6 shards x 2 replicas per read fan-out setting, every
# peer answering, then with peer 3 SIGSTOPped, settings alternated), stops the cluster and writes
# bench/results/<out>.{md,json}.
run_cluster_tail() {
  cd "$ROOT"
  local port=27200 dir="/tmp/sextant-cluster-tail" out="cluster" extra=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --port) port="$2"; shift 2 ;;
      --dir) dir="$2"; shift 2 ;;
      --out) out="$2"; shift 2 ;;
      *) extra+=("$1"); shift ;;
    esac
  done
  rm -rf "$dir"; mkdir -p "$dir" "$RESULTS"
  trap 'kill -CONT "$(cat "'"$dir"'/peer-3/pid" 2>/dev/null)" 2>/dev/null; bin/sextant cluster down --dir "'"$dir"'" || true' RETURN
  bin/sextant cluster up 3 --port "$port" --dir "$dir" >&2
  local urls="http://127.0.0.1:$port,http://127.0.0.1:$((port + 3)),http://127.0.0.1:$((port + 6))"
  local load_before; load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
  python3 bench/scripts/cluster_tail.py --urls "$urls" --frozen-pid "$(cat "$dir/peer-3/pid")" "${extra[@]}" \
    > "$RESULTS/$out.json"
  python3 - "$RESULTS/$out.json" "$load_before" "bin/bench cluster-tail --port $port --dir $dir ${extra[*]}" \
    > "$RESULTS/$out.md" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("# Cluster: tail latency with a slow replica, and replicated writes\n")
print(f"Command: `{sys.argv[3]}` (3 peers on loopback, `bin/sextant cluster up 3`). Load average before: "
      f"{sys.argv[2]}. **The machine is shared (2 cores, other agents' builds and tests running), so absolute "
      "numbers are noisy; configurations are alternated within one run so they see the same conditions.**\n")
print(f"Data: random {r['dim']}-d points (Cosine), payload `{{\"i\": n}}`, batches of 100, `wait=true`: "
      f"{r.get('write_points', r['points'])} per write run (after one unrecorded warm-up run), {r['points']} in the "
      "search collection (searched after an unrecorded 10 s warm-up).\n")
if r["writes"]:
    print(f"## Write throughput by replication factor\n\n3 shards, {r['writers']} writer threads alternating "
          "peers 1 and 2; runs in the order listed.\n")
    print("| replication_factor | points/s | errors | load avg (1/5/15) |\n|---|---|---|---|")
    for w in r["writes"]:
        print(f"| {w['replication_factor']} | {w['points_s']} | {w['errors']} | {' '.join(w['load'])} |")
print(f"\n## Search latency, 6 shards x 2 replicas, {r['clients']} clients alternating peers 1 and 2\n")
slow = ("frozen (SIGSTOP for the whole phase)" if r.get("fault", "stop") == "stop" else
        f"pulsed (SIGSTOP {r['pulse_stop_ms']} ms, SIGCONT {r['pulse_run_ms']} ms, in turn, for the whole phase)")
print("Peer 3 holds one replica of 4 of the 6 shards. From peer 1 or 2, 2 of the 6 shards have no local "
      f"replica, so a query reads them remotely; with peer 3 {slow} each of those reads has a 50% chance "
      "(replicas are asked in random order) of asking peer 3's replica first. Every window ends when "
      "its last request is answered (client timeout 60 s, counted as an error).\n")
print("| phase | read fan-out | requests | errors | req/s | p50 ms | p99 ms | max ms | load avg |\n|---|---|---|---|---|---|---|---|---|")
f = lambda v: "-" if v is None else f"{v:.0f}"
for t in r["tail"]:
    print(f"| {t['phase']} | {t['config']} | {t['requests']} | {t['errors']} | {t['req_s']} | {f(t['p50_ms'])} | "
          f"{f(t['p99_ms'])} | {f(t['max_ms'])} | {' '.join(t['load'])} |")
if "states_after" in r:
    print(f"\nReplica states peer 1 reports at the end of the slow phase (all 12 replicas): {r['states_after']}")
samples = [e for t in r["tail"] for e in t["error_sample"]]
if samples:
    print("\nError samples: " + "; ".join(f"`{s}`" for s in samples[:4]))
PY
  echo "bench cluster-tail: wrote bench/results/$out.md and $out.json" >&2
}
