package io.sextant.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of a {@link MetadataCommand.Type#SET_REPLICA_STATE} log entry: the replica of shard
 * {@code shardId} on peer {@code peerId} takes {@code state}, provided (when {@code fromState} is
 * given) it is in {@code fromState} when the entry applies. The collection is the command's. Immutable.
 *
 * <p>JSON form (the command's {@code "body"}): {@code {"shard_id":int,"peer_id":"u64 as decimal
 * string","state":"Dead","from_state":"Active"}}, states in Qdrant's spelling ({@link
 * ReplicaState#wireName()}), {@code from_state} absent when there is no precondition. The peer id
 * is a string because JSON numbers above 2^53 do not survive every reader. Optional {@code
 * "transfer_method"} ({@code restart_transfer}: the method the shard's primary uses for the next
 * transfer to this replica; absent otherwise, and ignored by a binary that predates it, which then
 * picks the method as usual). Optional {@code "by_primary"} (u64 as decimal string): the change was
 * proposed by that peer acting as the shard's primary (a forward to the replica failed), and applies
 * only while the log still names that peer the primary ({@link PrimaryTerms#primaryOf}): a primary
 * replaced while it waited cannot mark its successor's replicas Dead. A binary that predates it
 * applies the change without that check. Optional {@code "while_active"} (array of u64 as decimal
 * strings): the change applies only when at least one of those peers' replicas of the shard is
 * Active when the entry applies (a deposed primary marks the replicas that admitted its last write
 * Dead only while a replica that refused it can serve; a binary that predates it applies the change
 * without that check).
 *
 * @param byPrimary the proposing primary's peer id, or 0 when the proposer is not a primary
 * @param transferMethod the transfer method asked for the replica's next repair, or null
 * @param shardId shard id within the collection
 * @param peerId the peer holding the replica
 * @param state the new state
 * @param fromState the state the replica must be in for the change to apply, or null
 * @param whileActive the change applies only while one of these peers' replicas is Active (empty:
 *     no such condition)
 */
public record ReplicaStateChange(
        int shardId,
        long peerId,
        ReplicaState state,
        ReplicaState fromState,
        String transferMethod,
        long byPrimary,
        List<Long> whileActive) {

    public ReplicaStateChange {
        if (shardId < 0) {
            throw new IllegalArgumentException("shard id must be >= 0, got " + shardId);
        }
        if (state == null) {
            throw new IllegalArgumentException("state is required");
        }
        whileActive = whileActive == null ? List.of() : List.copyOf(whileActive);
    }

    /** A change with no {@code while_active} condition. */
    public ReplicaStateChange(
            int shardId,
            long peerId,
            ReplicaState state,
            ReplicaState fromState,
            String transferMethod,
            long byPrimary) {
        this(shardId, peerId, state, fromState, transferMethod, byPrimary, List.of());
    }

    /** A change not proposed by a primary. */
    public ReplicaStateChange(
            int shardId, long peerId, ReplicaState state, ReplicaState fromState, String transferMethod) {
        this(shardId, peerId, state, fromState, transferMethod, 0);
    }

    /** A change that asks for no particular transfer method. */
    public ReplicaStateChange(int shardId, long peerId, ReplicaState state, ReplicaState fromState) {
        this(shardId, peerId, state, fromState, null);
    }

    /** The log entry that makes this change to a replica of {@code collection}. */
    public MetadataCommand command(String collection) {
        return new MetadataCommand(MetadataCommand.Type.SET_REPLICA_STATE, collection, null, toJson(), false);
    }

    /** The command's body. */
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("shard_id", shardId);
        n.put("peer_id", Long.toUnsignedString(peerId));
        n.put("state", state.wireName());
        if (fromState != null) {
            n.put("from_state", fromState.wireName());
        }
        if (transferMethod != null) {
            n.put("transfer_method", transferMethod);
        }
        if (byPrimary != 0) {
            n.put("by_primary", Long.toUnsignedString(byPrimary));
        }
        if (!whileActive.isEmpty()) {
            ArrayNode peers = n.putArray("while_active");
            whileActive.forEach(p -> peers.add(Long.toUnsignedString(p)));
        }
        return n;
    }

    /**
     * Reads a body written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException when a field is missing or malformed
     */
    public static ReplicaStateChange fromJson(JsonNode n) {
        JsonNode from = n.get("from_state");
        return new ReplicaStateChange(
                shardId(n, "set_replica_state"),
                peerId(n, "set_replica_state"),
                ReplicaState.ofWire(n.path("state").asText(null)),
                from == null || from.isNull() ? null : ReplicaState.ofWire(from.asText()),
                n.path("transfer_method").isTextual() ? n.get("transfer_method").asText() : null,
                byPrimary(n),
                whileActive(n));
    }

    private static List<Long> whileActive(JsonNode n) {
        JsonNode peers = n.get("while_active");
        if (peers == null || peers.isNull()) {
            return List.of();
        }
        if (!peers.isArray()) {
            throw new IllegalArgumentException("while_active must be an array of peer ids, got " + peers);
        }
        List<Long> out = new ArrayList<>(peers.size());
        for (JsonNode p : peers) {
            try {
                out.add(Long.parseUnsignedLong(p.asText()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("while_active holds an invalid peer id: " + p, e);
            }
        }
        return out;
    }

    private static long byPrimary(JsonNode n) {
        JsonNode by = n.get("by_primary");
        if (by == null || by.isNull()) {
            return 0;
        }
        try {
            return Long.parseUnsignedLong(by.asText());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("by_primary must be an unsigned 64-bit integer, got " + by, e);
        }
    }

    /** The {@code shard_id} field of a replica entry body ({@code kind} names the entry in errors). */
    static int shardId(JsonNode n, String kind) {
        JsonNode shard = n == null ? null : n.get("shard_id");
        if (shard == null || !shard.canConvertToInt()) {
            throw new IllegalArgumentException(kind + " needs shard_id and peer_id, got " + n);
        }
        return shard.asInt();
    }

    /** The {@code peer_id} field (u64 as decimal string) of a replica entry body. */
    static long peerId(JsonNode n, String kind) {
        JsonNode peer = n == null ? null : n.get("peer_id");
        if (peer == null || !peer.isValueNode()) {
            throw new IllegalArgumentException(kind + " needs shard_id and peer_id, got " + n);
        }
        try {
            return Long.parseUnsignedLong(peer.asText());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("peer_id must be an unsigned 64-bit integer, got " + peer, e);
        }
    }

    /** The change from a command of type {@link MetadataCommand.Type#SET_REPLICA_STATE}. */
    public static ReplicaStateChange of(MetadataCommand c) {
        if (c.type() != MetadataCommand.Type.SET_REPLICA_STATE) {
            throw new IllegalArgumentException("not a set_replica_state command: " + c.type());
        }
        return fromJson(c.body());
    }
}
