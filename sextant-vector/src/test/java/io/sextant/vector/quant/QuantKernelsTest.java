package io.sextant.vector.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.vector.Distance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The Vector-API quantized kernels against their scalar twin on awkward lengths and unaligned
 * offsets, and the per-dimension int8 quantizer's accuracy, params and outlier handling. Seeded.
 */
class QuantKernelsTest {
    static final long SEED = 0xC0DE5L;
    static final int[] LENGTHS = {1, 4, 6, 7, 8, 13, 15, 16, 17, 31, 32, 33, 64, 100, 383, 384, 1024, 1537, 4098};

    @Test
    void panamaIsChosenWhenTheVectorApiIsLoaded() {
        assertThat(QuantKernels.IMPL).isInstanceOf(PanamaQuantKernels.class);
        assertThat(QuantKernels.probe(new PanamaQuantKernels())).isNull();
        assertThat(QuantKernels.choose("scalar")).isInstanceOf(ScalarQuantKernels.class);
        assertThatThrownBy(() -> QuantKernels.choose("gpu")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void panamaMatchesScalarOnAwkwardLengths() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        QuantKernelSupport scalar = new ScalarQuantKernels();
        QuantKernelSupport panama = new PanamaQuantKernels();
        for (int n : LENGTHS) {
            for (int shift : new int[] {0, 1, 3}) {
                float[] q = new float[n];
                float[] scale = new float[n];
                MemorySegment codes = MemorySegment.ofArray(new byte[n + shift + 8]);
                double magnitude = 0;
                for (int i = 0; i < n; i++) {
                    q[i] = (float) rnd.nextGaussian();
                    scale[i] = (float) rnd.nextDouble(0.001, 0.02);
                    int c = rnd.nextInt(256);
                    codes.set(ValueLayout.JAVA_BYTE, shift + i, (byte) c);
                    magnitude += Math.abs(q[i]) * c;
                }
                float tol = (float) (1e-5 * magnitude + 1e-4);
                String seed = "seed " + SEED + ", n " + n + ", shift " + shift;
                assertThat(panama.dotF32U8(q, codes, shift))
                        .as(seed)
                        .isCloseTo(scalar.dotF32U8(q, codes, shift), Offset.offset(tol));
                assertThat(panama.l1F32U8(q, scale, codes, shift))
                        .as(seed)
                        .isCloseTo(scalar.l1F32U8(q, scale, codes, shift), Offset.offset(tol));
                int words = Math.max(1, n / 64);
                long[] w = rnd.longs(words + 2).toArray();
                MemorySegment bits = MemorySegment.ofArray(rnd.longs(words + 2).toArray());
                assertThat(panama.xorPopcount(w, 1, bits, 8, words))
                        .isEqualTo(scalar.xorPopcount(w, 1, bits, 8, words));
                assertThat(panama.andPopcount(w, 0, bits, 8, words))
                        .isEqualTo(scalar.andPopcount(w, 0, bits, 8, words));
                assertThat(panama.popcount(bits, 0, words)).isEqualTo(scalar.popcount(bits, 0, words));
            }
        }
    }

    @Test
    void fourRowDotMatchesOneRowAtATime() {
        SplittableRandom rnd = new SplittableRandom(SEED + 4);
        QuantKernelSupport scalar = new ScalarQuantKernels();
        QuantKernelSupport panama = new PanamaQuantKernels();
        for (int n : LENGTHS) {
            float[] q = new float[n];
            for (int i = 0; i < n; i++) {
                q[i] = (float) rnd.nextGaussian();
            }
            byte[] bytes = new byte[4 * n + 11];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) rnd.nextInt(256);
            }
            MemorySegment codes = MemorySegment.ofArray(bytes);
            long[] o = {3, n + 5, 2L * n + 7, 3L * n + 10}; // unaligned, in any order
            for (QuantKernelSupport k : new QuantKernelSupport[] {scalar, panama}) {
                float[] out = new float[6];
                k.dotF32U8x4(q, codes, o[2], o[0], o[3], o[1], out, 2);
                long[] order = {o[2], o[0], o[3], o[1]};
                for (int r = 0; r < 4; r++) {
                    float one = scalar.dotF32U8(q, codes, order[r]);
                    double magnitude = 0;
                    for (int i = 0; i < n; i++) {
                        magnitude += Math.abs(q[i]) * (codes.get(ValueLayout.JAVA_BYTE, order[r] + i) & 0xFF);
                    }
                    assertThat(out[2 + r])
                            .as("seed " + (SEED + 4) + ", n " + n + ", row " + r + ", "
                                    + k.getClass().getSimpleName())
                            .isCloseTo(one, Offset.offset((float) (1e-5 * magnitude + 1e-4)));
                }
                assertThat(out[0]).isZero();
                assertThat(out[1]).isZero();
            }
        }
    }

    @Test
    void scalarBulkScoresEqualSingleScores() {
        SplittableRandom rnd = new SplittableRandom(SEED + 5);
        int dim = 37;
        float[][] rows = new float[50][dim];
        for (float[] r : rows) {
            for (int d = 0; d < dim; d++) {
                r[d] = (float) rnd.nextGaussian();
            }
        }
        for (Distance distance : new Distance[] {Distance.DOT, Distance.EUCLID}) {
            ScalarQuantizer q = ScalarQuantizer.train(distance, dim, rows, 0.99f);
            MemorySegment codes = Quantizers.encodeAll(q, rows.length, i -> rows[i], Arena.ofAuto());
            OrdinalScorer scorer = q.scorer(rows[7], codes);
            for (int count = 0; count <= 11; count++) {
                int[] ords = rnd.ints(count, 0, rows.length).toArray();
                float[] bulk = new float[count];
                scorer.bulkScore(ords, count, bulk);
                for (int i = 0; i < count; i++) {
                    float one = scorer.score(ords[i]);
                    assertThat(bulk[i])
                            .as(distance + " count " + count + " at " + i + ", seed " + (SEED + 5))
                            .isCloseTo(one, Offset.offset(1e-4f * (1 + Math.abs(one))));
                }
            }
        }
    }

    /**
     * Vectors whose dimension 0 sits far from the others (about 20 with the same 0.1 spread), like
     * the outlier dimensions of embedding models that are large in every vector.
     */
    static float[][] withOutlierDimension(SplittableRandom rnd, int n, int dim) {
        float[][] rows = new float[n][dim];
        for (float[] r : rows) {
            for (int d = 0; d < dim; d++) {
                r[d] = (float) rnd.nextGaussian() * 0.1f + (d == 0 ? 20f : 0f);
            }
        }
        return rows;
    }

    /** Higher is closer: dot, negative squared L2, negative L1 (as {@link OrdinalScorer} scores). */
    static float graphScore(Distance d, float[] q, float[] v) {
        double s = 0;
        for (int i = 0; i < q.length; i++) {
            double diff = q[i] - v[i];
            s += switch (d) {
                case DOT, COSINE -> (double) q[i] * v[i];
                case EUCLID -> -diff * diff;
                case MANHATTAN -> -Math.abs(diff);
            };
        }
        return (float) s;
    }

    @Test
    void perDimensionRangesKeepOutlierDimensionsAccurate() {
        SplittableRandom rnd = new SplittableRandom(SEED + 1);
        int dim = 33;
        float[][] rows = withOutlierDimension(rnd, 2000, dim);
        float[] query = withOutlierDimension(rnd, 1, dim)[0];
        for (Distance d : Distance.values()) {
            ScalarQuantizer perDim = ScalarQuantizer.train(d, dim, rows, 1f);
            // one shared range over all values, as a single lo/alpha quantizer would use
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (float[] r : rows) {
                for (float x : r) {
                    min = Math.min(min, x);
                    max = Math.max(max, x);
                }
            }
            float[] lo = new float[dim];
            float[] alpha = new float[dim];
            java.util.Arrays.fill(lo, min);
            java.util.Arrays.fill(alpha, (max - min) / 255f);
            ScalarQuantizer shared = new ScalarQuantizer(d, dim, lo, alpha);
            double perDimError = meanAbsError(perDim, d, rows, query);
            double sharedError = meanAbsError(shared, d, rows, query);
            assertThat(perDimError)
                    .as("%s: per-dimension %.4f vs shared range %.4f, seed %d", d, perDimError, sharedError, SEED + 1)
                    .isLessThan(sharedError / 3);
        }
    }

    static double meanAbsError(ScalarQuantizer q, Distance d, float[][] rows, float[] query) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment codes = Quantizers.encodeAll(q, rows.length, i -> rows[i], arena);
            OrdinalScorer s = q.scorer(query, codes);
            double sum = 0;
            for (int i = 0; i < 500; i++) {
                sum += Math.abs(s.score(i) - graphScore(d, query, rows[i]));
            }
            return sum / 500;
        }
    }

    @Test
    void paramsRoundTripAndVersion1IsRejected() {
        SplittableRandom rnd = new SplittableRandom(SEED + 2);
        float[][] rows = withOutlierDimension(rnd, 100, 7);
        ScalarQuantizer q = ScalarQuantizer.train(Distance.EUCLID, 7, rows, 1f);
        Quantizer back = Quantizers.read(Quantizer.Kind.SCALAR_INT8, Distance.EUCLID, 7, q.params());
        assertThat(back.params()).isEqualTo(q.params());
        assertThatThrownBy(() -> Quantizers.read(Quantizer.Kind.SCALAR_INT8, Distance.EUCLID, 7, new byte[8]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version");
    }
}
