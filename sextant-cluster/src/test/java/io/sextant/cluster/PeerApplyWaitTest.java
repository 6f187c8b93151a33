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
                (peer, quick) -> {
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
                (peer, quick) -> {
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
        PeerApplyWait wait = new PeerApplyWait((peer, quick) -> 1, Duration.ofMillis(200), 5);
        long start = System.nanoTime();
        assertThat(wait.await(List.of(2L), 10)).containsExactly(2L);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(Duration.ofSeconds(3));
    }

    /**
     * A frozen peer's probe hangs until its timeout: once it was late, the next waits probe it quick
     * (a frozen peer then costs the quick timeout per change, not the full one), until it reports an
     * index that reaches the entry again.
     */
    @Test
    void aLatePeerIsProbedQuickUntilItCatchesUp() {
        AtomicInteger applied = new AtomicInteger(1);
        List<Boolean> quickProbes = new java.util.concurrent.CopyOnWriteArrayList<>();
        PeerApplyWait wait = new PeerApplyWait(
                (peer, quick) -> {
                    quickProbes.add(quick);
                    if (applied.get() < 0) {
                        throw new IOException("deadline exceeded");
                    }
                    return applied.get();
                },
                Duration.ofMillis(100),
                5);
        assertThat(wait.await(List.of(3L), 10)).containsExactly(3L); // behind when the bound passed
        assertThat(quickProbes).first().isEqualTo(false);
        assertThat(wait.isLate(3)).isTrue();

        quickProbes.clear();
        applied.set(-1); // frozen: the probe fails at its (quick) timeout
        assertThat(wait.await(List.of(3L), 11)).containsExactly(3L);
        assertThat(quickProbes).containsExactly(true);

        quickProbes.clear();
        applied.set(12); // answers again and has applied the entry
        assertThat(wait.await(List.of(3L), 12)).isEmpty();
        assertThat(quickProbes).containsExactly(true);
        assertThat(wait.isLate(3)).isFalse();
        quickProbes.clear();
        assertThat(wait.await(List.of(3L), 12)).isEmpty();
        assertThat(quickProbes).containsExactly(false);
    }
}
