package io.sextant.server.cluster;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.cluster.MetadataCommand;
import io.sextant.cluster.replica.ReplicaSet;
import io.sextant.cluster.replica.SnapshotRecoveryInstall;
import io.sextant.collection.Collection;
import io.sextant.collection.ShardKey;
import io.sextant.collection.ShardKeyTable;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.snapshot.RestoreTarget;
import io.sextant.collection.snapshot.SnapshotLimits;
import io.sextant.collection.snapshot.SnapshotPriority;
import io.sextant.collection.snapshot.SnapshotRestorer;
import io.sextant.segment.error.UserException;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.server.api.convert.CollectionCreateBody;
import io.sextant.server.api.convert.ShardKeyJson;
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
 * changes); a custom-sharded snapshot's shard keys the collection lacks are created through the log
 * too (a key both have must have as many shards), and each snapshot shard goes to the live shard at
 * the same position of the same key; then every shard of the snapshot gets the snapshot's data
 * installed by the recovery's priority ({@link SnapshotRecoveryInstall}): into this peer's replica
 * through {@link ClusterShards#recoverReplica} when it holds one, else shipped to a peer that holds
 * one and installed there by the same rules ({@link SnapshotRecoveryInstall#forward}). This differs
 * from Qdrant, whose collection snapshot holds only the snapshotting peer's local shards and whose
 * recovery skips the rest: a Sextant collection snapshot captures every shard (from a replica
 * wherever it lives), so recovering it on any one peer restores the whole collection. A shard
 * snapshot is installed the same way into the shard, wherever its replicas are. Collections without a placement (made before cluster mode) are restored
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
            ShardKeyTable snapKeys = snap.params().customSharding() ? ShardKeyTable.read(x.dir()) : null;
            if (toc.exists(name)) {
                checkCompatible(toc.get(name).config(), snap);
            } else {
                LOG.info(
                        "Collection {} does not exist: creating it through consensus from the snapshot's config", name);
                gate.submit(MetadataCommand.of(
                        MetadataCommand.Type.CREATE_COLLECTION, name, CollectionCreateBody.of(snap)));
                created = true;
            }
            Collection c = toc.get(name);
            if (snapKeys != null) {
                createMissingKeys(c, snapKeys);
            }
            List<Integer> installed = new ArrayList<>();
            List<Integer> forwarded = new ArrayList<>();
            for (Map.Entry<Integer, Integer> m : liveShards(c, snapKeys).entrySet()) {
                int id = m.getValue();
                install(c, id, x.shardDir(m.getKey()), priority, installed, forwarded);
            }
            if (created) {
                createPayloadIndexes(c);
            }
            LOG.info(
                    "Recovered collection {} from a snapshot (priority {}): shards {} installed on this peer, shards {}"
                            + " on the peers that hold them",
                    c.name(),
                    priority.wireName(),
                    installed,
                    forwarded);
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
        if (!(c.shard(shardId) instanceof ReplicaSet)) {
            throw UserException.badRequest(
                    "Wrong input: shard " + shardId + " of collection `" + c.name() + "` is not placed on any peer");
        }
        try (SnapshotRestorer.Extracted x = SnapshotRestorer.extractShard(toc, c, archive, limits)) {
            install(c, shardId, x.shardDir(shardId), priority, new ArrayList<>(), new ArrayList<>());
            return new SnapshotRestorer.Restored(c.name(), x.manifest(), x.points());
        }
    }

    /**
     * Installs one shard's recovered files: into this peer's replica when it holds one, else on the
     * peer that holds one ({@link SnapshotRecoveryInstall#forward}, shipped over the internal shard
     * service), by the same priority rules.
     */
    private void install(
            Collection c,
            int id,
            Path files,
            SnapshotPriority priority,
            List<Integer> installed,
            List<Integer> forwarded) {
        if (!(c.shard(id) instanceof ReplicaSet rs)) {
            throw UserException.badRequest(
                    "Wrong input: shard " + id + " of collection `" + c.name() + "` is not placed on any peer");
        }
        if (rs.localReplica() != null) {
            shards.recoverReplica(c.name(), id, files, priority);
            installed.add(id);
        } else {
            SnapshotRecoveryInstall.forward(rs, files, priority);
            forwarded.add(id);
        }
    }

    /**
     * Creates through the metadata log every shard key of a custom-sharded snapshot that {@code c}
     * lacks, with the snapshot's number of shards for it (placed as any new key); a key both have
     * must have the same number of shards (400 otherwise, before anything is installed).
     */
    private void createMissingKeys(Collection c, ShardKeyTable snapKeys) {
        Map<ShardKey, List<Integer>> live = c.shardKeys();
        for (Map.Entry<ShardKey, List<Integer>> k : snapKeys.keys().entrySet()) {
            List<Integer> have = live.get(k.getKey());
            if (have != null && have.size() != k.getValue().size()) {
                throw UserException.badRequest("Wrong input: Snapshot is not compatible with existing collection:"
                        + " shard key " + k.getKey() + " has " + have.size() + " shards, the snapshot "
                        + k.getValue().size());
            }
        }
        for (Map.Entry<ShardKey, List<Integer>> k : snapKeys.keys().entrySet()) {
            if (live.get(k.getKey()) == null) {
                ObjectNode body = JsonNodeFactory.instance.objectNode();
                body.set("shard_key", ShardKeyJson.write(k.getKey()));
                body.put("shards_number", k.getValue().size());
                gate.submit(ShardKeyCommands.create(c, body));
            }
        }
    }

    /**
     * The live shard id each shard of the snapshot goes to: the same id for automatic sharding; for
     * custom sharding the shard at the same position of the same key (shard ids are handed out per
     * key in creation order, so a recreated key may have other ids; the position decides routing).
     */
    private static Map<Integer, Integer> liveShards(Collection c, ShardKeyTable snapKeys) {
        Map<Integer, Integer> out = new java.util.LinkedHashMap<>();
        if (snapKeys == null) {
            c.shardIds().forEach(id -> out.put(id, id));
            return out;
        }
        Map<ShardKey, List<Integer>> live = c.shardKeys();
        snapKeys.keys().forEach((key, ids) -> {
            List<Integer> now = live.get(key);
            for (int i = 0; i < ids.size(); i++) {
                out.put(ids.get(i), now.get(i));
            }
        });
        return out;
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
}
