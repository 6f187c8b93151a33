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
 * "name":…,"body":{…},"wait":bool}}; a reader refuses a higher {@code v}.
 *
 * @param type what to do
 * @param collection collection name or alias ({@code null} for {@link Type#UPDATE_ALIASES})
 * @param name payload field name for {@link Type#DELETE_INDEX}, else null
 * @param body request body (an empty object when the request had none)
 * @param waitApplied the request's {@code wait} flag (payload index operations)
 */
public record MetadataCommand(Type type, String collection, String name, JsonNode body, boolean waitApplied) {

    /** Version of the log entry encoding. */
    public static final int FORMAT_VERSION = 1;

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
        n.put("v", FORMAT_VERSION);
        n.put("type", type.wireName());
        n.put("collection", collection);
        if (name != null) {
            n.put("name", name);
        }
        n.set("body", body);
        n.put("wait", waitApplied);
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
        return new MetadataCommand(
                Type.ofWire(n.path("type").asText(null)),
                coll == null || coll.isNull() ? null : coll.asText(),
                name == null || name.isNull() ? null : name.asText(),
                n.get("body"),
                n.path("wait").asBoolean(false));
    }
}
