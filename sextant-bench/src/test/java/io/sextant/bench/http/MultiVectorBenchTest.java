package io.sextant.bench.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sextant.bench.multivector.MaxSim;
import io.sextant.bench.multivector.MultiVectorFile;
import io.sextant.bench.multivector.WordnetMultiVectorBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the whole bench against a fake Qdrant REST server that implements max_sim multivector
 * collections by exact scan, and answers HNSW queries with ef below 32 with the 10th hit replaced by
 * the worst point (so their recall@10 is exactly 0.9).
 */
class MultiVectorBenchTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int DIM = 6;

    @TempDir
    Path dir;

    HttpServer server;
    final Map<Integer, float[][]> points = new ConcurrentHashMap<>();
    final List<String> createBodies = new ArrayList<>();
    final List<String> queryParams = new ArrayList<>();
    final List<String> patchBodies = new ArrayList<>();

    @BeforeEach
    void startFake() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stopFake() {
        server.stop(0);
    }

    private synchronized void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String method = ex.getRequestMethod();
        String answer;
        if (path.equals("/collections")) {
            answer = "{\"result\":{\"collections\":[]},\"status\":\"ok\"}";
        } else if (path.equals("/collections/mv") && method.equals("PUT")) {
            createBodies.add(body);
            answer = "{\"result\":true,\"status\":\"ok\"}";
        } else if (path.equals("/collections/mv") && method.equals("PATCH")) {
            patchBodies.add(body);
            answer = "{\"result\":true,\"status\":\"ok\"}";
        } else if (path.equals("/collections/mv") && method.equals("GET")) {
            answer = "{\"result\":{\"status\":\"green\",\"points_count\":" + points.size()
                    + ",\"segments_count\":1,\"indexed_vectors_count\":0},\"status\":\"ok\"}";
        } else if (path.equals("/collections/mv/points") && method.equals("PUT")) {
            for (JsonNode p : JSON.readTree(body).path("points")) {
                points.put(p.path("id").asInt(), JSON.treeToValue(p.path("vector"), float[][].class));
            }
            answer = "{\"result\":{\"operation_id\":1,\"status\":\"completed\"},\"status\":\"ok\"}";
        } else if (path.equals("/collections/mv/points/query")) {
            JsonNode q = JSON.readTree(body);
            queryParams.add(q.path("params").toString());
            answer = query(
                    JSON.treeToValue(q.path("query"), float[][].class),
                    q.path("limit").asInt(),
                    q.path("params").path("hnsw_ef").asInt(0));
        } else {
            answer = "{\"result\":true,\"status\":\"ok\"}";
        }
        byte[] out = answer.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, out.length);
        ex.getResponseBody().write(out);
        ex.close();
    }

    private String query(float[][] query, int limit, int ef) {
        List<Integer> order = points.keySet().stream()
                .sorted(Comparator.comparingDouble((Integer id) -> -MaxSim.score(query, points.get(id)))
                        .thenComparingInt(id -> id))
                .toList();
        List<Integer> top = new ArrayList<>(order.subList(0, Math.min(limit, order.size())));
        if (ef > 0 && ef < 32) {
            top.set(top.size() - 1, order.getLast());
        }
        StringBuilder sb = new StringBuilder("{\"result\":{\"points\":[");
        for (int i = 0; i < top.size(); i++) {
            sb.append(i > 0 ? "," : "").append("{\"id\":").append(top.get(i)).append(",\"version\":0,\"score\":0.5}");
        }
        return sb.append("]},\"status\":\"ok\",\"time\":0.001}").toString();
    }

    static float[][][] unitPoints(Random rnd, int n) {
        float[][][] out = new float[n][][];
        for (int p = 0; p < n; p++) {
            out[p] = new float[1 + rnd.nextInt(3)][DIM];
            for (float[] v : out[p]) {
                double norm = 0;
                for (int d = 0; d < DIM; d++) {
                    v[d] = (float) rnd.nextGaussian();
                    norm += v[d] * v[d];
                }
                for (int d = 0; d < DIM; d++) {
                    v[d] /= (float) Math.sqrt(norm);
                }
            }
        }
        return out;
    }

    Path dataSet(long seed) throws Exception {
        Random rnd = new Random(seed);
        float[][][] base = unitPoints(rnd, 200);
        float[][][] queries = unitPoints(rnd, 12);
        Path data = Files.createDirectories(dir.resolve("data"));
        MultiVectorFile.write(data.resolve("base.mv"), DIM, base);
        MultiVectorFile.write(data.resolve("query.mv"), DIM, queries);
        MaxSim.TopK t = MaxSim.topK(base, queries, 100, 2);
        WordnetMultiVectorBuilder.writeIvecs(data.resolve("groundtruth.ivecs"), t.ids());
        WordnetMultiVectorBuilder.writeFvecs(data.resolve("groundtruth-scores.fvecs"), t.scores());
        Files.writeString(data.resolve("meta.json"), "{}");
        return data;
    }

    /** Runs the bench against the fake server on {@code data}, writing into the temp dir. */
    void bench(Path data, String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--data-dir",
                data.toString(),
                "--url",
                "http://127.0.0.1:" + server.getAddress().getPort(),
                "--collection",
                "mv",
                "--results",
                dir.toString()));
        args.addAll(List.of(flags));
        MultiVectorBench.main(args.toArray(String[]::new));
    }

    @Test
    void loadsQueriesAndReportsRecallAndSpeedUp() throws Exception {
        long seed = System.nanoTime();
        Path data = dataSet(seed);
        bench(
                data,
                "--ef",
                "16,64",
                "--clients",
                "1,2",
                "--batch",
                "32",
                "--out",
                "mv",
                "--command",
                "bin/bench multivector test");
        assertThat(points).as("seed %d", seed).hasSize(200);
        JsonNode create = JSON.readTree(createBodies.getFirst()).path("vectors");
        assertThat(create.path("size").asInt()).isEqualTo(DIM);
        assertThat(create.path("distance").asText()).isEqualTo("Cosine");
        assertThat(create.path("multivector_config").path("comparator").asText())
                .isEqualTo("max_sim");
        assertThat(queryParams).contains("{\"hnsw_ef\":16}", "{\"hnsw_ef\":64}", "{\"exact\":true}");

        List<String> csv = Files.readAllLines(dir.resolve("mv.csv"));
        assertThat(csv).hasSize(1 + 6);
        assertThat(csv)
                .anySatisfy(l -> assertThat(l).startsWith("hnsw,16,1,12,").endsWith(",0.9000"));
        assertThat(csv)
                .anySatisfy(l -> assertThat(l).startsWith("hnsw,64,2,12,").endsWith(",1.0000"));
        assertThat(csv).anySatisfy(l -> assertThat(l).startsWith("exact,,1,12,").endsWith(",1.0000"));
        String md = Files.readString(dir.resolve("mv.md"));
        assertThat(md).contains("Command: `bin/bench multivector test`");
        assertThat(md).contains("| HNSW ef=16 | 1 |").contains("| exact scan | 2 |");
        assertThat(md).containsPattern("1 client: (NOT MET|MET), ef=64: recall@10 1.0000");
        assertThat(md).contains("200 base points with");
    }

    @Test
    void aSubsetOfPointsGetsItsOwnExactTruth() throws Exception {
        Path data = dataSet(7);
        bench(
                data,
                "--ef",
                "64",
                "--clients",
                "1",
                "--points",
                "150",
                "--queries",
                "5",
                "--warmup-rounds",
                "0",
                "--out",
                "sub");
        assertThat(points.keySet())
                .isEqualTo(
                        new java.util.HashSet<>(IntStream.range(0, 150).boxed().toList()));
        List<String> csv = Files.readAllLines(dir.resolve("sub.csv"));
        assertThat(csv.get(1)).startsWith("hnsw,64,1,5,").endsWith(",1.0000");
        assertThat(csv.get(2)).startsWith("exact,,1,5,").endsWith(",1.0000");
        assertThat(Files.readString(dir.resolve("sub.md"))).contains("ground truth recomputed exactly");
    }

    @Test
    void graphAndQuantizationSettingsReachTheCollectionAndTheExactScanIgnoresCodes() throws Exception {
        Path data = dataSet(11);
        bench(
                data,
                "--ef",
                "64",
                "--clients",
                "1",
                "--queries",
                "5",
                "--warmup-rounds",
                "0",
                "--m",
                "32",
                "--ef-construct",
                "200",
                "--quantization",
                "turbo4",
                "--single-segment",
                "true",
                "--out",
                "q");
        JsonNode create = JSON.readTree(createBodies.getFirst());
        assertThat(create.path("hnsw_config").path("m").asInt()).isEqualTo(32);
        assertThat(create.path("hnsw_config").path("ef_construct").asInt()).isEqualTo(200);
        assertThat(create.path("quantization_config").path("turbo").path("bits").asText())
                .isEqualTo("bits4");
        assertThat(create.path("optimizers_config").path("indexing_threshold").asInt())
                .isZero();
        assertThat(patchBodies).containsExactly("{\"optimizers_config\":{\"indexing_threshold\":10000}}");
        assertThat(queryParams)
                .contains(
                        "{\"hnsw_ef\":64,\"quantization\":{\"rescore\":true}}",
                        "{\"exact\":true,\"quantization\":{\"ignore\":true}}");
        assertThatThrownBy(() -> bench(data, "--quantization", "pq"))
                .hasMessageContaining("--quantization must be none, int8 or turbo4");
    }

    @Test
    void oversamplingGoesIntoTheHnswQueriesOnly() throws IOException {
        float[][][] queries = {{{1, 0}, {0, 1}}};
        JsonNode hnsw = JSON.readTree(MultiVectorBench.bodies(queries, 64, true, 2.5)[0]);
        assertThat(hnsw.path("params").toString())
                .isEqualTo("{\"hnsw_ef\":64,\"quantization\":{\"rescore\":true,\"oversampling\":2.5}}");
        assertThat(hnsw.path("query").toString()).isEqualTo("[[1.0,0.0],[0.0,1.0]]");
        JsonNode exact = JSON.readTree(MultiVectorBench.bodies(queries, 0, true, 2.5)[0]);
        assertThat(exact.path("params").toString()).isEqualTo("{\"exact\":true,\"quantization\":{\"ignore\":true}}");
    }

    @Test
    void verdictNeedsRecallAndTenfoldSpeedUp() {
        ClosedLoop.Run fast = new ClosedLoop.Run(new double[] {1}, 500, 0, new int[0][]);
        ClosedLoop.Run slow = new ClosedLoop.Run(new double[] {1}, 40, 0, new int[0][]);
        var exact = new MultiVectorBench.Result(new MultiVectorBench.Config(0, 1), slow, 1.0);
        String met = MultiVectorBench.verdict(List.of(
                new MultiVectorBench.Result(new MultiVectorBench.Config(32, 1), fast, 0.94),
                new MultiVectorBench.Result(new MultiVectorBench.Config(64, 1), fast, 0.96),
                exact));
        assertThat(met).contains("1 client: MET, ef=64: recall@10 0.9600 at 500.0 q/s = 12.5x");
        String slowHnsw = MultiVectorBench.verdict(
                List.of(new MultiVectorBench.Result(new MultiVectorBench.Config(64, 1), slow, 0.99), exact));
        assertThat(slowHnsw).contains("1 client: NOT MET, ef=64").contains("= 1.0x");
        String lowRecall = MultiVectorBench.verdict(
                List.of(new MultiVectorBench.Result(new MultiVectorBench.Config(64, 1), fast, 0.5), exact));
        assertThat(lowRecall).contains("NOT MET, no hnsw_ef reached recall@10 0.95");
    }
}
