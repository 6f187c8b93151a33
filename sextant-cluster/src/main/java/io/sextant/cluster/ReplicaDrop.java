package io.sextant.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The body of a {@link MetadataCommand.Type#DROP_REPLICA} log entry: the replica of shard {@code
 * shardId} on peer {@code peerId} leaves the collection's {@link ShardPlacement} (Qdrant's {@code
 * drop_replica} cluster operation). The collection is the command's. Immutable.
 *
 * <p>JSON form (the command's {@code "body"}): {@code {"shard_id":int,"peer_id":"u64 as decimal
 * string"}}, the same two fields, spelled the same way, as a {@link ReplicaStateChange}.
 *
 * @param shardId shard id within the collection
 * @param peerId the peer whose replica is dropped
 */
public record ReplicaDrop(int shardId, long peerId) {

    public ReplicaDrop {
        if (shardId < 0) {
            throw new IllegalArgumentException("shard id must be >= 0, got " + shardId);
        }
    }

    /** The log entry that drops this replica of {@code collection}. */
    public MetadataCommand command(String collection) {
        return new MetadataCommand(MetadataCommand.Type.DROP_REPLICA, collection, null, toJson(), false);
    }

    /** The command's body. */
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("shard_id", shardId);
        n.put("peer_id", Long.toUnsignedString(peerId));
        return n;
    }

    /**
     * Reads a body written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException when a field is missing or malformed
     */
    public static ReplicaDrop fromJson(JsonNode n) {
        return new ReplicaDrop(
                ReplicaStateChange.shardId(n, "drop_replica"), ReplicaStateChange.peerId(n, "drop_replica"));
    }

    /** The drop from a command of type {@link MetadataCommand.Type#DROP_REPLICA}. */
    public static ReplicaDrop of(MetadataCommand c) {
        if (c.type() != MetadataCommand.Type.DROP_REPLICA) {
            throw new IllegalArgumentException("not a drop_replica command: " + c.type());
        }
        return fromJson(c.body());
    }
}
