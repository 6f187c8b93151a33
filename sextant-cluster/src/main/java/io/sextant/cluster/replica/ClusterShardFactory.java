package io.sextant.cluster.replica;

import io.sextant.cluster.PlacementBook;
import io.sextant.cluster.ShardPlacement;
import io.sextant.collection.AtomicFiles;
import io.sextant.collection.ShardFactory;
import io.sextant.collection.config.ReadFanOut;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.error.ServiceException;
import io.sextant.shard.Shard;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * The shard factory of a peer in cluster mode: a collection with a recorded {@link ShardPlacement}
 * ({@link PlacementBook}) gets a {@link ReplicaSet} per shard, whose local replica is opened (and
 * its directory created) only when the placement puts one on this peer; a collection without a
 * placement (created before cluster mode, or by a binary without placements) gets plain local
 * shards, a full copy on this peer, as before. A shard directory left on a peer the placement no
 * longer names (its replica was dropped and the process died before deleting it) is deleted when the
 * shard opens. Thread-safe.
 */
public final class ClusterShardFactory implements ShardFactory {
    private final ShardFactory local;
    private final PlacementBook book;
    private final long self;
    private final Function<ReplicaSet.Layout, PeerReplicas> remotes;
    private final ToIntFunction<String> writeConsistency;
    private final Function<ReplicaSet.Layout, ReplicaStates> states;
    private final Function<String, ReadFanOut> fanOut;
    private final io.sextant.cluster.shard.ReplicaClocks clocks;

    /**
     * @param local opens a local replica (production: {@code LocalShard::open})
     * @param book the recorded placements
     * @param self this peer's id
     * @param remotes how a shard reaches its replicas on other peers
     * @param writeConsistency a collection's current {@code write_consistency_factor}, by name
     * @param states a shard's replica states and how to mark one Dead
     * @param fanOut a collection's current read fan-out params, by name
     */
    public ClusterShardFactory(
            ShardFactory local,
            PlacementBook book,
            long self,
            Function<ReplicaSet.Layout, PeerReplicas> remotes,
            ToIntFunction<String> writeConsistency,
            Function<ReplicaSet.Layout, ReplicaStates> states,
            Function<String, ReadFanOut> fanOut) {
        this(local, book, self, remotes, writeConsistency, states, fanOut, null);
    }

    /**
     * As the other constructor, with this peer's replica clocks (those its shard service keeps), so
     * a replica set that starts ordering writes knows its replica's point in the previous primary's
     * run ({@link #withClocks}); null: no {@code wal_delta} across a primary change.
     */
    public ClusterShardFactory(
            ShardFactory local,
            PlacementBook book,
            long self,
            Function<ReplicaSet.Layout, PeerReplicas> remotes,
            ToIntFunction<String> writeConsistency,
            Function<ReplicaSet.Layout, ReplicaStates> states,
            Function<String, ReadFanOut> fanOut,
            io.sextant.cluster.shard.ReplicaClocks clocks) {
        this.clocks = clocks;
        this.local = local;
        this.book = book;
        this.self = self;
        this.remotes = remotes;
        this.writeConsistency = writeConsistency;
        this.states = states;
        this.fanOut = fanOut;
    }

    @Override
    public Shard open(Path dir, ShardConfig config) {
        return local.open(dir, config);
    }

    @Override
    public Shard open(String collection, int shardId, Path dir, ShardConfig config) {
        ShardPlacement placement = book.get(collection);
        if (placement == null) {
            return local.open(dir, config);
        }
        if (shardId >= placement.shardCount()) {
            throw new ServiceException("Collection " + collection + " has shard " + shardId + " but its placement has "
                    + placement.shardCount() + " shards");
        }
        ReplicaSet.Layout layout = new ReplicaSet.Layout(collection, shardId, self, placement.replicas(shardId));
        if (!layout.local() && java.nio.file.Files.exists(dir)) {
            AtomicFiles.deleteTree(dir); // a dropped replica whose files outlived a crash
        }
        Shard mine = layout.local() ? local.open(dir, config) : null;
        ReplicaSet set = new ReplicaSet(
                layout,
                mine,
                remotes.apply(layout),
                () -> writeConsistency.applyAsInt(collection),
                states.apply(layout),
                () -> fanOut.apply(collection),
                mine == null ? null : dir.resolveSibling(dir.getFileName() + ".retained"));
        return clocks == null ? set : withClocks(set, clocks);
    }

    /**
     * Gives {@code set} its peer's replica clocks (those the shard service keeps): when the peer
     * starts ordering the shard's writes, its replica's point in the previous primary's run is the
     * base of a {@code wal_delta} across the primary change ({@link RetainedOperations#baseFrom}).
     * Call before the set's first write.
     */
    static ReplicaSet withClocks(ReplicaSet set, io.sextant.cluster.shard.ReplicaClocks clocks) {
        ReplicaSet.Layout l = set.layout();
        set.retained.baseFrom(seq -> clocks.pointAt(l.collection(), l.shardId(), seq));
        return set;
    }
}
