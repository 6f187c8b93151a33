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
import io.sextant.cluster.ShardTransfer;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.segment.error.UserException;
import io.sextant.server.api.rest.ApiExchange;
import java.util.Iterator;
import java.util.Set;

/**
 * {@code POST /collections/{c}/cluster}: Qdrant's {@code ClusterOperations} on a collection's shard
 * replicas. Every operation is checked here first, on the proposing peer (the collection must exist,
 * else 404; it must have a shard placement, the shard must exist, the peers must be cluster
 * members, else 400 in Qdrant's shape), then proposed as a metadata log entry ({@link
 * ReplicaPlacementChange}, {@link ShardTransfer}) that every peer applies ({@link
 * ReplicaPlacementApplier}, {@code TransferApplier}, which check again against the same log); the
 * answer is {@code true} once this peer applied it.
 *
 * <ul>
 *   <li>{@code drop_replica} {@code {"shard_id":0,"peer_id":1}}: the peer must hold a replica that
 *       is not the shard's last Active one; entry {@code drop_replica}.
 *   <li>{@code replicate_shard} {@code {"shard_id","from_peer_id","to_peer_id","method"?}}: the
 *       source must hold a replica, the target none; method {@code stream_records}, {@code
 *       wal_delta}, {@code snapshot} or absent ({@code storage.shard_transfer_method}, else {@code
 *       stream_records}; anything else is a 400). Entry {@code start_transfer} ({@link
 *       ShardTransfer}): the target joins Partial, creates an empty local replica, the transfer is
 *       recorded on every peer, and the shard's primary fills the replica with the recorded method
 *       by the automatic recovery, which makes it Active and records the finish. (The primary
 *       streams, not necessarily {@code from_peer_id}.)
 *   <li>{@code move_shard}, same body: the same entry with {@code move}, so the entry that
 *       finishes the transfer also drops the source replica (decided up front, in the log).
 *   <li>{@code abort_transfer} {@code {"shard_id","from_peer_id","to_peer_id"}}: a transfer to the
 *       target must be recorded or its replica Partial; entry {@code abort_transfer}, which drops
 *       the target replica unless it is Active and stops the transfer.
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
            replicate(c.name(), body.get(op), op, false);
            ApiExchange.ok(ctx, true);
        } else if (op.equals("abort_transfer")) {
            ApiExchange.ok(ctx, abort(c.name(), body.get(op)));
        } else if (op.equals("restart_transfer")) {
            ApiExchange.ok(ctx, restart(c.name(), body.get(op)));
        } else if (op.equals("move_shard")) {
            replicate(c.name(), body.get(op), op, true);
            ApiExchange.ok(ctx, true);
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

    private static final java.util.Set<String> TRANSFER_METHODS = ShardTransfer.METHODS;

    /**
     * {@code replicate_shard} and {@code move_shard} ({@code move}): checks, then proposes {@code
     * start_transfer} for a new replica on {@code to_peer_id} (Partial; the shard's primary fills it
     * with the recorded method). {@code method} may be {@code stream_records}, {@code wal_delta} or
     * {@code snapshot} (anything else is a 400); absent, it is {@code storage.shard_transfer_method}
     * (default {@code stream_records}), written into the entry, so the primary that runs the
     * transfer, now or after a restart, uses what the log says.
     *
     * @return the entry's result
     */
    private JsonNode replicate(String collection, JsonNode args, String op, boolean move) {
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
        ShardTransfer start = new ShardTransfer(
                shardId,
                from,
                to,
                method == null || method.isNull() ? shards.defaultTransferMethod() : method.asText(),
                true,
                move);
        return MetadataExecutor.unwrap(node.propose(start.startCommand(collection)));
    }

    /**
     * {@code abort_transfer} {@code {"shard_id","from_peer_id","to_peer_id"}}: the replica on the
     * target must be Partial (being filled), else there is no transfer to abort (400). Proposes
     * {@code drop_replica} for it: the primary's transfer stops at its next batch (the replica is no
     * longer Partial), a move waiting for it gives up, and the target deletes what it received.
     */
    private JsonNode abort(String collection, JsonNode args) {
        int shardId = shardId(args, "abort_transfer");
        long from = peerId(args, "from_peer_id", "abort_transfer");
        long to = peerId(args, "to_peer_id", "abort_transfer");
        ShardPlacement placement = placedShard(collection, shardId);
        ShardTransfer recorded = shards.transferBook().get(collection, shardId, to);
        boolean placed = placement.replicas(shardId).contains(to);
        ReplicaState state = shards.replicaStates().state(collection, shardId, to);
        if (recorded == null && (!placed || state != ReplicaState.PARTIAL)) {
            throw UserException.badRequest("There is no transfer of shard " + shardId + " of " + collection
                    + " to peer " + Long.toUnsignedString(to) + " to abort");
        }
        if (placed && state != ReplicaState.ACTIVE) {
            String refusal = ReplicaPlacementApplier.refusal(
                    collection, placement, new ReplicaPlacementChange(shardId, to), shards.replicaStates());
            if (refusal != null) {
                throw UserException.badRequest(refusal);
            }
        }
        ShardTransfer abort = recorded != null ? recorded : new ShardTransfer(shardId, from, to, null, true, false);
        MetadataExecutor.unwrap(node.propose(abort.abortCommand(collection)));
        return BooleanNode.TRUE;
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
        ShardTransfer recorded = shards.transferBook().get(collection, shardId, to);
        ReplicaState state = shards.replicaStates().state(collection, shardId, to);
        if (!placement.replicas(shardId).contains(to)
                || !placement.replicas(shardId).contains(from) && (recorded == null || recorded.from() != from)
                || recorded == null && state != ReplicaState.PARTIAL) {
            throw UserException.badRequest("There is no transfer for shard " + shardId + " from "
                    + Long.toUnsignedString(from) + " to " + Long.toUnsignedString(to));
        }
        ShardTransfer restarted = recorded != null
                ? recorded.withMethod(method.asText())
                : new ShardTransfer(shardId, from, to, method.asText(), true, false);
        MetadataExecutor.unwrap(node.propose(restarted.startCommand(collection)));
        if (state == ReplicaState.PARTIAL || state == ReplicaState.PARTIAL_SNAPSHOT) {
            // stops the running transfer at its next batch; the primary starts the recorded one again
            node.propose(new ReplicaStateChange(shardId, to, ReplicaState.DEAD, state).command(collection));
        }
        return BooleanNode.TRUE;
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
