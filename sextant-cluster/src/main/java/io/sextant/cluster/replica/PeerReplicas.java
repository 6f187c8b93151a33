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
}
