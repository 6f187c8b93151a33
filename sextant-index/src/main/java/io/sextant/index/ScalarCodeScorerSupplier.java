package io.sextant.index;

import io.sextant.vector.Distance;
import io.sextant.vector.quant.OrdinalScorer;
import io.sextant.vector.quant.Quantizer;
import io.sextant.vector.quant.QuantizerSpec;
import io.sextant.vector.quant.Quantizers;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.IntFunction;

/**
 * Approximate scores for a graph build's beam search: every stored vector encoded with per-dimension
 * scalar int8 ({@link io.sextant.vector.quant.ScalarQuantizer}, quantile {@value #QUANTILE}), scored
 * against a float32 fixed vector (the node being inserted). A row of codes is a quarter of a float32
 * row, so a beam search over a segment larger than the CPU caches waits on memory a quarter as long;
 * the builder re-scores the beam's results with the exact vectors before it picks neighbours
 * (see {@link io.sextant.index.hnsw.HnswGraphBuilder}).
 *
 * <p>The codes live off-heap in an automatic arena (freed when this supplier is unreachable): {@code
 * size * (dimension + 4)} bytes, transient, never written to a file. Scores are not symmetric to the
 * last bit (only the stored side is quantized). Thread-safe; each scorer belongs to one thread.
 */
public final class ScalarCodeScorerSupplier implements ScorerSupplier {
    /** The central share of each dimension's values that the int8 range covers. */
    public static final float QUANTILE = 0.995f;

    private final Quantizer quantizer;
    private final QuantizerSpec spec;
    private final IntFunction<float[]> rows;
    private final MemorySegment codes;
    private final int count;

    private ScalarCodeScorerSupplier(
            Quantizer quantizer, QuantizerSpec spec, IntFunction<float[]> rows, MemorySegment codes, int count) {
        this.quantizer = quantizer;
        this.spec = spec;
        this.rows = rows;
        this.codes = codes;
        this.count = count;
    }

    /**
     * Trains on a seeded sample of {@code rows} and encodes all {@code count} of them.
     *
     * @param rows copies of the stored float32 vectors by ordinal (called from several threads)
     * @param distance Dot, Cosine or Euclid; Manhattan is not supported
     */
    public static ScalarCodeScorerSupplier encode(
            IntFunction<float[]> rows, int count, int dimension, Distance distance) {
        if (!supports(distance)) {
            throw new IllegalArgumentException("int8 build scoring supports Dot, Cosine and Euclid, not " + distance);
        }
        QuantizerSpec spec = new QuantizerSpec.Scalar(QUANTILE, false);
        Quantizer q = Quantizers.train(spec, distance, dimension, count, rows, 42L);
        MemorySegment codes = Quantizers.encodeAll(q, count, rows, Arena.ofAuto());
        return new ScalarCodeScorerSupplier(q, spec, rows, codes, count);
    }

    /** Whether {@link #encode} accepts {@code distance}. */
    public static boolean supports(Distance distance) {
        return distance != Distance.MANHATTAN;
    }

    @Override
    public VectorScorer scorerFor(int ordinal) {
        OrdinalScorer s = Quantizers.scorer(quantizer, spec, rows.apply(ordinal), codes);
        return new VectorScorer() {
            @Override
            public float score(int ord) {
                return s.score(ord);
            }

            @Override
            public void bulkScore(int[] ordinals, int count, float[] out) {
                s.bulkScore(ordinals, count, out);
            }
        };
    }

    @Override
    public int size() {
        return count;
    }
}
