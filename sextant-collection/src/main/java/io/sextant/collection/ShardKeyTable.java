package io.sextant.collection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.shard.wal.OperationCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shard keys of a custom-sharded collection and the shard ids of each, plus the next free shard
 * id. Shard ids are handed out in order and never reused, so the shard ids of a key are {@code
 * nextShardId .. nextShardId + n - 1} at the time it is created, on every node that applies the same
 * sequence of key creations (a cluster relies on this: its shard placement is extended in the same
 * order). Immutable: changes return a new table.
 *
 * <p><b>File</b> {@code <collection dir>/shard_keys.json}, written atomically (temp file, fsync,
 * rename, directory fsync) before a new key's shards serve anything and after a dropped key's shards
 * are closed. UTF-8 JSON:
 *
 * <pre>{"format":1,"next_shard_id":N,"keys":[{"key":"tenant_a","shards":[0,1]},{"key":7,"shards":[2]}],
 *  "payload_schema":{"field":{"type":"keyword",…}}}</pre>
 *
 * {@code format} is 1; a higher one is refused with a message naming the file. {@code key} is a JSON
 * string (keyword) or a non-negative integer up to 2^64-1 (number); {@code shards} are the key's
 * shard ids in routing order (a point id is routed over them with {@link ShardRouter}), each below
 * {@code next_shard_id} and in no other key. Keys are listed in creation order. {@code
 * payload_schema} (optional) holds the collection's payload indexes, each spec in the WAL's index
 * spec JSON ({@code OperationCodec.specToJson}), so a key created later, or before any key exists,
 * gets them. A missing file is an
 * empty table with {@code next_shard_id} 0; an unreadable or inconsistent one stops the collection
 * from opening with the file's name (it is then reported as failed, not silently emptied).
 */
public final class ShardKeyTable {
    public static final String FILE_NAME = "shard_keys.json";
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The empty table. */
    public static final ShardKeyTable EMPTY = new ShardKeyTable(Map.of(), 0, Map.of());

    private final Map<ShardKey, List<Integer>> keys;
    private final int nextShardId;
    private final Map<String, PayloadIndexSpec> schema;

