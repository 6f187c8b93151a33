package io.sextant.bench.http;

import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.QueryFactory;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.grpc.Points;
import io.sextant.bench.ann.Dataset;
import io.sextant.bench.ann.Recall;
import io.sextant.bench.http.ClosedLoop.Run;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.query.Query;
import io.sextant.collection.query.QueryRequest;
import io.sextant.collection.query.VectorInput;
import io.sextant.segment.PointId;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.SearchParams;
import io.sextant.shard.LocalShard;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/bench serve}: the search path end to end in one run on one server. It starts the
 * server ({@code --server-cmd}, default {@code bin/sextant serve} on ports 26401/26402 with its own
 * storage), loads wordnet-bge384 over REST unless the storage already holds a green collection
 * ({@code --load auto}), picks the smallest {@code hnsw_ef} of {@code --ef} whose recall@10 over
 * REST is at least {@code --min-recall}, then for every connection count of {@code --connections}
 * runs REST ({@code POST .../points/query}) and gRPC ({@code Points/Query}) closed-loop rounds,
 * alternating, request bodies and messages prepared before the run. The load generator shares the
 * cores with the server, so it is kept light ({@code --client lean}, the default, see {@link
 * LeanClients}: raw keep-alive HTTP/1.1 like {@code wrk}, raw cleartext HTTP/2 like {@code h2load}
 * ({@link RawGrpcConnection}, transport "gRPC") and the generated blocking gRPC stub (transport
 * "gRPC-stub"; {@code --grpc-client raw|stub|raw,stub}, default both), one connection per client
 * thread); {@code --client jdk} uses Java's HttpClient and the official
 * {@code io.qdrant.client} on one channel as before. The CPU time of the server process and of this
 * JVM per request is reported beside each run. Then it stops the server and
 * opens the same storage in this JVM ({@link TableOfContents#open}, {@link LocalShard}) and runs the
 * same queries through {@link Collection#query} at the same ef from 1 and 2 threads: the engine
 * with everything below the API layer, no HTTP, JSON or protobuf. Writes {@code
 * serve-<dataset>.md}, {@code .csv} and {@code .png}. A command-line tool; not thread-safe.
 *
 * <p>Flags: {@code [--dataset wordnet-bge384] [--data-dir D] [--http-port 26401] [--grpc-port 26402]
 * [--storage bench/work/serve-storage] [--server-cmd CMD] [--collection bench] [--load auto|true|false]
 * [--ef 16,24,32,48,64,96] [--min-recall 0.95] [--connections 1,2,4,8] [--rounds 10] [--warmup 40] [--client lean|jdk] [--grpc-client raw,stub] [--out serve-wordnet-bge384]
 * [--variants "label=CMD|label=CMD" (several servers, one after another, same storage)] [--notes FILE]
 * [--results D] [--command "..."]}.
 */
public final class ServeBench {
    private ServeBench() {}

    /**
     * One measured point: transport, connections, the run, and the CPU time per request of the
     * server process and of this (client) process, in ms (NaN when not measured).
     */
    record Point(String transport, int connections, Run run, double recall, double serverCpuMs, double clientCpuMs) {
        Point(String transport, int connections, Run run, double recall) {
            this(transport, connections, run, recall, Double.NaN, Double.NaN);
        }
    }

    /** A run with the CPU both processes spent on it. */
    record Measured(Run run, double serverCpuMs, double clientCpuMs) {}

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = HttpBench.parse(argv);
        String dataset = a.getOrDefault("dataset", "wordnet-bge384");
        String shared = System.getenv().getOrDefault("SEXTANT_DATASETS", "../shared/datasets");
        Path dataDir =
                Path.of(a.getOrDefault("data-dir", Path.of(shared, dataset).toString()));
        int httpPort = Integer.parseInt(a.getOrDefault("http-port", "26401"));
        int grpcPort = Integer.parseInt(a.getOrDefault("grpc-port", "26402"));
        Path storage = Path.of(a.getOrDefault("storage", "bench/work/serve-storage"));
        String serverCmd = a.getOrDefault(
                "server-cmd",
                "bin/sextant serve --storage-path " + storage + " --http-port " + httpPort + " --grpc-port "
                        + grpcPort);
        String collection = a.getOrDefault("collection", "bench");
        String load = a.getOrDefault("load", "auto");
        int[] efs = ints(a.getOrDefault("ef", "16,24,32,48,64,96"));
        double minRecall = Double.parseDouble(a.getOrDefault("min-recall", "0.95"));
        int[] connections = ints(a.getOrDefault("connections", "1,2,4,8"));
        // 10 rounds of the 1,000 queries: a p99 over 3,000 requests is their 30th slowest, and one GC
        // pause or scheduler hiccup moves it (REST p99/p50 at 2 connections ranged 2.6-5.7 over
        // runs 13-17 with 3 rounds); over 10,000 requests it is steadier (run18)
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "10"));
        // rounds of warm-up per transport (and in-process) before anything is measured: the request
        // path runs once per request, so C2 compiles it only after several thousand requests; with a
        // single round the measured runs were partly interpreted/C1 code with the JIT compiling
        // beside them (C1+C2 threads were 40 % of the server's CPU over a short run, perf record).
        // 40: a fresh server's REST search rate climbed for its first 30-40 thousand requests
        // (PathAB, blocks of 2,500: 4,000-5,400 req/s over the first 17,500, 6,100-8,700 after)
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "40"));
        boolean lean =
                switch (a.getOrDefault("client", "lean")) {
                    case "lean" -> true;
                    case "jdk" -> false;
                    default -> throw new IllegalArgumentException("--client is lean or jdk");
                };
        List<String> grpcClients =
                List.of(a.getOrDefault("grpc-client", "raw,stub").split(","));
        String outName = a.getOrDefault("out", "serve-" + dataset);
        Path results = Files.createDirectories(Path.of(a.getOrDefault("results", "bench/results")));
        Path serverLog = Path.of("bench/work/serve-server.log");
        Files.createDirectories(serverLog.toAbsolutePath().getParent());
        String url = "http://127.0.0.1:" + httpPort;
        String loadBefore = HttpBench.loadAverage();
        String date = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);

        Dataset data = Dataset.load(dataset, dataDir);
        Recall recall = new Recall(data);
        float[][] queries = data.queries();
        HttpBench rest = new HttpBench(url, collection);
        if (rest.answers()) {
            throw new IllegalStateException("something already serves " + url + "; pick free ports");
        }
        // --variants "label=CMD|label=CMD": several servers measured one after another in this run on the
        // same storage (before/after a change, one GC or another); without it the one --server-cmd.
        List<String[]> variants = new ArrayList<>();
        if (a.containsKey("variants")) {
            for (String v : a.get("variants").split("\\|")) {
                int eq = v.indexOf('=');
                variants.add(new String[] {
                    v.substring(0, eq).trim(), v.substring(eq + 1).trim()
                });
            }
        } else {
            variants.add(new String[] {"", serverCmd});
        }
        List<Point> points = new ArrayList<>();
        String loaded = null;
        int ef = -1;
        List<String> efTrial = new ArrayList<>();
        for (String[] variant : variants) {
            String label = variant[0].isEmpty() ? "" : " (" + variant[0] + ")";
            boolean hadData = Files.isDirectory(storage.resolve("collections").resolve(collection));
            Process server = HttpBench.start(variant[1], serverLog);
            try {
                rest.waitReady(Duration.ofMinutes(10));
                if (loaded == null && (load.equals("true") || (load.equals("auto") && !hadData))) {
                    double[] t = rest.load(data, 256);
                    loaded = String.format(
                            Locale.ROOT,
                            "loaded %d points over REST in %.1f s; green after %.1f s more",
                            data.base().length,
                            t[0],
                            t[1]);
                } else if (loaded == null) {
                    loaded = "reused the collection already in " + storage + " (green after "
                            + String.format(Locale.ROOT, "%.1f s", rest.waitGreen(Duration.ofMinutes(20))) + ")";
                }
                HttpClient http = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(10))
                        .build();
                URI queryUri = URI.create(url + "/collections/" + collection + "/points/query");
                for (int i = 0; ef < 0 && i < efs.length; i++) {
                    Run r = ClosedLoop.run(
                            restRequest(http, queryUri, restBodies(queries, efs[i])), queries.length, 1, 1);
                    double rc = recall.recallAt(10, r.ids(), data.groundTruth(), null);
                    efTrial.add(efs[i] + ": " + String.format(Locale.ROOT, "%.4f", rc));
                    if (rc >= minRecall) {
                        ef = efs[i];
                    }
                }
                if (ef < 0) {
                    throw new IllegalStateException("no hnsw_ef of " + efTrial + " reaches recall " + minRecall);
                }
                String host = URI.create(url).getHost();
                try (QdrantClient grpc = new QdrantClient(QdrantGrpcClient.newBuilder(host, grpcPort, false, false)
                        .build())) {
                    String[] bodies = restBodies(queries, ef);
                    Points.QueryPoints[] messages = grpcMessages(collection, queries, ef);
                    Transport overRest = lean
                            ? () -> LeanClients.rest(queryUri, bodies)
                            : () -> closeable(restRequest(http, queryUri, bodies));
                    // gRPC clients, each its own transport line: "gRPC" is the raw HTTP/2 client
                    // (prepared frames, like the REST client's prepared bytes), "gRPC-stub" grpc-java's
                    // blocking stub; --client jdk: the official io.qdrant.client as "gRPC"
                    Map<String, Transport> overGrpc = new java.util.LinkedHashMap<>();
                    if (!lean) {
                        overGrpc.put("gRPC", () -> closeable(grpcRequest(grpc, messages)));
                    } else {
                        for (String kind : grpcClients) {
                            switch (kind) {
                                case "raw" -> overGrpc.put("gRPC", () -> LeanClients.grpcRaw(host, grpcPort, messages));
                                case "stub" ->
                                    overGrpc.put("gRPC-stub", () -> LeanClients.grpc(host, grpcPort, messages));
                                default -> throw new IllegalArgumentException("--grpc-client is raw, stub or raw,stub");
                            }
                        }
                    }
                    long pid = server.pid();
                    measure(overRest, pid, queries.length, 2, warmup);
                    for (Transport t : overGrpc.values()) {
                        measure(t, pid, queries.length, 2, warmup);
                    }
                    for (int c : connections) {
                        Measured mr = measure(overRest, pid, queries.length, c, rounds);
                        Run r = mr.run();
                        points.add(new Point(
                                "REST" + label,
                                c,
                                r,
                                recall.recallAt(10, r.ids(), data.groundTruth(), null),
                                mr.serverCpuMs(),
                                mr.clientCpuMs()));
                        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "REST %.0f/s", r.rps()));
                        for (Map.Entry<String, Transport> t : overGrpc.entrySet()) {
                            Measured mg = measure(t.getValue(), pid, queries.length, c, rounds);
                            Run g = mg.run();
                            points.add(new Point(
                                    t.getKey() + label,
                                    c,
                                    g,
                                    recall.recallAt(10, g.ids(), data.groundTruth(), null),
                                    mg.serverCpuMs(),
                                    mg.clientCpuMs()));
                            line.append(String.format(Locale.ROOT, ", %s %.0f/s", t.getKey(), g.rps()));
                        }
                        System.out.printf(
                                Locale.ROOT,
                                "[serve]%s %d connections: %s (load %s)%n",
                                label,
                                c,
                                line,
                                HttpBench.loadAverage());
                    }
                }
            } finally {
                HttpBench.stop(server);
            }
        }
        if (variants.size() > 1) {
            StringBuilder v = new StringBuilder();
            for (String[] variant : variants) {
                v.append("; ")
                        .append(variant[0])
                        .append(": `")
                        .append(variant[1])
                        .append('`');
            }
            serverCmd = "servers one after another" + v;
        } else {
            serverCmd = "`" + serverCmd + "`";
        }
        String loadMid = HttpBench.loadAverage();
        try (TableOfContents toc = TableOfContents.open(storage, LocalShard::open)) {
            Collection c = toc.get(collection);
            ClosedLoop.Request engine = engineRequest(c, queries, ef);
            ClosedLoop.run(engine, queries.length, 2, warmup);
            for (int threads : new int[] {1, 2}) {
                long cpu0 = ProcessCpu.self();
                Run r = ClosedLoop.run(engine, queries.length, threads, rounds * 2);
                double cpuMs = (ProcessCpu.self() - cpu0) / 1e6 / r.latenciesMs().length;
                points.add(new Point(
                        "in-process",
                        threads,
                        r,
                        recall.recallAt(10, r.ids(), data.groundTruth(), null),
                        Double.NaN,
                        cpuMs));
            }
        }
        String loadAfter = HttpBench.loadAverage();
        ServeReport report = new ServeReport(dataset, points, ef, efTrial);
        String md = report.markdown(
                a.getOrDefault("command", "ServeBench " + String.join(" ", argv)),
                date,
                HttpBench.cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores",
                serverCmd,
                loaded,
                rounds,
                warmup,
                queries.length,
                new String[] {loadBefore, loadMid, loadAfter},
                a.containsKey("notes") ? Files.readString(Path.of(a.get("notes"))) : "");
        Files.writeString(results.resolve(outName + ".md"), md);
        Files.writeString(results.resolve(outName + ".csv"), report.csv());
        report.plot(results.resolve(outName + ".png"));
        System.out.print(md);
        System.out.println("[serve] wrote " + results.resolve(outName + ".{md,csv,png}"));
    }

    /** A client for one run: its connections are opened by the run's threads and closed after it. */
    @FunctionalInterface
    interface Transport {
        ClosedLoop.Session open() throws Exception;
    }

    static ClosedLoop.Session closeable(ClosedLoop.Request r) {
        return new ClosedLoop.Session() {
            @Override
            public int[] ids(int q) throws Exception {
                return r.ids(q);
            }

            @Override
            public void close() {}
        };
    }

    /** One closed-loop run on fresh connections of {@code transport}, with the server's and our CPU time. */
    static Measured measure(Transport transport, long serverPid, int queries, int clients, int rounds)
            throws Exception {
        try (ClosedLoop.Session request = transport.open()) {
            long server0 = ProcessCpu.of(serverPid);
            long client0 = ProcessCpu.self();
            Run r = ClosedLoop.run(request, queries, clients, rounds);
            long server1 = ProcessCpu.of(serverPid);
            double n = r.latenciesMs().length;
            return new Measured(
                    r,
                    server0 < 0 || server1 < 0 ? Double.NaN : (server1 - server0) / 1e6 / n,
                    (ProcessCpu.self() - client0) / 1e6 / n);
        }
    }

    /** The {@code points/query} bodies, built once before the run (client cost kept out of the loop). */
    static String[] restBodies(float[][] queries, int ef) {
        String[] bodies = new String[queries.length];
        for (int q = 0; q < queries.length; q++) {
            StringBuilder body = new StringBuilder(queries[q].length * 12).append("{\"query\":");
            HttpBench.appendVector(body, queries[q]);
            bodies[q] = body.append(",\"limit\":10,\"with_payload\":false,\"params\":{\"hnsw_ef\":")
                    .append(ef)
                    .append("}}")
                    .toString();
        }
        return bodies;
    }

    /** REST requests through Java's {@link HttpClient} ({@code --client jdk}). */
    static ClosedLoop.Request restRequest(HttpClient http, URI uri, String[] bodies) {
        return q -> {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(Duration.ofMinutes(1))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(bodies[q]))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? idsOf(r.body()) : null;
        };
    }

    /** The ids in a {@code points/query} answer, read without a JSON tree (the client's cost stays small). */
    static int[] idsOf(String body) {
        List<Integer> ids = new ArrayList<>(10);
        for (int i = body.indexOf("\"id\":"); i >= 0; i = body.indexOf("\"id\":", i + 5)) {
            int s = i + 5;
            int e = s;
            while (e < body.length() && Character.isDigit(body.charAt(e))) {
                e++;
            }
            ids.add(Integer.parseInt(body, s, e, 10));
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    static Points.QueryPoints[] grpcMessages(String collection, float[][] queries, int ef) {
        Points.QueryPoints[] messages = new Points.QueryPoints[queries.length];
        for (int q = 0; q < queries.length; q++) {
            messages[q] = Points.QueryPoints.newBuilder()
                    .setCollectionName(collection)
                    .setQuery(QueryFactory.nearest(queries[q]))
                    .setLimit(10)
                    .setWithPayload(WithPayloadSelectorFactory.enable(false))
                    .setParams(Points.SearchParams.newBuilder().setHnswEf(ef))
                    .build();
        }
        return messages;
    }

    /** gRPC requests through the official client, one channel for all threads ({@code --client jdk}). */
    static ClosedLoop.Request grpcRequest(QdrantClient client, Points.QueryPoints[] messages) {
        return q -> {
            List<Points.ScoredPoint> found = client.queryAsync(messages[q]).get(1, TimeUnit.MINUTES);
            int[] ids = new int[found.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (int) found.get(i).getId().getNum();
            }
            return ids;
        };
    }

    static ClosedLoop.Request engineRequest(Collection c, float[][] queries, int ef) {
        return q -> {
            QueryRequest request = QueryRequest.builder()
                    .query(new Query.Nearest(new VectorInput.Dense(queries[q])))
                    .limit(10)
                    .params(new SearchParams(ef, false, false))
                    .build();
            List<ScoredPoint> found = c.query(request);
            int[] ids = new int[found.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (int) ((PointId.Num) found.get(i).id()).value();
            }
            return ids;
        };
    }

    static int[] ints(String csv) {
        return java.util.Arrays.stream(csv.split(","))
                .mapToInt(s -> Integer.parseInt(s.trim()))
                .toArray();
    }
}
