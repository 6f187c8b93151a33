package io.sextant.bench.load;

import io.sextant.bench.http.HttpBench;
import io.sextant.bench.load.LoadBench.Outcome;
import io.sextant.bench.load.LoadBench.Plan;
import io.sextant.bench.load.LoadBench.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Writes a {@link LoadBench} run: {@code <out>.md} (settings, totals, verification, the resource
 * verdicts and a per-sample table), {@code <out>.csv} (one row per resource sample with the
 * requests of the interval before it), {@code <out>-10s.csv} (10 s windows) and {@code <out>.png}
 * ({@link ResourcePlot}). Stateless; not thread-safe only in that two runs must not share an
 * {@code out} name.
 */
final class LoadReport {
    static final long WINDOW_NANOS = 10_000_000_000L;
    private static final double MIB = 1.0 / (1 << 20);

    /** Requests scheduled in one time interval: counts and latency percentiles in ms. */
    record Window(long requests, long errors, double readP50, double readP99, double writeP50, double writeP99) {
        String csv() {
            return String.format(
                    Locale.ROOT, "%d,%d,%.2f,%.2f,%.2f,%.2f", requests, errors, readP50, readP99, writeP50, writeP99);
        }
    }

    private LoadReport() {}

    static void write(Plan plan, Outcome o, Path serverLog) throws IOException {
        List<Sample> all = o.requests();
        Files.createDirectories(plan.results());
        StringBuilder windows =
                new StringBuilder("window_start_s,requests,errors,read_p50_ms,read_p99_ms,write_p50_ms,write_p99_ms\n");
        for (long w = 0; w * WINDOW_NANOS < plan.duration() * 1_000_000_000L; w++) {
            windows.append(w * 10)
                    .append(',')
                    .append(window(all, w * WINDOW_NANOS, (w + 1) * WINDOW_NANOS)
                            .csv())
                    .append('\n');
        }
        Files.writeString(plan.results().resolve(plan.out() + "-10s.csv"), windows);

        List<ResourceSample> res = o.resources();
        long sampleNanos = plan.sampleSeconds() * 1_000_000_000L;
        StringBuilder csv = new StringBuilder(
                ResourceSample.CSV_HEADER + ",requests,errors,read_p50_ms,read_p99_ms,write_p50_ms,write_p99_ms\n");
        for (ResourceSample s : res) {
            long to = s.atSeconds() * 1_000_000_000L;
            csv.append(s.csv())
                    .append(',')
                    .append(window(all, to - sampleNanos, to).csv())
                    .append('\n');
        }
        Files.writeString(plan.results().resolve(plan.out() + ".csv"), csv);

        List<Trend> trends = trends(res, plan.duration());
        String md = markdown(plan, o, trends, serverLog);
        Files.writeString(plan.results().resolve(plan.out() + ".md"), md);
        if (res.size() >= 2) {
            ResourcePlot.write(
                    res,
                    String.format(
                            Locale.ROOT,
                            "Sextant server under %d req/s (80/20 read/write) for %d min: resources",
                            plan.rate(),
                            plan.duration() / 60),
                    plan.results().resolve(plan.out() + ".png"));
        }
        System.out.print(md);
    }

    /**
     * The resource verdicts: first and last window = min(10 min, a third of the run). Tolerances:
     * heap after GC 10 % or 32 MB, RSS (and RSS minus committed heap) 10 % or 64 MB, threads 10 % or 4,
     * descriptors (all, and all but sockets) 10 % or 16,
     * mappings 10 % or 64, storage 25 % or 16 MB (whichever is larger).
     */
    static List<Trend> trends(List<ResourceSample> res, int durationSeconds) {
        long window = Math.max(1, Math.min(600, durationSeconds / 3));
        return List.of(
                Trend.of("heap after GC (MB)", res, ResourceSample::heapAfterGc, MIB, window, 0.10, 32),
                Trend.of("RSS (MB)", res, ResourceSample::rss, MIB, window, 0.10, 64),
                Trend.of("RSS minus committed heap (MB)", res, ResourceSample::offHeapRss, MIB, window, 0.10, 64),
                Trend.of("threads", res, ResourceSample::threads, 1, window, 0.10, 4),
                Trend.of("open file descriptors", res, ResourceSample::fds, 1, window, 0.10, 16),
                Trend.of("open fds except sockets", res, ResourceSample::nonSocketFds, 1, window, 0.10, 16),
                Trend.of("memory mappings", res, ResourceSample::maps, 1, window, 0.10, 64),
                Trend.of("storage (MB)", res, ResourceSample::storage, MIB, window, 0.25, 16));
    }

