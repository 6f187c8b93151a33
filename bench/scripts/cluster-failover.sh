#!/usr/bin/env bash
# Failover under load on a local 3-peer cluster (issue 17, P10), sourced by bin/bench cluster-failover.
# For each --fault (kill, stop, partition; comma-separated) it starts bin/sextant cluster up 3 on --port
# (REST of peer i on port+3(i-1)) with storage under --dir (partition: the same layout started here,
# peers 1 and 2 on the host end of a veth pair, peer 3 inside network namespace sxfo3 on its other
# end; needs root; the namespace is deleted on exit), runs bench/scripts/cluster_failover.py (80/20 REST
# load through peers 1 and 2, the fault on peer 3, checks of every acknowledged write, repair of peer
# 3 with the transfers' methods), stops the cluster, and writes bench/results/<out>.{md,json}.
# Three peers laid out as bin/cluster does, peers 1 and 2 bound to 10.231.0.1 (host end of veth
# sxfo-h), peer 3 inside namespace sxfo3 bound to 10.231.0.2 (veth sxfo-n); `ip link set sxfo-h down`
# then cuts peer 3 off without refusing connections.
partition_cluster_up() {
  local port="$1" dir="$2" i
  ip netns del sxfo3 2>/dev/null || true
  ip netns add sxfo3
  ip link add sxfo-h type veth peer name sxfo-n
  ip link set sxfo-n netns sxfo3
  ip addr add 10.231.0.1/24 dev sxfo-h
  ip link set sxfo-h up
  ip netns exec sxfo3 ip addr add 10.231.0.2/24 dev sxfo-n
  ip netns exec sxfo3 ip link set sxfo-n up
  ip netns exec sxfo3 ip link set lo up
  for i in 1 2 3; do
    local base=$((port + 3 * (i - 1))) peer="$dir/peer-$i" host=10.231.0.1 wrap=()
    local p2p=$((base + 2))
    [ "$i" = 3 ] && { host=10.231.0.2; wrap=(ip netns exec sxfo3); }
    mkdir -p "$peer"
    local args=(serve --storage-path "$peer/storage" --http-port "$base" --grpc-port $((base + 1)) --uri "http://$host:$p2p")
    [ "$i" != 1 ] && args+=(--bootstrap "http://10.231.0.1:$((port + 2))")
    local attempt _ up=""
    # a joining peer gives up when its first join call misses its deadline (a loaded machine):
    # start it again, with fresh storage, up to 3 times
    for attempt in 1 2 3; do
      rm -rf "$peer/storage"
      SEXTANT__CLUSTER__ENABLED=true SEXTANT__CLUSTER__P2P__PORT="$p2p" SEXTANT__SERVICE__HOST="$host" \
        SEXTANT__STORAGE__SNAPSHOTS_PATH="$peer/snapshots" \
        nohup "${wrap[@]}" "$ROOT/bin/sextant" "${args[@]}" >>"$peer/peer.log" 2>&1 &
      echo $! >"$peer/pid"
      for _ in $(seq 1 600); do
        curl -sf "http://$host:$base/readyz" >/dev/null 2>&1 && { up=1; break; }
        kill -0 "$(cat "$peer/pid")" 2>/dev/null || { echo "peer $i exited (attempt $attempt), see $peer/peer.log" >&2; break; }
        sleep 0.2
      done
      [ -n "$up" ] && break
    done
    [ -n "$up" ] || return 1
    echo "peer $i: REST http://$host:$base  p2p $p2p  (log $peer/peer.log)"
  done
}

