package io.sextant.cluster.replica;

import io.sextant.cluster.shard.PrimaryFence;
import io.sextant.segment.error.ServiceException;
import java.util.List;
import java.util.function.Supplier;

/**
 * Whether this peer may order a shard's writes, by the metadata log ({@link ReplicaStates}): the
 * log names the primary (the first replica in placement order that can be one), the term a
 * primary's forwards carry ({@link PrimaryFence}), and the "deposed" mark a refused forward leaves:
 * the peer orders nothing while its term is still the refused one (its log has not applied the
 * change that replaced it), until its log shows another primary or {@link #DEPOSED_MILLIS} pass
 * (an unknown index cannot tell a later re-election apart). Thread-safe.
 */
final class PrimaryRole {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PrimaryRole.class);

    /** How long a peer asked to be primary waits for its log to name it (it may lag the caller). */
    static final long NAMED_PRIMARY_WAIT_MILLIS = 1_000;

    /** How long a refused term blocks this peer at most. */
    static final long DEPOSED_MILLIS = 10_000;

    private record Deposed(PrimaryFence fence, long atNanos) {}

    private final Supplier<ReplicaSet.Layout> layout;
    private final ReplicaStates states;
    private volatile Deposed deposed;

    PrimaryRole(Supplier<ReplicaSet.Layout> layout, ReplicaStates states) {
        this.layout = layout;
        this.states = states;
    }

    /** This peer's primary term as its log says: the fence its forwards carry. */
    PrimaryFence fence() {
        long self = layout.get().self();
        return new PrimaryFence(self, states.primaryTermIndex(self));
    }

    /** The first replica in placement order that can be the primary (0 when none can). */
    long named() {
        for (long peer : layout.get().peers()) {
            if (states.state(peer).canBePrimary()) {
                return peer;
            }
        }
        return 0;
    }

    /**
     * Waits up to {@link #NAMED_PRIMARY_WAIT_MILLIS} until this peer's log names it the shard's
     * primary (a caller that marked the old primary Dead may be ahead of this peer), else refuses:
     * the other replicas would refuse its forwards, and its own replica would hold a write they
     * lack. States that do not come from a log ({@link ReplicaStates#fromLog}) are not checked.
     */
    void awaitNamed() {
        if (!states.fromLog()) {
            return;
        }
        ReplicaSet.Layout l = layout.get();
        if (!awaitUntil(() -> {
            if (named() == l.self()) {
                return true;
            }
            deposed = null; // the log shows the change that replaced this peer
            return false;
        })) {
            long named = named();
            throw new io.sextant.cluster.shard.NotThePrimary("Peer " + Long.toUnsignedString(l.self())
                    + " is not the primary of shard " + l.shardId() + " of collection " + l.collection()
                    + ": the metadata log names " + (named == 0 ? "none" : "peer " + Long.toUnsignedString(named)));
        }
    }

    /**
     * Waits up to {@link #NAMED_PRIMARY_WAIT_MILLIS} until this peer's log names a primary other
     * than {@code peer} (the one a write was routed to, which answered that its log names another).
     *
     * @return false when it still names {@code peer} (or none) then
     */
    boolean awaitNamedOtherThan(long peer) {
        return awaitUntil(() -> {
            long named = named();
            return named != peer && named != 0;
        });
    }

    /** Polls {@code done} every 10 ms for up to {@link #NAMED_PRIMARY_WAIT_MILLIS}; whether it held. */
    private static boolean awaitUntil(java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + NAMED_PRIMARY_WAIT_MILLIS * 1_000_000;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServiceException("Interrupted waiting for the metadata log to name the primary", e);
            }
        }
        return true;
    }

    /** Refuses to order a write under {@code fence} when a replica refused that term. */
    void requireNotDeposed(PrimaryFence fence) {
        Deposed d = deposed;
        if (d != null && d.fence().equals(fence) && System.nanoTime() - d.atNanos() < DEPOSED_MILLIS * 1_000_000) {
            ReplicaSet.Layout l = layout.get();
            throw new ServiceException("Peer " + Long.toUnsignedString(l.self()) + " was replaced as primary of shard "
                    + l.shardId() + " of collection " + l.collection()
                    + " (a replica refused its forwards) and has not applied that yet");
        }
    }

    /**
     * A replica refused a forward sent under {@code fence}. This peer's own replica applied that
     * write (the primary applies before it forwards), and the replicas that follow the new primary
     * never will: it is marked Dead, so the new primary repairs it, and an unacknowledged write does
     * not stay on one replica only (it was, until the next repair, when the primary role moved back
     * to a replica made Active again while writes were in flight). The replicas in {@code admitted}
     * (their logs still named this peer) applied it too: each is marked Dead as well, but only
     * while one of {@code refusing} is Active when the entry applies, so the shard keeps a replica
     * that holds every acknowledged write and repairs them (before, they kept the write while the
     * refusing replicas lacked it, until some later transfer).
     */
    void deposed(PrimaryFence fence, List<Long> admitted, List<Long> refusing) {
        deposed = new Deposed(fence, System.nanoTime());
        ReplicaSet.Layout l = layout.get();
        try {
            if (states.state(l.self()).receivesWrites()) {
                states.markDead(l.self());
            }
            for (long peer : admitted) {
                states.markDeadWhileActive(peer, refusing);
            }
        } catch (RuntimeException e) { // no consensus now: the write is not acknowledged either way
            LOG.warn(
                    "Could not mark the replicas of shard {} of collection {} that applied a write peer {} ordered"
                            + " as a replaced primary Dead: {}",
                    l.shardId(),
                    l.collection(),
                    Long.toUnsignedString(l.self()),
                    e.toString());
        }
    }
}
