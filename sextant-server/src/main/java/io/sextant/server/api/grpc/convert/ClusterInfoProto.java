package io.sextant.server.api.grpc.convert;

import io.qdrant.client.grpc.Collections;
import io.sextant.collection.Collection;
import java.util.List;

/**
 * {@code CollectionClusterInfoResponse} for a collection on a single node, as a standalone Qdrant
 * reports it: every shard is local and {@code Active} with its live point count, with no remote
 * shards, transfers or resharding. Stateless and thread-safe.
 */
public final class ClusterInfoProto {

    private ClusterInfoProto() {}

    /**
     * @param c the collection
     * @param peerId this node's peer id (0 on a standalone node, which has none)
     */
    public static Collections.CollectionClusterInfoResponse info(Collection c, long peerId) {
        List<io.sextant.shard.Shard> shards = c.shards();
        Collections.CollectionClusterInfoResponse.Builder b = Collections.CollectionClusterInfoResponse.newBuilder()
                .setPeerId(peerId)
                .setShardCount(shards.size());
        for (int id = 0; id < shards.size(); id++) {
            b.addLocalShards(Collections.LocalShardInfo.newBuilder()
                    .setShardId(id)
                    .setPointsCount(shards.get(id).info().pointsCount())
                    .setState(Collections.ReplicaState.Active));
        }
        return b.build();
    }
}