run_cluster_failover() {
  cd "$ROOT"
  local port=27300 dir="/tmp/sextant-cluster-failover" out="cluster-failover" faults="kill,stop" extra=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --port) port="$2"; shift 2 ;;
      --dir) dir="$2"; shift 2 ;;
      --out) out="$2"; shift 2 ;;
      --fault) faults="$2"; shift 2 ;;
      *) extra+=("$1"); shift ;;
    esac
  done
  mkdir -p "$RESULTS"
  local runs=() fault
  trap '{ kill -CONT "$(cat "'"$dir"'/peer-3/pid" 2>/dev/null)" 2>/dev/null; bin/sextant cluster down --dir "'"$dir"'"; ip netns del sxfo3 2>/dev/null; } || true' RETURN
  for fault in ${faults//,/ }; do
    rm -rf "$dir"; mkdir -p "$dir"
    local hosts=()
    if [ "$fault" = partition ]; then
      partition_cluster_up "$port" "$dir" >&2 || { bin/sextant cluster down --dir "$dir"; ip netns del sxfo3; return 1; }
      hosts=(--host 10.231.0.1 --victim-host 10.231.0.2 --veth sxfo-h)
    else
      bin/sextant cluster up 3 --port "$port" --dir "$dir" >&2
    fi
    python3 bench/scripts/cluster_failover.py --port "$port" --dir "$dir" --root "$ROOT" --fault "$fault" \
      "${hosts[@]}" "${extra[@]}" > "$dir.$fault.json" || { bin/sextant cluster down --dir "$dir"; return 1; }
    kill -CONT "$(cat "$dir/peer-3/pid")" 2>/dev/null || true
    bin/sextant cluster down --dir "$dir"
    sleep 2
    ip netns del sxfo3 2>/dev/null || true
    runs+=("$dir.$fault.json")
  done
  python3 - "$RESULTS/$out.json" "bin/bench cluster-failover --port $port --dir $dir --fault $faults ${extra[*]}" \
    "${runs[@]}" > "$RESULTS/$out.md" <<'PY'
import json, sys
runs = [json.load(open(p)) for p in sys.argv[3:]]
json.dump(runs, open(sys.argv[1], "w"), indent=1)
r0 = runs[0]
print("# Cluster failover under load (kill -9, SIGSTOP or network partition of one peer)\n")
print(f"Command: `{sys.argv[2]}` (3 peers on loopback started by `bin/sextant cluster up 3`, the JVM "
      f"defaults of `bin/sextant`). **The machine is shared (2 cores, other agents' builds and tests "
      "running): latencies are noisy; the load averages are listed per run.**\n")
print(f"Collection: shard_number 6, replication_factor 2, write_consistency_factor 1, {r0['dim']}-d Cosine, "
      f"{r0['preload']} points preloaded. Load: {r0['threads']} client threads, 80 % reads (search limit 10 or "
      "retrieve of an own id), 20 % writes (`wait=true`, one point: 70 % new upsert, 20 % overwrite with a new "
      "version, 10 % delete), each thread sending to peers 1 and 2 in turn; the fault hits peer 3 (kill: SIGKILL, "
      "restarted after the load; stop: SIGSTOP, SIGCONT after the given seconds; partition: peer 3 runs in its own "
      "network namespace behind a veth pair whose host end is set down for the given seconds, so packets are "
      "dropped without any connection being refused, and peers 1 and 2 listen on the veth's host address), which holds "
      f"{r0['victim_replicas']} of the 12 replicas. Every acknowledged write is then read back by id "
      "(an acknowledged upsert must be there with its version, or with the version of a later write that "
      "got an error; an acknowledged delete must be gone).\n")
print("## Failover\n")
print("| fault | fault at s | writes | write errors | reads | read errors | first failed write after fault (s) | failover gap s (first failed → next successful write) | longest failure run (writes, s) | longest stall without a successful write after the fault (s) | write p50/p99/max ms during fault | load avg before / during |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
f = lambda v: "-" if v is None else str(v)
for r in runs:
    s = r["summary"]; d = s["writes_during_fault"]
    what = r["fault"] if r["fault"] == "kill" else f"{r['fault']} {r['stop_seconds']:.0f} s"
    print(f"| {what} | {r['fault_at_s']} | {s['writes']['count']} | {s['writes']['errors']} | {s['reads']['count']} | "
          f"{s['reads']['errors']} | {f(s['first_failed_write_s'])} | {f(s['failover_gap_s'])} | "
          f"{s['longest_failure_run']} ({s['longest_failure_run_s']}) | {f(s['longest_write_stall_after_fault_s'])} | "
          f"{f(d['p50_ms'])}/{f(d['p99_ms'])}/{f(d['max_ms'])} | {' '.join(r['load_before'])} / {' '.join(r['load_during'])} |")
print("\n## Acknowledged writes and repair\n")
print("| fault | acknowledged ids | problems after the load (peers 1, 2) | peer 3 ready after restart (s) | all its replicas Active after (s, from restart / SIGCONT or heal; polled during the load for stop and partition) | problems after repair (peers 1, 2, 3) | transfers to peer 3 (method: writes or points, ms from the round's first call to the peer, so including the wait until it answers) |")
print("|---|---|---|---|---|---|---|")
for r in runs:
    t = "; ".join(f"shard {x['shard_id']} {x['method']}: {x['items']}, {x['millis']} ms" + ("" if x["activated"] else " (not activated)") for x in sorted(r["transfers"], key=lambda x: x["finished_at_ms"]))
    what = r["fault"] if r["fault"] == "kill" else f"{r['fault']} {r['stop_seconds']:.0f} s"
    print(f"| {what} | {r['acked_ids']} | {', '.join(str(v) for v in r['problem_counts_after_load'].values())} | "
          f"{f(r['restart_ready_s'])} | {r['all_active_s']} | {', '.join(str(v) for v in r['problem_counts_after_repair'].values())} | {t or 'none'} |")
for r in runs:
    reasons = sorted({x.get("fallback_reason") for x in r["transfers"] if x.get("fallback_reason")})
    if reasons:
        print(f"\n{r['fault']}: why not wal_delta where streamed: " + "; ".join(f"`{x}`" for x in reasons))
    probs = [p for ps in list(r["problems_after_load"].values()) + list(r["problems_after_repair"].values()) for p in ps]
    if probs:
        print(f"\n**{r['fault']}: acknowledged writes not read back:** " + "; ".join(f"`{p}`" for p in probs[:6]))
    kinds = r["summary"]["error_kinds"]
    if kinds:
        print(f"\n{r['fault']}: errors by kind: " + "; ".join(f"`{k}` x{v}" for k, v in kinds.items()))
PY
  echo "bench cluster-failover: wrote bench/results/$out.md and $out.json" >&2
}
