package io.sextant.index.hnsw;

import io.sextant.index.MemorySegmentScorerSupplier;
import io.sextant.index.VectorScorer;
import io.sextant.vector.Distance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An on-demand harness (not a test) for the graph build as the segment layer runs it: vectors
 * off-heap in one {@link MemorySegment} (normalized, scored by dot product as for Cosine), the
 * build through {@link HnswGraphBuilder#build()}. Prints each build's seconds and recall@10 at a few
 * ef values against exact ground truth over the same rows (computed once and cached).
 *
 * <p>Arguments: {@code wordnet-dir [n=115659] [threads=2] [repeats=1] [queries=1000] [cache-dir=/tmp]}.
 * {@code -Dvariants=huge,small+ref,...} cycles the repeats through variants, for an A/B in one JVM:
 * {@code small} reads the rows from 4 KiB pages (else a copy in huge pages, {@link
 * io.sextant.index.memory.HugePageMemory}), {@code ref} selects neighbours one by one ({@link
 * DiverseSelection#selectOneByOne}), {@code int8} beam-searches on int8 codes.
 */
public final class HnswBuildBenchmark {
    private static final ValueLayout.OfFloat LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private HnswBuildBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 115_659;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        int nq = args.length > 4 ? Integer.parseInt(args[4]) : 1_000;
        Path cache = Path.of(args.length > 5 ? args[5] : "/tmp");
        int dim = 384;
        float[][] base = readF16(dir.resolve("base.f16"), n, dim);
        n = base.length;
        float[][] queries = readF16(dir.resolve("query.f16"), nq, dim);
        String[] variants = System.getProperty("variants", "current").split(",");
        try (Arena arena = Arena.ofShared()) {
            MemorySegment small = arena.allocate((long) n * dim * 4, 64);
            for (int i = 0; i < n; i++) {
                MemorySegment.copy(base[i], 0, small, LE, (long) i * dim * 4, dim);
            }
            MemorySegment huge = io.sextant.index.memory.HugePageMemory.copy(small, arena);
            System.out.println(
                    "anon huge page bytes after the copy: " + io.sextant.index.memory.HugePageMemory.anonHugeBytes());
            MemorySegmentScorerSupplier smallRows = new MemorySegmentScorerSupplier(small, dim, n, Distance.DOT);
            int[][] truth = truth(cache.resolve("hnsw-build-truth-" + n + "-" + nq + ".bin"), smallRows, queries, n);
            HnswConfig config = new HnswConfig(16, 100, 42L, threads);
            for (int r = 0; r < repeats; r++) {
                String variant = variants[r % variants.length];
                // variant: [small|huge pages][+ref: one-by-one neighbour selection][+int8: int8 beam search]
                DiverseSelection.referenceOnly = variant.contains("ref");
                MemorySegmentScorerSupplier vectors = variant.contains("small")
                        ? smallRows
                        : new MemorySegmentScorerSupplier(huge, dim, n, Distance.DOT);
                System.gc(); // the last repeat's graph is garbage: not collected on this one's clock
                com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                io.sextant.index.ScorerSupplier search = variant.contains("int8")
                        ? io.sextant.index.ScalarCodeScorerSupplier.encode(vectors::vector, n, dim, Distance.DOT)
                        : vectors;
                OnHeapHnswGraph graph = new HnswGraphBuilder(vectors, search, config).build();
                double secs = (System.nanoTime() - t0) / 1e9;
                double cpu = (os.getProcessCpuTime() - c0) / 1e9;
                StringBuilder line = new StringBuilder(String.format(
                        "%-12s build n=%d threads=%d: %.2f s wall, %.2f s cpu", variant, n, threads, secs, cpu));
                HnswSearcher searcher = new HnswSearcher(graph);
                for (int ef : new int[] {16, 32, 64}) {
                    line.append(
                            String.format(" recall@10(ef=%d)=%.4f", ef, recall(searcher, vectors, queries, truth, ef)));
                }
                System.out.println(line + " load="
                        + Files.readString(Path.of("/proc/loadavg")).trim());
            }
        }
    }

    private static int[][] truth(Path file, MemorySegmentScorerSupplier vectors, float[][] queries, int n)
            throws java.io.IOException {
        int[][] truth = new int[queries.length][];
        if (Files.exists(file)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(file));
            for (int i = 0; i < truth.length; i++) {
                truth[i] = new int[10];
                for (int j = 0; j < 10; j++) {
                    truth[i][j] = b.getInt();
                }
            }
            return truth;
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(queries.length * 40);
        for (int i = 0; i < queries.length; i++) {
            truth[i] = SyntheticVectors.exactTopK(vectors.queryScorer(queries[i]), n, 10, null);
            for (int t : truth[i]) {
                b.putInt(t);
            }
        }
        Files.write(file, b.array());
        return truth;
    }

    private static double recall(
            HnswSearcher searcher, MemorySegmentScorerSupplier vectors, float[][] queries, int[][] truth, int ef) {
        long found = 0;
        for (int i = 0; i < queries.length; i++) {
            VectorScorer scorer = vectors.queryScorer(queries[i]);
            SearchResult r = searcher.search(scorer, 10, ef, null);
            for (int t : truth[i]) {
                for (int o : r.ordinals()) {
                    if (o == t) {
                        found++;
                        break;
                    }
                }
            }
        }
        return (double) found / (10.0 * queries.length);
    }

    /** The first {@code rows} float16 rows of {@code file}, normalized to unit length. */
    private static float[][] readF16(Path file, int rows, int dim) throws java.io.IOException {
        float[][] out = HnswBenchmark.readF16(file, rows, dim);
        for (float[] row : out) {
            double norm = 0;
            for (float x : row) {
                norm += x * x;
            }
            float inv = (float) (1 / Math.sqrt(norm));
            for (int d = 0; d < dim; d++) {
                row[d] *= inv;
            }
        }
        return out;
    }
}
