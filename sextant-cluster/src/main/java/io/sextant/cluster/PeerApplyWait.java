package io.sextant.cluster;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits until the other peers have applied a metadata log entry, so a change made through one peer
 * is in force on every peer when the client's call returns: a collection created through peer 1 has
 * its shards on peers 2 and 3 before the client's next request reaches them through peer 1, and a
 * deleted collection is gone everywhere before a new one of the same name is created.
 *
 * <p>Mechanism: each peer's applied index is read with Ratis's group-info admin call (its {@code
 * LogInfoProto.applied}, which the {@link MetadataStateMachine} moves forward only after it applied
 * the entry), polled every few milliseconds until it reaches the entry's index. Best effort and
 * bounded: a peer whose call fails (down, unreachable) is not waited for any more, and the wait as a
 * whole ends after {@code bound}; both are logged, and the change still stands (it is committed and
 * the late peers apply it from the log). Why not Ratis's {@code ALL_COMMITTED} watch: a peer knows an
 * entry is committed before its state machine has applied it.
 *
 * <p>A peer that failed to answer or had not applied the entry when the wait ended is remembered as
 * late for {@link #LATE_MEMORY}: the next waits probe it "quick" (the probe gives up sooner, {@code
 * ClusterNode.QUICK_PROBE}), so a frozen or cut-off peer, whose probe hangs until the call's timeout
 * rather than failing, does not add that timeout to every metadata change; it stops being late once
 * it reports an applied index that reaches the entry waited for. One per node; thread-safe.
 */
final class PeerApplyWait {

    private static final Logger LOG = LoggerFactory.getLogger(PeerApplyWait.class);

    /** How long a peer stays late after it last failed to answer or to reach an entry in time. */
    static final Duration LATE_MEMORY = Duration.ofSeconds(60);

    /** Reads one peer's applied index ({@code quick}: with the shorter timeout, for a late peer). */
    @FunctionalInterface
    interface AppliedIndex {
        long of(long peer, boolean quick) throws IOException;
    }

    /** Peers that were late, by {@link System#nanoTime()} when they were last found late. */
    private final Map<Long, Long> lateSince = new ConcurrentHashMap<>();

    private final AppliedIndex probe;
    private final Duration bound;
    private final long pollMillis;

    PeerApplyWait(AppliedIndex probe, Duration bound, long pollMillis) {
        this.probe = probe;
        this.bound = bound;
        this.pollMillis = pollMillis;
    }

    /**
     * Returns once every peer of {@code peers} has applied {@code index}, failed to answer, or
     * {@code bound} has passed.
     *
     * @return the peers that had not applied it when the wait ended (empty when all did)
     */
    List<Long> await(Collection<Long> peers, long index) {
        long deadline = System.nanoTime() + bound.toNanos();
        List<Long> waiting = new ArrayList<>(peers);
        List<Long> late = new ArrayList<>();
        while (!waiting.isEmpty()) {
            for (var it = waiting.iterator(); it.hasNext(); ) {
                long peer = it.next();
                try {
                    if (probe.of(peer, isLate(peer)) >= index) {
                        lateSince.remove(peer);
                        it.remove();
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.info(
                            "Peer {} did not report its applied index ({}); not waiting for it to apply entry {}",
                            Long.toUnsignedString(peer),
                            e.getMessage(),
                            index);
                    late.add(peer);
                    lateSince.put(peer, System.nanoTime());
                    it.remove();
                }
            }
            if (waiting.isEmpty()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                LOG.info("Peers {} had not applied entry {} after {}", waiting, index, bound);
                late.addAll(waiting);
                long now = System.nanoTime();
                waiting.forEach(p -> lateSince.put(p, now));
                break;
            }
            try {
                Thread.sleep(pollMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                late.addAll(waiting);
                break;
            }
        }
        return late;
    }

    /** Whether {@code peer} was found late within the last {@link #LATE_MEMORY}. */
    boolean isLate(long peer) {
        Long since = lateSince.get(peer);
        return since != null && System.nanoTime() - since < LATE_MEMORY.toNanos();
    }
}
