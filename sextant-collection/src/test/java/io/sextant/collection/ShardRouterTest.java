package io.sextant.collection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.segment.PointId;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ShardRouterTest {
    @Test
    void routingIsStableAcrossReleases() {
        // pinned values: changing the hash would strand stored points in the wrong shard
        assertThat(ShardRouter.shardOf(PointId.of(0), 7)).isEqualTo(ShardRouter.shardOf(PointId.of(0), 7));
        int[] pinned = new int[10];
        for (int i = 0; i < 10; i++) {
            pinned[i] = ShardRouter.shardOf(PointId.of(i), 4);
        }
        assertThat(pinned).containsExactly(PINNED);
        assertThat(ShardRouter.shardOf(PointId.of(UUID.fromString("3fa85f64-5717-4562-b3fc-2c963f66afa6")), 1))
                .isZero();
        assertThatThrownBy(() -> ShardRouter.shardOf(PointId.of(1), 0)).hasMessageContaining("got 0");
    }

    @Test
    void spreadsIdsEvenly() {
        int[] counts = new int[5];
        for (long i = 0; i < 50_000; i++) {
            counts[ShardRouter.shardOf(PointId.of(i), 5)]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween(9_000, 11_000);
        }
        assertThat(ShardRouter.shardOf(PointId.of(-1L), 3)).isBetween(0, 2); // max unsigned id
    }

    static final int[] PINNED = {0, 0, 3, 2, 1, 1, 3, 1, 3, 1};
}
