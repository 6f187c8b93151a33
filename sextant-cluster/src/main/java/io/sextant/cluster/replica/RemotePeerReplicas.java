package io.sextant.cluster.replica;

import io.sextant.cluster.shard.OperationTag;
import io.sextant.cluster.shard.PeerChannels;
import io.sextant.cluster.shard.RecoveryPoint;
import io.sextant.cluster.shard.RemoteShard;
import io.sextant.cluster.shard.ShardCallTimeouts;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.ops.PointOperation;
import io.sextant.shard.UpdateResult;
import java.util.function.LongFunction;

/**
 * The replicas of one shard on other peers, reached through {@link RemoteShard}s over the shared
 * {@link PeerChannels}; a peer's address is looked up at each call (peers join and leave). Thread-
 * safe.
 */
public final class RemotePeerReplicas implements PeerReplicas {
    private final PeerChannels channels;
    private final LongFunction<String> addresses;
    private final String collection;
    private final int shardId;
    private final ShardCallTimeouts timeouts;

    /**
     * @param addresses p2p address ({@code host:port}) of a peer id, null when unknown
     */
    public RemotePeerReplicas(
            PeerChannels channels,
            LongFunction<String> addresses,
            String collection,
            int shardId,
            ShardCallTimeouts timeouts) {
        this.channels = channels;
        this.addresses = addresses;
        this.collection = collection;
        this.shardId = shardId;
        this.timeouts = timeouts;
    }

    @Override
    public RemoteShard replica(long peerId) {
        String address = addresses.apply(peerId);
        return address == null ? null : new RemoteShard(channels, address, collection, shardId, timeouts);
    }

    @Override
    public UpdateResult writeAsPrimary(long peerId, PointOperation operation, boolean wait) {
        RemoteShard r = replica(peerId);
        if (r == null) {
            throw new ServiceException("Peer " + Long.toUnsignedString(peerId) + " is not a member of the cluster");
        }
        return r.updateAsPrimary(operation, wait);
    }

    @Override
    public UpdateResult forwardTagged(long peerId, PointOperation operation, boolean wait, OperationTag tag) {
        RemoteShard r = replica(peerId);
        if (r == null) {
            throw new ServiceException("peer is not a member of the cluster");
        }
        return tag == null ? r.update(operation, wait) : r.updateTagged(operation, wait, tag);
    }

    @Override
    public UpdateResult forwardTaggedBatch(
            long peerId, java.util.List<PointOperation> operations, boolean wait, OperationTag first) {
        RemoteShard r = replica(peerId);
        if (r == null) {
            throw new ServiceException("peer is not a member of the cluster");
        }
        return r.updateTaggedBatch(operations, wait, first);
    }

    @Override
    public void installChunk(long peerId, String path, long offset, byte[] data) {
        member(peerId).installChunk(path, offset, data);
    }

    @Override
    public long installFinish(long peerId, OperationTag upTo) {
        return member(peerId).installFinish(upTo);
    }

    @Override
    public String recoverStaged(long peerId, String priority) {
        return member(peerId).recoverStaged(priority);
    }

    private RemoteShard member(long peerId) {
        RemoteShard r = replica(peerId);
        if (r == null) {
            throw new ServiceException("Peer " + Long.toUnsignedString(peerId) + " is not a member of the cluster");
        }
        return r;
    }

    @Override
    public RecoveryPoint recoveryPoint(long peerId) {
        RemoteShard r = replica(peerId);
        if (r == null) {
            throw new ServiceException("Peer " + Long.toUnsignedString(peerId) + " is not a member of the cluster");
        }
        return r.recoveryPoint();
    }
}
