package io.sextant.server.cluster;

import io.sextant.cluster.ClusterNode;
import io.sextant.cluster.PlacementBook;
import io.sextant.cluster.ReplicaPlacementApplier;
import io.sextant.cluster.ReplicaPlacementChange;
import io.sextant.cluster.ShardPlacement;
import io.sextant.segment.error.UserException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code DELETE /cluster/peer/{peer_id}} with the placement following the peer out, as Qdrant: a
 * peer that still holds shard replicas is refused (400 "Cannot remove peer … as there are shards on
 * it") unless {@code force=true}; with {@code force}, every replica the peer holds is dropped
 * through the metadata log first (the {@code drop_replica} entry a client could send, applied by
 * every peer), then the peer leaves the Raft configuration. Deviation from Qdrant, for safety: a
 * forced removal is refused, before anything changes, when the peer holds the last Active replica
 * of a shard (Qdrant would leave that shard without replicas, its points unreachable); move or
 * replicate that shard first. Stateless apart from its collaborators.
 */
final class PeerRemoval {

    private final ClusterNode node;
    private final ClusterShards shards;

    PeerRemoval(ClusterNode node, ClusterShards shards) {
        this.node = node;
        this.shards = shards;
    }

    /** Removes peer {@code id}, dropping its replicas first when {@code force}. */
    void remove(long id, boolean force) {
        String name = Long.toUnsignedString(id);
        List<Held> held = held(id);
        if (!held.isEmpty() && !force) {
            throw UserException.badRequest("Cannot remove peer " + name + " as there are shards on it");
        }
        List<String> refusals = new ArrayList<>();
        for (Held h : held) {
            String refusal = ReplicaPlacementApplier.refusal(h.collection, h.placement, h.drop, shards.replicaStates());
            if (refusal != null) {
                refusals.add(refusal);
            }
        }
        if (!refusals.isEmpty()) {
            throw UserException.badRequest("Cannot remove peer " + name + ": " + String.join("; ", refusals)
                    + " (move or replicate the shard to another peer first)");
        }
        for (Held h : held) {
            MetadataExecutor.unwrap(node.propose(h.drop.command(h.collection)));
        }
        node.removePeer(id);
    }

    /** The replicas peer {@code id} holds, per collection (in name order) and shard. */
    private List<Held> held(long id) {
        PlacementBook book = shards.placements();
        List<Held> held = new ArrayList<>();
        for (String collection : new TreeSet<>(book.collections())) {
            ShardPlacement placement = book.get(collection);
            if (placement == null) {
                continue;
            }
            for (int s = 0; s < placement.shardCount(); s++) {
                if (placement.replicas(s).contains(id)) {
                    held.add(new Held(collection, placement, new ReplicaPlacementChange(s, id)));
                }
            }
        }
        return held;
    }

    private record Held(String collection, ShardPlacement placement, ReplicaPlacementChange drop) {}
}
