package io.sextant.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The non-Active {@link ReplicaState}s of shard replicas, by collection, shard id and peer id: the
 * in-memory table behind the {@link ReplicaStateBook} and the {@link MetadataLedger}. A replica
 * without an entry is Active, so setting Active removes the entry, and empty shards and collections
 * are dropped. Not thread-safe (its owners lock).
 *
 * <p>JSON form: {@code {"<collection>":{"<shard id>":{"<peer id, unsigned decimal>":"<state>"}}}},
 * states in Qdrant's spelling, keys in ascending order (peer ids as unsigned numbers).
 */
final class ReplicaStateTable {

    private final Map<String, Map<Integer, Map<Long, ReplicaState>>> states = new TreeMap<>();

    /** The state of a replica (Active when none is recorded). */
    ReplicaState get(String collection, int shardId, long peer) {
        ReplicaState s = states.getOrDefault(collection, Map.of())
                .getOrDefault(shardId, Map.of())
                .get(peer);
        return s == null ? ReplicaState.ACTIVE : s;
    }

    /** Records {@code state}; returns whether anything changed. */
    boolean set(String collection, int shardId, long peer, ReplicaState state) {
        if (get(collection, shardId, peer) == state) {
            return false;
        }
        if (state == ReplicaState.ACTIVE) {
            Map<Integer, Map<Long, ReplicaState>> shards = states.get(collection);
            shards.get(shardId).remove(peer);
            shards.values().removeIf(Map::isEmpty);
            states.values().removeIf(Map::isEmpty);
        } else {
            states.computeIfAbsent(collection, k -> new TreeMap<>())
                    .computeIfAbsent(shardId, k -> new TreeMap<>(Long::compareUnsigned))
                    .put(peer, state);
        }
        return true;
    }

    /** Forgets every state of {@code collection}; returns whether it had any. */
    boolean remove(String collection) {
        return states.remove(collection) != null;
    }

    /** Forgets the states of collections not in {@code live}; returns whether any were dropped. */
    boolean retainOnly(Set<String> live) {
        return states.keySet().retainAll(live);
    }

    /** An immutable copy: collection → shard id → peer id → state. */
    Map<String, Map<Integer, Map<Long, ReplicaState>>> copy() {
        Map<String, Map<Integer, Map<Long, ReplicaState>>> out = new TreeMap<>();
        states.forEach((name, shards) -> {
            Map<Integer, Map<Long, ReplicaState>> s = new TreeMap<>();
            shards.forEach((shard, peers) -> s.put(shard, Map.copyOf(peers)));
            out.put(name, Map.copyOf(s));
        });
        return Map.copyOf(out);
    }

    ObjectNode toJson() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        states.forEach((name, shards) -> {
            ObjectNode c = root.putObject(name);
            shards.forEach((shard, peers) -> {
                ObjectNode s = c.putObject(Integer.toString(shard));
                peers.forEach((peer, state) -> s.put(Long.toUnsignedString(peer), state.wireName()));
            });
        });
        return root;
    }

    /**
     * Reads the JSON form (a missing node is an empty table).
     *
     * @throws IllegalArgumentException for a key that is not a number or an unknown state
     */
    static ReplicaStateTable fromJson(JsonNode root) {
        ReplicaStateTable t = new ReplicaStateTable();
        root.properties().forEach(c -> c.getValue()
                .properties()
                .forEach(s -> s.getValue().properties().forEach(p -> {
                    if (!p.getValue().isTextual()) {
                        throw new IllegalArgumentException("state of peer " + p.getKey() + " is " + p.getValue());
                    }
                    t.set(
                            c.getKey(),
                            Integer.parseInt(s.getKey()),
                            Long.parseUnsignedLong(p.getKey()),
                            ReplicaState.ofWire(p.getValue().asText()));
                })));
        return t;
    }
}
