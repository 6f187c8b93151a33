package io.sextant.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Scores of {@link Similarity} against values computed by hand, on arrays and on segments. */
class SimilarityTest {
    // Long enough (19) to run both the vector loops and the scalar tail of the Panama kernels.
    static final float[] Q = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
    static final float[] V = {2, 0, -1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5f};

    /** Hand-computed: dot = 2 - 3 + 5 + 9.5; L2 and L1 from the per-element differences. */
    static float expected(Distance d) {
        return switch (d) {
            case COSINE, DOT -> 13.5f;
            // differences: -1, 2, 4, 4, 4, 6..18 (i=6..18 minus V=0 except last 19-0.5=18.5)
            case EUCLID -> (float) Math.sqrt(sumSquaresOfDiffs());
            case MANHATTAN -> 1 + 2 + 4 + 4 + 4 + (6 + 7 + 8 + 9 + 10 + 11 + 12 + 13 + 14 + 15 + 16 + 17 + 18) + 18.5f;
        };
    }

    private static double sumSquaresOfDiffs() {
        double s = 1 + 4 + 16 + 16 + 16 + 18.5 * 18.5;
        for (int x = 6; x <= 18; x++) {
            s += x * x;
        }
        return s;
    }

    @ParameterizedTest
    @EnumSource(Distance.class)
    void scoresMatchHandComputedValues(Distance d) {
        assertThat(Similarity.score(d, Q, V)).as(d + " on arrays").isCloseTo(expected(d), within(1e-4f));
        MemorySegment seg = MemorySegment.ofArray(new byte[3 + 4 * V.length]);
        MemorySegment.copy(V, 0, seg, ScalarKernels.LE_FLOAT, 3, V.length);
        assertThat(Similarity.score(d, Q, seg, 3)).as(d + " on a segment").isCloseTo(expected(d), within(1e-4f));
    }

    @Test
    void tinyVectorsByHand() {
        float[] a = {3, 4};
        float[] b = {0, 0};
        assertThat(Similarity.score(Distance.EUCLID, a, b)).isEqualTo(5f);
        assertThat(Similarity.score(Distance.MANHATTAN, a, b)).isEqualTo(7f);
        assertThat(Similarity.score(Distance.DOT, a, new float[] {1, -1})).isEqualTo(-1f);
        float[] na = Similarity.normalize(a);
        assertThat(Similarity.score(Distance.COSINE, na, Similarity.normalize(new float[] {4, 3})))
                .isCloseTo(24f / 25f, within(1e-6f));
    }

    @Test
    void betterFollowsTheDistanceOrientation() {
        assertThat(Similarity.better(Distance.DOT, 2, 1)).isTrue();
        assertThat(Similarity.better(Distance.COSINE, 1, 2)).isFalse();
        assertThat(Similarity.better(Distance.EUCLID, 1, 2)).isTrue();
        assertThat(Similarity.better(Distance.MANHATTAN, 2, 1)).isFalse();
    }

    @Test
    void normalizeGivesUnitLengthAndLeavesInputAlone() {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        Random rnd = new Random(seed);
        for (int n : new int[] {1, 3, 8, 17, 768}) {
            float[] v = PanamaKernelsTest.randomVector(rnd, n);
            float[] copy = v.clone();
            float[] u = Similarity.normalize(v);
            assertThat(new ScalarKernels().dot(u, u))
                    .as("n=%d seed=%d", n, seed)
                    .isCloseTo(1f, within(1e-5f));
            assertThat(v).as("input untouched, seed=%d", seed).containsExactly(copy);
            assertThat(u).isNotSameAs(v);
        }
        assertThat(Similarity.normalize(new float[] {0, -5, 0})).containsExactly(0, -1, 0);
    }

    @Test
    void normalizeLeavesZeroVectorsAlone() {
        float[] zero = new float[7];
        float[] out = Similarity.normalize(zero);
        assertThat(out).containsOnly(0f).hasSize(7).isNotSameAs(zero);
        assertThat(Similarity.normalize(new float[0])).isEmpty();
    }

    /** A unit vector is returned as is (no copy); anything else is scaled, into a new array. */
    @Test
    void unitLengthCopiesOnlyWhatIsNotUnitAlready() {
        Random rnd = new Random(7);
        float[] v = new float[384];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        float[] given = v.clone();
        float[] once = Similarity.unitLength(v);
        assertThat(once).isNotSameAs(v);
        assertThat(v).as("input untouched").containsExactly(given);
        double n = 0;
        for (float x : once) {
            n += (double) x * x;
        }
        assertThat(n).isCloseTo(1.0, within(1e-6));
        assertThat(Similarity.unitLength(once))
                .as("already unit: the same array")
                .isSameAs(once);
        float[] slightlyLong = once.clone();
        for (int i = 0; i < slightlyLong.length; i++) {
            slightlyLong[i] *= 1.001f;
        }
        assertThat(Similarity.unitLength(slightlyLong)).isNotSameAs(slightlyLong);
        float[] zero = new float[4];
        assertThat(Similarity.unitLength(zero)).isNotSameAs(zero).containsExactly(0, 0, 0, 0);
    }
}
