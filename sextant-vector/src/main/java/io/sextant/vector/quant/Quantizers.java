package io.sextant.vector.quant;

import io.sextant.vector.Distance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * Trains, encodes and re-reads quantizers. Training uses a seeded sample of at most {@link
 * #TRAINING_SAMPLE} vectors (product quantization at most {@link #PQ_TRAINING_SAMPLE}), so the cost
 * of training does not grow with the segment. Stateless, thread-safe.
 */
public final class Quantizers {
    /** Vectors sampled to train scalar and binary quantizers. */
    public static final int TRAINING_SAMPLE = 20_000;
    /** Vectors sampled to train product quantizers (k-means is the expensive part). */
    public static final int PQ_TRAINING_SAMPLE = 4_000;

    private Quantizers() {}

    /**
     * Trains a quantizer for {@code spec} on vectors {@code 0 .. count-1} of {@code vectors}; a null
     * vector (a point without this vector) is skipped.
     */
    public static Quantizer train(
            QuantizerSpec spec, Distance distance, int dim, int count, IntFunction<float[]> vectors, long seed) {
        int limit =
                switch (spec) {
                    case QuantizerSpec.Product p -> PQ_TRAINING_SAMPLE;
                    case QuantizerSpec.Turbo t -> TurboQuantizer.CORRECTION_SAMPLE;
                    default -> TRAINING_SAMPLE;
                };
        float[][] sample = sample(count, vectors, limit, seed);
        return switch (spec) {
            case QuantizerSpec.Scalar s -> ScalarQuantizer.train(distance, dim, sample, s.quantile());
            case QuantizerSpec.Binary b -> BinaryQuantizer.train(distance, dim, sample, b.bitsPerDim());
            case QuantizerSpec.Product p -> ProductQuantizer.train(distance, dim, sample, p.compression(), seed);
            case QuantizerSpec.Turbo t -> TurboQuantizer.train(distance, dim, sample, t.bits(), false);
        };
    }

    private static float[][] sample(int count, IntFunction<float[]> vectors, int limit, long seed) {
        int[] picks;
        if (count <= limit) {
            picks = java.util.stream.IntStream.range(0, count).toArray();
        } else { // reservoir sampling, seeded
            SplittableRandom rnd = new SplittableRandom(seed);
            picks = new int[limit];
            for (int i = 0; i < count; i++) {
                if (i < limit) {
                    picks[i] = i;
                } else {
                    int j = rnd.nextInt(i + 1);
                    if (j < limit) {
                        picks[j] = i;
                    }
                }
            }
        }
        return java.util.Arrays.stream(picks)
                .mapToObj(vectors)
                .filter(java.util.Objects::nonNull)
                .toArray(float[][]::new);
    }

    /**
     * Encodes vectors {@code 0 .. count-1} into a new off-heap segment of {@code arena} (which must
     * be shared: encoding runs in parallel); a null vector gets a zero code.
     */
    public static MemorySegment encodeAll(Quantizer q, int count, IntFunction<float[]> vectors, Arena arena) {
        long stride = q.codeBytes();
        MemorySegment codes = arena.allocate(Math.max(1, stride * count), 64);
        java.util.stream.IntStream.range(0, count).parallel().forEach(i -> {
            float[] v = vectors.apply(i);
            if (v != null) {
                q.encode(v, codes, i * stride);
            }
        });
        return codes;
    }

    /** Re-creates a quantizer from its kind and {@link Quantizer#params()}. */
    public static Quantizer read(Quantizer.Kind kind, Distance distance, int dim, byte[] params) {
        return switch (kind) {
            case SCALAR_INT8 -> ScalarQuantizer.read(distance, dim, params);
            case BINARY -> BinaryQuantizer.read(distance, dim, params);
            case PRODUCT -> ProductQuantizer.read(distance, dim, params);
            case TURBO -> TurboQuantizer.read(distance, dim, params);
        };
    }

    /** A scorer honouring the binary query encoding of {@code spec} when it applies. */
    public static OrdinalScorer scorer(Quantizer q, QuantizerSpec spec, float[] query, MemorySegment codes) {
        if (q instanceof BinaryQuantizer b && spec instanceof QuantizerSpec.Binary bs) {
            return b.scorer(query, codes, bs.queryEncoding());
        }
        return q.scorer(query, codes);
    }
}
