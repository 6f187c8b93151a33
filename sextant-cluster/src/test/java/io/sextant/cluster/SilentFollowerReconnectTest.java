package io.sextant.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SilentFollowerReconnectTest {
    private static final long MS = 1_000_000;

    /** Peers 2 and 3 both answer the shard-service probe. */
    private static final Map<Long, Long> PROBES_ANSWERED = Map.of(2L, 0L, 3L, 400L);

    @Test
    void dropsTheRaftConnectionOfAFollowerSilentOnRaftWhoseShardServiceAnswers() {
        List<Long> drops = new ArrayList<>();
        SilentFollowerReconnect r = new SilentFollowerReconnect(drops::add);

        assertThat(r.check(Map.of(2L, 100L, 3L, 1_500L), PROBES_ANSWERED, 0))
                .as("within the silence allowed")
                .isZero();
        assertThat(r.check(Map.of(2L, 100L, 3L, 1_600L), PROBES_ANSWERED, 500 * MS))
                .isEqualTo(1);
        assertThat(drops).containsExactly(3L);
        assertThat(r.check(Map.of(2L, 100L, 3L, 2_100L), PROBES_ANSWERED, 1_000 * MS))
                .as("dropped 0.5 s ago")
                .isZero();
        assertThat(r.check(Map.of(2L, 100L, 3L, 4_600L), PROBES_ANSWERED, 3_500 * MS))
                .isEqualTo(1);
        assertThat(drops).containsExactly(3L, 3L);

        r.check(Map.of(2L, 100L, 3L, 50L), PROBES_ANSWERED, 3_600 * MS); // it answers again: forgotten
        assertThat(r.check(Map.of(2L, 100L, 3L, 1_700L), PROBES_ANSWERED, 3_700 * MS))
                .as("silent again: dropped at once, not after the interval")
                .isEqualTo(1);
        assertThat(drops).containsExactly(3L, 3L, 3L);
    }

    @Test
    void aFollowerWhoseShardServiceIsSilentTooIsLeftAlone() {
        List<Long> drops = new ArrayList<>();
        SilentFollowerReconnect r = new SilentFollowerReconnect(drops::add);
        // frozen or cut off: a new connection would not make it answer
        assertThat(r.check(Map.of(3L, 5_000L), Map.of(3L, 5_000L), 0)).isZero();
        assertThat(r.check(Map.of(3L, 5_000L), Map.of(), 0))
                .as("not probed: not judged")
                .isZero();
        assertThat(drops).isEmpty();
    }

    @Test
    void aFailedDropIsTriedAgainAfterTheInterval() {
        List<Long> tries = new ArrayList<>();
        SilentFollowerReconnect r = new SilentFollowerReconnect(peer -> {
            tries.add(peer);
            throw new IllegalStateException("proxy closed");
        });
        assertThat(r.check(Map.of(3L, 5_000L), PROBES_ANSWERED, 0)).isZero();
        assertThat(r.check(Map.of(3L, 5_500L), PROBES_ANSWERED, 500 * MS)).isZero();
        r.check(Map.of(3L, 7_000L), PROBES_ANSWERED, 3_000 * MS);
        assertThat(tries).containsExactly(3L, 3L);
    }
}
