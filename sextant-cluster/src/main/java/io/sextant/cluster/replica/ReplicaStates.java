package io.sextant.cluster.replica;

import io.sextant.cluster.ReplicaState;

/**
 * What a {@link ReplicaSet} knows about the states of its shard's replicas, and how it changes one:
 * production code reads this peer's {@link io.sextant.cluster.ReplicaStateBook} and proposes changes
 * through the metadata group ({@link ConsensusReplicaStates}). Implementations are thread-safe.
 */
public interface ReplicaStates {

    /** The current state of the replica on {@code peer} as this peer knows it. */
    ReplicaState state(long peer);

    /**
     * Makes the replica on {@code peer} Dead, agreed by the metadata group, and returns once this
     * peer has applied that (or once this peer knows the replica no longer receives writes for
     * another reason, e.g. another primary marked it first).
     *
     * @throws io.sextant.segment.error.ServiceException when the change could not be committed
     */
    void markDead(long peer);

    /**
     * {@link #markDead} proposed by {@code self} as the shard's primary (a forward to the replica
     * failed): the log applies it only while it still names {@code self} the primary. By default
     * the same as {@link #markDead}.
     */
    default void markDeadAsPrimary(long self, long peer) {
        markDead(peer);
    }

    /**
     * Makes the replica on {@code peer} Dead, agreed by the metadata group, provided the replica of
     * at least one of {@code anyOf} is Active when the change applies (so the shard keeps a replica
     * that can serve and repair it); returns once this peer applied it. Proposes once.
     *
     * @return whether the replica is now Dead by this call
     * @throws io.sextant.segment.error.ServiceException when the change could not be committed
     */
    default boolean markDeadWhileActive(long peer, java.util.List<Long> anyOf) {
        for (long p : anyOf) {
            if (state(p) == ReplicaState.ACTIVE) {
                markDead(peer);
                return true;
            }
        }
        return false;
    }

    /**
     * Moves the replica on {@code peer} from {@code from} to {@code to}, agreed by the metadata
     * group; returns once this peer applied it.
     *
     * @return false when the replica was not in {@code from} (nothing changed)
     * @throws io.sextant.segment.error.ServiceException when the change could not be committed
     */
    boolean change(long peer, ReplicaState from, ReplicaState to);

    /**
     * The transfer method a {@code restart_transfer} asked for the next transfer to the replica on
     * {@code peer}, consumed by this call; null when none was asked.
     */
    default String takeRequestedMethod(long peer) {
        return null;
    }

    /**
     * The metadata log index of the entry that made {@code primary} this shard's primary ({@link
     * io.sextant.cluster.PrimaryTerms}); 0 when unknown (then forwards are fenced by the primary's
     * name only).
     */
    default long primaryTermIndex(long primary) {
        return 0;
    }

    /**
     * Whether these states come from a metadata log that names the shard's primary: only then does
     * a peer refuse to order writes the log does not give it (false for {@link #ALL_ACTIVE}, whose
     * primary never changes).
     */
    default boolean fromLog() {
        return true;
    }

    /**
     * Every replica Active and nothing ever changes ({@link #markDead} and {@link #change} do nothing): for replica
     * sets built without a metadata group (tests of the plain forwarding path).
     */
    ReplicaStates ALL_ACTIVE = new ReplicaStates() {
        @Override
        public ReplicaState state(long peer) {
            return ReplicaState.ACTIVE;
        }

        @Override
        public void markDead(long peer) {}

        @Override
        public boolean change(long peer, ReplicaState from, ReplicaState to) {
            return false;
        }

        @Override
        public boolean fromLog() {
            return false;
        }
    };
}
