package io.sextant.bench.http;

import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.QueryFactory;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.grpc.Points;
import io.sextant.bench.ann.Dataset;
import io.sextant.bench.http.ClosedLoop.Run;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/bench grpc}: the same top-10 queries sent to one server over REST ({@code POST
 * /collections/{c}/points/query}, Java's HttpClient) and over gRPC ({@code Points/Query}, the
 * official Java client {@code io.qdrant.client.QdrantClient} on one HTTP/2 channel), from the same
 * number of closed-loop clients, in alternating rounds so drift in machine load hits both alike.
 * Loads a slice of the data set ({@code --points}, default 20,000 rows) through REST first, waits
 * for green, warms both transports up, then reports requests/s and p50/p95/p99 latency per
 * transport and how often both returned the same ids (they must: one engine behind both).
 * Writes {@code grpc-vs-rest.md}. A command-line tool; not thread-safe.
 *
 * <p>Flags: {@code [--dataset wordnet-bge384] [--data-dir D] [--url http://127.0.0.1:6333]
 * [--grpc-port 6334] [--collection bench_grpc] [--points 20000] [--queries 1000] [--clients 4]
 * [--ef 64] [--rounds 3] [--load true] [--results D] [--command "..."]}.
 */
public final class GrpcVsRestBench {
    /** One transport: the ids of the top 10 for a query vector, or null on an error answer. */
    interface Transport {
        int[] top10(float[] vector) throws Exception;
    }

    private GrpcVsRestBench() {}

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = HttpBench.parse(argv);
        String dataset = a.getOrDefault("dataset", "wordnet-bge384");
        String shared = System.getenv().getOrDefault("SEXTANT_DATASETS", "../shared/datasets");
        Path dataDir =
                Path.of(a.getOrDefault("data-dir", Path.of(shared, dataset).toString()));
        String url = a.getOrDefault("url", "http://127.0.0.1:6333");
        int grpcPort = Integer.parseInt(a.getOrDefault("grpc-port", "6334"));
        String collection = a.getOrDefault("collection", "bench_grpc");
        int points = Integer.parseInt(a.getOrDefault("points", "20000"));
        int nq = Integer.parseInt(a.getOrDefault("queries", "1000"));
        int clients = Integer.parseInt(a.getOrDefault("clients", "4"));
        int ef = Integer.parseInt(a.getOrDefault("ef", "64"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "3"));
        boolean load = Boolean.parseBoolean(a.getOrDefault("load", "true"));
        Path results = Files.createDirectories(Path.of(a.getOrDefault("results", "bench/results")));
        String loadBefore = HttpBench.loadAverage();

        Dataset full = Dataset.load(dataset, dataDir);
        int n = Math.min(points, full.base().length);
        float[][] queries = Arrays.copyOf(full.queries(), Math.min(nq, full.queries().length));
        Map<String, String[]> keywords = new java.util.LinkedHashMap<>();
        full.keywords().forEach((k, v) -> keywords.put(k, Arrays.copyOf(v, n)));
        Dataset slice = new Dataset(
                dataset, full.cosine(), Arrays.copyOf(full.base(), n), queries, new int[0][], keywords, List.of());

        HttpBench rest = new HttpBench(url, collection);
        rest.waitReady(Duration.ofMinutes(2));
        String loaded = "skipped (--load false)";
        if (load) {
            double[] t = rest.load(slice, 256);
            loaded =
                    String.format(Locale.ROOT, "%d points in %.1f s over REST; green after %.1f s more", n, t[0], t[1]);
        }
        String host = URI.create(url).getHost();
        try (QdrantClient grpc = new QdrantClient(
                QdrantGrpcClient.newBuilder(host, grpcPort, false, false).build())) {
            Transport overRest = v -> rest.query(v, ef);
            Transport overGrpc = v -> grpcTop10(grpc, collection, v, ef);
            run(overRest, queries, 1, 1); // warm-up
            run(overGrpc, queries, 1, 1);
            List<Run> restRuns = new ArrayList<>();
            List<Run> grpcRuns = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                restRuns.add(run(overRest, queries, clients, 1));
                grpcRuns.add(run(overGrpc, queries, clients, 1));
            }
            Run restAll = ClosedLoop.merge(restRuns);
            Run grpcAll = ClosedLoop.merge(grpcRuns);
            int same = 0;
            for (int q = 0; q < queries.length; q++) {
                same += Arrays.equals(restAll.ids()[q], grpcAll.ids()[q]) ? 1 : 0;
            }
            StringBuilder md = new StringBuilder("# gRPC vs REST search: " + dataset + "\n\n");
            md.append("- command: `")
                    .append(a.getOrDefault("command", "GrpcVsRestBench " + String.join(" ", argv)))
                    .append("`\n- date: ")
                    .append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                    .append("\n- CPU: ")
                    .append(HttpBench.cpuModel())
                    .append(", ")
                    .append(Runtime.getRuntime().availableProcessors())
                    .append(" cores (client and server on the same machine, loopback)\n- load average before: ")
                    .append(loadBefore)
                    .append("\n- server: REST ")
                    .append(url)
                    .append(", gRPC ")
                    .append(host)
                    .append(':')
                    .append(grpcPort)
                    .append("\n- data: first ")
                    .append(n)
                    .append(" of ")
                    .append(full.base().length)
                    .append(" rows, dimension ")
                    .append(slice.dimension())
                    .append(", ")
                    .append(queries.length)
                    .append(" queries; load: ")
                    .append(loaded)
                    .append(String.format(
                            Locale.ROOT,
                            "%n- queries: top 10, hnsw_ef=%d, no payload, %d closed-loop clients, %d alternating"
                                    + " rounds per transport (REST then gRPC), after one warm-up round each%n",
                            ef,
                            clients,
                            rounds))
                    .append("- same top-10 ids over both transports: ")
                    .append(same)
                    .append(" / ")
                    .append(queries.length)
                    .append(" queries\n\n")
                    .append("| transport | client | requests/s | p50 (ms) | p95 (ms) | p99 (ms) | errors |\n")
                    .append("|---|---|---:|---:|---:|---:|---:|\n")
                    .append(row("REST (JSON/HTTP 1.1)", "java.net.http.HttpClient", restAll))
                    .append(row("gRPC (protobuf/HTTP 2)", "io.qdrant.client.QdrantClient 1.18.3", grpcAll))
                    .append("\n- load average after: ")
                    .append(HttpBench.loadAverage())
                    .append('\n');
            Path out = results.resolve("grpc-vs-rest.md");
            Files.writeString(out, md.toString());
            System.out.print(md);
            System.out.println("[grpc] wrote " + out);
        }
    }

    static int[] grpcTop10(QdrantClient client, String collection, float[] v, int ef) throws Exception {
        List<Points.ScoredPoint> found = client.queryAsync(Points.QueryPoints.newBuilder()
                        .setCollectionName(collection)
                        .setQuery(QueryFactory.nearest(v))
                        .setLimit(10)
                        .setWithPayload(WithPayloadSelectorFactory.enable(false))
                        .setParams(Points.SearchParams.newBuilder().setHnswEf(ef))
                        .build())
                .get(1, TimeUnit.MINUTES);
        int[] ids = new int[found.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (int) found.get(i).getId().getNum();
        }
        return ids;
    }

    /** Every query once per round from {@code clients} threads; latencies sorted. */
    static Run run(Transport t, float[][] queries, int clients, int rounds) throws Exception {
        return ClosedLoop.run(q -> t.top10(queries[q]), queries.length, clients, rounds);
    }

    static String row(String transport, String client, Run r) {
        return String.format(
                Locale.ROOT,
                "| %s | %s | %.0f | %.2f | %.2f | %.2f | %d |%n",
                transport,
                client,
                r.rps(),
                HttpBench.percentile(r.latenciesMs(), 0.50),
                HttpBench.percentile(r.latenciesMs(), 0.95),
                HttpBench.percentile(r.latenciesMs(), 0.99),
                r.errors());
    }
}