    private ShardKeyTable(Map<ShardKey, List<Integer>> keys, int nextShardId, Map<String, PayloadIndexSpec> schema) {
        this.keys = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        this.nextShardId = nextShardId;
        this.schema = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(schema));
    }

    /** The collection's payload indexes (field to spec). */
    public Map<String, PayloadIndexSpec> payloadSchema() {
        return schema;
    }

    /** This table with the payload index of {@code field} set to {@code spec}, or removed when null. */
    public ShardKeyTable withIndex(String field, PayloadIndexSpec spec) {
        Map<String, PayloadIndexSpec> next = new java.util.TreeMap<>(schema);
        if (spec == null) {
            next.remove(field);
        } else {
            next.put(field, spec);
        }
        return new ShardKeyTable(keys, nextShardId, next);
    }

    /** Keys in creation order with their shard ids. */
    public Map<ShardKey, List<Integer>> keys() {
        return keys;
    }

    public int nextShardId() {
        return nextShardId;
    }

    /** The shard ids of {@code key}, or null when there is no such key. */
    public List<Integer> shardsOf(ShardKey key) {
        return keys.get(key);
    }

    /** This table with {@code key} added, owning {@code shardCount} new shard ids. */
    public ShardKeyTable with(ShardKey key, int shardCount) {
        if (keys.containsKey(key)) {
            throw new IllegalArgumentException("shard key " + key + " exists");
        }
        if (shardCount < 1) {
            throw new IllegalArgumentException("a shard key needs at least one shard, got " + shardCount);
        }
        Map<ShardKey, List<Integer>> next = new LinkedHashMap<>(keys);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < shardCount; i++) {
            ids.add(nextShardId + i);
        }
        next.put(key, List.copyOf(ids));
        return new ShardKeyTable(next, nextShardId + shardCount, schema);
    }

    /** This table without {@code key} (its shard ids are not reused). */
    public ShardKeyTable without(ShardKey key) {
        Map<ShardKey, List<Integer>> next = new LinkedHashMap<>(keys);
        next.remove(key);
        return new ShardKeyTable(next, nextShardId, schema);
    }

    /** Writes the table into {@code collectionDir}. */
    public void write(Path collectionDir) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("format", FORMAT_VERSION);
        root.put("next_shard_id", nextShardId);
        ArrayNode arr = root.putArray("keys");
        keys.forEach((k, ids) -> {
            ObjectNode e = arr.addObject();
            if (k.isKeyword()) {
                e.put("key", k.keyword());
            } else {
                e.put("key", new java.math.BigInteger(Long.toUnsignedString(k.number())));
            }
            ArrayNode s = e.putArray("shards");
            ids.forEach(s::add);
        });
        if (!schema.isEmpty()) {
            ObjectNode ps = root.putObject("payload_schema");
            schema.forEach((field, spec) -> ps.set(field, OperationCodec.specToJson(spec)));
        }
        try {
            AtomicFiles.write(collectionDir.resolve(FILE_NAME), MAPPER.writeValueAsBytes(root));
        } catch (IOException e) {
            throw new ServiceException("Failed to write " + collectionDir.resolve(FILE_NAME), e);
        }
    }

    /** Reads the table of {@code collectionDir} (empty when the file is missing). */
    public static ShardKeyTable read(Path collectionDir) {
        Path file = collectionDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return EMPTY;
        }
        try {
            JsonNode root = MAPPER.readTree(Files.readAllBytes(file));
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            int format = root.path("format").asInt(-1);
            if (format < 1 || format > FORMAT_VERSION) {
                throw new IllegalArgumentException(
                        "format " + format + " is not supported (this binary reads up to " + FORMAT_VERSION + ")");
            }
            JsonNode next = root.get("next_shard_id");
            if (next == null || !next.canConvertToInt() || next.asInt() < 0) {
                throw new IllegalArgumentException("next_shard_id must be a non-negative integer");
            }
            JsonNode arr = root.get("keys");
            if (arr == null || !arr.isArray()) {
                throw new IllegalArgumentException("keys must be an array");
            }
            Map<ShardKey, List<Integer>> keys = new LinkedHashMap<>();
            java.util.Set<Integer> seen = new java.util.HashSet<>();
            for (JsonNode e : arr) {
                ShardKey key = keyOf(e.get("key"));
                JsonNode shards = e.get("shards");
                if (shards == null || !shards.isArray() || shards.isEmpty()) {
                    throw new IllegalArgumentException("key " + key + " needs a non-empty shards array");
                }
                List<Integer> ids = new ArrayList<>();
                for (JsonNode s : shards) {
                    if (!s.canConvertToInt() || s.asInt() < 0 || s.asInt() >= next.asInt() || !seen.add(s.asInt())) {
                        throw new IllegalArgumentException("bad shard id " + s + " of key " + key);
                    }
                    ids.add(s.asInt());
                }
                if (keys.put(key, List.copyOf(ids)) != null) {
                    throw new IllegalArgumentException("duplicate key " + key);
                }
            }
            Map<String, PayloadIndexSpec> schema = new LinkedHashMap<>();
            JsonNode ps = root.get("payload_schema");
            if (ps != null && !ps.isNull()) {
                if (!ps.isObject()) {
                    throw new IllegalArgumentException("payload_schema must be an object");
                }
                for (Map.Entry<String, JsonNode> e : ps.properties()) {
                    if (!e.getValue().isObject()) {
                        throw new IllegalArgumentException("bad payload index spec of " + e.getKey());
                    }
                    schema.put(e.getKey(), OperationCodec.specFromJson((ObjectNode) e.getValue()));
                }
            }
            return new ShardKeyTable(keys, next.asInt(), schema);
        } catch (IOException | IllegalArgumentException e) {
            throw new ServiceException("Corrupt shard key table " + file + ": " + e.getMessage(), e);
        }
    }

    private static ShardKey keyOf(JsonNode k) {
        if (k != null && k.isTextual()) {
            return ShardKey.of(k.asText());
        }
        if (k != null
                && k.isIntegralNumber()
                && k.bigIntegerValue().signum() >= 0
                && k.bigIntegerValue().bitLength() <= 64) {
            return ShardKey.of(k.bigIntegerValue().longValue());
        }
        throw new IllegalArgumentException("key must be a string or an unsigned 64-bit integer, got " + k);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShardKeyTable t
                && t.keys.equals(keys)
                && t.nextShardId == nextShardId
                && t.schema.equals(schema);
    }

    @Override
    public int hashCode() {
        return keys.hashCode() * 31 + nextShardId;
    }
}
