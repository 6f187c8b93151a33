package io.sextant.bench.http;

import io.sextant.bench.http.ClosedLoop.Run;
import io.sextant.bench.multivector.MaxSimRecall;
import io.sextant.bench.multivector.MultiVectorDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bin/bench multivector}: multivector (late-interaction, {@code max_sim}) search over REST on
 * the wordnet-multivec data set ({@code bin/bench multivector-data}). Creates {@code {"vectors":
 * {"size":384,"distance":"Cosine","multivector_config":{"comparator":"max_sim"}}}} (default HNSW and
 * optimizer settings), upserts every base point as id = row with {@code "vector":[[..],[..],..]}
 * ({@code wait=true}), waits for green, then sends every query ({@code POST .../points/query {"query":
 * [[..],..],"limit":10,"params":{"hnsw_ef":E}}}, or {@code {"exact":true}} for the exact scan) from
 * 1 and 2 closed-loop clients. Reports queries/s, p50/p99 latency and recall@10 against the exact
 * max_sim truth ({@link MaxSimRecall}: ties by exact score from the stored vectors), and the speed-up
 * of each HNSW row over the exact scan at the same client count. The configurations alternate within
 * each round (order rotated per round) so load drift hits all of them. Writes {@code <out>.md} and
 * {@code <out>.csv}. A command-line tool; not thread-safe.
 *
 * <p>Flags: {@code [--data-dir bench/work/datasets/wordnet-multivec] [--url http://127.0.0.1:6333]
 * [--server-cmd "bin/sextant serve ..."] [--server-log F] [--collection bench_multivec] [--ef
 * 16,32,64,128,256] [--clients 1,2] [--rounds 1] [--warmup-rounds 1] [--exact true] [--batch 64]
 * [--load true] [--points N (first N base points; the truth is then recomputed exactly)] [--queries N]
 * [--results D] [--out multivector-wordnet] [--notes FILE] [--command "..."] [--m M] [--ef-construct E]
 * [--quantization none|int8|turbo4] [--oversampling X] [--single-segment true]}. {@code --single-segment} loads as Qdrant's docs
 * advise for bulk uploads: indexing off ({@code indexing_threshold: 0}) and {@code max_segment_size} above
 * the data while upserting, so every point lands in one segment, then a PATCH restores {@code
 * indexing_threshold} (10,000 KB) and that segment gets one graph. With {@code --m}/{@code --ef-construct} the collection gets that
 * {@code hnsw_config}; with a quantization its codes ({@code always_ram}) steer the graph search and
 * the HNSW queries ask for {@code rescore: true}, while the exact scan ignores the quantization
 * ({@code "quantization":{"ignore":true}}), so the baseline stays the exact max_sim over float32.
 */
public final class MultiVectorBench {
    static final String DATASET = "wordnet-multivec";
    /** The targets: recall@10 at least this through the HNSW ... */
    static final double TARGET_RECALL = 0.95;
    /** ... at a query rate at least this many times the exact scan's. */
    static final double TARGET_SPEEDUP = 10.0;

    /**
     * One measured configuration.
     *
     * @param ef hnsw_ef, or 0 for the exact scan
     * @param clients closed-loop clients
     */
    record Config(int ef, int clients) {
        boolean exact() {
            return ef == 0;
        }

        String label() {
            return exact() ? "exact scan" : "HNSW ef=" + ef;
        }
    }

    /** A configuration's merged runs and recall. */
    record Result(Config config, Run run, double recall) {}

    private MultiVectorBench() {}

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = HttpBench.parse(argv);
        Path dataDir = Path.of(a.getOrDefault("data-dir", "bench/work/datasets/" + DATASET));
        String url = a.getOrDefault("url", "http://127.0.0.1:6333");
        String collection = a.getOrDefault("collection", "bench_multivec");
        int[] efs = ints(a.getOrDefault("ef", "16,32,64,128,256"));
        int[] clients = ints(a.getOrDefault("clients", "1,2"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "1"));
        int warmupRounds = Integer.parseInt(a.getOrDefault("warmup-rounds", "1"));
        boolean exact = Boolean.parseBoolean(a.getOrDefault("exact", "true"));
        int batch = Integer.parseInt(a.getOrDefault("batch", "64"));
        boolean load = Boolean.parseBoolean(a.getOrDefault("load", "true"));
        String serverCmd = a.get("server-cmd");
        Path results = Files.createDirectories(Path.of(a.getOrDefault("results", "bench/results")));
        String out = a.getOrDefault("out", "multivector-wordnet");
        Setup setup = new Setup(
                a.containsKey("m") ? Integer.valueOf(a.get("m")) : null,
                a.containsKey("ef-construct") ? Integer.valueOf(a.get("ef-construct")) : null,
                a.getOrDefault("quantization", "none"),
                Boolean.parseBoolean(a.getOrDefault("single-segment", "false")));
        Double oversampling = a.containsKey("oversampling") ? Double.valueOf(a.get("oversampling")) : null;
        Path serverLog = Path.of(a.getOrDefault("server-log", "bench/work/multivector-server.log"));
        Files.createDirectories(serverLog.toAbsolutePath().getParent());

        Map<String, String> report = new LinkedHashMap<>();
        report.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        report.put(
                "machine",
                HttpBench.cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
                        + HybridBench.memTotal() + " RAM; client and server on the same machine (loopback), "
                        + System.getProperty("java.vm.name") + " " + Runtime.version());
        report.put("load average before", HttpBench.loadAverage());
        report.put("server", serverCmd == null ? "external at " + url : "`" + serverCmd + "` at " + url);
        report.put(
                "index",
                "hnsw m=" + (setup.m() == null ? "default (16)" : setup.m()) + ", ef_construct="
                        + (setup.efConstruct() == null ? "default (100)" : setup.efConstruct()) + ", quantization "
                        + setup.quantization()
                        + (setup.quantized()
                                ? " (HNSW rescored"
                                        + (oversampling == null ? "" : ", oversampling " + oversampling)
                                        + "; exact scan ignores it)"
                                : "")
                        + (setup.singleSegment()
                                ? "; one segment (upload with indexing_threshold 0 and max_segment_size 1000000 KB,"
                                        + " then PATCH indexing_threshold 10000)"
                                : ""));

        MultiVectorDataset full = MultiVectorDataset.load(dataDir);
        MultiVectorDataset data = full.subset(
                Integer.parseInt(a.getOrDefault("points", "" + full.base().length)),
                Integer.parseInt(a.getOrDefault("queries", "" + full.queries().length)),
                2);
        report.put("data", describe(dataDir, full, data));
        MaxSimRecall recall = new MaxSimRecall(data.base(), data.queries(), data.truth(), data.truthScores());
        List<Config> configs = configs(efs, clients, exact);
        String[][] bodies = new String[efs.length + 1][];
        for (int e = 0; e <= efs.length; e++) {
            bodies[e] = bodies(data.queries(), e < efs.length ? efs[e] : 0, setup.quantized(), oversampling);
        }

        HttpBench http = new HttpBench(url, collection);
        if (serverCmd != null && http.answers()) {
            throw new IllegalStateException("something already serves " + url
                    + "; pick a free port for --server-cmd and --url (nothing was sent to it)");
        }
        Process server = serverCmd == null ? null : HttpBench.start(serverCmd, serverLog);
        List<Result> measured = new ArrayList<>();
        try {
            double ready = http.waitReady(Duration.ofMinutes(10));
            report.put("server ready after start", String.format(Locale.ROOT, "%.1f s", ready));
            if (load) {
                double[] t = load(http, data, batch, setup);
                report.put(
                        "load",
                        String.format(
                                Locale.ROOT,
                                "%d points (%d vectors) in %.1f s (%.0f points/s, batches of %d, wait=true); green"
                                        + " after %.1f s more; total %.1f s",
                                data.base().length,
                                MultiVectorDataset.vectorCount(data.base()),
                                t[0],
                                data.base().length / t[0],
                                batch,
                                t[1],
                                t[0] + t[1]));
            } else {
                report.put("load", "skipped (--load false): collection " + collection + " as found");
            }
            report.put("collection", HybridBench.collectionSummary(http, collection));
            Map<Config, List<Run>> runs = new LinkedHashMap<>();
            for (Config c : configs) {
                runs.put(c, new ArrayList<>());
                for (int w = 0; w < warmupRounds; w++) {
                    run(http, bodies[bodyIndex(c, efs)], c.clients());
                }
            }
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < configs.size(); i++) {
                    Config c = configs.get((r + i) % configs.size());
                    Run run = run(http, bodies[bodyIndex(c, efs)], c.clients());
                    runs.get(c).add(run);
                    System.out.printf(
                            Locale.ROOT,
                            "[multivector] round %d/%d %-14s clients %d %8.1f q/s  p50 %7.2f  p99 %7.2f ms"
                                    + "  recall@10 %.4f  errors %d%n",
                            r + 1,
                            rounds,
                            c.label(),
                            c.clients(),
                            run.rps(),
                            run.p(0.5),
                            run.p(0.99),
                            recall.recallAt(10, run.ids()),
                            run.errors());
                }
            }
            runs.forEach((c, list) -> {
                Run merged = ClosedLoop.merge(list);
                measured.add(new Result(c, merged, recall.recallAt(10, merged.ids())));
            });
            report.put(
                    "queries",
                    String.format(
                            Locale.ROOT,
                            "%d query points (%d vectors) x %d round(s) per configuration, configurations alternating"
                                    + " within each round (order rotated), after %d warm-up round(s) each; limit 10,"
                                    + " no payload",
                            data.queries().length,
                            MultiVectorDataset.vectorCount(data.queries()),
                            rounds,
                            warmupRounds));
        } finally {
            if (server != null) {
                HttpBench.stop(server);
            }
        }
        report.put("load average after", HttpBench.loadAverage());
        String command = a.getOrDefault("command", "MultiVectorBench " + String.join(" ", argv));
        String md = markdown(
                command, measured, report, a.containsKey("notes") ? Files.readString(Path.of(a.get("notes"))) : "");
        Path mdOut = results.resolve(out + ".md");
        Path csvOut = results.resolve(out + ".csv");
        Files.writeString(mdOut, md);
        Files.writeString(csvOut, csv(measured));
        System.out.print(md);
        System.out.println("[multivector] wrote " + mdOut + " and " + csvOut);
    }

    /** Every (ef, clients) pair, then the exact scan per client count. */
    static List<Config> configs(int[] efs, int[] clients, boolean exact) {
        List<Config> out = new ArrayList<>();
        for (int c : clients) {
            for (int ef : efs) {
                if (ef < 1) {
                    throw new IllegalArgumentException("hnsw_ef must be >= 1, got " + ef);
                }
                out.add(new Config(ef, c));
            }
            if (exact) {
                out.add(new Config(0, c));
            }
        }
        return out;
    }

    private static int bodyIndex(Config c, int[] efs) {
        if (c.exact()) {
            return efs.length;
        }
        for (int i = 0; i < efs.length; i++) {
            if (efs[i] == c.ef()) {
                return i;
            }
        }
        throw new IllegalArgumentException("no body for ef " + c.ef());
    }

    /** Creates the collection and upserts every base point; returns {load seconds, seconds until green}. */
    static double[] load(HttpBench http, MultiVectorDataset data, int batch, Setup setup) throws Exception {
        http.createCollection(collectionBody(data.dimension(), setup));
        float[][][] base = data.base();
        double loadS = http.upsert(base.length, batch, (body, i) -> {
            body.append("{\"id\":").append(i).append(",\"vector\":");
            appendMultiVector(body, base[i]);
            body.append('}');
            if (i % 5_000 == 0) {
                System.out.printf(Locale.ROOT, "[multivector] upserting point %d of %d%n", i, base.length);
            }
        });
        System.out.printf(
                Locale.ROOT, "[multivector] %d points upserted in %.1f s; waiting for green%n", base.length, loadS);
        if (setup.singleSegment()) {
            HttpBench.check(http.send(
                    "PATCH",
                    "/collections/" + http.collection(),
                    "{\"optimizers_config\":{\"indexing_threshold\":10000}}"));
        }
        return new double[] {loadS, http.waitGreen(Duration.ofMinutes(60))};
    }

    /**
     * The collection's index settings.
     *
     * @param m hnsw_config.m, or null for the default
     * @param efConstruct hnsw_config.ef_construct, or null for the default
     * @param quantization none, int8 (scalar) or turbo4 (TurboQuant bits4)
     * @param singleSegment load into one segment and build its graph once
     */
    record Setup(Integer m, Integer efConstruct, String quantization, boolean singleSegment) {
        static final Setup DEFAULT = new Setup(null, null, "none", false);

        Setup {
            if (!List.of("none", "int8", "turbo4").contains(quantization)) {
                throw new IllegalArgumentException("--quantization must be none, int8 or turbo4, got " + quantization);
            }
        }

        boolean quantized() {
            return !quantization.equals("none");
        }
    }

    static String collectionBody(int dim, Setup setup) {
        StringBuilder b = new StringBuilder("{\"vectors\":{\"size\":" + dim
                + ",\"distance\":\"Cosine\",\"multivector_config\":{\"comparator\":\"max_sim\"}}");
        if (setup.m() != null || setup.efConstruct() != null) {
            List<String> h = new ArrayList<>();
            if (setup.m() != null) {
                h.add("\"m\":" + setup.m());
            }
            if (setup.efConstruct() != null) {
                h.add("\"ef_construct\":" + setup.efConstruct());
            }
            b.append(",\"hnsw_config\":{").append(String.join(",", h)).append('}');
        }
        switch (setup.quantization()) {
            case "int8" -> b.append(",\"quantization_config\":{\"scalar\":{\"type\":\"int8\",\"always_ram\":true}}");
            case "turbo4" -> b.append(",\"quantization_config\":{\"turbo\":{\"bits\":\"bits4\",\"always_ram\":true}}");
            default -> {}
        }
        if (setup.singleSegment()) {
            b.append(",\"optimizers_config\":{\"indexing_threshold\":0,\"max_segment_size\":1000000}");
        }
        return b.append('}').toString();
    }

    /**
     * Every query's body: HNSW with {@code ef} (rescored when {@code quantized}), or the exact scan
     * over the stored float32 vectors for ef 0.
     */
    static String[] bodies(float[][][] queries, int ef, boolean quantized) {
        return bodies(queries, ef, quantized, null);
    }

    /**
     * As {@link #bodies(float[][][], int, boolean)}; a non-null {@code oversampling} goes into the
     * HNSW queries' quantization params (more candidates from the codes, rescored on float32).
     */
    static String[] bodies(float[][][] queries, int ef, boolean quantized, Double oversampling) {
        String params = ef == 0
                ? (quantized ? "{\"exact\":true,\"quantization\":{\"ignore\":true}}" : "{\"exact\":true}")
                : quantized
                        ? "{\"hnsw_ef\":" + ef + ",\"quantization\":{\"rescore\":true"
                                + (oversampling == null ? "" : ",\"oversampling\":" + oversampling) + "}}"
                        : "{\"hnsw_ef\":" + ef + "}";
        String[] out = new String[queries.length];
        for (int q = 0; q < queries.length; q++) {
            StringBuilder b = new StringBuilder(queries[q].length * 384 * 12).append("{\"query\":");
            appendMultiVector(b, queries[q]);
            b.append(",\"limit\":10,\"with_payload\":false,\"params\":").append(params);
            out[q] = b.append('}').toString();
        }
        return out;
    }

    static void appendMultiVector(StringBuilder out, float[][] vectors) {
        out.append('[');
        for (int v = 0; v < vectors.length; v++) {
            if (v > 0) {
                out.append(',');
            }
            HttpBench.appendVector(out, vectors[v]);
        }
        out.append(']');
    }

    private static Run run(HttpBench http, String[] bodies, int clients) throws Exception {
        return ClosedLoop.run(q -> http.queryIds(bodies[q]), bodies.length, clients, 1);
    }

    /** The report: the command, the table, the verdict on the targets, then the details. */
    static String markdown(String command, List<Result> results, Map<String, String> details, String notes) {
        StringBuilder md = new StringBuilder("# Multivector (max_sim) search over REST: " + DATASET + "\n\n");
        md.append("Command: `").append(command).append("`\n\n");
        md.append("| search | clients | queries/s | p50 (ms) | p99 (ms) | errors | recall@10 | speed-up vs exact |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            double exactRps = exactRps(results, r.config().clients());
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %.1f | %.2f | %.2f | %d | %.4f | %s |\n",
                    r.config().label(),
                    r.config().clients(),
                    r.run().rps(),
                    r.run().p(0.5),
                    r.run().p(0.99),
                    r.run().errors(),
                    r.recall(),
                    Double.isNaN(exactRps)
                            ? "n/a"
                            : String.format(Locale.ROOT, "%.1fx", r.run().rps() / exactRps)));
        }
        md.append("\nrecall@10 against the exact max_sim top-10 (sum over query vectors of the best dot product"
                + " with the point's vectors, computed in double on the stored float32 vectors); a returned point"
                + " whose exact max_sim ties the true 10th within 1e-6 counts as a hit. Speed-up = queries/s over the"
                + " exact scan's at the same client count. p99 is a nearest-rank quantile.\n\n");
        md.append(verdict(results)).append("\n\n");
        for (Map.Entry<String, String> e : details.entrySet()) {
            md.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        if (!notes.isEmpty()) {
            md.append('\n').append(notes);
        }
        return md.toString();
    }

    /**
     * The target per client count: the fastest HNSW row with recall@10 >= 0.95 and whether it
     * is at least 10x the exact scan.
     */
    static String verdict(List<Result> results) {
        StringBuilder sb = new StringBuilder("Target (issue P8): recall@10 >= " + TARGET_RECALL + " through the HNSW at"
                + " >= " + (int) TARGET_SPEEDUP + "x the exact scan's queries/s.");
        int[] clientCounts =
                results.stream().mapToInt(r -> r.config().clients()).distinct().toArray();
        for (int c : clientCounts) {
            double exactRps = exactRps(results, c);
            Result best = null;
            for (Result r : results) {
                if (r.config().clients() == c
                        && !r.config().exact()
                        && r.recall() >= TARGET_RECALL
                        && (best == null || r.run().rps() > best.run().rps())) {
                    best = r;
                }
            }
            sb.append("\n- ").append(c).append(c == 1 ? " client: " : " clients: ");
            if (best == null) {
                sb.append("NOT MET, no hnsw_ef reached recall@10 ").append(TARGET_RECALL);
            } else if (Double.isNaN(exactRps)) {
                sb.append(String.format(
                        Locale.ROOT,
                        "ef=%d reaches recall@10 %.4f at %.1f q/s; no exact scan measured",
                        best.config().ef(),
                        best.recall(),
                        best.run().rps()));
            } else {
                double speedup = best.run().rps() / exactRps;
                sb.append(speedup >= TARGET_SPEEDUP ? "MET" : "NOT MET")
                        .append(String.format(
                                Locale.ROOT,
                                ", ef=%d: recall@10 %.4f at %.1f q/s = %.1fx the exact scan (%.1f q/s)",
                                best.config().ef(),
                                best.recall(),
                                best.run().rps(),
                                speedup,
                                exactRps));
            }
        }
        return sb.toString();
    }

    private static double exactRps(List<Result> results, int clients) {
        for (Result r : results) {
            if (r.config().exact() && r.config().clients() == clients) {
                return r.run().rps();
            }
        }
        return Double.NaN;
    }

    static String csv(List<Result> results) {
        StringBuilder sb =
                new StringBuilder("search,hnsw_ef,clients,requests,queries_per_s,p50_ms,p99_ms,errors,recall_at_10\n");
        for (Result r : results) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%s,%s,%d,%d,%.2f,%.3f,%.3f,%d,%.4f\n",
                    r.config().exact() ? "exact" : "hnsw",
                    r.config().exact() ? "" : Integer.toString(r.config().ef()),
                    r.config().clients(),
                    r.run().latenciesMs().length,
                    r.run().rps(),
                    r.run().p(0.5),
                    r.run().p(0.99),
                    r.run().errors(),
                    r.recall()));
        }
        return sb.toString();
    }

    private static String describe(Path dir, MultiVectorDataset full, MultiVectorDataset used) {
        String s = String.format(
                Locale.ROOT,
                "%s (%s): %d base points with %d vectors (%.2f per point, max %d), %d queries with %d vectors (%.2f per"
                        + " query), %d dims, Cosine, max_sim",
                DATASET,
                dir,
                full.base().length,
                MultiVectorDataset.vectorCount(full.base()),
                MultiVectorDataset.vectorCount(full.base()) / (double) full.base().length,
                Arrays.stream(full.base()).mapToInt(p -> p.length).max().orElse(0),
                full.queries().length,
                MultiVectorDataset.vectorCount(full.queries()),
                MultiVectorDataset.vectorCount(full.queries()) / (double) full.queries().length,
                full.dimension());
        if (used.base().length != full.base().length || used.queries().length != full.queries().length) {
            s += String.format(
                    Locale.ROOT,
                    "; this run: the first %d base points and %d queries%s",
                    used.base().length,
                    used.queries().length,
                    used.base().length != full.base().length ? " (ground truth recomputed exactly over them)" : "");
        }
        return s;
    }

    static int[] ints(String csv) {
        return Arrays.stream(csv.split(","))
                .map(String::trim)
                .mapToInt(Integer::parseInt)
                .toArray();
    }
}
