package io.sextant.bench.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.bench.ann.Dataset;
import io.sextant.bench.ann.Recall;
import io.sextant.bench.http.ClosedLoop.Run;
import io.sextant.segment.text.Bm25Options;
import io.sextant.segment.text.TextAnalyzer;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code bin/bench hybrid}: hybrid (dense + BM25, fused with RRF) search over REST on wordnet-bge384.
 * Creates {@code {"vectors":{"dense":{"size":384,"distance":"Cosine"}},"sparse_vectors":{"bm25":
 * {"modifier":"idf"}}}} (default HNSW and optimizer settings), upserts every base row as point id =
 * row with its dense vector and a BM25 document of its gloss ({@code {"text":gloss,"model":
 * "qdrant/bm25","options":{"avg_len":mean tokens}}}, tokenized server-side), waits for green, then
 * sends every query row from {@code --clients} closed-loop clients in three modes: the hybrid query
 * (a dense and a BM25 prefetch of {@code --prefetch-limit} each, fused by {@code {"fusion":"rrf"}}, or
 * {@code {"rrf":{"k":..,"weights":[..]}}} with {@code --rrf-k}/{@code --weights}), the dense query
 * alone and the BM25 query alone. The modes alternate within each round (the order rotates), so
 * drift in machine load hits all three. Reports requests/s, p50/p90/p99/p99.9/max latency and, for
 * context, recall@10 against the dense exact ground truth. Writes {@code <out>.md} and {@code
 * <out>.csv}. Reuses {@link HttpBench}'s client and server handling and {@link ClosedLoop}. A
 * command-line tool; not thread-safe.
 *
 * <p>Flags: {@code [--data-dir D] [--url http://127.0.0.1:6333] [--server-cmd "bin/sextant serve
 * ..."] [--server-log F] [--collection bench_hybrid] [--clients 4] [--rounds 5] [--warmup-rounds 1]
 * [--prefetch-limit 20] [--limit 10] [--rrf-k K] [--weights W_DENSE,W_BM25] [--batch 256] [--load
 * true] [--points N (first N rows; recall then n/a)] [--results D] [--out hybrid-wordnet] [--notes
 * FILE] [--command "..."]}.
 */
public final class HybridBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DATASET = "wordnet-bge384";

    /** The three query kinds, in the report's order. */
    enum Mode {
        HYBRID("hybrid (dense + BM25, RRF)"),
        DENSE("dense only"),
        BM25("BM25 only");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    private HybridBench() {}

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = HttpBench.parse(argv);
        String shared = System.getenv().getOrDefault("SEXTANT_DATASETS", "../shared/datasets");
        Path dataDir =
                Path.of(a.getOrDefault("data-dir", Path.of(shared, DATASET).toString()));
        String url = a.getOrDefault("url", "http://127.0.0.1:6333");
        String collection = a.getOrDefault("collection", "bench_hybrid");
        int clients = Integer.parseInt(a.getOrDefault("clients", "4"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "5"));
        int warmupRounds = Integer.parseInt(a.getOrDefault("warmup-rounds", "1"));
        int prefetch = Integer.parseInt(a.getOrDefault("prefetch-limit", "20"));
        int limit = Integer.parseInt(a.getOrDefault("limit", "10"));
        int batch = Integer.parseInt(a.getOrDefault("batch", "256"));
        boolean load = Boolean.parseBoolean(a.getOrDefault("load", "true"));
        String fusion = fusion(a.get("rrf-k"), a.get("weights"));
        String serverCmd = a.get("server-cmd");
        Path results = Files.createDirectories(Path.of(a.getOrDefault("results", "bench/results")));
        String out = a.getOrDefault("out", "hybrid-wordnet");
        Path serverLog = Path.of(a.getOrDefault("server-log", "bench/work/hybrid-server.log"));
        Files.createDirectories(serverLog.toAbsolutePath().getParent());

        Map<String, String> report = new LinkedHashMap<>();
        report.put("command", "`" + a.getOrDefault("command", "HybridBench " + String.join(" ", argv)) + "`");
        report.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        report.put(
                "machine",
                HttpBench.cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
                        + memTotal() + " RAM; client and server on the same machine (loopback), "
                        + System.getProperty("java.vm.name") + " " + Runtime.version());
        report.put("load average before", HttpBench.loadAverage());
        report.put("server", serverCmd == null ? "external at " + url : "`" + serverCmd + "` at " + url);

        Dataset data = Dataset.load(DATASET, dataDir);
        int n = Math.min(data.base().length, Integer.parseInt(a.getOrDefault("points", "" + data.base().length)));
        String[] glosses = glosses(dataDir.resolve("base.jsonl"), data.base().length);
        String[] queryGlosses = glosses(dataDir.resolve("query.jsonl"), data.queries().length);
        double avgLen = meanTokens(glosses, n);

        HttpBench http = new HttpBench(url, collection);
        if (serverCmd != null && http.answers()) {
            throw new IllegalStateException("something already serves " + url
                    + "; pick a free port for --server-cmd and --url (nothing was sent to it)");
        }
        Process server = serverCmd == null ? null : HttpBench.start(serverCmd, serverLog);
        List<String> rows = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        try {
            double ready = http.waitReady(Duration.ofMinutes(10));
            report.put("server ready after start", String.format(Locale.ROOT, "%.1f s", ready));
            if (load) {
                double[] t = load(http, data, glosses, n, avgLen, batch);
                report.put(
                        "load",
                        String.format(
                                Locale.ROOT,
                                "%d points (dense 384-d + BM25 document of the gloss) in %.1f s (%.0f points/s,"
                                        + " batches of %d, wait=true); green after %.1f s more; total %.1f s",
                                n,
                                t[0],
                                n / t[0],
                                batch,
                                t[1],
                                t[0] + t[1]));
            } else {
                report.put("load", "skipped (--load false): collection " + collection + " as found");
            }
            report.put("collection", collectionSummary(http, collection));
            report.put(
                    "BM25 documents",
                    String.format(
                            Locale.ROOT,
                            "options {\"avg_len\": %.2f} (mean tokens per gloss after the default english"
                                    + " analysis, computed by the client over the loaded rows); queries send no options",
                            avgLen));

            Map<Mode, String[]> bodies = new LinkedHashMap<>();
            for (Mode m : Mode.values()) {
                bodies.put(m, bodies(m, data.queries(), queryGlosses, prefetch, limit, fusion));
            }
            report.put(
                    "hybrid body (query 0)",
                    "`" + bodies.get(Mode.HYBRID)[0].replaceAll("\\[[-0-9.,E]+\\]", "[384 floats]") + "`");
            Map<Mode, List<Run>> runs = new LinkedHashMap<>();
            for (Mode m : Mode.values()) {
                runs.put(m, new ArrayList<>());
                if (warmupRounds > 0) {
                    run(http, bodies.get(m), clients, warmupRounds);
                }
            }
            Mode[] modes = Mode.values();
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < modes.length; i++) {
                    Mode m = modes[(r + i) % modes.length];
                    Run run = run(http, bodies.get(m), clients, 1);
                    runs.get(m).add(run);
                    System.out.printf(
                            Locale.ROOT,
                            "[hybrid] round %d/%d %-26s %6.0f req/s  p50 %6.2f  p99 %6.2f ms  errors %d%n",
                            r + 1,
                            rounds,
                            m.label,
                            run.rps(),
                            run.p(0.5),
                            run.p(0.99),
                            run.errors());
                }
            }
            report.put(
                    "queries",
                    String.format(
                            Locale.ROOT,
                            "%d closed-loop clients; %d query rows x %d rounds = %d requests per mode, the three modes"
                                    + " alternating within each round (order rotated per round), after %d warm-up"
                                    + " round(s) per mode; top %d, prefetch limit %d, no payload",
                            clients,
                            data.queries().length,
                            rounds,
                            data.queries().length * rounds,
                            warmupRounds,
                            limit,
                            prefetch));
            Recall recall = n == data.base().length ? new Recall(data) : null;
            Map<Mode, Run> merged = new LinkedHashMap<>();
            runs.forEach((m, list) -> merged.put(m, ClosedLoop.merge(list)));
            table.append("| query | requests/s | p50 (ms) | p90 (ms) | p99 (ms) | p99.9 (ms) | max (ms) | errors |"
                            + " mean hits | recall@10 vs dense truth* |\n")
                    .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            rows.add("mode,clients,requests,requests_per_s,p50_ms,p90_ms,p99_ms,p999_ms,max_ms,errors,mean_hits,"
                    + "recall_at_10_vs_dense_truth");
            for (Map.Entry<Mode, Run> e : merged.entrySet()) {
                Run r = e.getValue();
                double rec = recall == null || limit < 10
                        ? Double.NaN
                        : recall.recallAt(10, r.ids(), data.groundTruth(), null);
                double hits = java.util.Arrays.stream(r.ids())
                        .mapToInt(ids -> ids.length)
                        .average()
                        .orElse(0);
                String recallText = Double.isNaN(rec) ? "" : String.format(Locale.ROOT, "%.4f", rec);
                Object[] v = {r.rps(), r.p(0.50), r.p(0.90), r.p(0.99), r.p(0.999), r.max(), r.errors(), hits};
                table.append(String.format(
                                Locale.ROOT,
                                "| " + e.getKey().label + " | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %d | %.2f",
                                v))
                        .append(" | ")
                        .append(recallText.isEmpty() ? "n/a" : recallText)
                        .append(" |\n");
                rows.add(e.getKey().name().toLowerCase(Locale.ROOT) + "," + clients + "," + r.latenciesMs().length
                        + String.format(Locale.ROOT, ",%.1f,%.3f,%.3f,%.3f,%.3f,%.3f,%d,%.3f,", v) + recallText);
            }
            report.put(
                    "hybrid top-10 shared with",
                    String.format(
                            Locale.ROOT,
                            "dense-only top-10: %.2f of 10; BM25-only top-10: %.2f of 10 (mean over queries)",
                            overlap(
                                    merged.get(Mode.HYBRID).ids(),
                                    merged.get(Mode.DENSE).ids()),
                            overlap(
                                    merged.get(Mode.HYBRID).ids(),
                                    merged.get(Mode.BM25).ids())));
        } finally {
            if (server != null) {
                HttpBench.stop(server);
            }
        }
        report.put("load average after", HttpBench.loadAverage());

        StringBuilder md = new StringBuilder("# Hybrid search over REST: " + DATASET + " (dense + BM25, RRF)\n\n");
        md.append(table)
                .append("\n*recall@10 against the exact dense (cosine) top-10 of `groundtruth.ivecs`, for context only:"
                        + " RRF mixes lexical (BM25) hits into the top 10 by design, so hybrid is not expected to reach"
                        + " 1.0, and BM25 alone is not trying to find dense neighbours at all. Mean hits = results per"
                        + " query (fewer than 10 when BM25 matches fewer documents). p99.9 is a nearest-rank quantile"
                        + " of the requests of all rounds.\n\n");
        for (Map.Entry<String, String> e : report.entrySet()) {
            md.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        if (a.containsKey("notes")) {
            md.append('\n').append(Files.readString(Path.of(a.get("notes"))));
        }
        Path mdOut = results.resolve(out + ".md");
        Path csvOut = results.resolve(out + ".csv");
        Files.writeString(mdOut, md.toString());
        Files.writeString(csvOut, String.join("\n", rows) + "\n");
        System.out.print(md);
        System.out.println("[hybrid] wrote " + mdOut + " and " + csvOut);
    }

    /** The fusion query: plain {@code {"fusion":"rrf"}}, or the parameterized RRF when k or weights are given. */
    static String fusion(String k, String weights) {
        if (k == null && weights == null) {
            return "{\"fusion\":\"rrf\"}";
        }
        StringBuilder sb = new StringBuilder("{\"rrf\":{");
        if (k != null) {
            sb.append("\"k\":").append(Integer.parseInt(k));
        }
        if (weights != null) {
            sb.append(k != null ? "," : "").append("\"weights\":[");
            String[] w = weights.split(",");
            for (int i = 0; i < w.length; i++) {
                sb.append(i > 0 ? "," : "").append(Double.parseDouble(w[i]));
            }
            sb.append(']');
        }
        return sb.append("}}").toString();
    }

    /** Creates the collection and upserts rows 0..n-1; returns {load seconds, seconds until green}. */
    static double[] load(HttpBench http, Dataset data, String[] glosses, int n, double avgLen, int batch)
            throws Exception {
        http.createCollection("{\"vectors\":{\"dense\":{\"size\":" + data.dimension()
                + ",\"distance\":\"Cosine\"}},\"sparse_vectors\":{\"bm25\":{\"modifier\":\"idf\"}}}");
        String options = String.format(Locale.ROOT, "{\"avg_len\":%.4f}", avgLen);
        float[][] base = data.base();
        double loadS = http.upsert(n, batch, (body, i) -> {
            body.append("{\"id\":").append(i).append(",\"vector\":{\"dense\":");
            HttpBench.appendVector(body, base[i]);
            body.append(",\"bm25\":");
            appendDocument(body, glosses[i], options);
            body.append("}}");
            if (i % 10_000 == 0) {
                System.out.printf(Locale.ROOT, "[hybrid] upserting row %d of %d%n", i, n);
            }
        });
        System.out.printf(Locale.ROOT, "[hybrid] %d points upserted in %.1f s; waiting for green%n", n, loadS);
        return new double[] {loadS, http.waitGreen(Duration.ofMinutes(60))};
    }

    /** Every query's request body in one mode. */
    static String[] bodies(Mode mode, float[][] queries, String[] glosses, int prefetch, int limit, String fusion) {
        String[] out = new String[queries.length];
        for (int q = 0; q < queries.length; q++) {
            StringBuilder b = new StringBuilder(8192);
            switch (mode) {
                case HYBRID -> {
                    b.append("{\"prefetch\":[{\"query\":");
                    HttpBench.appendVector(b, queries[q]);
                    b.append(",\"using\":\"dense\",\"limit\":").append(prefetch).append("},{\"query\":");
                    appendDocument(b, glosses[q], null);
                    b.append(",\"using\":\"bm25\",\"limit\":")
                            .append(prefetch)
                            .append("}],\"query\":")
                            .append(fusion);
                }
                case DENSE -> {
                    b.append("{\"query\":");
                    HttpBench.appendVector(b, queries[q]);
                    b.append(",\"using\":\"dense\"");
                }
                case BM25 -> {
                    b.append("{\"query\":");
                    appendDocument(b, glosses[q], null);
                    b.append(",\"using\":\"bm25\"");
                }
            }
            out[q] = b.append(",\"limit\":").append(limit).append('}').toString();
        }
        return out;
    }

    static Run run(HttpBench http, String[] bodies, int clients, int rounds) throws Exception {
        return ClosedLoop.run(q -> http.queryIds(bodies[q]), bodies.length, clients, rounds);
    }

    /** A {@code qdrant/bm25} document: {@code {"text":..,"model":"qdrant/bm25"[,"options":..]}}. */
    static void appendDocument(StringBuilder out, String text, String options) {
        out.append("{\"text\":\"")
                .append(JsonStringEncoder.getInstance().quoteAsString(text))
                .append("\",\"model\":\"qdrant/bm25\"");
        if (options != null) {
            out.append(",\"options\":").append(options);
        }
        out.append('}');
    }

    /** The {@code gloss} of every line of a data set's jsonl file, checking that line i has {@code id} i. */
    static String[] glosses(Path jsonl, int rows) throws IOException {
        String[] out = new String[rows];
        try (BufferedReader in = Files.newBufferedReader(jsonl)) {
            for (int i = 0; i < rows; i++) {
                String line = in.readLine();
                if (line == null) {
                    throw new IOException(jsonl + " has " + i + " lines, expected " + rows);
                }
                JsonNode row = JSON.readTree(line);
                if (row.path("id").asInt(-1) != i) {
                    throw new IOException(jsonl + " line " + (i + 1) + " has id " + row.path("id") + ", expected " + i);
                }
                out[i] = row.path("gloss").asText();
            }
        }
        return out;
    }

    /** Mean number of BM25 document tokens (Qdrant's default english analysis) over the first n texts. */
    static double meanTokens(String[] texts, int n) {
        TextAnalyzer analyzer = TextAnalyzer.of(Bm25Options.DEFAULT.analysis());
        long tokens = 0;
        for (int i = 0; i < n; i++) {
            tokens += analyzer.documentTokens(texts[i]).size();
        }
        return Math.max(1.0, tokens / (double) n);
    }

    /** Mean number of ids the two result lists of a query share. */
    static double overlap(int[][] a, int[][] b) {
        double sum = 0;
        for (int q = 0; q < a.length; q++) {
            Set<Integer> seen = new HashSet<>();
            for (int id : b[q]) {
                seen.add(id);
            }
            for (int id : a[q]) {
                sum += seen.contains(id) ? 1 : 0;
            }
        }
        return sum / a.length;
    }

    /** Points, segments and status from {@code GET /collections/{c}}. */
    static String collectionSummary(HttpBench http, String collection) throws Exception {
        JsonNode r = JSON.readTree(HttpBench.check(http.send("GET", "/collections/" + collection, null))
                        .body())
                .path("result");
        return String.format(
                Locale.ROOT,
                "status %s, %s points, %s segments, indexed_vectors_count %s",
                r.path("status").asText(),
                r.path("points_count").asText(),
                r.path("segments_count").asText(),
                r.path("indexed_vectors_count").asText());
    }

    static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.1f GB", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return "unknown";
    }
}
