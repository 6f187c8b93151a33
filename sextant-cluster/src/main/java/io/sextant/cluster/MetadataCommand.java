package io.sextant.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Locale;

/**
 * One collection-level metadata operation as it travels through the Raft log: a type, the
 * collection (or alias) it names, an optional second name (payload field) and the request body in
 * Qdrant's REST wire form, so every peer applies exactly what the client sent through the same
 * converters. Immutable.
 *
 * <p>Log entry encoding: UTF-8 JSON {@code {"v":1,"type":"create_collection","collection":…,
 * "name":…,"body":{…},"wait":bool}}; version 2 adds {@code "placement":[[peer id…]…]} (a {@link
 * ShardPlacement}, on a create in cluster mode) and is written only by commands that carry one,
 * so entries without a placement stay readable by version-1 binaries. A reader refuses a higher
 * {@code v}.
 *
 * @param type what to do
 * @param collection collection name or alias ({@code null} for {@link Type#UPDATE_ALIASES})
 * @param name payload field name for {@link Type#DELETE_INDEX}, else null
 * @param body request body (an empty object when the request had none)
 * @param waitApplied the request's {@code wait} flag (payload index operations)
 * @param placement where the new collection's shard replicas live (create in cluster mode), else
 *     null
 */
public record MetadataCommand(
        Type type, String collection, String name, JsonNode body, boolean waitApplied, ShardPlacement placement) {

    /** Highest version of the log entry encoding (2: with a placement). */
    public static final int FORMAT_VERSION = 2;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The operations replicated in this slice. */
    public enum Type {
        CREATE_COLLECTION,
        UPDATE_COLLECTION,
        DELETE_COLLECTION,
        UPDATE_ALIASES,
        CREATE_INDEX,
        DELETE_INDEX;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Type ofWire(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("unknown metadata command type " + s, e);
            }
        }
    }

    public MetadataCommand {
        if (type == null) {
            throw new IllegalArgumentException("type is required");
        }
        if (collection == null && type != Type.UPDATE_ALIASES) {
            throw new IllegalArgumentException("collection is required for " + type);
        }
        body = body == null ? JsonNodeFactory.instance.objectNode() : body.deepCopy();
        if (placement != null && type != Type.CREATE_COLLECTION) {
            throw new IllegalArgumentException("only a create carries a shard placement, not " + type);
        }
    }

    /** A command without a placement. */
    public MetadataCommand(Type type, String collection, String name, JsonNode body, boolean waitApplied) {
        this(type, collection, name, body, waitApplied, null);
    }

    /** This command with {@code newBody} and {@code newPlacement}. */
    public MetadataCommand with(JsonNode newBody, ShardPlacement newPlacement) {
        return new MetadataCommand(type, collection, name, newBody, waitApplied, newPlacement);
    }

    public static MetadataCommand of(Type type, String collection, JsonNode body) {
        return new MetadataCommand(type, collection, null, body, false);
    }

    /** The log entry bytes. */
    public byte[] toBytes() {
        return toJson().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("v", placement == null ? 1 : FORMAT_VERSION);
        n.put("type", type.wireName());
        n.put("collection", collection);
        if (name != null) {
            n.put("name", name);
        }
        n.set("body", body);
        n.put("wait", waitApplied);
        if (placement != null) {
            n.set("placement", placement.toJson());
        }
        return n;
    }

    /** Decodes a log entry written by {@link #toBytes()}. */
    public static MetadataCommand fromBytes(byte[] bytes) {
        try {
            return fromJson(MAPPER.readTree(bytes));
        } catch (IOException e) {
            throw new IllegalArgumentException("metadata command is not JSON: " + e.getMessage(), e);
        }
    }

    static MetadataCommand fromJson(JsonNode n) {
        int v = n.path("v").asInt(-1);
        if (v < 1 || v > FORMAT_VERSION) {
            throw new IllegalArgumentException("metadata command format " + v
                    + " is not supported (this binary reads up to " + FORMAT_VERSION + ")");
        }
        JsonNode coll = n.get("collection");
        JsonNode name = n.get("name");
        JsonNode placement = n.get("placement");
        return new MetadataCommand(
                Type.ofWire(n.path("type").asText(null)),
                coll == null || coll.isNull() ? null : coll.asText(),
                name == null || name.isNull() ? null : name.asText(),
                n.get("body"),
                n.path("wait").asBoolean(false),
                placement == null || placement.isNull() ? null : ShardPlacement.fromJson(placement));
    }
}
