package io.sextant.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * A shard transfer as the metadata log records it: the body of the {@link
 * MetadataCommand.Type#START_TRANSFER}, {@link MetadataCommand.Type#FINISH_TRANSFER} and {@link
 * MetadataCommand.Type#ABORT_TRANSFER} entries and one row of every peer's {@link TransferBook}.
 * A transfer is identified by its collection (the command's), shard and target peer: a replica is
 * filled by at most one transfer at a time. Immutable.
 *
 * <p>JSON form (the command's {@code "body"}, and a row of the book): {@code {"shard_id":int,
 * "from":"u64 as decimal string","to":"u64 as decimal string","method":"stream_records"|"wal_delta"|
 * "snapshot","sync":bool,"move":bool}}. {@code method} is absent when the shard's primary picks it;
 * {@code move} true means the finish entry also drops the replica on {@code from} (the second half
 * of {@code move_shard}, decided when the transfer starts). A finish or abort entry reads only
 * {@code shard_id}, {@code from} and {@code to}. Unknown fields are ignored, so later versions may
 * add fields (e.g. a progress checkpoint) without a new entry version.
 *
 * @param shardId the shard
 * @param from the peer the transfer is from (for {@code replicate_shard}/{@code move_shard} the
 *     request's {@code from_peer_id}; the shard's primary streams)
 * @param to the peer whose replica is filled
 * @param method the transfer method, or null when the primary picks it
 * @param sync whether the new replica receives the shard's writes during the transfer (always true:
 *     Qdrant's {@code sync})
 * @param move whether finishing the transfer drops the replica on {@code from}
 */
public record ShardTransfer(int shardId, long from, long to, String method, boolean sync, boolean move) {

    /** The methods a transfer may name. */
    public static final Set<String> METHODS = Set.of("stream_records", "snapshot", "wal_delta");

    public ShardTransfer {
        if (shardId < 0) {
            throw new IllegalArgumentException("shard id must be >= 0, got " + shardId);
        }
        if (method != null && !METHODS.contains(method)) {
            throw new IllegalArgumentException(
                    "unknown shard transfer method " + method + ", expected one of " + METHODS);
        }
    }

    /** This transfer with {@code newMethod}. */
    public ShardTransfer withMethod(String newMethod) {
        return new ShardTransfer(shardId, from, to, newMethod, sync, move);
    }

    /** The entry that records this transfer's start in {@code collection} (or changes its method). */
    public MetadataCommand startCommand(String collection) {
        return new MetadataCommand(MetadataCommand.Type.START_TRANSFER, collection, null, toJson(), false);
    }

    /** The entry that ends this transfer successfully (and drops the source of a move). */
    public MetadataCommand finishCommand(String collection) {
        return new MetadataCommand(MetadataCommand.Type.FINISH_TRANSFER, collection, null, toJson(), false);
    }

    /** The entry that aborts this transfer (and drops its unfinished target replica). */
    public MetadataCommand abortCommand(String collection) {
        return new MetadataCommand(MetadataCommand.Type.ABORT_TRANSFER, collection, null, toJson(), false);
    }

    /** The JSON form. */
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("shard_id", shardId);
        n.put("from", Long.toUnsignedString(from));
        n.put("to", Long.toUnsignedString(to));
        if (method != null) {
            n.put("method", method);
        }
        n.put("sync", sync);
        n.put("move", move);
        return n;
    }

    /**
     * Reads the JSON form.
     *
     * @throws IllegalArgumentException when a field is missing or malformed
     */
    public static ShardTransfer fromJson(JsonNode n) {
        int shard = ReplicaStateChange.shardId(n, "a shard transfer");
        JsonNode method = n.get("method");
        return new ShardTransfer(
                shard,
                peer(n, "from"),
                peer(n, "to"),
                method == null || method.isNull() ? null : method.asText(),
                n.path("sync").asBoolean(true),
                n.path("move").asBoolean(false));
    }

    private static long peer(JsonNode n, String field) {
        JsonNode peer = n.get(field);
        if (peer == null || !peer.isValueNode()) {
            throw new IllegalArgumentException("a shard transfer needs " + field + ", got " + n);
        }
        try {
            return Long.parseUnsignedLong(peer.asText());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " must be an unsigned 64-bit integer, got " + peer, e);
        }
    }

    /** The transfer of a start, finish or abort command. */
    public static ShardTransfer of(MetadataCommand c) {
        if (!c.type().isTransfer()) {
            throw new IllegalArgumentException("not a shard transfer command: " + c.type());
        }
        return fromJson(c.body());
    }
}
