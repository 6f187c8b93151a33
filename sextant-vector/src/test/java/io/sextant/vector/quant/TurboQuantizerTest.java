package io.sextant.vector.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.vector.Distance;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * TurboQuant: the codebooks, the rotation, the SIMD kernel against its scalar twin on awkward
 * lengths, score error bounds per bit size and distance, decoding, params round trip and degenerate
 * inputs. Seeded; the seed is in every assertion message.
 */
class TurboQuantizerTest {
    static final long SEED = 0x7B0_5EEDL;
    static final int[] LENGTHS = {1, 7, 8, 13, 31, 33, 64, 100, 383, 384, 1024, 1537};

    @Test
    void codebooksAreTheLloydMaxLevelsOfTheNormalDistribution() {
        // Max (1960) / standard tables of the N(0, 1) Lloyd-Max quantizer.
        assertThat(LloydMax.magnitudes(1)).containsExactly(new float[] {0.7979f}, Offset.offset(1e-3f));
        assertThat(LloydMax.magnitudes(2)).containsExactly(new float[] {0.4528f, 1.5104f}, Offset.offset(1e-3f));
        assertThat(LloydMax.magnitudes(4))
                .containsExactly(
                        new float[] {0.1284f, 0.3881f, 0.6568f, 0.9424f, 1.2562f, 1.6181f, 2.0690f, 2.7326f},
                        Offset.offset(2e-3f));
        assertThatThrownBy(() -> LloydMax.magnitudes(3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rotationIsOrthogonalAndInvertible() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        for (int n : new int[] {1, 2, 3, 7, 31, 63, 64, 383, 1537}) {
            HadamardRotation r = new HadamardRotation(n, SEED + n);
            double[] x = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = rnd.nextGaussian();
                y[i] = rnd.nextGaussian();
            }
            double dot = dot(x, y);
            double[] rx = x.clone();
            double[] ry = y.clone();
            double[] scratch = new double[n];
            r.apply(rx, scratch);
            r.apply(ry, scratch);
            assertThat(dot(rx, ry)).as("n %d seed %d", n, SEED).isCloseTo(dot, Offset.offset(1e-9 * n));
            r.applyInverse(rx, scratch);
            for (int i = 0; i < n; i++) {
                assertThat(rx[i]).as("n %d i %d", n, i).isCloseTo(x[i], Offset.offset(1e-9));
            }
        }
        // A basis vector spreads over all coordinates, also of a dimension that is not a power of two.
        for (int n : new int[] {256, 383}) {
            double[] e = new double[n];
            e[5] = 1;
            new HadamardRotation(n, SEED).apply(e, new double[n]);
            long small = java.util.Arrays.stream(e)
                    .filter(v -> Math.abs(v) < 0.5 / Math.sqrt(n))
                    .count();
            assertThat(java.util.Arrays.stream(e).map(Math::abs).max().orElseThrow())
                    .as("n %d", n)
                    .isLessThan(0.3);
            assertThat(small).as("n %d", n).isLessThan(n / 2);
        }
    }

    @Test
    void panamaDotCodesMatchesScalarOnAwkwardLengths() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        QuantKernelSupport scalar = new ScalarQuantKernels();
        QuantKernelSupport panama = new PanamaQuantKernels();
        for (int bits : new int[] {1, 2, 4}) {
            float[] mags = java.util.Arrays.copyOf(LloydMax.magnitudes(bits), 16);
            for (int len : LENGTHS) {
                int perByte = 8 / bits;
                int n = (len + perByte - 1) / perByte * perByte;
                for (int shift : new int[] {0, 1, 5}) {
                    float[] q = new float[n];
                    byte[] bytes = new byte[n * bits / 8 + shift + 1];
                    rnd.nextBytes(bytes);
                    double magnitude = 0;
                    for (int i = 0; i < n; i++) {
                        q[i] = (float) rnd.nextGaussian();
                        magnitude += Math.abs(q[i]) * 3;
                    }
                    MemorySegment codes = MemorySegment.ofArray(bytes);
                    float expected = scalar.dotCodes(q, mags, bits, codes, shift);
                    assertThat(panama.dotCodes(q, mags, bits, codes, shift))
                            .as("seed %d bits %d n %d shift %d", SEED, bits, n, shift)
                            .isCloseTo(expected, Offset.offset((float) (1e-5 * magnitude + 1e-4)));
                    assertThat(expected).isCloseTo(naiveDotCodes(q, mags, bits, bytes, shift), Offset.offset((float)
                            (1e-5 * magnitude + 1e-4)));
                }
            }
        }
    }

