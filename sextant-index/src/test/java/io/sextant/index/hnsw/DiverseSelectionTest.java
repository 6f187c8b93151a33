package io.sextant.index.hnsw;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.index.ArrayScorerSupplier;
import io.sextant.index.ScorerSupplier;
import io.sextant.index.VectorScorer;
import io.sextant.vector.Distance;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The pick-by-pick, bulk-scored diversity heuristic must keep exactly the neighbours the
 * candidate-by-candidate check keeps. Heap rows score a pair the same either way round (one
 * single-row kernel), so the two must agree bit for bit.
 */
class DiverseSelectionTest {
    private static final long SEED = 5_550_123L;

    @Test
    void picksTheSameNeighboursAsTheOneByOneCheck() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        float[][] data = SyntheticVectors.clusters(2_000, 16, 12, SEED, true);
        ArrayScorerSupplier rows = new ArrayScorerSupplier(data, Distance.COSINE);
        DiverseSelection selection = new DiverseSelection(rows.retargetable());
        int[] out = new int[64];
        float[] outScores = new float[64];
        int[] ref = new int[64];
        float[] refScores = new float[64];
        int totalPicked = 0;
        int fullLists = 0;
        for (int round = 0; round < 500; round++) {
            int base = rnd.nextInt(data.length);
            int count = 1 + rnd.nextInt(150);
            int cap = 1 + rnd.nextInt(40);
            int[] cand = bestFirst(rows, base, count, rnd);
            float[] scores = new float[cand.length];
            rows.scorerFor(base).bulkScore(cand, cand.length, scores);
            int picked = selection.select(cand, scores, cand.length, cap, out, outScores);
            int expected = DiverseSelection.selectOneByOne(
                    rows.retargetable(), cand, scores, cand.length, cap, ref, refScores);
            assertThat(Arrays.copyOf(out, picked))
                    .as("round %d (base %d, %d candidates, cap %d), seed %d", round, base, count, cap, SEED)
                    .containsExactly(Arrays.copyOf(ref, expected));
            assertThat(Arrays.copyOf(outScores, picked)).containsExactly(Arrays.copyOf(refScores, expected));
            totalPicked += picked;
            fullLists += picked == cap ? 1 : 0;
        }
        // the rounds cover both ends: lists cut by the cap and lists the heuristic thinned out
        assertThat(fullLists).isBetween(20, 480);
        assertThat(totalPicked).isPositive();
    }

    @Test
    void keepsOnlyTheBestOfNearDuplicates() {
        // candidates 1 and 2 are copies of each other: the worse one is dropped, candidate 3 (on the
        // other side of the base) is kept
        float[][] data = {{1, 0}, {0.9f, 0.1f}, {0.9f, 0.1f}, {0.8f, -0.3f}};
        ArrayScorerSupplier rows = new ArrayScorerSupplier(data, Distance.EUCLID);
        VectorScorer base = rows.scorerFor(0);
        int[] cand = {1, 2, 3};
        float[] scores = {base.score(1), base.score(2), base.score(3)};
        int[] out = new int[3];
        float[] outScores = new float[3];
        int picked = new DiverseSelection(rows.retargetable()).select(cand, scores, 3, 3, out, outScores);
        assertThat(Arrays.copyOf(out, picked)).containsExactly(1, 3);
    }

    /** {@code count} distinct ordinals other than {@code base}, sorted by score to it, best first. */
    private static int[] bestFirst(ScorerSupplier rows, int base, int count, SplittableRandom rnd) {
        int[] picked = rnd.ints(0, rows.size())
                .filter(o -> o != base)
                .distinct()
                .limit(count)
                .toArray();
        VectorScorer s = rows.scorerFor(base);
        long[] packed = new long[picked.length];
        for (int i = 0; i < picked.length; i++) {
            packed[i] = NodeHeap.encode(picked[i], s.score(picked[i]));
        }
        Arrays.sort(packed);
        int[] out = new int[picked.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = NodeHeap.node(packed[packed.length - 1 - i]);
        }
        return out;
    }
}
