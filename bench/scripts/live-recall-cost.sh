#!/usr/bin/env bash
# CPU cost of live-recall sampling (issue P13 item 1), sourced by bin/bench live-recall-cost.
# Loads wordnet-bge384 once (sextant import over gRPC), then for each sample rate restarts the server
# on the same storage with SEXTANT__QUALITY__LIVE_RECALL__SAMPLE_RATE set (cpu_budget at its default,
# 5 % of a core) and runs bin/bench http's query load (2 clients, hnsw_ef 64, 3 rounds of the 1,000
# queries, after a warm-up), recording requests/s, p50/p99, and the server process's CPU seconds
# (utime + stime from /proc) per 1,000 queries; the rate-0 setting runs first and last to show drift.
# Writes bench/results/<out>.md.
run_live_recall_cost() {
  cd "$ROOT"
  local http_port=26431 grpc_port=26432 storage="bench/work/lrcost-storage" out="live-recall-cost" rates="0,0.01,0.1,1,0"
  while [ $# -gt 0 ]; do
    case "$1" in
      --rates) rates="$2"; shift 2 ;;
      --out) out="$2"; shift 2 ;;
      *) echo "bench live-recall-cost: unknown option $1" >&2; return 2 ;;
    esac
  done
  local url="http://127.0.0.1:$http_port" data="$DATASETS/wordnet-bge384" work="bench/work/lrcost"
  rm -rf "$storage" "$work"; mkdir -p "$work" "$RESULTS"
  local pid=""
  trap '[ -n "$pid" ] && kill $pid 2>/dev/null || true' RETURN
  start() {
    SEXTANT__QUALITY__LIVE_RECALL__SAMPLE_RATE="$1" SEXTANT__STORAGE__SNAPSHOTS_PATH="$storage/snapshots" \
      bin/sextant serve --storage-path "$storage/data" --http-port "$http_port" --grpc-port "$grpc_port" \
      --host 127.0.0.1 >> "$work/server.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 300); do curl -sf -m 2 "$url/healthz" >/dev/null && return 0; sleep 1; done
    echo "bench live-recall-cost: server did not start" >&2; return 1
  }
  cpu_s() { awk '{print ($14 + $15) / 100}' "/proc/$pid/stat"; }
  start 0
  bin/sextant import "$data/base.f16" --format f16 --dim 384 --payload-file "$data/base.jsonl" -c bench --create \
    --url "$url" --transport grpc --grpc-port "$grpc_port" --parallel 4 --checkpoint "$work/import.cp" > "$work/import.log" 2>&1 \
    || { echo "bench live-recall-cost: import failed (see $work/import.log)" >&2; return 1; }
  while ! curl -sf "$url/collections/bench" | grep -q '"status":"green"'; do sleep 1; done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  local rows="" rate
  for rate in ${rates//,/ }; do
    start "$rate"
    local c0; c0=$(cpu_s)
    SEXTANT_DATASETS="$DATASETS" "$JAVA" $JVM_ARGS -cp "$JAR" io.sextant.bench.http.HttpBench --url "$url" \
      --collection bench --load false --clients 2 --rounds 3 --ef 64 --results "$work/r-$rate" > "$work/http-$rate.log" 2>&1
    local c1; c1=$(cpu_s)
    local md="$work/r-$rate/http-wordnet-bge384.md"
    local rps p; rps=$(grep -m1 'requests/s' "$md" | grep -oE '[0-9]+' | tail -1)
    p=$(grep -m1 'p50 / p95 / p99' "$md" | sed -E 's/.*: ([0-9.]+) \/ [0-9.]+ \/ ([0-9.]+) ms.*/\1 \/ \2/')
    local q; q=$(curl -sf "$url/collections/bench/quality")
    local samples recall dropped
    samples=$(echo "$q" | python3 -c 'import json,sys; v=json.load(sys.stdin)["result"]["live_recall"]; print(sum(x["total"] for x in v["vectors"].values()))')
    recall=$(echo "$q" | python3 -c 'import json,sys; v=json.load(sys.stdin)["result"]["live_recall"]["vectors"]; print("%.4f" % v[""]["recall"] if "" in v and v[""]["recall"] is not None else "-")')
    dropped=$(echo "$q" | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["live_recall"]["dropped_for_budget"])')
    # the exact re-runs' own thread CPU time (this server process only: it started for this row)
    local scpu; scpu=$(echo "$q" | python3 -c 'import json,sys; print("%.3f" % json.load(sys.stdin)["result"]["live_recall"]["sampling_cpu_seconds"])')
    local share; share=$(echo "scale=2; $scpu * 100 / ($c1 - $c0)" | bc)
    # warm-up (1,000) + 3 rounds (3,000) queries went to the server
    local per1k; per1k=$(echo "scale=3; ($c1 - $c0) * 1000 / 4000" | bc)
    rows+="| $rate | $rps | $p | $per1k | $scpu ($share %) | $samples | $dropped | $recall | $(cut -d' ' -f1-3 /proc/loadavg) |"$'\n'
    echo "bench live-recall-cost: rate $rate: $rps req/s, p50/p99 $p ms, $per1k CPU s per 1,000 queries, $samples samples" >&2
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  done
  {
    echo "# CPU cost of live-recall sampling on wordnet-bge384"
    echo
    echo "Command: \`bin/bench live-recall-cost\` (bench/scripts/live-recall-cost.sh), $(date -u +%F), commit $(git rev-parse --short HEAD)."
    echo "One server per row (bin/sextant serve, same storage), quality.live_recall.sample_rate as given, cpu_budget at"
    echo "its default (0.05 of one core); query load of bin/bench http: 2 clients, hnsw_ef 64, 1,000-query warm-up + 3"
    echo "rounds. CPU = server process utime+stime over the warm-up and rounds, per 1,000 queries. Samples = exact re-runs"
    echo "taken (all rounds); dropped = samples refused by the CPU budget or the full queue. Sampling CPU = the exact"
    echo "re-runs' own thread CPU time (sextant_quality_sampling_cpu_seconds_total, this server process), and its share of"
    echo "the server's CPU over the row."
    echo
    echo "| sample_rate | requests/s | p50 / p99 (ms) | server CPU s per 1,000 queries | sampling CPU s (share) | samples | dropped for budget | live recall@10 | load avg after |"
    echo "|---:|---:|---|---:|---:|---:|---:|---:|---|"
    printf '%s' "$rows"
  } > "$RESULTS/$out.md"
  cat "$RESULTS/$out.md"
}
