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
        List<Integer> ids = c.shardIds();
        java.util.Map<Integer, io.sextant.collection.ShardKey> keyOf = new java.util.HashMap<>();
        c.shardKeys().forEach((k, shardIds) -> shardIds.forEach(s -> keyOf.put(s, k)));
        for (int i = 0; i < shards.size(); i++) {
            Collections.LocalShardInfo.Builder l = Collections.LocalShardInfo.newBuilder()
                    .setShardId(ids.get(i))
                    .setPointsCount(shards.get(i).info().pointsCount())
                    .setState(Collections.ReplicaState.Active);
            if (keyOf.containsKey(ids.get(i))) {
                l.setShardKey(ShardKeyProto.proto(keyOf.get(ids.get(i))));
            }
            b.addLocalShards(l);
        }
        return b.build();
    }
}
