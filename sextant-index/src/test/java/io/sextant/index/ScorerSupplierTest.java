package io.sextant.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.sextant.vector.Distance;
import io.sextant.vector.Similarity;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ScorerSupplierTest {
    private static final long SEED = 4_242L;
    private static final ValueLayout.OfFloat LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @ParameterizedTest
    @EnumSource(Distance.class)
    void heapAndOffHeapAgreeAndMapBackToQdrantScores(Distance distance) {
        SplittableRandom rnd = new SplittableRandom(SEED);
        int n = 40;
        int dim = 13;
        float[][] rows = new float[n][dim];
        for (float[] r : rows) {
            for (int d = 0; d < dim; d++) {
                r[d] = (float) (rnd.nextDouble() * 2 - 1);
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate((long) n * dim * 4 + 3).asSlice(3); // unaligned on purpose
            for (int i = 0; i < n; i++) {
                for (int d = 0; d < dim; d++) {
                    seg.set(LE, ((long) i * dim + d) * 4, rows[i][d]);
                }
            }
            ArrayScorerSupplier heap = new ArrayScorerSupplier(rows, distance);
            MemorySegmentScorerSupplier off = new MemorySegmentScorerSupplier(seg, dim, n, distance);
            assertThat(off.size()).isEqualTo(n);
            assertThat(off.vector(5)).isEqualTo(rows[5]);
            VectorScorer hq = heap.queryScorer(rows[0]);
            VectorScorer oq = off.queryScorer(rows[0]);
            for (int a = 0; a < n; a++) {
                float expected = Similarity.score(distance, rows[0], rows[a]);
                assertThat(ScoreFunction.toDistanceScore(distance, hq.score(a)))
                        .as("seed %d row %d", SEED, a)
                        .isCloseTo(expected, within(1e-4f));
                assertThat(oq.score(a)).isCloseTo(hq.score(a), within(1e-4f));
                for (int b = 0; b < n; b += 7) {
                    assertThat(heap.score(a, b)).isCloseTo(heap.score(b, a), within(1e-5f));
                    assertThat(off.scorerFor(a).score(b)).isCloseTo(heap.score(a, b), within(1e-4f));
                }
            }
            // higher is closer: under a metric a vector is its own best match
            if (distance == Distance.EUCLID || distance == Distance.MANHATTAN) {
                for (int a = 0; a < n; a++) {
                    VectorScorer s = heap.scorerFor(a);
                    for (int b = 0; b < n; b++) {
                        assertThat(s.score(a)).isGreaterThanOrEqualTo(s.score(b) - 1e-5f);
                    }
                }
            }
        }
    }

    /**
     * Bulk scoring (eight and four rows per pass, a tail of two or three rows in a four-row pass over the last four) matches scoring
     * each row alone, wherever the row falls in a batch and whatever room the output has. Within
     * float rounding, not to the bit: the single-row kernel sums in four accumulators, the multi-row
     * ones in one per row, and reduceLanes adds in another order before C2 compiles a kernel than
     * after; making every kernel add in one fixed order cost appendable-segment scans half their
     * speed (106 against 48 ns per 384-float point), so scores may differ in their last bits
     * between plans.
     */
    @ParameterizedTest
    @EnumSource(Distance.class)
    void bulkScoresMatchTheSingleScores(Distance distance) {
        SplittableRandom rnd = new SplittableRandom(SEED + 1);
        int n = 50;
        for (int dim : new int[] {37, 384}) { // with a scalar tail, and a multiple of every lane count
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment seg = arena.allocate((long) n * dim * 4 + 1).asSlice(1);
                for (long i = 0; i < (long) n * dim; i++) {
                    seg.set(LE, i * 4, (float) (rnd.nextDouble() * 2 - 1));
                }
                MemorySegmentScorerSupplier off = new MemorySegmentScorerSupplier(seg, dim, n, distance);
                float[] q = new float[dim];
                for (int d = 0; d < dim; d++) {
                    q[d] = (float) (rnd.nextDouble() * 2 - 1);
                }
                VectorScorer scorer = off.queryScorer(q);
                for (int count = 0; count <= 20; count++) {
                    int[] ords = new int[count];
                    for (int i = 0; i < count; i++) {
                        ords[i] = rnd.nextInt(n);
                    }
                    for (int room : new int[] {count, count + 5}) {
                        float[] out = new float[room];
                        scorer.bulkScore(ords, count, out);
                        for (int i = 0; i < count; i++) {
                            assertThat(out[i])
                                    .as("%s dim %d count %d row %d", distance, dim, count, i)
                                    .isCloseTo(
                                            scorer.score(ords[i]),
                                            within(1e-5f * Math.max(1f, Math.abs(scorer.score(ords[i])))));
                        }
                    }
                }
                // and agrees with the plain definition within float rounding
                float[] row = off.vector(7);
                assertThat(scorer.score(7)).isCloseTo(reference(distance, q, row), within(1e-3f));
            }
        }
    }

    private static float reference(Distance distance, float[] q, float[] v) {
        double s = 0;
        for (int d = 0; d < q.length; d++) {
            s += switch (distance) {
                case COSINE, DOT -> (double) q[d] * v[d];
                case EUCLID -> ((double) q[d] - v[d]) * ((double) q[d] - v[d]);
                case MANHATTAN -> Math.abs((double) q[d] - v[d]);
            };
        }
        return (float) (distance == Distance.COSINE || distance == Distance.DOT ? s : -s);
    }

    @Test
    void badShapesAreRejected() {
        assertThatThrownBy(() -> new ArrayScorerSupplier(new float[][] {new float[3], new float[4]}, Distance.DOT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dimension 4, expected 3");
        ArrayScorerSupplier heap = new ArrayScorerSupplier(new float[2][3], Distance.DOT);
        assertThatThrownBy(() -> heap.queryScorer(new float[5]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dimension 5, expected 3");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(40);
            assertThatThrownBy(() -> new MemorySegmentScorerSupplier(seg, 3, 4, Distance.EUCLID))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("40 bytes")
                    .hasMessageContaining("48");
            assertThatThrownBy(() -> new MemorySegmentScorerSupplier(seg, 0, 1, Distance.EUCLID))
                    .isInstanceOf(IllegalArgumentException.class);
            MemorySegmentScorerSupplier ok = new MemorySegmentScorerSupplier(seg, 2, 5, Distance.EUCLID);
            assertThatThrownBy(() -> ok.vector(5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("5 out of range [0, 5)");
        }
    }
}
