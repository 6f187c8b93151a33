#!/usr/bin/env bash
# Vectors that outgrow RAM (issue P12 item 5), sourced by bin/bench memory-limit.
# wordnet-bge384 in a collection whose float32 vectors are on disk (on_disk: true) while the int8
# codes (always_ram) and the graph (hnsw_config.on_disk: false) stay in RAM; searches rescore on the
# floats. Four server runs, same storage, launcher defaults (bin/sextant), one client:
#   free       unconstrained, after loading: req/s, p50/p90/p99, recall@10 (warm)
#   free-cold  unconstrained restart after dropping the page cache: the first N queries, then warm
#   limit-cold in a cgroup v1 memory cgroup of --limit-mb (default: what the codes, graph and the
#              process itself need plus a quarter of the float file, so the floats cannot all stay
#              cached) after dropping the page cache: the first N queries, then the same measure
# The cgroup's peak usage and failcnt and fincore's view of the float file are recorded.
# Writes bench/results/<out>.{md,json}. Needs root (cgroup, drop_caches).
run_memory_limit() {
  cd "$ROOT"
  local http_port=26431 grpc_port=26432 storage="bench/work/memlimit-storage" limit_mb=0 ef=64 rounds=3 n=1000
  local out="memory-limit-wordnet-bge384" load=true
  while [ $# -gt 0 ]; do
    case "$1" in
      --http-port) http_port="$2"; shift 2 ;;
      --grpc-port) grpc_port="$2"; shift 2 ;;
      --storage) storage="$2"; shift 2 ;;
      --limit-mb) limit_mb="$2"; shift 2 ;;
      --ef) ef="$2"; shift 2 ;;
      --rounds) rounds="$2"; shift 2 ;;
      --n) n="$2"; shift 2 ;;
      --load) load="$2"; shift 2 ;;
      --out) out="$2"; shift 2 ;;
      *) echo "bench memory-limit: unknown option $1" >&2; return 2 ;;
    esac
  done
  [ "$(id -u)" = 0 ] || { echo "bench memory-limit: needs root (cgroup v1 memory, drop_caches)" >&2; return 1; }
  local cg_root=/sys/fs/cgroup/memory
  [ -w "$cg_root" ] || { echo "bench memory-limit: $cg_root is not writable (no cgroup v1 memory controller)" >&2; return 1; }
  local url="http://127.0.0.1:$http_port" work="bench/work/memlimit" cg="$cg_root/sextant-memlimit-$$"
  mkdir -p "$work" "$RESULTS"
  local json="$work/steps.jsonl" log="$work/server.log"
  : > "$json"
  local load_before; load_before="$(cat /proc/loadavg)"
  local pid=""
  client() { # step name, extra flags
    local name="$1"; shift
    local line
    line="$(SEXTANT_DATASETS="$DATASETS" "$JAVA" "$JVM_ARGS" -cp "$JAR" io.sextant.bench.http.MemoryLimitBench \
      --url "$url" --ef "$ef" --rounds "$rounds" --n "$n" "$@" | tail -1)" || return 1
    printf '{"run":"%s","step":"%s","result":%s}\n' "$name" "$2" "$line" >> "$json"
  }
  start_server() { # cgroup dir or ""
    local into="$1"
    bash -c '[ -n "$1" ] && echo $$ > "$1/cgroup.procs"; shift; exec "$@"' _ "$into" \
      env SEXTANT__STORAGE__SNAPSHOTS_PATH="$storage/snapshots" bin/sextant serve --storage-path "$storage/data" \
      --http-port "$http_port" --grpc-port "$grpc_port" --host 127.0.0.1 >> "$log" 2>&1 &
    pid=$!
    for _ in $(seq 1 300); do curl -sf -m 2 "$url/healthz" >/dev/null && return 0; sleep 1; done
    echo "bench memory-limit: server did not start (see $log)" >&2; return 1
  }
  stop_server() {
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; pid=""
  }
  drop_caches() { sync; echo 3 > /proc/sys/vm/drop_caches; }
  rss_of() { awk -v k="$2:" '$1 == k {print $2 * 1024}' "/proc/$1/status" 2>/dev/null || echo 0; }
  trap 'stop_server; [ -d "'"$cg"'" ] && rmdir "'"$cg"'" 2>/dev/null || true' RETURN

  if [ "$load" = true ]; then
    rm -rf "$storage"
    start_server "" || return 1
    client free --step load || { stop_server; return 1; }
  else
    start_server "" || return 1
  fi
  client free --step measure || { stop_server; return 1; }
  stop_server

  # file sizes: float vectors (the largest files under the collection), codes and graph
  local coll="$storage/data/collections/bench"
  local disk; disk=$(du -sb "$coll" | cut -f1)
  local float_files; float_files="$(find "$coll" -type f -size +50M | sort)"
  local float_bytes=0 f
  for f in $float_files; do float_bytes=$((float_bytes + $(stat -c %s "$f"))); done

  drop_caches
  start_server "" || return 1
  client free-cold --step cold || { stop_server; return 1; }
  client free-cold --step measure || { stop_server; return 1; }
  local anon; anon=$(rss_of "$pid" RssAnon)
  local rss_free; rss_free=$(rss_of "$pid" VmRSS)
  local fincore_free; fincore_free="$(fincore -b $float_files 2>/dev/null | tail -n +2 | awk '{s += $1} END {print s + 0}')"
  stop_server

  if [ "$limit_mb" = 0 ]; then # the process's own memory + a quarter of the floats + 32 MB
    limit_mb=$(( (anon + float_bytes / 4) / 1048576 + 32 ))
  fi
  mkdir "$cg"
  echo $((limit_mb * 1048576)) > "$cg/memory.limit_in_bytes"
  [ -f "$cg/memory.memsw.limit_in_bytes" ] && echo $((limit_mb * 1048576)) > "$cg/memory.memsw.limit_in_bytes" 2>/dev/null
  drop_caches
  start_server "$cg" || return 1
  client limit-cold --step cold || { stop_server; return 1; }
  client limit-cold --step measure || { stop_server; return 1; }
  local rss_limit; rss_limit=$(rss_of "$pid" VmRSS)
  local fincore_limit; fincore_limit="$(fincore -b $float_files 2>/dev/null | tail -n +2 | awk '{s += $1} END {print s + 0}')"
  local peak failcnt; peak=$(cat "$cg/memory.max_usage_in_bytes"); failcnt=$(cat "$cg/memory.failcnt")
  local cgstat; cgstat="$(grep -E '^(cache|rss|mapped_file) ' "$cg/memory.stat" | tr '\n' ' ')"
  stop_server
  rmdir "$cg" 2>/dev/null || true

  python3 - "$json" "$RESULTS/$out.md" "$RESULTS/$out.json" "$disk" "$float_bytes" "$anon" "$rss_free" "$fincore_free" \
    "$limit_mb" "$rss_limit" "$fincore_limit" "$peak" "$failcnt" "$cgstat" "$load_before" "$(cat /proc/loadavg)" \
    "$ef" "$rounds" "$n" "bin/bench memory-limit${MEMLIMIT_ARGS:+ $MEMLIMIT_ARGS}" <<'PY'
