package io.sextant.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which peers hold the replicas of each shard of one collection: for shard id {@code s}, {@link
 * #replicas(int)} lists distinct peer ids in placement order (the first reachable one is the
 * shard's primary for writes). Decided once by the peer that proposes the collection's creation
 * ({@link #plan}) and carried in the replicated create command, so every peer applies the same
 * placement. Immutable.
 *
 * <p>JSON form (inside a {@link MetadataCommand} and the {@link PlacementBook} file): an array with
 * one array per shard id of peer ids as unsigned decimal strings, e.g. {@code
 * [["42","7"],["7","99"]]}.
 *
 * @param shards per shard id, its replicas' peer ids in placement order
 */
public record ShardPlacement(List<List<Long>> shards) {

    public ShardPlacement {
        if (shards == null || shards.isEmpty()) {
            throw new IllegalArgumentException("a placement needs at least one shard, got " + shards);
        }
        List<List<Long>> copy = new ArrayList<>();
        for (int s = 0; s < shards.size(); s++) {
            List<Long> peers = shards.get(s);
            if (peers == null || peers.isEmpty() || new HashSet<>(peers).size() != peers.size()) {
                throw new IllegalArgumentException("shard " + s + " needs distinct replica peers, got " + peers);
            }
            copy.add(List.copyOf(peers));
        }
        shards = List.copyOf(copy);
    }

    /**
     * Spreads {@code shardNumber} shards with {@code replicationFactor} replicas each (capped at the
     * number of peers) over {@code peers}: the peers in unsigned id order form a ring, and the
     * replicas are dealt around it one after another, starting at a position derived from the
     * collection name (so single-shard collections do not all land on one peer). Consecutive ring
     * positions are distinct peers, so a shard's replicas are distinct, and dealing round the ring
     * gives every peer the same number of replicas ±1 (3 peers, 6 shards, factor 2: 4/4/4).
     * Deterministic for the same inputs.
     *
     * @throws IllegalArgumentException when there are no peers or a count is below 1
     */
    public static ShardPlacement plan(
            String collection, int shardNumber, int replicationFactor, Collection<Long> peers) {
        if (peers == null || peers.isEmpty()) {
            throw new IllegalArgumentException("cannot place shards on no peers");
        }
        if (shardNumber < 1 || replicationFactor < 1) {
            throw new IllegalArgumentException("shard_number and replication_factor must be at least 1, got "
                    + shardNumber + " and " + replicationFactor);
        }
        Set<Long> sorted = new TreeSet<>(Long::compareUnsigned);
        sorted.addAll(peers);
        List<Long> ring = List.copyOf(sorted);
        int factor = Math.min(replicationFactor, ring.size());
        int next = Math.floorMod(collection == null ? 0 : collection.hashCode(), ring.size());
        List<List<Long>> shards = new ArrayList<>();
        for (int s = 0; s < shardNumber; s++) {
            List<Long> replicas = new ArrayList<>();
            for (int r = 0; r < factor; r++) {
                replicas.add(ring.get(next));
                next = (next + 1) % ring.size();
            }
            shards.add(replicas);
        }
        return new ShardPlacement(shards);
    }

    /** Number of shards. */
    public int shardCount() {
        return shards.size();
    }

    /** The replicas of shard {@code shardId}, in placement order. */
    public List<Long> replicas(int shardId) {
        if (shardId < 0 || shardId >= shards.size()) {
            throw new IllegalArgumentException(
                    "shard id " + shardId + " is outside the placement's " + shards.size() + " shards");
        }
        return shards.get(shardId);
    }

    /** Number of replicas peer {@code peerId} holds. */
    public int replicaCount(long peerId) {
        int n = 0;
        for (List<Long> replicas : shards) {
            if (replicas.contains(peerId)) {
                n++;
            }
        }
        return n;
    }

    /**
     * This placement without the replica of shard {@code shardId} on {@code peerId} (unchanged when
     * that peer holds none).
     */
    public ShardPlacement without(int shardId, long peerId) {
        List<List<Long>> out = new ArrayList<>(shards);
        List<Long> replicas = new ArrayList<>(replicas(shardId));
        replicas.remove(Long.valueOf(peerId));
        out.set(shardId, replicas);
        return new ShardPlacement(out);
    }

    /**
     * This placement with a replica of shard {@code shardId} on {@code peerId} last in placement
     * order (unchanged when that peer holds one).
     */
    public ShardPlacement with(int shardId, long peerId) {
        List<List<Long>> out = new ArrayList<>(shards);
        List<Long> replicas = new ArrayList<>(replicas(shardId));
        if (!replicas.contains(peerId)) {
            replicas.add(peerId);
        }
        out.set(shardId, replicas);
        return new ShardPlacement(out);
    }

    /** This placement followed by {@code more}'s shards (their ids continue after this one's). */
    public ShardPlacement plus(ShardPlacement more) {
        List<List<Long>> out = new ArrayList<>(shards);
        out.addAll(more.shards);
        return new ShardPlacement(out);
    }

    public ArrayNode toJson() {
        ArrayNode root = JsonNodeFactory.instance.arrayNode();
        for (List<Long> replicas : shards) {
            ArrayNode a = root.addArray();
            replicas.forEach(p -> a.add(Long.toUnsignedString(p)));
        }
        return root;
    }

    /** Reads the JSON form. @throws IllegalArgumentException when it is not a placement */
    public static ShardPlacement fromJson(JsonNode root) {
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("shard placement must be an array, got " + root);
        }
        List<List<Long>> shards = new ArrayList<>();
        for (JsonNode shard : root) {
            if (!shard.isArray()) {
                throw new IllegalArgumentException("shard placement entry must be an array, got " + shard);
            }
            List<Long> peers = new ArrayList<>();
            for (JsonNode p : shard) {
                try {
                    peers.add(Long.parseUnsignedLong(p.asText()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("peer id in a shard placement must be a u64, got " + p, e);
                }
            }
            shards.add(peers);
        }
        return new ShardPlacement(shards);
    }
}
