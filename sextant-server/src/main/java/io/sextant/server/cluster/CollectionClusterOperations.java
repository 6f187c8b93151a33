package io.sextant.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.sextant.cluster.ClusterNode;
import io.sextant.cluster.PlacementBook;
import io.sextant.cluster.ReplicaDrop;
import io.sextant.cluster.ReplicaDropApplier;
import io.sextant.cluster.ShardPlacement;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.segment.error.UserException;
import io.sextant.server.api.rest.ApiExchange;
import java.util.Iterator;
import java.util.Set;

/**
 * {@code POST /collections/{c}/cluster}: Qdrant's {@code ClusterOperations} on a collection's shard
 * replicas. This slice implements {@code drop_replica} ({@code {"drop_replica":{"shard_id":0,
 * "peer_id":1}}}): checked here first, on the proposing peer (the collection must exist, else 404;
 * it must have a shard placement, the shard must exist, the peer must be a cluster member holding a
 * replica of it, and the replica must not be the shard's last Active one, else 400 in Qdrant's
 * shape), then proposed as a {@code drop_replica} metadata log entry ({@link ReplicaDrop}) that
 * every peer applies ({@link ReplicaDropApplier}, which checks again against the same log); the
 * answer is {@code true} once this peer applied it. The other operations ({@code move_shard},
 * {@code replicate_shard}, {@code abort_transfer}, {@code restart_transfer}, {@code
 * create_sharding_key}, {@code drop_sharding_key}, ...) are recognised and answered 400 "not
 * supported yet"; a body that names no operation, or more than one, is a 400. On a standalone node
 * every call is answered as Qdrant does there: 405 "Qdrant is running in standalone mode", before
 * the collection is looked up. Access: manage (the default of {@code RestAccessRules} for this
 * path), so a read-only or write-only key gets 403. Thread-safe (stateless; the books are).
 */
final class CollectionClusterOperations {

    /** Qdrant's operation names that this slice does not implement yet. */
    private static final Set<String> NOT_YET = Set.of(
            "move_shard",
            "replicate_shard",
            "replicate_points",
            "abort_transfer",
            "restart_transfer",
            "create_sharding_key",
            "drop_sharding_key",
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
        } else if (NOT_YET.contains(op)) {
            throw UserException.badRequest("Cluster operation " + op + " is not supported yet");
        } else {
            throw UserException.badRequest("Format error in JSON body: unknown cluster operation " + op);
        }
    }

    private JsonNode dropReplica(String collection, JsonNode args) {
        ReplicaDrop drop = parseDrop(args);
        PlacementBook book = shards.placements();
        ShardPlacement placement = book.get(collection);
        if (placement == null) {
            throw UserException.badRequest("Collection " + collection
                    + " has no shard placement (created before cluster mode): its replicas cannot be dropped");
        }
        if (drop.shardId() >= placement.shardCount()) {
            throw UserException.badRequest("Shard " + drop.shardId() + " of " + collection + " does not exist");
        }
        if (!node.members().contains(drop.peerId())) {
            throw UserException.badRequest("Peer " + Long.toUnsignedString(drop.peerId()) + " does not exist");
        }
        if (!placement.replicas(drop.shardId()).contains(drop.peerId())) {
            throw UserException.badRequest("Peer " + Long.toUnsignedString(drop.peerId())
                    + " holds no replica of shard " + drop.shardId() + " of " + collection);
        }
        String refusal = ReplicaDropApplier.refusal(collection, placement, drop, shards.replicaStates());
        if (refusal != null) {
            throw UserException.badRequest(refusal);
        }
        return MetadataExecutor.unwrap(node.propose(drop.command(collection)));
    }

    /** {@code {"shard_id": u32, "peer_id": u64}} as Qdrant spells it (numbers; a peer id may be a string). */
    private static ReplicaDrop parseDrop(JsonNode args) {
        JsonNode shard = args == null ? null : args.get("shard_id");
        JsonNode peer = args == null ? null : args.get("peer_id");
        if (shard == null || !shard.canConvertToInt() || shard.asInt() < 0 || peer == null || !peer.isValueNode()) {
            throw UserException.badRequest(
                    "Format error in JSON body: drop_replica needs shard_id and peer_id, got " + args);
        }
        try {
            return new ReplicaDrop(shard.asInt(), Long.parseUnsignedLong(peer.asText()));
        } catch (NumberFormatException e) {
            throw UserException.badRequest("Format error in JSON body: peer_id must be an unsigned 64-bit integer");
        }
    }
}
