package io.sextant.index.hnsw;

import io.sextant.index.ArrayScorerSupplier;
import io.sextant.index.VectorScorer;
import io.sextant.vector.Distance;
import io.sextant.vector.VectorKernels;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A quick on-demand harness (not a test): builds an HNSW graph over seeded random-cluster vectors
 * and prints build time, then recall@10 and single-thread QPS over an ef sweep, on heap and from the
 * mapped file. Arguments: {@code [n=20000] [dim=384] [threads=0] [queries=1000] [distance=Cosine]
 * [wordnet-dir]}; with a directory, the first {@code n} rows of the wordnet-bge384 data set (float16)
 * are used instead of synthetic clusters, with exact ground truth over those rows.
 * The real comparison against Lucene, jvector and hnswlib lives in sextant-bench.
 */
public final class HnswBenchmark {
    private HnswBenchmark() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 384;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        int nq = args.length > 3 ? Integer.parseInt(args[3]) : 1_000;
        n = args.length > 5 ? Math.min(n, 115_659) : n;
        Distance distance = args.length > 4 ? Distance.fromWireName(args[4]) : Distance.COSINE;
        long seed = 12_345L;
        boolean normalize = distance == Distance.COSINE;
        float[][] data;
        float[][] queries;
        if (args.length > 5) {
            data = readF16(Path.of(args[5], "base.f16"), n, dim);
            queries = readF16(Path.of(args[5], "query.f16"), nq, dim);
        } else {
            data = SyntheticVectors.clusters(n, dim, 100, seed, normalize);
            queries = SyntheticVectors.clusters(nq, dim, 100, seed + 1, normalize);
        }
        ArrayScorerSupplier vectors = new ArrayScorerSupplier(data, distance);
        System.out.printf(
                "n=%d dim=%d distance=%s kernels=%s cores=%d%n",
                n,
                dim,
                distance.wireName(),
                VectorKernels.get().name(),
                Runtime.getRuntime().availableProcessors());
        HnswConfig config = HnswConfig.defaults().withMaxIndexingThreads(threads);
        long t0 = System.nanoTime();
        OnHeapHnswGraph graph = new HnswGraphBuilder(vectors, config).build();
        double buildS = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                "build m=%d ef_construct=%d threads=%d: %.2f s (%.0f nodes/s)%n",
                config.m(), config.efConstruct(), config.resolvedThreads(), buildS, n / buildS);
        int[][] truth = new int[nq][];
        for (int i = 0; i < nq; i++) {
            truth[i] = SyntheticVectors.exactTopK(vectors.queryScorer(queries[i]), n, 10, null);
        }
        Path file = Files.createTempFile("hnsw-bench", ".hnsw");
        HnswGraphWriter.write(graph, file);
        try (MmapHnswGraph mapped = MmapHnswGraph.open(file)) {
            for (HnswGraph g : new HnswGraph[] {graph, mapped}) {
                String kind = g == graph ? "heap" : "mmap";
                HnswSearcher searcher = new HnswSearcher(g);
                for (int ef : new int[] {16, 32, 64, 128}) {
                    run(searcher, vectors, queries, truth, ef); // warm-up
                    long s0 = System.nanoTime();
                    double[] r = run(searcher, vectors, queries, truth, ef);
                    double secs = (System.nanoTime() - s0) / 1e9;
                    System.out.printf(
                            "%s ef=%3d recall@10=%.4f qps=%8.0f visited/query=%.0f%n", kind, ef, r[0], nq / secs, r[1]);
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    static float[][] readF16(Path file, int rows, int dim) throws java.io.IOException {
        java.nio.ByteBuffer buf =
                java.nio.ByteBuffer.wrap(Files.readAllBytes(file)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int available = buf.capacity() / (2 * dim);
        float[][] out = new float[Math.min(rows, available)][dim];
        for (float[] row : out) {
            for (int d = 0; d < dim; d++) {
                row[d] = Float.float16ToFloat(buf.getShort());
            }
        }
        return out;
    }

    private static double[] run(
            HnswSearcher searcher, ArrayScorerSupplier vectors, float[][] queries, int[][] truth, int ef) {
        long found = 0;
        long visited = 0;
        for (int i = 0; i < queries.length; i++) {
            VectorScorer scorer = vectors.queryScorer(queries[i]);
            SearchResult r = searcher.search(scorer, 10, ef, null);
            visited += r.visited();
            for (int t : truth[i]) {
                for (int o : r.ordinals()) {
                    if (o == t) {
                        found++;
                        break;
                    }
                }
            }
        }
        return new double[] {(double) found / (10.0 * queries.length), (double) visited / queries.length};
    }
}
