package io.sextant.bench.multivector;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MaxSimRecallTest {
    // query {x, y}; base rows: 0 -> 1.0, 1 -> 1.6, 2 -> -1.0, 3 -> 1.0 (a copy of row 0), 4 -> 0.5
    final float[][][] base = {MaxSimTest.D1, MaxSimTest.D2, MaxSimTest.D3, MaxSimTest.D1, {{0.5f, 0}}};
    final float[][][] queries = {MaxSimTest.Q};
    final MaxSimRecall recall =
            new MaxSimRecall(base, queries, new int[][] {{1, 0, 3, 4, 2}}, new float[][] {{1.6f, 1f, 1f, 0.5f, -1f}});

    @Test
    void countsTrueNeighboursAndExactTiesOnce() {
        assertThat(recall.recallAt(2, new int[][] {{1, 0}})).isEqualTo(1.0);
        // row 3 is not in the true top-2 but ties row 0's exact score: a hit
        assertThat(recall.recallAt(2, new int[][] {{1, 3}})).isEqualTo(1.0);
        // a duplicate counts once, a miss counts nothing
        assertThat(recall.recallAt(2, new int[][] {{1, 1}})).isEqualTo(0.5);
        assertThat(recall.recallAt(2, new int[][] {{4, 2}})).isEqualTo(0.0);
        // rows outside the base never count; short answers count what they have
        assertThat(recall.recallAt(2, new int[][] {{99, -1}})).isEqualTo(0.0);
        assertThat(recall.recallAt(2, new int[][] {{1}})).isEqualTo(0.5);
        // only the first k returned rows are looked at
        assertThat(recall.recallAt(1, new int[][] {{0, 1}})).isEqualTo(0.0);
    }

    @Test
    void averagesOverQueries() {
        MaxSimRecall two = new MaxSimRecall(
                base, new float[][][] {MaxSimTest.Q, MaxSimTest.Q}, new int[][] {{1, 0}, {1, 0}}, new float[][] {
                    {1.6f, 1f}, {1.6f, 1f}
                });
        assertThat(two.recallAt(2, new int[][] {{1, 0}, {2, 4}})).isEqualTo(0.5);
    }
}
