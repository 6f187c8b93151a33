package io.sextant.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The body of a {@link MetadataCommand.Type#DROP_REPLICA} log entry (the replica of shard {@code
 * shardId} on peer {@code peerId} leaves the collection's {@link ShardPlacement}: Qdrant's {@code
 * drop_replica} cluster operation) and of a {@link MetadataCommand.Type#ADD_REPLICA} one (peer
 * {@code peerId} gets a new, Partial replica of the shard, last in placement order: the placement
 * half of Qdrant's {@code replicate_shard}). The collection and the kind are the command's.
 * Immutable.
 *
 * <p>JSON form (the command's {@code "body"}): {@code {"shard_id":int,"peer_id":"u64 as decimal
 * string"}}, the same two fields, spelled the same way, as a {@link ReplicaStateChange}.
 *
 * @param shardId shard id within the collection
 * @param peerId the peer whose replica is dropped
 */
public record ReplicaPlacementChange(int shardId, long peerId) {

    public ReplicaPlacementChange {
        if (shardId < 0) {
            throw new IllegalArgumentException("shard id must be >= 0, got " + shardId);
        }
    }

    /** The log entry that drops this replica of {@code collection}. */
    public MetadataCommand command(String collection) {
        return new MetadataCommand(MetadataCommand.Type.DROP_REPLICA, collection, null, toJson(), false);
    }

    /** The log entry that adds this replica to {@code collection}'s placement. */
    public MetadataCommand addCommand(String collection) {
        return addCommand(collection, null);
    }

    /**
     * The {@code add_replica} entry, asking the shard's primary to fill the new replica with {@code
     * transferMethod} (optional body field {@code "transfer_method"}, ignored by older binaries;
     * null: the primary picks).
     */
    public MetadataCommand addCommand(String collection, String transferMethod) {
        ObjectNode body = toJson();
        if (transferMethod != null) {
            body.put("transfer_method", transferMethod);
        }
        return new MetadataCommand(MetadataCommand.Type.ADD_REPLICA, collection, null, body, false);
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
    public static ReplicaPlacementChange fromJson(JsonNode n) {
        return new ReplicaPlacementChange(
                ReplicaStateChange.shardId(n, "a replica placement change"),
                ReplicaStateChange.peerId(n, "a replica placement change"));
    }

    /** The change from a command of type {@link MetadataCommand.Type#DROP_REPLICA} or {@code ADD_REPLICA}. */
    public static ReplicaPlacementChange of(MetadataCommand c) {
        if (c.type() != MetadataCommand.Type.DROP_REPLICA && c.type() != MetadataCommand.Type.ADD_REPLICA) {
            throw new IllegalArgumentException("not a replica placement command: " + c.type());
        }
        return fromJson(c.body());
    }
}
