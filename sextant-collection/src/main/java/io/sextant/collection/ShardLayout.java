package io.sextant.collection;

import io.sextant.segment.error.UserException;
import io.sextant.shard.Shard;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The open shards of a collection by shard id, and how they are grouped for routing: an
 * auto-sharded collection is one group of all its shards; a custom-sharded one has a group per
 * shard key (its {@link ShardKeyTable}), and a point id is routed over the shards of the group(s) it
 * is written to. Immutable: adding or dropping a key makes a new layout.
 */
final class ShardLayout {
    private final Map<Integer, Shard> byId;
    private final ShardKeyTable keys; // null: auto sharding
    private final List<Shard> all;

    ShardLayout(Map<Integer, Shard> byId, ShardKeyTable keys) {
        this.byId = java.util.Collections.unmodifiableMap(new TreeMap<>(byId));
        this.keys = keys;
        this.all = List.copyOf(this.byId.values());
    }

    /** Whether the collection is custom-sharded. */
    boolean custom() {
        return keys != null;
    }

    /** The shard key table (custom sharding), else null. */
    ShardKeyTable keys() {
        return keys;
    }

    /** Every open shard, in shard id order. */
    List<Shard> all() {
        return all;
    }

    Map<Integer, Shard> byId() {
        return byId;
    }

    /** The shard with id {@code shardId}, or null. */
    Shard shard(int shardId) {
        return byId.get(shardId);
    }

    /** Routing groups of every shard: one for auto sharding, one per key for custom sharding. */
    List<List<Shard>> allGroups() {
        if (keys == null) {
            return all.isEmpty() ? List.of() : List.of(all);
        }
        List<List<Shard>> out = new ArrayList<>();
        for (List<Integer> ids : keys.keys().values()) {
            out.add(ids.stream().map(byId::get).toList());
        }
        return out;
    }

    /**
     * The routing groups of {@code selected} keys, in the order given (duplicates collapsed).
     *
     * @throws UserException bad request for a key the collection does not have (every key of an
     *     auto-sharded collection)
     */
    List<List<Shard>> select(List<ShardKey> selected) {
        List<List<Shard>> out = new ArrayList<>();
        for (ShardKey k : new java.util.LinkedHashSet<>(selected)) {
            List<Integer> ids = keys == null ? null : keys.shardsOf(k);
            if (ids == null) {
                throw UserException.badRequest("Wrong input: Shard key " + k + " not found");
            }
            out.add(ids.stream().map(byId::get).toList());
        }
        return out;
    }
}
