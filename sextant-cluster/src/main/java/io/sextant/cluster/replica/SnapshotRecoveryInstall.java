package io.sextant.cluster.replica;

import io.sextant.cluster.ReplicaState;
import io.sextant.collection.snapshot.SnapshotPriority;
import io.sextant.segment.error.ServiceException;
import io.sextant.shard.Shard;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs a recovered snapshot's files as this peer's replica of one shard in cluster mode,
 * following the recovery's {@link SnapshotPriority} as Qdrant does, with every state change
 * agreed through the metadata group ({@link ReplicaStates}) and the files swapped in by {@link
 * ReplicaSet#replaceLocal} (the same swap a {@code snapshot} transfer's install uses).
 *
 * <ul>
 *   <li>{@code snapshot}: the snapshot is the shard's source of truth. This peer's replica is made
 *       Active (when it is not), then, under the replica set's write-order lock, every other
 *       replica that is not Dead is made Dead, so this peer is the shard's primary (the only Active
 *       replica); the files are swapped in and the primary's retained history ({@link
 *       RetainedOperations#reset}) is emptied, still under the lock. So the install sits at one
 *       point of the shard's write order: every write ordered before it was applied to the old
 *       data (and is replaced, as a restore must), every write after it is ordered by this peer on
 *       the snapshot's data and reaches the other replicas through the automatic recovery ({@link
 *       ReplicaRecovery}), which this peer runs as the primary. Because the history was emptied
 *       and no other replica is Active at the install, no replica is known complete in the new
 *       history, so that recovery cannot be a {@code wal_delta} over the old data: it is a full
 *       {@code stream_records} (or {@code snapshot}) transfer of the installed data. A transfer
 *       that an earlier primary or this peer had started to another replica stops at its next
 *       batch (its target is Dead), so no pre-install batch is left on it.
 *   <li>{@code replica}: when another replica is Active, it is the source of truth: this peer's
 *       replica is made Dead and repaired from the shard's primary by the automatic recovery; the
 *       snapshot's data is discarded (Qdrant installs it and then overwrites it by a transfer: the
 *       outcome is the same). With no other Active replica it is installed as with {@code
 *       snapshot}.
 *   <li>{@code no_sync}: the files are swapped in under the write-order lock; no state changes.
 *       When this peer is the primary, writes are ordered around the swap; when another peer is,
 *       a forward it sends during the swap fails, and that primary then marks this replica Dead
 *       and repairs it from its own data (the snapshot's data on it is then replaced).
 * </ul>
 *
 * <p>Why the other replicas are made Dead before the swap and not after (as Qdrant does): while
 * another replica is Active and first in placement order, it orders the shard's writes and
 * forwards them to this replica, so a write could be applied to the old files just before they are
 * replaced and be acknowledged, then lost when the others are overwritten from here. Making this
 * peer the only Active replica first moves the write order here (the others' late forwards are
 * refused by the primary fence), so the swap can take the order's lock.
 *
 * <p>Stateless; thread-safe as the replica set is.
 */
public final class SnapshotRecoveryInstall {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotRecoveryInstall.class);

    /** State changes tried per replica before giving up (a concurrent transfer may move it). */
    static final int ATTEMPTS = 5;

    private SnapshotRecoveryInstall() {}

    /** What happened to this peer's replica. */
    public enum Outcome {
        /** Installed; this peer's replica is the source of truth and every other one is Dead. */
        SOURCE_OF_TRUTH,
        /** Installed locally; no state changed ({@code no_sync}). */
        LOCAL_ONLY,
        /** Not installed: another Active replica is the source of truth and this one is Dead. */
        DISCARDED
    }

    /**
     * Installs the files {@code reopen} moves into place (and opens) as this peer's replica of the
     * shard of {@code set}, by {@code priority}.
     *
     * @param reopen called under the write-order lock once the old replica is closed; moves the
     *     snapshot's files into the replica's directory and opens them
     * @throws ServiceException when this peer holds no replica of the shard, or a state change
     *     could not be committed (nothing was installed then)
     */
    public static Outcome install(ReplicaSet set, SnapshotPriority priority, Supplier<Shard> reopen) {
        long self = set.layout().self();
        if (set.localReplica() == null) {
            throw new ServiceException("Peer " + Long.toUnsignedString(self) + " holds no replica of " + what(set));
        }
        if (priority == SnapshotPriority.NO_SYNC) {
            set.replaceLocal(reopen);
            LOG.info("Recovered snapshot installed on {} without synchronization (no_sync)", what(set));
            return Outcome.LOCAL_ONLY;
        }
        if (priority == SnapshotPriority.REPLICA && otherActive(set, self)) {
            set.states.markDead(self);
            LOG.info(
                    "Recovered snapshot of {} discarded (priority replica): this peer's replica is Dead and is"
                            + " repaired from an Active one",
                    what(set));
            return Outcome.DISCARDED;
        }
        moveTo(set, self, ReplicaState.ACTIVE);
        for (long peer : set.layout().peers()) {
            if (peer != self) { // outside the lock first: the common case, so the lock is held briefly
                moveTo(set, peer, ReplicaState.DEAD);
            }
        }
        synchronized (set.primaryOrder) {
            for (long peer : set.layout().peers()) {
                if (peer != self) { // a transfer that ran meanwhile may have made it Partial or Active
                    moveTo(set, peer, ReplicaState.DEAD);
                }
            }
            if (!set.primaryHere()) {
                throw new ServiceException("The replica of " + what(set) + " on peer " + Long.toUnsignedString(self)
                        + " is " + set.state(self).wireName() + " and not the primary after the recovery's state"
                        + " changes; nothing was installed, try again");
            }
            set.replaceLocal(reopen);
            set.retained.reset();
        }
        LOG.info(
                "Recovered snapshot installed on {} as the source of truth: the other replicas are Dead and are"
                        + " repaired from it",
                what(set));
        return Outcome.SOURCE_OF_TRUTH;
    }

    /** Whether a replica other than this peer's is Active (can be the primary). */
    private static boolean otherActive(ReplicaSet set, long self) {
        for (long peer : set.layout().peers()) {
            if (peer != self && set.state(peer).canBePrimary()) {
                return true;
            }
        }
        return false;
    }

    /** Moves the replica on {@code peer} to {@code target} through the metadata group (from its current state). */
    private static void moveTo(ReplicaSet set, long peer, ReplicaState target) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            ReplicaState current = set.state(peer);
            if (current == target || set.states.change(peer, current, target)) {
                return;
            }
        }
        throw new ServiceException("Cannot make the replica of " + what(set) + " on peer " + Long.toUnsignedString(peer)
                + " " + target.wireName() + " (it is " + set.state(peer).wireName() + ")");
    }

    /**
     * Recovers the shard of {@code set}, of which this peer holds no replica, from the snapshot's
     * files in {@code dir} on a peer that holds one: the first Active replica in placement order (the
     * shard's primary when it has one), else the first replica. The files are shipped there in
     * chunks and that peer installs them by {@code priority} exactly as {@link #install} does for a
     * local replica ({@code RecoverStaged}), so the shard is restored wherever it lives; its other
     * replicas follow by the priority's rules.
     *
     * @return the outcome on that peer
     * @throws ServiceException when that peer could not be reached or could not install them
     */
    public static Outcome forward(ReplicaSet set, java.nio.file.Path dir, SnapshotPriority priority) {
        List<Long> peers = set.layout().peers(); // never empty
        long target = peers.stream()
                .filter(p -> set.state(p) == ReplicaState.ACTIVE)
                .findFirst()
                .orElse(peers.getFirst());
        String outcome = SnapshotShipping.shipForRecovery(set.remotes, target, dir, priority.wireName());
        LOG.info(
                "Recovered snapshot of {} installed on peer {} (priority {}): {}",
                what(set),
                Long.toUnsignedString(target),
                priority.wireName(),
                outcome);
        try {
            return Outcome.valueOf(outcome);
        } catch (IllegalArgumentException e) {
            throw new ServiceException(
                    "Peer " + Long.toUnsignedString(target) + " answered an unknown outcome: " + outcome);
        }
    }

    private static String what(ReplicaSet set) {
        return "shard " + set.layout().shardId() + " of collection "
                + set.layout().collection();
    }
}
