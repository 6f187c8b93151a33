package io.sextant.bench.ann;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecallTest {
    // Base rows on the x axis; query at x = 0. Euclidean distances 1, 2, 2, 3.
    private final Dataset euclid = new Dataset(
            "t",
            false,
            new float[][] {{1, 0}, {2, 0}, {-2, 0}, {3, 0}},
            new float[][] {{0, 0}},
            new int[][] {{0, 1, 2, 3}},
            Map.of(),
            List.of());

    @Test
    void countsTrueNeighboursAndTiesOnce() {
        Recall r = new Recall(euclid);
        // true top-2 is {0, 1}; row 2 ties row 1 (distance 2) so it counts; a duplicate does not
        assertThat(r.recallAt(2, new int[][] {{0, 1}}, euclid.groundTruth(), null))
                .isEqualTo(1.0);
        assertThat(r.recallAt(2, new int[][] {{0, 2}}, euclid.groundTruth(), null))
                .isEqualTo(1.0);
        assertThat(r.recallAt(2, new int[][] {{0, 0}}, euclid.groundTruth(), null))
                .isEqualTo(0.5);
        assertThat(r.recallAt(2, new int[][] {{3, 0}}, euclid.groundTruth(), null))
                .isEqualTo(0.5);
        assertThat(r.recallAt(2, new int[][] {{0}}, euclid.groundTruth(), null)).isEqualTo(0.5);
    }

    @Test
    void rowOutsideTheFilterIsNeverAHit() {
        Recall r = new Recall(euclid);
        BitSet accept = new BitSet();
        accept.set(1);
        accept.set(3);
        assertThat(r.recallAt(2, new int[][] {{0, 1}}, new int[][] {{1, 3}}, accept))
                .isEqualTo(0.5);
    }

    @Test
    void cosineUsesSimilarityDirection() {
        Dataset cos = new Dataset(
                "c",
                true,
                new float[][] {{1, 0}, {0.6f, 0.8f}, {0, 1}},
                new float[][] {{1, 0}},
                new int[][] {{0, 1, 2}},
                Map.of(),
                List.of());
        Recall r = new Recall(cos);
        assertThat(r.exact(cos.queries()[0], cos.base()[1])).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(r.recallAt(1, new int[][] {{2}}, cos.groundTruth(), null)).isEqualTo(0.0);
        assertThat(r.recallAt(2, new int[][] {{1, 0}}, cos.groundTruth(), null)).isEqualTo(1.0);
    }
}
