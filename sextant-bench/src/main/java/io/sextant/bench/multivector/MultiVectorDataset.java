package io.sextant.bench.multivector;

import io.sextant.bench.ann.Dataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The wordnet-multivec data set as written by {@link WordnetMultiVectorBuilder}: base and query
 * multivectors and the exact max_sim top-100 ground truth. Immutable after loading (the arrays are
 * shared, not copied).
 *
 * @param base base points, {@code [row][vector][dim]}
 * @param queries query points
 * @param truth per query, the top base rows by exact max_sim, best first
 * @param truthScores their max_sim
 */
public record MultiVectorDataset(float[][][] base, float[][][] queries, int[][] truth, float[][] truthScores) {

    /** Reads {@code base.mv}, {@code query.mv}, {@code groundtruth.ivecs} and {@code groundtruth-scores.fvecs}. */
    public static MultiVectorDataset load(Path dir) throws IOException {
        if (!Files.exists(dir.resolve("meta.json"))) {
            throw new IOException(
                    dir + " holds no built data set (no meta.json): run bin/bench multivector-data first");
        }
        MultiVectorDataset d = new MultiVectorDataset(
                MultiVectorFile.read(dir.resolve("base.mv")),
                MultiVectorFile.read(dir.resolve("query.mv")),
                Dataset.readIvecs(dir.resolve("groundtruth.ivecs")),
                Dataset.readFvecs(dir.resolve("groundtruth-scores.fvecs")));
        if (d.truth.length != d.queries.length || d.truthScores.length != d.queries.length) {
            throw new IOException(dir + ": " + d.queries.length + " queries but " + d.truth.length
                    + " ground-truth rows and " + d.truthScores.length + " score rows");
        }
        return d;
    }

    /** The number of vectors over all {@code points}. */
    public static long vectorCount(float[][][] points) {
        long n = 0;
        for (float[][] p : points) {
            n += p.length;
        }
        return n;
    }

    /** The vector dimension (of the first base vector). */
    public int dimension() {
        return base[0][0].length;
    }

    /**
     * The first {@code points} base rows and the first {@code queryCount} queries; when fewer base rows
     * are kept, the ground truth is recomputed exactly over them ({@code threads} threads).
     */
    public MultiVectorDataset subset(int points, int queryCount, int threads) throws InterruptedException {
        int n = Math.min(points, base.length);
        int q = Math.min(queryCount, queries.length);
        float[][][] b = n == base.length ? base : Arrays.copyOf(base, n);
        float[][][] qs = Arrays.copyOf(queries, q);
        if (n == base.length) {
            return new MultiVectorDataset(b, qs, Arrays.copyOf(truth, q), Arrays.copyOf(truthScores, q));
        }
        MaxSim.TopK t = MaxSim.topK(b, qs, Math.min(100, n), threads);
        return new MultiVectorDataset(b, qs, t.ids(), t.scores());
    }
}
