package io.sextant.bench.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.bench.ann.Dataset;
import io.sextant.bench.ann.Recall;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bin/bench http}: a closed-loop load generator against Sextant's (Qdrant's) REST API. It can
 * start the server itself ({@code --server-cmd}), loads the data set through {@code PUT
 * /collections/{c}} and {@code PUT /collections/{c}/points?wait=true} (payload {@code pos} and
 * {@code lexname}, keyword-indexed), waits for the collection to turn green, then sends every query
 * from {@code --clients} concurrent clients ({@code POST /collections/{c}/points/query} with {@code
 * hnsw_ef}) and reports requests/s, p50/p95/p99 latency and recall@10. With a server it started, it
 * then restarts the server and times the first queries after the restart. Writes {@code
 * http-<dataset>.md} into the results directory. A command-line tool; not thread-safe.
 *
 * <p>Flags: {@code [--dataset wordnet-bge384] [--data-dir D] [--url http://127.0.0.1:6333]
 * [--collection bench] [--clients 4] [--ef 64] [--rounds 3] [--load true] [--batch 256]
 * [--server-cmd "bin/sextant serve ..."] [--server-log F] [--results D] [--command "..."]}.
 */
public final class HttpBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String url;
    private final String collection;

    HttpBench(String url, String collection) {
        this.url = url;
        this.collection = collection;
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = parse(argv);
        String dataset = a.getOrDefault("dataset", "wordnet-bge384");
        String shared = System.getenv().getOrDefault("SEXTANT_DATASETS", "../shared/datasets");
        Path dataDir =
                Path.of(a.getOrDefault("data-dir", Path.of(shared, dataset).toString()));
        String url = a.getOrDefault("url", "http://127.0.0.1:6333");
        int clients = Integer.parseInt(a.getOrDefault("clients", "4"));
        int ef = Integer.parseInt(a.getOrDefault("ef", "64"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "3"));
        int batch = Integer.parseInt(a.getOrDefault("batch", "256"));
        boolean load = Boolean.parseBoolean(a.getOrDefault("load", "true"));
        String serverCmd = a.get("server-cmd");
        Path results = Files.createDirectories(Path.of(a.getOrDefault("results", "bench/results")));
        Path serverLog = Path.of(a.getOrDefault("server-log", "bench/work/http-server.log"));
        Files.createDirectories(serverLog.toAbsolutePath().getParent());

        Map<String, String> report = new LinkedHashMap<>();
        report.put("command", "`" + a.getOrDefault("command", "HttpBench " + String.join(" ", argv)) + "`");
        report.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        report.put("CPU", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores");
        report.put("load average before", loadAverage());
        report.put("server", serverCmd == null ? "external at " + url : "`" + serverCmd + "` at " + url);

        Dataset data = Dataset.load(dataset, dataDir);
        HttpBench bench = new HttpBench(url, a.getOrDefault("collection", "bench"));
        if (serverCmd != null && bench.answers()) {
            throw new IllegalStateException("something already serves " + url
                    + "; pick a free port for --server-cmd and --url (nothing was sent to it)");
        }
        Process server = serverCmd == null ? null : start(serverCmd, serverLog);
        try {
            double ready = bench.waitReady(Duration.ofMinutes(10));
            report.put("server ready after start", String.format(Locale.ROOT, "%.1f s", ready));
            if (load) {
                double[] loaded = bench.load(data, batch);
                report.put(
                        "load",
                        String.format(
                                Locale.ROOT,
                                "%d points in %.1f s (%.0f points/s, batches of %d, wait=true); green after %.1f s more",
                                data.base().length,
                                loaded[0],
                                data.base().length / loaded[0],
                                batch,
                                loaded[1]));
            }
            bench.runQueries(data, 1, ef, 1, null); // warm-up
            Stats stats = bench.runQueries(data, clients, ef, rounds, new Recall(data));
            report.put(
                    "clients",
                    Integer.toString(clients) + " concurrent, closed loop, hnsw_ef=" + ef + ", " + rounds
                            + " rounds over " + data.queries().length + " queries");
            report.put("requests/s", String.format(Locale.ROOT, "%.0f", stats.rps));
            report.put(
                    "latency p50 / p95 / p99",
                    String.format(Locale.ROOT, "%.2f / %.2f / %.2f ms", stats.p(0.50), stats.p(0.95), stats.p(0.99)));
            report.put("recall@10", String.format(Locale.ROOT, "%.4f", stats.recall));
            report.put("errors", Integer.toString(stats.errors));
            if (server != null) {
                long t0 = System.nanoTime();
                stop(server);
                double stopS = (System.nanoTime() - t0) / 1e9;
                server = start(serverCmd, serverLog);
                double readyAgain = bench.waitReady(Duration.ofMinutes(10));
                List<Double> first = bench.firstQueries(data, ef, 20);
                report.put(
                        "restart",
                        String.format(
                                Locale.ROOT,
                                "stopped (SIGTERM) in %.1f s, ready again after %.1f s",
                                stopS,
                                readyAgain));
                report.put("first queries after restart (ms, in order)", fmtList(first));
                report.put(
                        "first query / steady p50",
                        String.format(Locale.ROOT, "%.1fx", first.get(0) / Math.max(1e-9, stats.p(0.5))));
            } else {
                report.put("restart", "n/a (external server; pass --server-cmd to measure)");
            }
        } finally {
            if (server != null) {
                stop(server);
            }
        }
        report.put("load average after", loadAverage());
        StringBuilder md = new StringBuilder("# REST benchmark: " + dataset + "\n\n");
        for (Map.Entry<String, String> e : report.entrySet()) {
            md.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        Path out = results.resolve("http-" + dataset + ".md");
        Files.writeString(out, md.toString());
        System.out.print(md);
        System.out.println("[http] wrote " + out);
    }

    /** Latencies (ms) of one measured run and what they found. */
    record Stats(double[] latenciesMs, double rps, double recall, int errors) {
        double p(double q) {
            return latenciesMs.length == 0 ? Double.NaN : percentile(latenciesMs, q);
        }
    }

    /** The {@code q}-quantile (nearest rank) of sorted values. */
    public static double percentile(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Whether a server already answers at the URL. */
    boolean answers() {
        try {
            send("GET", "/collections", null);
            return true;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    double waitReady(Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = send("GET", "/collections", null);
                if (r.statusCode() == 200) {
                    return (System.nanoTime() - t0) / 1e9;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("server at " + url + " not ready after " + timeout);
    }

    /** Creates the collection and upserts all points; returns {load seconds, seconds until green}. */
    double[] load(Dataset data, int batch) throws Exception {
        String distance = data.cosine() ? "Cosine" : "Euclid";
        return load(
                data,
                batch,
                "{\"vectors\":{\"size\":" + data.dimension() + ",\"distance\":\"" + distance
                        + "\"},\"hnsw_config\":{\"m\":16,\"ef_construct\":100}}");
    }

    /** As {@link #load(Dataset, int)}, creating the collection with {@code collectionBody}. */
    double[] load(Dataset data, int batch, String collectionBody) throws Exception {
        createCollection(collectionBody);
        for (String field : data.keywords().keySet()) {
            check(send(
                    "PUT",
                    "/collections/" + collection + "/index?wait=true",
                    "{\"field_name\":\"" + field + "\",\"field_schema\":\"keyword\"}"));
        }
        float[][] base = data.base();
        double loadS = upsert(base.length, batch, (body, i) -> {
            body.append("{\"id\":").append(i).append(",\"vector\":");
            appendVector(body, base[i]);
            body.append(",\"payload\":{");
            boolean firstField = true;
            for (Map.Entry<String, String[]> kw : data.keywords().entrySet()) {
                if (!firstField) {
                    body.append(',');
                }
                firstField = false;
                body.append('"')
                        .append(kw.getKey())
                        .append("\":\"")
                        .append(kw.getValue()[i])
                        .append('"');
            }
            body.append("}}");
        });
        return new double[] {loadS, waitGreen(Duration.ofMinutes(20))};
    }

    /** Appends the JSON object of point {@code row} to an upsert body. */
    @FunctionalInterface
    interface PointWriter {
        void append(StringBuilder body, int row);
    }

    /** The collection this bench writes and queries. */
    String collection() {
        return collection;
    }

    /** Drops the collection if it exists and creates it with {@code body} ({@code PUT /collections/{c}}). */
    void createCollection(String body) throws IOException, InterruptedException {
        send("DELETE", "/collections/" + collection, null);
        check(send("PUT", "/collections/" + collection, body));
    }

    /** Upserts points 0..n-1 in batches ({@code PUT .../points?wait=true}); returns the seconds it took. */
    double upsert(int n, int batch, PointWriter writer) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        for (int from = 0; from < n; from += batch) {
            StringBuilder body = new StringBuilder(batch * 4096).append("{\"points\":[");
            for (int i = from; i < Math.min(n, from + batch); i++) {
                if (i > from) {
                    body.append(',');
                }
                writer.append(body, i);
            }
            body.append("]}");
            check(send("PUT", "/collections/" + collection + "/points?wait=true", body.toString()));
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * Polls {@code GET /collections/{c}} until its status is green (every segment indexed); returns
     * the seconds that took, or throws after {@code timeout}.
     */
    double waitGreen(Duration timeout) throws IOException, InterruptedException {
        long g0 = System.nanoTime();
        long deadline = g0 + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode info = JSON.readTree(
                    check(send("GET", "/collections/" + collection, null)).body());
            if ("green".equals(info.path("result").path("status").asText())) {
                return (System.nanoTime() - g0) / 1e9;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("collection " + collection + " not green after " + timeout);
    }

    Stats runQueries(Dataset data, int clients, int ef, int rounds, Recall recall) throws Exception {
        float[][] queries = data.queries();
        ClosedLoop.Run run = ClosedLoop.run(q -> query(queries[q], ef), queries.length, clients, rounds);
        double r = recall == null ? Double.NaN : recall.recallAt(10, run.ids(), data.groundTruth(), null);
        return new Stats(run.latenciesMs(), run.rps(), r, run.errors());
    }

    List<Double> firstQueries(Dataset data, int ef, int n) throws Exception {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            query(data.queries()[i % data.queries().length], ef);
            out.add((System.nanoTime() - s) / 1e6);
        }
        return out;
    }

    /** The ids of the top 10, or null on a non-200 answer. */
    int[] query(float[] vector, int ef) throws Exception {
        StringBuilder body = new StringBuilder(vector.length * 12).append("{\"query\":");
        appendVector(body, vector);
        body.append(",\"limit\":10,\"with_payload\":false,\"params\":{\"hnsw_ef\":")
                .append(ef)
                .append("}}");
        return queryIds(body.toString());
    }

    /** Sends a {@code POST .../points/query} body; the ids of the points it found, or null on a non-200 answer. */
    int[] queryIds(String body) throws IOException, InterruptedException {
        HttpResponse<String> r = send("POST", "/collections/" + collection + "/points/query", body);
        if (r.statusCode() != 200) {
            return null;
        }
        JsonNode points = JSON.readTree(r.body()).path("result").path("points");
        int[] ids = new int[points.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = points.get(i).path("id").asInt();
        }
        return ids;
    }

    HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofMinutes(5));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> check(HttpResponse<String> r) {
        if (r.statusCode() / 100 != 2) {
            String body = r.body();
            throw new IllegalStateException(
                    r.request().method() + " " + r.request().uri() + " answered " + r.statusCode() + ": "
                            + body.substring(0, Math.min(500, body.length())));
        }
        return r;
    }

    static void appendVector(StringBuilder out, float[] v) {
        out.append('[');
        for (int d = 0; d < v.length; d++) {
            if (d > 0) {
                out.append(',');
            }
            out.append(v[d]);
        }
        out.append(']');
    }

    static Process start(String cmd, Path log) throws IOException {
        return new ProcessBuilder("bash", "-c", "exec " + cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }

    /** {@code --flag value} pairs, in order. */
    public static Map<String, String> parse(String[] argv) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                throw new IllegalArgumentException("expected --flag value pairs, got '" + argv[i] + "'");
            }
            out.put(argv[i].substring(2), argv[++i]);
        }
        return out;
    }

    static String fmtList(List<Double> values) {
        StringBuilder sb = new StringBuilder();
        for (double v : values) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(String.format(Locale.ROOT, "%.1f", v));
        }
        return sb.toString();
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return System.getProperty("os.arch");
    }
}
