package io.sextant.vector.quant;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.vector.Distance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Every codec on every distance: brute-force top-k by quantized score, re-scored exactly, must
 * recover most of the true top 10; params survive a round trip. Seeded Gaussian data (seed printed).
 */
class QuantizersTest {
    private static final int N = 2000;

    static float[][] gaussian(Random r, int n, int dim) {
        float[][] out = new float[n][dim];
        for (float[] v : out) {
            for (int i = 0; i < dim; i++) {
                v[i] = (float) r.nextGaussian() + (i % 3 == 0 ? 1f : 0f);
            }
        }
        return out;
    }

    static float exact(Distance d, float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += switch (d) {
                case DOT, COSINE -> a[i] * b[i];
                case EUCLID -> -(a[i] - b[i]) * (a[i] - b[i]);
                case MANHATTAN -> -Math.abs(a[i] - b[i]);
            };
        }
        return s;
    }

    static List<Integer> top(int k, java.util.function.IntToDoubleFunction score) {
        double[] s = new double[N];
        for (int i = 0; i < N; i++) {
            s[i] = score.applyAsDouble(i);
        }
        return IntStream.range(0, N)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -s[i]))
                .limit(k)
                .toList();
    }

    /** Recall@10 after taking {@code candidates} by quantized score and re-scoring them exactly. */
    static double recall(QuantizerSpec spec, Distance d, int dim, int candidates, long seed) {
        Random r = new Random(seed);
        float[][] data = gaussian(r, N, dim);
        Quantizer q = Quantizers.train(spec, d, dim, N, i -> data[i], seed);
        q = Quantizers.read(q.kind(), d, dim, q.params()); // the persisted form scores the same
        try (Arena arena = Arena.ofShared()) {
            MemorySegment codes = Quantizers.encodeAll(q, N, i -> data[i], arena);
            int hit = 0;
            for (int t = 0; t < 20; t++) {
                float[] query = gaussian(r, 1, dim)[0];
                OrdinalScorer s = Quantizers.scorer(q, spec, query, codes);
                Set<Integer> truth = new HashSet<>(top(10, i -> exact(d, query, data[i])));
                List<Integer> cand = new ArrayList<>(top(candidates, s::score));
                cand.sort(Comparator.comparingDouble(i -> -exact(d, query, data[i])));
                truth.retainAll(cand.subList(0, 10));
                hit += truth.size();
            }
            return hit / 200.0;
        }
    }

    @Test
    void scalarInt8RecoversTopTenWithLittleOversampling() {
        long seed = System.nanoTime();
        for (Distance d : Distance.values()) {
            assertThat(recall(new QuantizerSpec.Scalar(0.99f, true), d, 64, 20, seed))
                    .as("%s seed %d", d, seed)
                    .isGreaterThanOrEqualTo(0.95);
        }
    }

    @Test
    void binaryEncodingsTradeBitsForRecall() {
        long seed = System.nanoTime();
        for (Distance d : List.of(Distance.DOT, Distance.EUCLID)) {
            double[] byEncoding = new double[3];
            for (BinaryQuantizer.Encoding e : BinaryQuantizer.Encoding.values()) {
                for (BinaryQuantizer.QueryEncoding qe : BinaryQuantizer.QueryEncoding.values()) {
                    double rec = recall(new QuantizerSpec.Binary(e, qe, true), d, 256, 100, seed);
                    System.out.printf("binary %s %s %s: recall@10 %.3f (100 candidates of %d)%n", d, e, qe, rec, N);
                    assertThat(rec).as("%s %s %s seed %d", d, e, qe, seed).isGreaterThanOrEqualTo(0.3);
                    if (qe == BinaryQuantizer.QueryEncoding.SCALAR8BITS) {
                        byEncoding[e.ordinal()] = rec;
                    }
                }
            }
            assertThat(byEncoding[2])
                    .as("2 bits beat 1 bit, %s seed %d: %s", d, seed, Arrays.toString(byEncoding))
                    .isGreaterThanOrEqualTo(byEncoding[0] - 0.02)
                    .isGreaterThanOrEqualTo(0.7);
        }
    }

    @Test
    void productQuantizationRecoversTopTenAfterRescoring() {
        long seed = System.nanoTime();
        for (int compression : new int[] {8, 16, 64}) {
            long t0 = System.nanoTime();
            assertThat(recall(new QuantizerSpec.Product(compression, true), Distance.EUCLID, 64, 200, seed))
                    .as("x%d seed %d", compression, seed)
                    .isGreaterThanOrEqualTo(compression <= 16 ? 0.9 : 0.5);
            System.out.printf("pq x%d: %d ms%n", compression, (System.nanoTime() - t0) / 1_000_000);
        }
    }

    @Test
    void codeSizes() {
        Random r = new Random(1);
        float[][] data = gaussian(r, 300, 384);
        assertThat(Quantizers.train(new QuantizerSpec.Scalar(1f, true), Distance.DOT, 384, 300, i -> data[i], 1)
                        .codeBytes())
                .isEqualTo(4 + 384);
        assertThat(Quantizers.train(
                                new QuantizerSpec.Binary(
                                        BinaryQuantizer.Encoding.ONE_BIT, BinaryQuantizer.QueryEncoding.DEFAULT, true),
                                Distance.DOT,
                                384,
                                300,
                                i -> data[i],
                                1)
                        .codeBytes())
                .isEqualTo(8 + 48);
        assertThat(Quantizers.train(
                                new QuantizerSpec.Binary(
                                        BinaryQuantizer.Encoding.ONE_AND_HALF_BITS,
                                        BinaryQuantizer.QueryEncoding.DEFAULT,
                                        true),
                                Distance.DOT,
                                384,
                                300,
                                i -> data[i],
                                1)
                        .codeBytes())
                .isEqualTo(8 + 48 + 24);
        assertThat(Quantizers.train(new QuantizerSpec.Product(16, true), Distance.DOT, 384, 300, i -> data[i], 1)
                        .codeBytes())
                .isEqualTo(96);
    }
}
