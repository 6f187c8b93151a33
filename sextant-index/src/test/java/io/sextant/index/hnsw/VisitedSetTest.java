package io.sextant.index.hnsw;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VisitedSetTest {
    /** Against a HashSet: sparse rounds (cleared word by word) and dense rounds (cleared in full). */
    @Test
    void behavesLikeASetAcrossClears() {
        Random r = new Random(3);
        int n = 10_000;
        VisitedSet v = new VisitedSet(n);
        for (int round = 0; round < 40; round++) {
            Set<Integer> ref = new HashSet<>();
            int visits = round % 2 == 0 ? 50 : 5_000;
            for (int i = 0; i < visits; i++) {
                int node = r.nextInt(n);
                assertThat(v.visit(node)).as("round %d node %d", round, node).isEqualTo(ref.add(node));
            }
            for (int node = 0; node < n; node++) {
                assertThat(v.isVisited(node))
                        .as("round %d node %d", round, node)
                        .isEqualTo(ref.contains(node));
            }
            v.clear();
            for (int node = 0; node < n; node++) {
                assertThat(v.isVisited(node))
                        .as("cleared after round %d, node %d", round, node)
                        .isFalse();
            }
        }
    }

    @Test
    void growingKeepsTheMarks() {
        VisitedSet v = new VisitedSet(64);
        assertThat(v.visit(3)).isTrue();
        assertThat(v.visit(63)).isTrue();
        v.ensureCapacity(100_000);
        assertThat(v.isVisited(3)).isTrue();
        assertThat(v.isVisited(63)).isTrue();
        assertThat(v.visit(99_999)).isTrue();
        assertThat(v.visit(99_999)).isFalse();
        v.clear();
        assertThat(v.isVisited(3)).isFalse();
        assertThat(v.isVisited(99_999)).isFalse();
    }

    /** Past the 255 generations of a byte mark: a mark of an old generation never reads as visited. */
    @Test
    void wrappingTheGenerationForgetsOldMarks() {
        VisitedSet v = new VisitedSet(16);
        assertThat(v.visit(5)).isTrue();
        for (int round = 1; round <= 600; round++) {
            v.clear();
            assertThat(v.isVisited(5)).as("after %d clears", round).isFalse();
            if (round % 255 == 0) {
                assertThat(v.visit(7)).as("round %d", round).isTrue();
            }
            assertThat(v.isVisited(7)).as("after %d clears", round).isEqualTo(round % 255 == 0);
        }
    }
}
