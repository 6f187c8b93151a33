#!/usr/bin/env bash
# Resident memory of a server holding wordnet-bge384 (issue P12 item 6), sourced by bin/bench memory.
# Starts bin/sextant serve (the launcher's own JVM settings) on a fresh storage dir, samples the
# server's VmRSS every second through five phases and writes bench/results/<out>.{md,csv}:
#   ingest    sextant import of base.f16 + base.jsonl over REST (batch 256, 2 parallel uploads)
#   indexing  until the collection is green
#   settled   32 s without requests (no forced GC)
#   query     the REST query load of bin/bench http (--load false, 2 clients)
#   idle      N minutes without requests (ZGC gives memory back after ZUncommitDelay, 300 s)
# The collection's bytes on disk are `du -sb` of its directory once indexing is over.
run_memory() {
  cd "$ROOT"
  local http_port=26411 grpc_port=26412 storage="bench/work/memory-storage" idle_min=10 out="memory-wordnet-bge384"
  while [ $# -gt 0 ]; do
    case "$1" in
      --http-port) http_port="$2"; shift 2 ;;
      --grpc-port) grpc_port="$2"; shift 2 ;;
      --storage) storage="$2"; shift 2 ;;
      --idle-minutes) idle_min="$2"; shift 2 ;;
      --out) out="$2"; shift 2 ;;
      *) echo "bench memory: unknown option $1" >&2; return 2 ;;
    esac
  done
  local url="http://127.0.0.1:$http_port" data="$DATASETS/wordnet-bge384" work="bench/work/memory"
  rm -rf "$storage" "$work"; mkdir -p "$work" "$RESULTS"
  local phase_file="$work/phase" csv="$RESULTS/$out.csv" log="$work/server.log"
  echo "starting" > "$phase_file"
  bin/sextant --version >/dev/null # builds the server jar first when stale, so the start below is timed alone
  local load_before; load_before="$(cat /proc/loadavg)"
  SEXTANT__STORAGE__SNAPSHOTS_PATH="$storage/snapshots" bin/sextant serve --storage-path "$storage/data" \
    --http-port "$http_port" --grpc-port "$grpc_port" --host 127.0.0.1 > "$log" 2>&1 &
  local pid=$! sampler=""
  trap 'kill '"$pid"' 2>/dev/null || true; [ -z "$sampler" ] || kill $sampler 2>/dev/null || true' RETURN
  for _ in $(seq 1 300); do curl -sf -m 2 "$url/healthz" >/dev/null && break; sleep 1; done
  curl -sf -m 2 "$url/healthz" >/dev/null || { echo "bench memory: server did not start (see $log)" >&2; return 1; }
  local t0; t0=$(date +%s.%N)
  echo "seconds,phase,rss_mb" > "$csv"
  ( while kill -0 "$pid" 2>/dev/null; do
      rss=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0)
      printf '%.1f,%s,%.1f\n' "$(echo "$(date +%s.%N) - $t0" | bc)" "$(cat "$phase_file")" "$(echo "$rss / 1024" | bc -l)" >> "$csv"
      sleep 1
    done ) &
  local sampler=$!
  heap() { "$JAVA_HOME/bin/jcmd" "$pid" GC.heap_info 2>/dev/null | grep -m1 -E 'used|ZHeap' | sed 's/^ *//' || echo unknown; }
  echo ingest > "$phase_file"
  local ts; ts=$(date +%s.%N)
  bin/sextant import "$data/base.f16" --format f16 --dim 384 --payload-file "$data/base.jsonl" \
    -c bench --create --distance Cosine --url "$url" --batch 256 --parallel 2 --checkpoint "$work/import.cp" > "$work/import.log" 2>&1
  local ingest_s; ingest_s=$(echo "$(date +%s.%N) - $ts" | bc)
  local heap_ingest; heap_ingest="$(heap)"
  echo indexing > "$phase_file"
  ts=$(date +%s.%N)
  while ! curl -sf "$url/collections/bench" | grep -q '"status":"green"'; do
    kill -0 "$pid" 2>/dev/null || { echo "bench memory: the server died while indexing (see $log)" >&2; return 1; }
    sleep 1
  done
  local green_s; green_s=$(echo "$(date +%s.%N) - $ts" | bc)
  local disk; disk=$(du -sb "$storage/data/collections/bench" | cut -f1)
  # no forced GC: what a deployment sees is what the launcher's periodic GC (every 15 s when idle) gives back
  echo settled > "$phase_file"; sleep 32
  local heap_settled; heap_settled="$(heap)"
  echo query > "$phase_file"
  SEXTANT_DATASETS="$DATASETS" "$JAVA" $JVM_ARGS -cp "$JAR" io.sextant.bench.http.HttpBench --url "$url" \
    --collection bench --load false --clients 2 --rounds 3 --ef 64 --results "$work/http" > "$work/http.log" 2>&1 || true
  local heap_query; heap_query="$(heap)"
  echo idle > "$phase_file"; sleep $((idle_min * 60))
  local heap_idle; heap_idle="$(heap)"
  echo done > "$phase_file"; sleep 2
  kill "$sampler" 2>/dev/null; kill "$pid"; wait "$pid" 2>/dev/null || true
  python3 - "$csv" "$RESULTS/$out.md" "$disk" "$ingest_s" "$green_s" "$load_before" "$(cat /proc/loadavg)" \
    "$idle_min" "$heap_ingest" "$heap_settled" "$heap_query" "$heap_idle" "$(tail -1 "$work/import.log")" <<'PY'
import csv, os, sys
(csv_path, md, disk, ingest_s, green_s, load_before, load_after, idle_min,
 h_ingest, h_settled, h_query, h_idle, import_line) = sys.argv[1:]
disk_mb = int(disk) / 1e6
rows = list(csv.DictReader(open(csv_path)))
phases = ["ingest", "indexing", "settled", "query", "idle"]
out = ["# Resident memory of the server holding wordnet-bge384", "",
       "Command: `bin/bench memory --idle-minutes %s`" % idle_min, "",
       "Server started by `bin/sextant serve` with the launcher's JVM defaults (see bin/sextant) plus SEXTANT_JAVA_OPTS=`%s`; VmRSS of the"
       % os.environ.get("SEXTANT_JAVA_OPTS", ""),
       "server process sampled every second (`%s`). Collection bytes on disk after indexing (`du -sb` of the"
       % csv_path.split("/")[-1],
       "collection directory): **%.1f MB**." % disk_mb, "",
       "| phase | seconds | RSS min (MB) | RSS peak (MB) | RSS at end (MB) | end / disk bytes |",
       "|---|---:|---:|---:|---:|---:|"]
for p in phases:
    r = [row for row in rows if row["phase"] == p]
    if not r:
        continue
    v = [float(x["rss_mb"]) for x in r]
    secs = float(r[-1]["seconds"]) - float(r[0]["seconds"])
    out.append("| %s | %.0f | %.0f | %.0f | %.0f | %.2fx |" % (p, secs, min(v), max(v), v[-1], v[-1] / disk_mb))
out += ["", "- import: %s (ingest phase %.1f s); time from the import's end to status green: %.1f s"
        % (import_line, float(ingest_s), float(green_s)),
        "- heap (jcmd GC.heap_info, first line): after ingest `%s`; settled (32 s without requests, no forced GC) `%s`; after the query load `%s`; after the idle minutes `%s`"
        % (h_ingest, h_settled, h_query, h_idle),
        "- load average before: %s; after: %s" % (load_before, load_after), ""]
open(md, "w").write("\n".join(out))
print("\n".join(out))
PY
}
