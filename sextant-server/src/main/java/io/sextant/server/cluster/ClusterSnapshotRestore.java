package io.sextant.server.cluster;

import io.sextant.cluster.MetadataCommand;
import io.sextant.cluster.replica.ReplicaSet;
import io.sextant.cluster.replica.SnapshotRecoveryInstall;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.snapshot.RestoreTarget;
import io.sextant.collection.snapshot.SnapshotLimits;
import io.sextant.collection.snapshot.SnapshotPriority;
import io.sextant.collection.snapshot.SnapshotRestorer;
import io.sextant.segment.error.UserException;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.server.api.convert.CollectionCreateBody;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshot recovery on a cluster node (Qdrant's {@code content_manager/snapshots/recover.rs}): the
 * collection is created through the metadata log with the snapshot's config when it is missing
 * (normal placement over the members, then its payload indexes, each an ordinary log entry), or
 * must be compatible when it exists (same vectors, same {@code shard_number}; else 400 and nothing
 * changes); then every shard of the snapshot that has a replica on this peer gets the snapshot's
 * data installed into that replica by the recovery's priority ({@link SnapshotRecoveryInstall},
 * through {@link ClusterShards#recoverReplica}). Shards without a replica here are skipped, as in
 * Qdrant: recover on each peer, or let priority {@code snapshot} repair the others from this one.
 * A shard snapshot is installed the same way into this peer's replica of that shard (400 when this
 * peer holds none). Collections without a placement (made before cluster mode) are restored
 * locally, as on a standalone node. Thread-safe: recoveries on this peer run one at a time (two
 * recoveries of one shard must not interleave their installs and state changes).
 */
public final class ClusterSnapshotRestore implements RestoreTarget {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterSnapshotRestore.class);

    private final MetadataGate gate;
    private final ClusterShards shards;

    /**
     * @param gate proposes the create of a missing collection (and its payload indexes)
     * @param shards this peer's replica sets and placement book
     */
    public ClusterSnapshotRestore(MetadataGate gate, ClusterShards shards) {
        this.gate = gate;
        this.shards = shards;
    }

    @Override
    public synchronized SnapshotRestorer.Restored collection(
            TableOfContents toc, String name, Path archive, SnapshotPriority priority, SnapshotLimits limits) {
        if (toc.exists(name) && !placed(toc.get(name))) {
            return RestoreTarget.LOCAL.collection(toc, name, archive, priority, limits);
        }
        try (SnapshotRestorer.Extracted x = SnapshotRestorer.extractCollection(toc, name, archive, limits)) {
            CollectionConfig snap = x.config();
            boolean created = false;
            if (toc.exists(name)) {
                checkCompatible(toc.get(name).config(), snap);
            } else {
                if (snap.params().customSharding()) {
                    throw UserException.badRequest("Wrong input: recovering a snapshot of a collection with custom"
                            + " sharding is not supported in cluster mode yet; create the collection and its shard"
                            + " keys first");
                }
                LOG.info(
                        "Collection {} does not exist: creating it through consensus from the snapshot's config", name);
                gate.submit(MetadataCommand.of(
                        MetadataCommand.Type.CREATE_COLLECTION, name, CollectionCreateBody.of(snap)));
                created = true;
            }
            Collection c = toc.get(name);
            List<Integer> installed = new ArrayList<>();
            List<Integer> skipped = new ArrayList<>();
            for (int id : c.shardIds()) {
                if (!(c.shard(id) instanceof ReplicaSet rs) || rs.localReplica() == null) {
                    skipped.add(id);
                    continue;
                }
                shards.recoverReplica(c.name(), id, x.shardDir(id), priority);
                installed.add(id);
            }
            if (created) {
                createPayloadIndexes(c);
            }
            LOG.info(
                    "Recovered collection {} from a snapshot (priority {}): shards {} installed on this peer, shards {}"
                            + " have no replica here",
                    c.name(),
                    priority.wireName(),
                    installed,
                    skipped);
            return new SnapshotRestorer.Restored(c.name(), x.manifest(), x.points());
        }
    }

    @Override
    public synchronized SnapshotRestorer.Restored shard(
            TableOfContents toc,
            String name,
            int shardId,
            Path archive,
            SnapshotPriority priority,
            SnapshotLimits limits) {
        Collection c = toc.get(name);
        if (!placed(c)) {
            return RestoreTarget.LOCAL.shard(toc, name, shardId, archive, priority, limits);
        }
        if (!(c.shard(shardId) instanceof ReplicaSet rs) || rs.localReplica() == null) {
            ReplicaSet set = c.shard(shardId) instanceof ReplicaSet r ? r : null;
            throw UserException.badRequest("Wrong input: shard " + shardId + " of collection `" + c.name()
                    + "` has no replica on this peer (" + Long.toUnsignedString(shards.peerId())
                    + "); recover the shard snapshot on a peer that holds one"
                    + (set == null ? "" : ": " + peers(set)));
        }
        try (SnapshotRestorer.Extracted x = SnapshotRestorer.extractShard(toc, c, archive, limits)) {
            shards.recoverReplica(c.name(), shardId, x.shardDir(shardId), priority);
            return new SnapshotRestorer.Restored(c.name(), x.manifest(), x.points());
        }
    }

    /** Whether {@code c} has a placement (its shards are replica sets), not a pre-cluster local copy. */
    private boolean placed(Collection c) {
        return shards.placements().get(c.name()) != null;
    }

    /**
     * Qdrant's compatibility check of a snapshot with an existing collection: the same vectors and
     * the same shard number, else 400 with Qdrant's text.
     */
    static void checkCompatible(CollectionConfig existing, CollectionConfig snap) {
        if (!existing.params().vectors().equals(snap.params().vectors())
                || existing.params().unnamedVector() != snap.params().unnamedVector()) {
            throw UserException.badRequest("Wrong input: Snapshot is not compatible with existing collection:"
                    + " Collection vectors: " + existing.params().vectors() + " Snapshot Vectors: "
                    + snap.params().vectors());
        }
        if (existing.params().shardNumber() != snap.params().shardNumber()) {
            throw UserException.badRequest("Wrong input: Snapshot is not compatible with existing collection:"
                    + " Collection shard number: " + existing.params().shardNumber() + " Snapshot shard number: "
                    + snap.params().shardNumber());
        }
    }

    /**
     * Registers the payload indexes the installed replicas carry in the metadata log (as Qdrant
     * does after creating a recovered collection), so every peer's replicas get them.
     */
    private void createPayloadIndexes(Collection c) {
        for (int id : c.shardIds()) {
            if (c.shard(id) instanceof ReplicaSet rs && rs.localReplica() != null) {
                for (Map.Entry<String, PayloadIndexSpec> e :
                        rs.localReplica().payloadSchema().entrySet()) {
                    gate.submit(new MetadataCommand(
                            MetadataCommand.Type.CREATE_INDEX,
                            c.name(),
                            null,
                            CollectionCreateBody.index(e.getKey(), e.getValue()),
                            false));
                }
                return; // every shard has the same indexes
            }
        }
    }

    private static List<String> peers(ReplicaSet set) {
        return set.layout().peers().stream().map(Long::toUnsignedString).toList();
    }
}
