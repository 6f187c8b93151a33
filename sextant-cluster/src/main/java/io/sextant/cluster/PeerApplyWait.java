package io.sextant.cluster;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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
 */
final class PeerApplyWait {

    private static final Logger LOG = LoggerFactory.getLogger(PeerApplyWait.class);

    /** Reads one peer's applied index. */
    @FunctionalInterface
    interface AppliedIndex {
        long of(long peer) throws IOException;
    }

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
                    if (probe.of(peer) >= index) {
                        it.remove();
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.info(
                            "Peer {} did not report its applied index ({}); not waiting for it to apply entry {}",
                            Long.toUnsignedString(peer),
                            e.getMessage(),
                            index);
                    late.add(peer);
                    it.remove();
                }
            }
            if (waiting.isEmpty()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                LOG.info("Peers {} had not applied entry {} after {}", waiting, index, bound);
                late.addAll(waiting);
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
}
