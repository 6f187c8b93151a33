package io.sextant.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeerApplyWaitTest {

    @Test
    void returnsOnlyOnceEveryPeerReachedTheIndex() {
        // peer 2 applies entry 7 at its 3rd probe, peer 3 at its 5th
        Map<Long, AtomicInteger> probes = new ConcurrentHashMap<>();
        PeerApplyWait wait = new PeerApplyWait(
                peer -> {
                    int n = probes.computeIfAbsent(peer, p -> new AtomicInteger())
                            .incrementAndGet();
                    return peer == 2 ? (n >= 3 ? 7 : 6) : (n >= 5 ? 9 : 5);
                },
                Duration.ofSeconds(5),
                1);
        assertThat(wait.await(List.of(2L, 3L), 7)).isEmpty();
        assertThat(probes.get(2L).get()).isEqualTo(3);
        assertThat(probes.get(3L).get()).isEqualTo(5);
    }

    @Test
    void aPeerThatFailsToAnswerIsNotWaitedFor() {
        AtomicInteger probesOfDown = new AtomicInteger();
        PeerApplyWait wait = new PeerApplyWait(
                peer -> {
                    if (peer == 3) {
                        probesOfDown.incrementAndGet();
                        throw new IOException("connection refused");
                    }
                    return 10;
                },
                Duration.ofSeconds(5),
                1);
        long start = System.nanoTime();
        assertThat(wait.await(List.of(2L, 3L), 10)).containsExactly(3L);
        assertThat(probesOfDown.get()).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void theWaitIsBounded() {
        PeerApplyWait wait = new PeerApplyWait(peer -> 1, Duration.ofMillis(200), 5);
        long start = System.nanoTime();
        assertThat(wait.await(List.of(2L), 10)).containsExactly(2L);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(Duration.ofSeconds(3));
    }
}
