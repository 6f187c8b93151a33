package io.sextant.segment.vectorindex;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link TopK}: memory follows the entries held, never {@code k}; the best k are kept while it grows. */
class TopKTest {

    @Test
    void aHugeKHoldsOnlyTheEntriesOffered() {
        TopK top = new TopK(Integer.MAX_VALUE, 10);
        assertThat(top.capacity()).isEqualTo(10);
        for (int i = 0; i < 10; i++) {
            top.offer(i, i);
        }
        assertThat(top.size()).isEqualTo(10);
        assertThat(top.capacity()).isEqualTo(10);
        // more than expected (appends during a scan): grows by doubling, not to k
        for (int i = 10; i < 40; i++) {
            top.offer(i, i);
        }
        assertThat(top.size()).isEqualTo(40);
        assertThat(top.capacity()).isBetween(40, 80);

        TopK unknown = new TopK(Integer.MAX_VALUE);
        assertThat(unknown.capacity()).isEqualTo(TopK.DEFAULT_INITIAL);
    }

    @Test
    void capacityNeverExceedsK() {
        TopK top = new TopK(5, 1_000_000);
        assertThat(top.capacity()).isEqualTo(5);
        for (int i = 0; i < 100; i++) {
            top.offer(i, i);
        }
        assertThat(top.capacity()).isEqualTo(5);
        TopK grown = new TopK(21, 1);
        for (int i = 0; i < 100; i++) {
            grown.offer(i, -i);
        }
        assertThat(grown.capacity()).isEqualTo(21);
        assertThat(new TopK(0, 0).capacity()).isEqualTo(1);
    }

    @Test
    void keepsTheBestKWhileGrowing() {
        long seed = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 200; round++) {
            int k = rnd.nextInt(4) == 0 ? Integer.MAX_VALUE : 1 + rnd.nextInt(rnd.nextBoolean() ? 40 : 2000);
            int n = rnd.nextInt(3000);
            TopK top = new TopK(k, rnd.nextInt(50));
            float[] keys = new float[n];
            for (int i = 0; i < n; i++) {
                keys[i] = rnd.nextInt(500); // ties included
                top.offer(i, keys[i]);
            }
            String at = "seed " + seed + " round " + round + " k " + k + " n " + n;
            int kept = Math.min(n, k);
            assertThat(top.size()).as(at).isEqualTo(kept);
            assertThat(top.capacity()).as(at).isLessThanOrEqualTo(Math.max(64, 2 * kept));
            float[] sorted = keys.clone();
            Arrays.sort(sorted);
            List<Float> want = new ArrayList<>();
            for (int i = 0; i < kept; i++) {
                want.add(sorted[n - 1 - i]);
            }
            List<Float> got = new ArrayList<>();
            for (int i = 0; i < top.size(); i++) {
                assertThat(keys[top.offset(i)]).as(at).isEqualTo(top.key(i));
                got.add(top.key(i));
            }
            got.sort((a, b) -> Float.compare(b, a));
            assertThat(got).as(at).isEqualTo(want);
        }
    }
}