import json, sys
(jpath, md, jout, disk, float_bytes, anon, rss_free, fin_free, limit_mb, rss_limit, fin_limit, peak, failcnt,
 cgstat, load_before, load_after, ef, rounds, n, command) = sys.argv[1:]
steps = [json.loads(l) for l in open(jpath) if l.strip()]
def get(run, step):
    for s in steps:
        if s["run"] == run and s["step"] == step:
            return s["result"]
    return None
mb = lambda b: int(b) / 1048576
out = ["# Vectors that outgrow RAM: wordnet-bge384 with float32 on disk, int8 codes and graph in RAM", "",
       "Command: `%s`" % command, "",
       "Collection: 115,659 x 384 Cosine, `on_disk: true` vectors, int8 scalar codes `always_ram: true`,"
       " `hnsw_config: {m: 16, ef_construct: 100, on_disk: false}`, `on_disk_payload: true`. Queries: the data"
       " set's 1,000, `hnsw_ef` %s, top 10, rescored on the float32 vectors (Sextant's default for int8), one"
       " client, closed loop; warm measures run 1 warm-up pass then %s passes." % (ef, rounds), "",
       "- collection on disk: %.1f MB, of which float32 vector files %.1f MB" % (mb(disk), mb(float_bytes)),
       "- unconstrained server after a restart and the query load: VmRSS %.1f MB, RssAnon %.1f MB; float file pages"
       " in the page cache %.1f MB" % (mb(rss_free), mb(anon), mb(fin_free or 0)),
       "- memory cgroup limit: **%s MB** (cgroup v1 `memory.limit_in_bytes`, no swap); peak usage %.1f MB,"
       " failcnt %s; VmRSS at the end %.1f MB; float file pages cached at the end %.1f MB; memory.stat: `%s`"
       % (limit_mb, mb(peak), failcnt, mb(rss_limit), mb(fin_limit or 0), cgstat.strip()), "",
       "| run | req/s | x free | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | p99/p50 | recall@10 | errors |",
       "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
free = get("free", "measure")
for run in ["free", "free-cold", "limit-cold"]:
    m = get(run, "measure")
    if not m:
        continue
    label = {"free": "unconstrained (after load)", "free-cold": "unconstrained (after restart)",
             "limit-cold": "memory-limited (after restart)"}[run]
    out.append("| %s | %.0f | %.2f | %.3f | %.3f | %.3f | %.1f | %.1f | %.4f | %d |" % (
        label, m["rps"], m["rps"] / free["rps"], m["p50"], m["p90"], m["p99"], m["max"],
        m["p99"] / max(m["p50"], 1e-9), m["recall"], m["errors"]))
out += ["", "## Cold start: the first %s queries after a start with an empty page cache" % n, "",
        "Latency per block of 100 queries, in order (ms: p50 / max of the block), and the whole curve's time.", "",
        "| queries | unconstrained | memory-limited |", "|---|---|---|"]
fc, lc = get("free-cold", "cold"), get("limit-cold", "cold")
def block(c, i):
    if not c:
        return "-"
    xs = sorted(c["latencies_ms"][i:i + 100])
    return "%.2f / %.1f" % (xs[len(xs) // 2], xs[-1]) if xs else "-"
for i in range(0, int(n), 100):
    out.append("| %d-%d | %s | %s |" % (i + 1, i + 100, block(fc, i), block(lc, i)))
for label, c in [("unconstrained", fc), ("memory-limited", lc)]:
    if c:
        out.append("")
        out.append("- %s: first query %.1f ms; first %s queries took %.2f s (p50 %.3f ms, p99 %.3f ms)"
                   % (label, c["latencies_ms"][0], n, c["total_s"], c["p50"], c["p99"]))
out += ["", "- load average before: %s; after: %s" % (load_before, load_after), ""]
open(md, "w").write("\n".join(out))
json.dump({"steps": steps, "limit_mb": int(limit_mb), "float_bytes": int(float_bytes), "disk": int(disk)}, open(jout, "w"))
print("\n".join(out))
PY
}
