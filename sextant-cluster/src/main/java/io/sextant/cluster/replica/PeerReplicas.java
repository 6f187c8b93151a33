package io.sextant.cluster.replica;

import io.sextant.segment.ops.PointOperation;
import io.sextant.shard.Shard;
import io.sextant.shard.UpdateResult;

/**
 * How a {@link ReplicaSet} reaches the replicas of its shard on other peers: production code goes
 * over the internal shard service ({@link RemotePeerReplicas}); tests may wire replica sets to each
 * other in process. Implementations are thread-safe.
 */
public interface PeerReplicas {

    /**
     * The replica on peer {@code peerId}, as a shard whose calls run there ({@code update} applies
     * to that replica only), or null when the peer's address is unknown (not a member).
     */
    Shard replica(long peerId);

    /**
     * Asks peer {@code peerId} to apply {@code operation} as the shard's primary: on its replica,
     * then on the other replicas.
     *
     * @throws io.sextant.segment.error.ServiceException when the peer is unreachable (then {@link
     *     io.sextant.cluster.shard.ShardCallErrors#isUnreachable} holds) or fails
     * @throws io.sextant.segment.error.UserException for bad input
     */
    UpdateResult writeAsPrimary(long peerId, PointOperation operation, boolean wait);

    /**
     * Applies a forwarded write to the replica on {@code peerId} only, recording its {@code tag}
     * there (the {@code wal_delta} transfer's clock); a null tag sends an untagged write. By default
     * the tag is dropped (in-process replicas keep no clock).
     */
    default UpdateResult forwardTagged(
            long peerId, PointOperation operation, boolean wait, io.sextant.cluster.shard.OperationTag tag) {
        Shard replica = replica(peerId);
        if (replica == null) {
            throw new io.sextant.segment.error.ServiceException("peer is not a member of the cluster");
        }
        return replica.update(operation, wait);
    }

    /**
     * Applies consecutive forwarded writes, tagged {@code first}, {@code first+1} …, to the replica
     * on {@code peerId} only, in one call (the {@code wal_delta} transfer's batches). By default one
     * {@link #forwardTagged} per write.
     */
    default UpdateResult forwardTaggedBatch(
            long peerId,
            java.util.List<PointOperation> operations,
            boolean wait,
            io.sextant.cluster.shard.OperationTag first) {
        UpdateResult last = null;
        for (int i = 0; i < operations.size(); i++) {
            last = forwardTagged(
                    peerId,
                    operations.get(i),
                    wait,
                    new io.sextant.cluster.shard.OperationTag(first.incarnation(), first.tick() + i));
        }
        return last;
    }

    /**
     * Ships one chunk of a captured shard file to the replica on {@code peerId} (the {@code snapshot}
     * transfer); by default unsupported (in-process replicas).
     */
    default void installChunk(long peerId, String path, long offset, byte[] data) {
        throw new io.sextant.segment.error.ServiceException("snapshot transfers need the internal shard service");
    }

    /** Installs the shipped files as the replica on {@code peerId}, holding writes up to {@code upTo}. */
    default long installFinish(long peerId, io.sextant.cluster.shard.OperationTag upTo) {
        throw new io.sextant.segment.error.ServiceException("snapshot transfers need the internal shard service");
    }

    /**
     * Recovers the replica on {@code peerId} from the files shipped with {@link #installChunk} by the
     * snapshot recovery priority named {@code priority}; returns the outcome's name. By default
     * unsupported (in-process replicas).
     */
    default String recoverStaged(long peerId, String priority) {
        throw new io.sextant.segment.error.ServiceException(
                "snapshot recovery on another peer needs the internal shard service");
    }

    /**
     * What the replica on {@code peerId} recorded of tagged writes; by default unknown (so a
     * transfer streams the whole shard).
     */
    default io.sextant.cluster.shard.RecoveryPoint recoveryPoint(long peerId) {
        return io.sextant.cluster.shard.RecoveryPoint.UNKNOWN;
    }
}