    private static String markdown(Plan plan, Outcome o, List<Trend> trends, Path serverLog) {
        List<Sample> all = o.requests();
        double[] reads = ms(all, false);
        double[] writes = ms(all, true);
        List<ResourceSample> res = o.resources();
        boolean flat = !res.isEmpty() && trends.stream().allMatch(Trend::flat);
        StringBuilder md = new StringBuilder();
        md.append("# Load test: fixed-rate 80/20 read/write over HTTP, server resources sampled\n\n");
        md.append(String.format(
                Locale.ROOT,
                "**Verdict: %s** (%d errors, %d warm-up errors, %d acknowledged writes missing, %d stale, resources %s)%n%n",
                o.passed() && flat ? "PASS" : "FAIL",
                o.errors().size(),
                o.warmupErrors(),
                o.missing(),
                o.stale(),
                res.isEmpty() ? "not sampled" : flat ? "flat" : "NOT flat"));
        md.append("Command: `").append(plan.command()).append("`  \n");
        md.append("Server: ")
                .append(plan.serverCmd() == null ? "external" : "`" + plan.serverCmd() + "`")
                .append(" on loopback, pid ")
                .append(o.serverPid())
                .append(", log `")
                .append(serverLog)
                .append("`, `SEXTANT_JAVA_OPTS`=`")
                .append(System.getenv().getOrDefault("SEXTANT_JAVA_OPTS", ""))
                .append("`  \n");
        md.append("Started: ")
                .append(o.startedAt())
                .append(", machine: ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, load average at end ")
                .append(ProcessSampler.loadAverage())
                .append("  \n");
        md.append(String.format(
                Locale.ROOT,
                "Collection: %d preloaded points, dim %d, Cosine, integer payload index on `group`%s.%n%n",
                plan.preload(),
                plan.dim(),
                (plan.indexingThresholdKb() >= 0 ? ", `indexing_threshold` " + plan.indexingThresholdKb() + " KB" : "")
                        + (plan.walCapacityMb() > 0 ? ", `wal_capacity_mb` " + plan.walCapacityMb() : "")));
        md.append("Reads: `POST /points/query` top-10 with a random vector (25 % with a `group` filter). Writes: ")
                .append(
                        plan.overwrite()
                                ? "one-point upsert, `wait=true`, overwriting the preloaded ids round-robin with a version"
                                        + " `v` in the payload (the live data stays the same size).\n"
                                : "one-point upsert of a new id, `wait=true` (the collection grows).\n");
        md.append(String.format(
                Locale.ROOT,
                "Before the clock: the collection turned green (optimizer idle) %.1f s after the preload, then %d"
                        + " sequential warm-up queries (not timed; %d errors).%n",
                o.greenAfterSeconds(),
                plan.warmupRequests(),
                o.warmupErrors()));
        md.append("Open loop: requests are sent on schedule; latency counts from the scheduled send time.\n\n");
        md.append("| figure | value |\n| --- | --- |\n");
        row(md, "target rate", "%d req/s for %d s", plan.rate(), plan.duration());
        row(
                md,
                "achieved rate",
                "%.1f req/s (%d requests in %.1f s)",
                all.size() / o.elapsedSeconds(),
                all.size(),
                o.elapsedSeconds());
        row(md, "reads", "%d, %s", reads.length, latencies(reads));
        row(md, "writes", "%d, %s", writes.length, latencies(writes));
        row(md, "errors", "%d", o.errors().size());
        row(md, "acknowledged writes", "%d", o.ackedWrites());
        row(md, "points at the end (exact count)", "%d (expected %d)", o.count(), o.expectedCount());
        row(md, "acknowledged ids not found", "%d", o.missing());
        row(md, "acknowledged ids with an older version", "%d", o.stale());
        if (!o.errors().isEmpty()) {
            md.append("\nFirst errors:\n\n");
            o.errors().stream().limit(10).forEach(e -> md.append("- `")
                    .append(e.length() > 200 ? e.substring(0, 200) : e)
                    .append("`\n"));
        }
        if (!res.isEmpty()) {
            resources(md, plan, all, res, trends);
        }
        md.append(String.format(
                Locale.ROOT,
                "%nFiles: `%1$s.csv` (per sample, with the requests of the interval before it), `%1$s-10s.csv`"
                        + " (10 s windows), `%1$s.png` (plot), `%1$s-diagnostics-start.txt` and"
                        + " `%1$s-diagnostics-end.txt` (class histogram and native memory at the start and end).%n",
                plan.out()));
        return md.toString();
    }

