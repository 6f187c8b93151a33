package io.sextant.segment.vectorindex;

import io.sextant.index.ScoreFunction;
import io.sextant.index.ScorerSupplier;
import io.sextant.index.VectorScorer;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.storage.MultiVectorStorage;
import io.sextant.segment.storage.Segment;
import io.sextant.vector.VectorKernels;
import io.sextant.vector.quant.OrdinalScorer;
import java.util.stream.IntStream;

/**
 * Scorers over a segment's multivectors by max_sim: for each query vector the best similarity
 * among the point's vectors, summed. Scores are graph-side ({@link ScoreFunction}: higher is
 * closer), so Euclid sums negative squared distances, as Qdrant does (ranking equals the
 * per-vector metric's; {@link ScoreFunction#toDistanceScore} turns the sum into the reported score).
 *
 * <p>Note that max_sim is not symmetric; a graph build scores a node as the query, as Qdrant does.
 */
public final class MultiVectorScorers {
    private MultiVectorScorers() {}

    /** An exact scorer of {@code query} (vectors concatenated, normalized for Cosine) against offsets. */
    public static VectorScorer exact(Segment seg, String name, float[] query) {
        VectorSpec spec = seg.specs().get(name);
        float[][] q = MultiVectorStorage.split(query, spec.size());
        ScoreFunction f = ScoreFunction.of(spec.distance());
        return off -> seg.similarity(name, f, q, off);
    }

    /**
     * An approximate scorer over quantized codes of the inner vectors ({@code codes} has one code
     * per inner ordinal of {@link MultiVectorStorage}).
     */
    public static VectorScorer quantized(Segment seg, String name, QuantizedVectors codes, float[] query) {
        MultiVectorStorage store = seg.multiVectors(name);
        int dim = store.dim();
        OrdinalScorer[] perQuery = new OrdinalScorer[query.length / dim];
        float[][] q = MultiVectorStorage.split(query, dim);
        for (int i = 0; i < q.length; i++) {
            perQuery[i] = codes.scorer(q[i]);
        }
        return new VectorScorer() {
            @Override
            public float score(int off) {
                long first = store.start(off);
                int k = store.count(off);
                float sum = 0;
                for (OrdinalScorer s : perQuery) {
                    float best = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < k; j++) {
                        float x = s.score((int) (first + j));
                        if (x > best) {
                            best = x;
                        }
                    }
                    sum += best;
                }
                return sum;
            }

            @Override
            public void bulkScore(int[] offsets, int count, float[] out) {
                long touched = 0; // all the neighbours' codes first: their cache misses overlap
                for (int i = 0; i < count; i++) {
                    touched += codes.touch(store.start(offsets[i]), store.count(offsets[i]));
                }
                if (touched == Long.MIN_VALUE) { // never: keeps the reads
                    throw new AssertionError();
                }
                for (int i = 0; i < count; i++) {
                    out[i] = score(offsets[i]);
                }
            }
        };
    }

    /**
     * Node-versus-node scorers for building a graph over the multivectors of {@code name}: every
     * point's vectors decoded once onto the heap (as builds of float16 and uint8 vectors do, the graph
     * needs fast random access), and a symmetric distance, the mean of both directions' best match
     * per vector (max_sim divided by the query side's vector count), so links and the diversity
     * heuristic see one distance between two points. Queries still score by max_sim.
     */
    public static ScorerSupplier supplier(Segment seg, String name) {
        int n = seg.offsetLimit();
        VectorSpec spec = seg.specs().get(name);
        ScoreFunction f = ScoreFunction.of(spec.distance());
        float[][][] rows = new float[n][][];
        IntStream.range(0, n).parallel().forEach(o -> {
            float[] v = seg.isLive(o) ? seg.scoringVector(o, name) : null;
            rows[o] = v == null || v.length == 0 ? null : MultiVectorStorage.split(v, spec.size());
        });
        VectorKernels kernels = VectorKernels.get();
        return new ScorerSupplier() {
            @Override
            public VectorScorer scorerFor(int ordinal) {
                float[][] mine = rows[ordinal];
                if (mine == null) {
                    return off -> Float.NEGATIVE_INFINITY;
                }
                return off -> {
                    float[][] theirs = rows[off];
                    return theirs == null
                            ? Float.NEGATIVE_INFINITY
                            : 0.5f
                                    * (maxSim(f, kernels, mine, theirs) / mine.length
                                            + maxSim(f, kernels, theirs, mine) / theirs.length);
                };
            }

            @Override
            public int size() {
                return n;
            }
        };
    }

    private static float maxSim(ScoreFunction f, VectorKernels kernels, float[][] query, float[][] doc) {
        float sum = 0;
        for (float[] q : query) {
            float best = Float.NEGATIVE_INFINITY;
            for (float[] d : doc) {
                best = Math.max(best, f.compare(kernels, q, d));
            }
            sum += best;
        }
        return sum;
    }
}
