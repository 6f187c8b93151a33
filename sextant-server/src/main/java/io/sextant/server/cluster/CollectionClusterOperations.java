package io.sextant.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import io.javalin.http.Context;
import io.sextant.cluster.ClusterNode;
import io.sextant.cluster.ReplicaPlacementApplier;
import io.sextant.cluster.ReplicaPlacementChange;
import io.sextant.cluster.ReplicaState;
import io.sextant.cluster.ReplicaStateChange;
import io.sextant.cluster.ShardPlacement;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.segment.error.UserException;
import io.sextant.server.api.rest.ApiExchange;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /collections/{c}/cluster}: Qdrant's {@code ClusterOperations} on a collection's shard
 * replicas. Every operation is checked here first, on the proposing peer (the collection must exist,
 * else 404; it must have a shard placement, the shard must exist, the peers must be cluster
 * members, else 400 in Qdrant's shape), then proposed as a metadata log entry ({@link
 * ReplicaPlacementChange}) that every peer applies ({@link ReplicaPlacementApplier}, which checks
 * again against the same log); the answer is {@code true} once this peer applied it.
 *
 * <ul>
 *   <li>{@code drop_replica} {@code {"shard_id":0,"peer_id":1}}: the peer must hold a replica that
 *       is not the shard's last Active one; entry {@code drop_replica}.
 *   <li>{@code replicate_shard} {@code {"shard_id","from_peer_id","to_peer_id","method"?}}: the
 *       source must hold a replica, the target none; method {@code stream_records}, {@code
 *       wal_delta}, {@code snapshot} or absent (anything else is a 400; the primary picks the
 *       method, see {@code replicate}). Entry {@code add_replica}: the target joins Partial, creates an empty local
 *       replica, and the shard's primary fills it by the automatic recovery, which makes it Active.
 *       (The primary streams, not necessarily {@code from_peer_id}.)
 *   <li>{@code move_shard}, same body: {@code replicate_shard}, then a background thread on this
 *       peer drops the source replica once the new one is Active.
 *   <li>{@code abort_transfer} {@code {"shard_id","from_peer_id","to_peer_id"}}: the target's replica
 *       must be Partial; it is dropped (entry {@code drop_replica}), which stops the transfer.
 * </ul>
 *
 * {@code create_sharding_key} and {@code drop_sharding_key} take the bodies of {@code PUT
 * /collections/{c}/shards} and {@code POST /collections/{c}/shards/delete} ({@link
 * ShardKeyCommands}) and go through the metadata log. {@code restart_transfer}: see {@link
 * #restart}. The other operations ({@code replicate_points}, resharding ...) are recognised and answered 400 "not
 * supported yet"; a body that names no operation, or more than one, is a 400. On a standalone node
 * every call is answered as Qdrant does there: 405 "Qdrant is running in standalone mode", before
 * the collection is looked up. Access: manage (the default of {@code RestAccessRules} for this
 * path), so a read-only or write-only key gets 403. Thread-safe (stateless; the books are).
 */
final class CollectionClusterOperations {

    /** Qdrant's operation names that this slice does not implement yet. */
    private static final Set<String> NOT_YET = Set.of(
            "replicate_points",
            "start_resharding",
            "abort_resharding",
            "finish_migrating_points",
            "commit_read_hashring",
            "commit_write_hashring",
            "finish_resharding");

    private static final Logger LOG = LoggerFactory.getLogger(CollectionClusterOperations.class);
    /** How long a move waits for its new replica to become Active before it gives up the drop. */
    static final Duration MOVE_WAIT = Duration.ofHours(1);

    private final ClusterNode node;
    private final TableOfContents toc;
    private final ClusterShards shards;
    private final ApiExchange io = new ApiExchange(1 << 20);

    /**
     * @param node this peer's cluster membership, or null on a standalone node
     * @param toc the collections
     * @param shards the placement and replica state books, or null on a standalone node
     */
    CollectionClusterOperations(ClusterNode node, TableOfContents toc, ClusterShards shards) {
        this.node = node;
        this.toc = toc;
        this.shards = shards;
    }

    void handle(Context ctx) {
        if (node == null || shards == null) {
            ApiExchange.error(ctx, 405, "Qdrant is running in standalone mode");
            return;
        }
        ApiExchange.checkCommonParams(ctx);
        JsonNode body = io.body(ctx);
        String name = ctx.pathParam("collection_name");
        Collection c = toc.get(name); // 404 for an unknown collection
        if (!body.isObject() || body.size() != 1) {
            throw UserException.badRequest(
                    "Format error in JSON body: expected exactly one cluster operation, got " + body);
        }
        Iterator<String> names = body.fieldNames();
        String op = names.next();
        if (op.equals("drop_replica")) {
            ApiExchange.ok(ctx, dropReplica(c.name(), body.get(op)));
        } else if (op.equals("replicate_shard")) {
            replicate(c.name(), body.get(op), op);
            ApiExchange.ok(ctx, true);
        } else if (op.equals("abort_transfer")) {
            ApiExchange.ok(ctx, abort(c.name(), body.get(op)));
        } else if (op.equals("restart_transfer")) {
            ApiExchange.ok(ctx, restart(c.name(), body.get(op)));
        } else if (op.equals("move_shard")) {
            ApiExchange.ok(ctx, move(c.name(), body.get(op)));
        } else if (op.equals("create_sharding_key")) {
            ApiExchange.ok(ctx, MetadataGate.consensus(node).submit(ShardKeyCommands.create(c, body.get(op))));
        } else if (op.equals("drop_sharding_key")) {
            ApiExchange.ok(ctx, MetadataGate.consensus(node).submit(ShardKeyCommands.drop(c, body.get(op))));
        } else if (NOT_YET.contains(op)) {
            throw UserException.badRequest("Cluster operation " + op + " is not supported yet");
        } else {
            throw UserException.badRequest("Format error in JSON body: unknown cluster operation " + op);
        }
    }

    private JsonNode dropReplica(String collection, JsonNode args) {
        ReplicaPlacementChange drop =
                new ReplicaPlacementChange(shardId(args, "drop_replica"), peerId(args, "peer_id", "drop_replica"));
        ShardPlacement placement = placedShard(collection, drop.shardId());
        member(drop.peerId());
        if (!placement.replicas(drop.shardId()).contains(drop.peerId())) {
            throw UserException.badRequest("Peer " + Long.toUnsignedString(drop.peerId())
                    + " holds no replica of shard " + drop.shardId() + " of " + collection);
        }
        String refusal = ReplicaPlacementApplier.refusal(collection, placement, drop, shards.replicaStates());
        if (refusal != null) {
            throw UserException.badRequest(refusal);
        }
        return MetadataExecutor.unwrap(node.propose(drop.command(collection)));
    }

    /**
     * {@code replicate_shard} and the first half of {@code move_shard}: checks, then proposes the
     * new replica on {@code to_peer_id} (Partial; the shard's primary fills it). {@code method} may
     * be {@code stream_records}, {@code wal_delta} or {@code snapshot} (anything else is a 400); it
     * travels in the {@code add_replica} entry to the shard's primary, which fills the replica with
     * a {@code snapshot} transfer when asked, else by {@code wal_delta} when the target's recovery
     * point allows it (a new replica's never does), else {@code stream_records}.
     *
     * @return the new replica
     */
    private static final java.util.Set<String> TRANSFER_METHODS =
            java.util.Set.of("stream_records", "snapshot", "wal_delta");

    private ReplicaPlacementChange replicate(String collection, JsonNode args, String op) {
        int shardId = shardId(args, op);
        long from = peerId(args, "from_peer_id", op);
        long to = peerId(args, "to_peer_id", op);
        JsonNode method = args.get("method");
        if (method != null && !method.isNull() && !TRANSFER_METHODS.contains(method.asText())) {
            throw UserException.badRequest("Unknown shard transfer method " + method
                    + ", expected one of stream_records, snapshot, wal_delta");
        }
        ShardPlacement placement = placedShard(collection, shardId);
        member(from);
        member(to);
        if (!placement.replicas(shardId).contains(from)) {
            throw UserException.badRequest("Peer " + Long.toUnsignedString(from) + " holds no replica of shard "
                    + shardId + " of " + collection);
        }
        if (placement.replicas(shardId).contains(to)) {
            throw UserException.badRequest("Peer " + Long.toUnsignedString(to) + " already has a replica of shard "
                    + shardId + " of " + collection);
        }
        ReplicaPlacementChange add = new ReplicaPlacementChange(shardId, to);
        MetadataExecutor.unwrap(
                node.propose(add.addCommand(collection, method == null || method.isNull() ? null : method.asText())));
        return add;
    }

    /**
     * {@code move_shard}: replicate to {@code to_peer_id}, then, once that replica is Active on this
     * peer's books, drop the one on {@code from_peer_id} (a background virtual thread on the peer
     * that took the call, polling every 200 ms for at most {@link #MOVE_WAIT}; it does not survive a
     * restart of this peer, the new replica then simply stays).
     */
    private JsonNode move(String collection, JsonNode args) {
        long from = peerId(args, "from_peer_id", "move_shard");
        ReplicaPlacementChange added = replicate(collection, args, "move_shard");
        ReplicaPlacementChange drop = new ReplicaPlacementChange(added.shardId(), from);
        Thread.ofVirtual().name("move-" + collection + "-" + added.shardId()).start(() -> {
            long deadline = System.nanoTime() + MOVE_WAIT.toNanos();
            try {
                while (System.nanoTime() < deadline) {
                    ShardPlacement p = shards.placements().get(collection);
                    if (p == null || !p.replicas(added.shardId()).contains(added.peerId())) {
                        return; // the collection or the new replica went away
                    }
                    if (shards.replicaStates().state(collection, added.shardId(), added.peerId())
                            == ReplicaState.ACTIVE) {
                        node.propose(drop.command(collection));
                        return;
                    }
                    Thread.sleep(200);
                }
                LOG.warn(
                        "Move of shard {} of {} gave up: the new replica did not become Active",
                        added.shardId(),
                        collection);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("Move of shard {} of {}: dropping the source replica failed", added.shardId(), collection, e);
            }
        });
        return BooleanNode.TRUE;
    }

    /**
     * {@code abort_transfer} {@code {"shard_id","from_peer_id","to_peer_id"}}: the replica on the
     * target must be Partial (being filled), else there is no transfer to abort (400). Proposes
     * {@code drop_replica} for it: the primary's transfer stops at its next batch (the replica is no
     * longer Partial), a move waiting for it gives up, and the target deletes what it received.
     */
    private JsonNode abort(String collection, JsonNode args) {
        int shardId = shardId(args, "abort_transfer");
        peerId(args, "from_peer_id", "abort_transfer");
        long to = peerId(args, "to_peer_id", "abort_transfer");
        ShardPlacement placement = placedShard(collection, shardId);
        if (!placement.replicas(shardId).contains(to)
                || shards.replicaStates().state(collection, shardId, to) != ReplicaState.PARTIAL) {
            throw UserException.badRequest("There is no transfer of shard " + shardId + " of " + collection
                    + " to peer " + Long.toUnsignedString(to) + " to abort");
        }
        ReplicaPlacementChange drop = new ReplicaPlacementChange(shardId, to);
        String refusal = ReplicaPlacementApplier.refusal(collection, placement, drop, shards.replicaStates());
        if (refusal != null) {
            throw UserException.badRequest(refusal);
        }
        return MetadataExecutor.unwrap(node.propose(drop.command(collection)));
    }

    /**
     * {@code restart_transfer} {@code {"shard_id","from_peer_id","to_peer_id","method"}} (all
     * required, as in Qdrant): the replica on the target must be Partial (a transfer to it runs or is
     * about to), else 400 "There is no transfer for shard s from f to t" (Qdrant's text). Proposes
     * {@code set_replica_state} Partial to Dead carrying the method ({@link
     * ReplicaStateChange#transferMethod}): the primary's transfer stops at its next batch, and its
     * automatic recovery starts a new one within a second with that method ({@code stream_records};
     * {@code wal_delta}, falling back to streaming when no delta is possible; {@code snapshot}, the
     * primary's files installed on the target, then the writes after the capture by delta). The replica
     * receives no writes between the two transfers, so the new one starts from what the replica
     * holds as any repair of a Dead replica does.
     */
    private JsonNode restart(String collection, JsonNode args) {
        int shardId = shardId(args, "restart_transfer");
        long from = peerId(args, "from_peer_id", "restart_transfer");
        long to = peerId(args, "to_peer_id", "restart_transfer");
        JsonNode method = args.get("method");
        if (method == null || !method.isTextual()) {
            throw UserException.badRequest("Format error in JSON body: restart_transfer needs method, got " + args);
        }
        if (method.asText().equals("resharding_stream_records")) {
            throw UserException.badRequest("Shard transfer method resharding_stream_records is not supported");
        }
        if (!TRANSFER_METHODS.contains(method.asText())) {
            throw UserException.badRequest("Format error in JSON body: unknown variant `" + method.asText()
                    + "`, expected one of `stream_records`, `snapshot`, `wal_delta`, `resharding_stream_records`");
        }
        ShardPlacement placement = placedShard(collection, shardId);
        if (!placement.replicas(shardId).contains(to)
                || !placement.replicas(shardId).contains(from)
                || shards.replicaStates().state(collection, shardId, to) != ReplicaState.PARTIAL) {
            throw UserException.badRequest("There is no transfer for shard " + shardId + " from "
                    + Long.toUnsignedString(from) + " to " + Long.toUnsignedString(to));
        }
        ReplicaStateChange change =
                new ReplicaStateChange(shardId, to, ReplicaState.DEAD, ReplicaState.PARTIAL, method.asText());
        return MetadataExecutor.unwrap(node.propose(change.command(collection)));
    }

    /** The collection's placement, checked to have shard {@code shardId} (400s otherwise). */
    private ShardPlacement placedShard(String collection, int shardId) {
        ShardPlacement placement = shards.placements().get(collection);
        if (placement == null) {
            throw UserException.badRequest("Collection " + collection
                    + " has no shard placement (created before cluster mode): its replicas cannot change");
        }
        if (shardId >= placement.shardCount()) {
            throw UserException.badRequest("Shard " + shardId + " of " + collection + " does not exist");
        }
        return placement;
    }

    private void member(long peer) {
        if (!node.members().contains(peer)) {
            throw UserException.badRequest("Peer " + Long.toUnsignedString(peer) + " does not exist");
        }
    }

    private static int shardId(JsonNode args, String op) {
        JsonNode shard = args == null ? null : args.get("shard_id");
        if (shard == null || !shard.canConvertToInt() || shard.asInt() < 0) {
            throw UserException.badRequest("Format error in JSON body: " + op + " needs shard_id, got " + args);
        }
        return shard.asInt();
    }

    /** A peer id field as Qdrant spells it (a number; a decimal string is accepted too). */
    private static long peerId(JsonNode args, String field, String op) {
        JsonNode peer = args == null ? null : args.get(field);
        if (peer == null || !peer.isValueNode()) {
            throw UserException.badRequest("Format error in JSON body: " + op + " needs " + field + ", got " + args);
        }
        try {
            return Long.parseUnsignedLong(peer.asText());
        } catch (NumberFormatException e) {
            throw UserException.badRequest(
                    "Format error in JSON body: " + field + " must be an unsigned 64-bit integer");
        }
    }
}