    private static void resources(
            StringBuilder md, Plan plan, List<Sample> requests, List<ResourceSample> res, List<Trend> trends) {
        long window = Math.max(1, Math.min(600, plan.duration() / 3));
        double minLoad = res.stream()
                .mapToDouble(ResourceSample::loadAverage)
                .filter(v -> v >= 0)
                .min()
                .orElse(-1);
        double maxLoad =
                res.stream().mapToDouble(ResourceSample::loadAverage).max().orElse(-1);
        md.append(String.format(
                Locale.ROOT,
                "%n## Server resources%n%nSampled every %d s (t = 0 is just before the first request): heap in use"
                        + " before and after a forced full GC (`jcmd <pid> GC.heap_info; GC.run; GC.heap_info`), RSS"
                        + " and threads from `/proc/<pid>/status`, descriptors from `/proc/<pid>/fd`, mappings from"
                        + " `/proc/<pid>/maps`, storage = bytes of the files under `%s`. One-minute load average of"
                        + " the machine at the samples: %.1f-%.1f on %d cores (shared with other agents' builds and"
                        + " tests).%n%n",
                plan.sampleSeconds(),
                plan.storage(),
                minLoad,
                maxLoad,
                Runtime.getRuntime().availableProcessors()));
        md.append(String.format(
                Locale.ROOT,
                "Verdict per resource: average of the first %d s of load (0 < t <= %1$d) against the last %1$d s,"
                        + " and the least-squares slope per hour over the whole load and after the first window"
                        + " (warm-up excluded). **flat** when the growth first-to-last and the after-warm-up slope per"
                        + " hour are both within the tolerance (the larger of a share of the first average and an"
                        + " absolute amount, below).%n%n",
                window));
        md.append("| resource | first avg | last avg | change | slope/h (all) | slope/h (after first window) | "
                + "tolerance | verdict |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (Trend t : trends) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %.1f | %.1f | %+.1f | %+.1f | %+.1f | %.1f | %s |%n",
                    t.name(),
                    t.firstAvg(),
                    t.lastAvg(),
                    t.lastAvg() - t.firstAvg(),
                    t.slopePerHour(),
                    t.slopeAfterWarmupPerHour(),
                    t.tolerance(),
                    t.flat() ? "flat" : "**GROWS**"));
        }
        md.append("\nTolerances: heap after GC 10 % or 32 MB, RSS and RSS minus committed heap 10 % or 64 MB,"
                + " threads 10 % or 4, descriptors 10 % or 16, mappings 10 % or 64, storage 25 % or 16 MB. RSS"
                + " follows the committed heap, which the collector grows and shrinks on its own; RSS minus committed"
                + " heap is the native and mapped-file part. Socket descriptors follow the client's connection"
                + " pool (open loop: one connection per request in flight), so descriptors are also judged"
                + " without them.\n\n");
        md.append("| t (min) | requests | errors | read p50/p99 ms | write p50/p99 ms | heap after GC MB | heap before"
                + " GC MB | RSS MB | threads | fds (sockets, deleted) | maps (deleted) | storage MB (files) | load"
                + " avg |\n");
        md.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        long sampleNanos = plan.sampleSeconds() * 1_000_000_000L;
        for (ResourceSample s : res) {
            long to = s.atSeconds() * 1_000_000_000L;
            Window w = window(requests, to - sampleNanos, to);
            md.append(String.format(
                    Locale.ROOT,
                    "| %.1f | %d | %d | %.1f / %.1f | %.1f / %.1f | %s | %s | %s | %d | %d (%d, %d) | %d (%d) | %s (%d)"
                            + " | %.1f |%n",
                    s.atSeconds() / 60.0,
                    w.requests(),
                    w.errors(),
                    w.readP50(),
                    w.readP99(),
                    w.writeP50(),
                    w.writeP99(),
                    ResourceSample.mb(s.heapAfterGc()),
                    ResourceSample.mb(s.heapBeforeGc()),
                    ResourceSample.mb(s.rss()),
                    s.threads(),
                    s.fds(),
                    s.socketFds(),
                    s.deletedFds(),
                    s.maps(),
                    s.deletedMaps(),
                    ResourceSample.mb(s.storage()),
                    s.storageFiles(),
                    s.loadAverage()));
        }
    }

    /** The requests scheduled in [fromNanos, toNanos) of {@code sorted} (by scheduled time). */
    static Window window(List<Sample> sorted, long fromNanos, long toNanos) {
        List<Sample> in = sorted.stream()
                .filter(s -> s.scheduledNanos() >= fromNanos && s.scheduledNanos() < toNanos)
                .toList();
        double[] r = ms(in, false);
        double[] w = ms(in, true);
        return new Window(
                in.size(),
                in.stream().filter(s -> !s.ok()).count(),
                pct(r, 0.5),
                pct(r, 0.99),
                pct(w, 0.5),
                pct(w, 0.99));
    }

    private static void row(StringBuilder md, String figure, String format, Object... args) {
        md.append("| ")
                .append(figure)
                .append(" | ")
                .append(String.format(Locale.ROOT, format, args))
                .append(" |\n");
    }

    private static String latencies(double[] sorted) {
        return String.format(
                Locale.ROOT,
                "p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms",
                pct(sorted, 0.5),
                pct(sorted, 0.95),
                pct(sorted, 0.99),
                pct(sorted, 1.0));
    }

    static double[] ms(List<Sample> s, boolean write) {
        double[] v = s.stream()
                .filter(x -> x.write() == write)
                .mapToDouble(x -> x.latencyNanos() / 1e6)
                .toArray();
        Arrays.sort(v);
        return v;
    }

    /** Nearest-rank percentile of {@code sorted} ({@link HttpBench#percentile}); 0 when empty. */
    static double pct(double[] sorted, double q) {
        return sorted.length == 0 ? 0 : HttpBench.percentile(sorted, q);
    }
}