    /** The layout written out longhand: code i at byte i mod m, bit group i / m. */
    private static float naiveDotCodes(float[] q, float[] mags, int bits, byte[] bytes, int off) {
        int n = q.length;
        int m = n * bits / 8;
        double s = 0;
        for (int i = 0; i < n; i++) {
            int code = ((bytes[off + i % m] & 0xFF) >> ((i / m) * bits)) & ((1 << bits) - 1);
            int half = 1 << (bits - 1);
            double v = code >= half ? -mags[code - half] : mags[code];
            s += q[i] * v;
        }
        return (float) s;
    }

    @Test
    void scoresApproximateTheExactScoresPerBitsAndDistance() {
        int count = 600;
        for (int dim : new int[] {63, 128}) {
            float[][] data = gaussian(count, dim, SEED + dim, true);
            float[][] queries = gaussian(20, dim, SEED + 7 * dim, true);
            for (Distance distance : Distance.values()) {
                float[][] rows = distance == Distance.COSINE ? normalized(data) : data;
                float[][] qs = distance == Distance.COSINE ? normalized(queries) : queries;
                for (TurboQuantizer.Bits bits : TurboQuantizer.Bits.values()) {
                    TurboQuantizer tq = TurboQuantizer.train(distance, dim, rows, bits, false);
                    MemorySegment codes =
                            Quantizers.encodeAll(tq, count, i -> rows[i], java.lang.foreign.Arena.ofAuto());
                    double err = 0;
                    double spread = 0;
                    for (float[] q : qs) {
                        OrdinalScorer s = tq.scorer(q, codes);
                        for (int i = 0; i < count; i++) {
                            double exact = exact(distance, q, rows[i]);
                            err += Math.abs(s.score(i) - exact);
                            spread += Math.abs(exact - exact(distance, q, rows[(i + 1) % count]));
                        }
                    }
                    // Mean absolute error relative to the mean gap between two vectors' scores; the bounds follow
                    // the codebooks' distortion (sqrt of 0.36, 0.12, 0.0095 for 1, 2, 4 bits), measured 0.44,
                    // 0.38, 0.24, 0.066 at dim 128 for Dot.
                    double relative = err / spread;
                    double bound =
                            switch (bits) {
                                case BITS1 -> 0.5;
                                case BITS1_5 -> 0.43;
                                case BITS2 -> 0.29;
                                case BITS4 -> 0.085;
                            };
                    assertThat(relative)
                            .as("seed %d dim %d %s %s", SEED, dim, distance, bits)
                            .isLessThan(bound);
                }
            }
        }
    }

    @Test
    void moreBitsGiveSmallerErrors() {
        int dim = 96;
        float[][] rows = gaussian(400, dim, SEED, true);
        float[] q = gaussian(1, dim, SEED + 1, true)[0];
        double previous = Double.MAX_VALUE;
        for (TurboQuantizer.Bits bits : TurboQuantizer.Bits.values()) {
            TurboQuantizer tq = TurboQuantizer.train(Distance.DOT, dim, rows, bits, false);
            MemorySegment codes = Quantizers.encodeAll(tq, rows.length, i -> rows[i], java.lang.foreign.Arena.ofAuto());
            OrdinalScorer s = tq.scorer(q, codes);
            double err = 0;
            for (int i = 0; i < rows.length; i++) {
                err += Math.pow(s.score(i) - exact(Distance.DOT, q, rows[i]), 2);
            }
            assertThat(err).as("seed %d %s", SEED, bits).isLessThan(previous);
            previous = err;
        }
    }

    @Test
    void decodeReturnsTheVectorWithItsLength() {
        for (int dim : new int[] {1, 7, 63, 64, 384}) {
            float[][] rows = gaussian(200, dim, SEED + dim, false);
            TurboQuantizer tq = TurboQuantizer.train(Distance.DOT, dim, rows, TurboQuantizer.Bits.BITS4, true);
            MemorySegment codes = Quantizers.encodeAll(tq, rows.length, i -> rows[i], java.lang.foreign.Arena.ofAuto());
            float[] out = new float[dim];
            for (int i = 0; i < 20; i++) {
                tq.decode(codes, (long) i * tq.codeBytes(), out);
                double cos = exact(Distance.DOT, out, rows[i]) / Math.sqrt(norm2(out) * norm2(rows[i]));
                assertThat(cos).as("seed %d dim %d row %d", SEED, dim, i).isGreaterThan(dim == 1 ? 0.999 : 0.97);
                assertThat(Math.sqrt(norm2(out) / norm2(rows[i]))).isCloseTo(1.0, Offset.offset(1e-5));
            }
        }
    }

