#!/usr/bin/env bash
# Bulk ingestion of wordnet-bge384 (issue P12 item 7), sourced by bin/bench ingest.
# One server (bin/sextant serve, the launcher's defaults) on a fresh storage dir; for every transport
# (REST, gRPC), client count (sextant import --parallel N, batches of 256) and indexing mode it
# imports base.f16 + base.jsonl (115,659 points, 384 dims, payload) into a new collection and records:
#   points/s   the import's own figure (all batches acknowledged with wait=true)
#   to green   seconds from the import's end until the collection reports status green (indexed)
# Modes: "indexing on": the collection's default optimizers (indexing while ingesting);
# "deferred": created with optimizers_config.indexing_threshold 0 (no indexing during the upload),
# then PATCHed back to the default threshold (10000 KB) when the import ends, as Qdrant's bulk-upload
# guide advises. Writes bench/results/<out>.{md,csv}.
run_ingest() {
  cd "$ROOT"
  local http_port=26421 grpc_port=26422 storage="bench/work/ingest-storage" out="ingest-wordnet-bge384"
  local transports="rest,grpc" clients="1,4,8" modes="on,deferred"
  while [ $# -gt 0 ]; do
    case "$1" in
      --http-port) http_port="$2"; shift 2 ;;
      --grpc-port) grpc_port="$2"; shift 2 ;;
      --storage) storage="$2"; shift 2 ;;
      --transports) transports="$2"; shift 2 ;;
      --clients) clients="$2"; shift 2 ;;
      --modes) modes="$2"; shift 2 ;;
      --out) out="$2"; shift 2 ;;
      *) echo "bench ingest: unknown option $1" >&2; return 2 ;;
    esac
  done
  local url="http://127.0.0.1:$http_port" data="$DATASETS/wordnet-bge384" work="bench/work/ingest"
  rm -rf "$storage" "$work"; mkdir -p "$work" "$RESULTS"
  local log="$work/server.log" csv="$RESULTS/$out.csv"
  SEXTANT__STORAGE__SNAPSHOTS_PATH="$storage/snapshots" bin/sextant serve --storage-path "$storage/data" \
    --http-port "$http_port" --grpc-port "$grpc_port" --host 127.0.0.1 > "$log" 2>&1 &
  local pid=$!
  trap 'kill '"$pid"' 2>/dev/null || true' RETURN
  for _ in $(seq 1 300); do curl -sf -m 2 "$url/healthz" >/dev/null && break; sleep 1; done
  curl -sf -m 2 "$url/healthz" >/dev/null || { echo "bench ingest: server did not start (see $log)" >&2; return 1; }
  echo "transport,clients,mode,points,import_s,points_per_s,to_green_s,load_before" > "$csv"
  local t c m n=0
  for t in ${transports//,/ }; do
    for c in ${clients//,/ }; do
      for m in ${modes//,/ }; do
        n=$((n + 1))
        local col="ingest_${t}_${c}_${m}" body='{"vectors":{"size":384,"distance":"Cosine"}}'
        [ "$m" = deferred ] && body='{"vectors":{"size":384,"distance":"Cosine"},"optimizers_config":{"indexing_threshold":0}}'
        curl -sf -X PUT "$url/collections/$col" -H 'Content-Type: application/json' -d "$body" >/dev/null \
          || { echo "bench ingest: cannot create $col" >&2; return 1; }
        local load; load="$(cut -d' ' -f1-3 /proc/loadavg)"
        local ts; ts=$(date +%s.%N)
        bin/sextant import "$data/base.f16" --format f16 --dim 384 --payload-file "$data/base.jsonl" \
          -c "$col" --url "$url" --transport "$t" --grpc-port "$grpc_port" --batch 256 --parallel "$c" \
          --checkpoint "$work/$col.cp" > "$work/$col.log" 2>&1 \
          || { echo "bench ingest: import into $col failed (see $work/$col.log)" >&2; return 1; }
        local import_s; import_s=$(echo "$(date +%s.%N) - $ts" | bc)
        local line; line="$(grep '^imported' "$work/$col.log" | tail -1)"
        local pts pps
        pts=$(echo "$line" | sed -E 's/^imported ([0-9,]+) points.*/\1/' | tr -d ,)
        pps=$(echo "$line" | sed -E 's/.*\(([0-9,]+) points\/s\).*/\1/' | tr -d ,)
        ts=$(date +%s.%N)
        if [ "$m" = deferred ]; then
          curl -sf -X PATCH "$url/collections/$col" -H 'Content-Type: application/json' \
            -d '{"optimizers_config":{"indexing_threshold":10000}}' >/dev/null
        fi
        while ! curl -sf "$url/collections/$col" | grep -q '"status":"green"'; do
          kill -0 "$pid" 2>/dev/null || { echo "bench ingest: the server died (see $log)" >&2; return 1; }
          sleep 0.5
        done
        local green_s; green_s=$(echo "$(date +%s.%N) - $ts" | bc)
        echo "$t,$c,$m,$pts,$import_s,$pps,$green_s,$load" >> "$csv"
        printf 'bench ingest: %-5s %d client(s) %-8s %s points/s, green %.1f s after the import\n' \
          "$t" "$c" "$m" "$pps" "$green_s" >&2
        curl -sf -X DELETE "$url/collections/$col" >/dev/null
      done
    done
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  python3 - "$csv" "$RESULTS/$out.md" "$(nproc)" <<'PY'
import csv, sys
csv_path, md, cores = sys.argv[1:]
rows = list(csv.DictReader(open(csv_path)))
out = ["# Bulk ingestion of wordnet-bge384 (115,659 points, 384 dims, payload)", "",
       "Command: `bin/bench ingest` (bench/scripts/ingest.sh). One server (`bin/sextant serve`, launcher defaults) on",
       "this %s-core machine; each row imports `base.f16` + `base.jsonl` with `bin/sextant import` (batches of 256," % cores,
       "`wait=true`, N batches in flight) into a new collection, then waits for status green.",
       "`deferred` = created with `indexing_threshold: 0`, PATCHed to 10000 KB when the import ends.", "",
       "| transport | clients | indexing | points/s | import (s) | to green after import (s) | total to green (s) | load avg at start |",
       "|---|---:|---|---:|---:|---:|---:|---|"]
for r in rows:
    total = float(r["import_s"]) + float(r["to_green_s"])
    out.append("| %s | %s | %s | %s | %.1f | %.1f | %.1f | %s |" % (
        r["transport"], r["clients"], "on" if r["mode"] == "on" else "deferred",
        "{:,}".format(int(r["points_per_s"])), float(r["import_s"]), float(r["to_green_s"]), total, r["load_before"]))
out.append("")
open(md, "w").write("\n".join(out))
print("\n".join(out))
PY
}
