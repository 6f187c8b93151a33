package io.sextant.segment.vectorindex;

import io.sextant.index.ScoreFunction;
import io.sextant.index.ScorerSupplier;
import io.sextant.index.VectorScorer;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.storage.MultiVectorStorage;
import io.sextant.segment.storage.Segment;
import io.sextant.vector.quant.OrdinalScorer;

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
        return off -> {
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
        };
    }

    /** Node-versus-node scorers for building a graph over the multivectors of {@code name}. */
    public static ScorerSupplier supplier(Segment seg, String name) {
        int n = seg.offsetLimit();
        return new ScorerSupplier() {
            @Override
            public VectorScorer scorerFor(int ordinal) {
                float[] v = seg.scoringVector(ordinal, name);
                if (v == null || v.length == 0) {
                    return off -> Float.NEGATIVE_INFINITY;
                }
                // symmetric for the build: the mean of both directions' per-vector best match
                // (max_sim divided by the query side's vector count), so links and the diversity
                // heuristic see one distance between two points
                VectorSpec spec = seg.specs().get(name);
                ScoreFunction f = ScoreFunction.of(spec.distance());
                float[][] mine = MultiVectorStorage.split(v, spec.size());
                return off -> {
                    if (!seg.hasVector(off, name)) {
                        return Float.NEGATIVE_INFINITY;
                    }
                    float[][] theirs = MultiVectorStorage.split(seg.scoringVector(off, name), spec.size());
                    return 0.5f
                            * (seg.similarity(name, f, mine, off) / mine.length
                                    + seg.similarity(name, f, theirs, ordinal) / theirs.length);
                };
            }

            @Override
            public int size() {
                return n;
            }
        };
    }
}
