package io.sextant.bench.http;

import io.sextant.bench.ann.Dataset;
import io.sextant.bench.ann.Recall;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * The client side of {@code bin/bench memory-limit} (issue P12, vectors that outgrow RAM): one step
 * per invocation against a server the script started (unconstrained or inside a memory-limited
 * cgroup), each printing one line of JSON for the script's report.
 *
 * <ul>
 *   <li>{@code --step load}: creates the collection with float32 vectors on disk, int8 codes and the
 *       graph in RAM ({@code on_disk: true}, {@code always_ram: true}, {@code hnsw_config.on_disk:
 *       false}), upserts the data set with its keyword payload, waits for green;
 *   <li>{@code --step measure}: one warm-up pass, then {@code --rounds} closed-loop passes over the
 *       queries with one client: requests/s, p50/p90/p99/max and recall@10;
 *   <li>{@code --step cold}: the first {@code --n} queries one after another right after a start,
 *       each query's latency (the cold-start curve).
 * </ul>
 *
 * <p>Flags: {@code --step S [--url http://127.0.0.1:26431] [--collection bench] [--dataset
 * wordnet-bge384] [--data-dir D] [--ef 64] [--rounds 3] [--n 1000] [--batch 256]}. Not thread-safe.
 */
public final class MemoryLimitBench {
    private MemoryLimitBench() {}

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = HttpBench.parse(argv);
        String dataset = a.getOrDefault("dataset", "wordnet-bge384");
        String shared = System.getenv().getOrDefault("SEXTANT_DATASETS", "../shared/datasets");
        Dataset data = Dataset.load(
                dataset,
                Path.of(a.getOrDefault("data-dir", Path.of(shared, dataset).toString())));
        HttpBench http =
                new HttpBench(a.getOrDefault("url", "http://127.0.0.1:26431"), a.getOrDefault("collection", "bench"));
        int ef = Integer.parseInt(a.getOrDefault("ef", "64"));
        String step = a.getOrDefault("step", "");
        System.out.println(
                switch (step) {
                    case "load" -> load(http, data, Integer.parseInt(a.getOrDefault("batch", "256")));
                    case "measure" -> measure(http, data, ef, Integer.parseInt(a.getOrDefault("rounds", "3")));
                    case "cold" -> cold(http, data, ef, Integer.parseInt(a.getOrDefault("n", "1000")));
                    default ->
                        throw new IllegalArgumentException("--step must be load, measure or cold, got '" + step + "'");
                });
    }

    /** The collection body: floats on disk, int8 codes and the graph in RAM. */
    static String collectionBody(Dataset data) {
        return "{\"vectors\":{\"size\":" + data.dimension() + ",\"distance\":\"" + (data.cosine() ? "Cosine" : "Euclid")
                + "\",\"on_disk\":true},\"hnsw_config\":{\"m\":16,\"ef_construct\":100,\"on_disk\":false},"
                + "\"quantization_config\":{\"scalar\":{\"type\":\"int8\",\"quantile\":0.99,\"always_ram\":true}},"
                + "\"on_disk_payload\":true}";
    }

    static String load(HttpBench http, Dataset data, int batch) throws Exception {
        http.waitReady(java.time.Duration.ofMinutes(5));
        double[] s = http.load(data, batch, collectionBody(data));
        return String.format(
                Locale.ROOT, "{\"points\":%d,\"load_s\":%.1f,\"green_s\":%.1f}", data.base().length, s[0], s[1]);
    }

    static String measure(HttpBench http, Dataset data, int ef, int rounds) throws Exception {
        http.waitReady(java.time.Duration.ofMinutes(5));
        http.runQueries(data, 1, ef, 1, null); // warm-up
        HttpBench.Stats st = http.runQueries(data, 1, ef, rounds, new Recall(data));
        double[] l = st.latenciesMs();
        return String.format(
                Locale.ROOT,
                "{\"rps\":%.1f,\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f,\"recall\":%.4f,\"errors\":%d}",
                st.rps(),
                st.p(0.5),
                st.p(0.9),
                st.p(0.99),
                l.length == 0 ? Double.NaN : l[l.length - 1],
                st.recall(),
                st.errors());
    }

    static String cold(HttpBench http, Dataset data, int ef, int n) throws Exception {
        http.waitReady(java.time.Duration.ofMinutes(5));
        double[] ms = http.firstQueries(data, ef, n).stream()
                .mapToDouble(Double::doubleValue)
                .toArray();
        StringBuilder b = new StringBuilder("{\"latencies_ms\":[");
        for (int i = 0; i < ms.length; i++) {
            b.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3f", ms[i]));
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        return b.append(String.format(
                        Locale.ROOT,
                        "],\"p50\":%.3f,\"p99\":%.3f,\"total_s\":%.2f}",
                        HttpBench.percentile(sorted, 0.5),
                        HttpBench.percentile(sorted, 0.99),
                        Arrays.stream(ms).sum() / 1000))
                .toString();
    }
}