    @Test
    void degenerateAndExtremeVectorsStayFinite() {
        int dim = 64;
        TurboQuantizer tq = TurboQuantizer.train(Distance.DOT, dim, new float[0][], TurboQuantizer.Bits.BITS4, true);
        MemorySegment code = MemorySegment.ofArray(new byte[tq.codeBytes()]);
        float[] out = new float[dim];
        tq.encode(new float[dim], code, 0);
        tq.decode(code, 0, out);
        assertThat(out).containsOnly(0f);
        float[] q = gaussian(1, dim, SEED, false)[0];
        assertThat(tq.scorer(q, code).score(0)).isEqualTo(0f);
        for (double magnitude : new double[] {1e30, 1e-30}) {
            float[] v = gaussian(1, dim, SEED + 3, false)[0];
            for (int i = 0; i < dim; i++) {
                v[i] *= (float) magnitude;
            }
            tq.encode(v, code, 0);
            tq.decode(code, 0, out);
            double cos = exact(Distance.DOT, out, v) / Math.sqrt(norm2(out) * norm2(v));
            assertThat(cos).as("magnitude %s", magnitude).isGreaterThan(0.97);
            assertThat(Float.isFinite(tq.scorer(q, code).score(0))).isTrue();
        }
    }

    @Test
    void paramsRoundTripAndBadParamsAreRejected() {
        int dim = 50;
        float[][] rows = gaussian(300, dim, SEED, true);
        for (TurboQuantizer.Bits bits : TurboQuantizer.Bits.values()) {
            TurboQuantizer tq = TurboQuantizer.train(Distance.EUCLID, dim, rows, bits, false);
            Quantizer back = Quantizers.read(Quantizer.Kind.TURBO, Distance.EUCLID, dim, tq.params());
            assertThat(back.params()).isEqualTo(tq.params());
            assertThat(back.codeBytes()).isEqualTo(tq.codeBytes());
            MemorySegment a = Quantizers.encodeAll(tq, 10, i -> rows[i], java.lang.foreign.Arena.ofAuto());
            MemorySegment b = Quantizers.encodeAll(back, 10, i -> rows[i], java.lang.foreign.Arena.ofAuto());
            assertThat(b.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(a.toArray(ValueLayout.JAVA_BYTE));
            byte[] p = tq.params();
            assertThatThrownBy(() -> TurboQuantizer.read(Distance.EUCLID, dim + 1, p))
                    .isInstanceOf(IllegalArgumentException.class);
            byte[] shortened = java.util.Arrays.copyOf(p, p.length - 4);
            assertThatThrownBy(() -> TurboQuantizer.read(Distance.EUCLID, dim, shortened))
                    .isInstanceOf(IllegalArgumentException.class);
            byte[] version = p.clone();
            version[0] = 9;
            assertThatThrownBy(() -> TurboQuantizer.read(Distance.EUCLID, dim, version))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(TurboQuantizer.Bits.BITS1_5.paddedDim(64)).isEqualTo(96);
        assertThat(TurboQuantizer.Bits.BITS1.paddedDim(63)).isEqualTo(64);
        assertThat(TurboQuantizer.Bits.BITS4.paddedDim(63)).isEqualTo(64);
        assertThat(TurboQuantizer.Bits.fromWireName("bits1_5")).isEqualTo(TurboQuantizer.Bits.BITS1_5);
        assertThatThrownBy(() -> TurboQuantizer.Bits.fromWireName("bits3"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static double exact(Distance d, float[] q, float[] v) {
        double s = 0;
        for (int i = 0; i < q.length; i++) {
            double x = q[i] - v[i];
            s += switch (d) {
                case DOT, COSINE -> (double) q[i] * v[i];
                case EUCLID -> -x * x;
                case MANHATTAN -> -Math.abs(x);
            };
        }
        return s;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double norm2(float[] a) {
        double s = 0;
        for (float x : a) {
            s += (double) x * x;
        }
        return s;
    }

    /** Gaussian rows; {@code anisotropic} gives every dimension its own mean and spread, like embeddings. */
    static float[][] gaussian(int count, int dim, long seed, boolean anisotropic) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] mean = new double[dim];
        double[] sd = new double[dim];
        for (int d = 0; d < dim; d++) {
            mean[d] = anisotropic ? rnd.nextGaussian() * 0.3 : 0;
            sd[d] = anisotropic ? 0.2 + rnd.nextDouble() * 1.5 : 1;
        }
        float[][] rows = new float[count][dim];
        for (float[] row : rows) {
            for (int d = 0; d < dim; d++) {
                row[d] = (float) (mean[d] + sd[d] * rnd.nextGaussian());
            }
        }
        return rows;
    }

    private static float[][] normalized(float[][] rows) {
        float[][] out = new float[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            double n = Math.sqrt(norm2(rows[r]));
            out[r] = new float[rows[r].length];
            for (int i = 0; i < rows[r].length; i++) {
                out[r][i] = (float) (rows[r][i] / n);
            }
        }
        return out;
    }
}
