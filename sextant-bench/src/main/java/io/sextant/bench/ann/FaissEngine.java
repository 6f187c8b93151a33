package io.sextant.bench.ann;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * FAISS's {@code IndexHNSWFlat} (the machine's {@code faiss-cpu} wheel, in the venv {@code bin/bench}
 * makes) as a peer: measured, not linked. {@link #build} writes the prepared vectors as raw float32
 * rows and runs {@code bench/scripts/faiss_hnsw.py}, which builds the index with {@code
 * omp_set_num_threads(build threads)} and then measures every (threads, ef) point with the same pass
 * rule as {@link AnnWorker}; the worker takes those points through {@link #premeasured} and computes
 * recall with the shared rule. The Python interpreter is {@code $SEXTANT_FAISS_PYTHON} (default {@code
 * bench/work/venv-faiss/bin/python}). No filtered search through this driver: filtered runs are n/a.
 */
final class FaissEngine implements AnnEngine {
    private final int[] threadCounts;
    private final int[] efs;
    private final Map<String, Premeasured> points = new HashMap<>();
    private double buildSeconds;

    FaissEngine(int[] threadCounts, int[] efs) {
        this.threadCounts = threadCounts;
        this.efs = efs;
    }

    @Override
    public String name() {
        return "faiss";
    }

    @Override
    public String build(BuildSpec spec) throws Exception {
        Dataset data = spec.data();
        Path dir = Files.createDirectories(spec.workDir().resolve("faiss"));
        Path base = dir.resolve("base.f32");
        Path queries = dir.resolve("query.f32");
        writeRows(base, data.base(), data.cosine());
        writeRows(queries, data.queries(), data.cosine());
        Path out = Files.createDirectories(dir.resolve("out"));
        String python = System.getenv().getOrDefault("SEXTANT_FAISS_PYTHON", "bench/work/venv-faiss/bin/python");
        List<String> cmd = new ArrayList<>(List.of(
                python,
                "bench/scripts/faiss_hnsw.py",
                "--base",
                base.toString(),
                "--queries",
                queries.toString(),
                "--dim",
                Integer.toString(data.dimension()),
                "--metric",
                data.cosine() ? "ip" : "l2",
                "--m",
                Integer.toString(spec.m()),
                "--ef-construct",
                Integer.toString(spec.efConstruct()),
                "--build-threads",
                Integer.toString(Math.max(1, spec.threads())),
                "--threads",
                join(threadCounts),
                "--ef",
                join(efs),
                "--k",
                Integer.toString(AnnWorker.K),
                "--out",
                out.toString()));
        int rc = new ProcessBuilder(cmd).inheritIO().start().waitFor();
        if (rc != 0) {
            throw new IllegalStateException("faiss driver exited " + rc + ": " + String.join(" ", cmd));
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode built = json.readTree(out.resolve("build.json").toFile());
        buildSeconds = built.get("build_s").asDouble();
        int n = data.queries().length;
        for (JsonNode p : json.readTree(out.resolve("points.json").toFile())) {
            int t = p.get("threads").asInt();
            int ef = p.get("ef").asInt();
            String key = "t" + t + "-ef" + ef;
            int[][] ids = readIds(out.resolve("ids-" + key + ".i32"), n, AnnWorker.K);
            long[] lat = readLongs(out.resolve("lat-" + key + ".i64"), n);
            points.put(key, new Premeasured(ids, p.get("secs").asDouble(), lat));
        }
        return built.get("notes").asText() + " (driver: bench/scripts/faiss_hnsw.py)";
    }

    @Override
    public java.util.OptionalDouble ownBuildSeconds() {
        return java.util.OptionalDouble.of(buildSeconds);
    }

    @Override
    public Premeasured premeasured(int threads, int ef) {
        return points.get("t" + threads + "-ef" + ef);
    }

    @Override
    public boolean supportsFilter() {
        return false;
    }

    @Override
    public Object prepareFilter(Dataset.Filter filter) {
        throw new UnsupportedOperationException("the faiss driver measures unfiltered search only");
    }

    @Override
    public Searcher searcher() {
        return (query, k, ef, prepared) -> {
            throw new UnsupportedOperationException("faiss points are measured by the Python driver");
        };
    }

    @Override
    public long offHeapBytes() {
        return 0;
    }

    @Override
    public void close() {}

    private static String join(int[] values) {
        StringBuilder sb = new StringBuilder();
        for (int v : values) {
            sb.append(sb.isEmpty() ? "" : ",").append(v);
        }
        return sb.toString();
    }

    private static void writeRows(Path file, float[][] rows, boolean cosine) throws IOException {
        try (OutputStream os = Files.newOutputStream(file);
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16))) {
            for (float[] row : rows) {
                for (float v : AnnEngine.prepared(row, cosine)) {
                    out.writeInt(Integer.reverseBytes(Float.floatToRawIntBits(v)));
                }
            }
        }
    }

    private static int[][] readIds(Path file, int n, int k) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int[][] out = new int[n][];
        for (int q = 0; q < n; q++) {
            int[] row = new int[k];
            int found = 0;
            for (int i = 0; i < k; i++) {
                int id = in.getInt();
                if (id >= 0) {
                    row[found++] = id;
                }
            }
            out[q] = java.util.Arrays.copyOf(row, found);
        }
        return out;
    }

    private static long[] readLongs(Path file, int n) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = in.getLong();
        }
        return out;
    }
}
