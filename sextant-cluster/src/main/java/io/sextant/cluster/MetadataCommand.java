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
 * so entries without a placement stay readable by version-1 binaries. Version 3 adds {@code
 * "form":"grpc"}: the body is then a JSON string, the base64 of the Qdrant gRPC request message
 * (protobuf, itself a backward-compatible wire format) that a gRPC client sent, for the types whose
 * requests have no REST converter back ({@link Form#GRPC}: create, update collection, create
 * payload index); written only by such commands, so REST-form entries stay readable by older
 * binaries. Version 4 is written only by {@link Type#SET_REPLICA_STATE} (the body is a {@link
 * ReplicaStateChange}), so every older kind stays readable by older binaries, and version 1–3
 * entries are read as before. Version 5 is written only by {@link Type#DROP_REPLICA} and {@link
 * Type#ADD_REPLICA} (the body is a {@link ReplicaPlacementChange}); versions 1–4 are read as before.
 * Version 6 is written only by {@link Type#CREATE_VECTOR} (name = the vector's name, body = Qdrant's
 * REST {@code VectorNameConfig}, or with form {@code grpc} the {@code CreateVectorNameRequest}
 * message) and {@link Type#DELETE_VECTOR} (name = the vector's name, empty body); versions 1–5 are
 * read as before.
 * Version 7 is written only by {@link Type#CREATE_SHARD_KEY} (body {@code {"shard_key":"k"|n,
 * "shards_number":n,"replication_factor":n}}, REST form, with the {@code "placement"} of the key's
 * new shards in cluster mode) and {@link Type#DROP_SHARD_KEY} (body {@code {"shard_key":…}}).
 * Version 8 is written only by {@link Type#START_TRANSFER}, {@link Type#FINISH_TRANSFER} and {@link
 * Type#ABORT_TRANSFER} (the body is a {@link ShardTransfer}, REST form); versions 1–7 are read as
 * before. A reader refuses a higher {@code v} and an unknown form (the state machine then skips the
 * entry and answers its proposer with the reason).
 *
 * @param type what to do
 * @param collection collection name or alias ({@code null} for {@link Type#UPDATE_ALIASES})
 * @param name payload field name for {@link Type#DELETE_INDEX}, vector name for {@link
 *     Type#CREATE_VECTOR} and {@link Type#DELETE_VECTOR}, else null
 * @param body request body (an empty object when the request had none)
 * @param waitApplied the request's {@code wait} flag (payload index operations)
 * @param placement where the new collection's shard replicas live (create in cluster mode), or a
 *     new shard key's shards ({@link Type#CREATE_SHARD_KEY} in cluster mode), else null
 * @param form how {@code body} is written: Qdrant's REST JSON, or a gRPC request message
 */
public record MetadataCommand(
        Type type,
        String collection,
        String name,
        JsonNode body,
        boolean waitApplied,
        ShardPlacement placement,
        Form form) {

    /**
     * Highest version of the log entry encoding (2: with a placement; 3: with a form; 4: replica
     * states; 5: replica drops; 6: named vector changes; 7: shard keys; 8: shard transfers).
     */
    public static final int FORMAT_VERSION = 8;

    /** How a command's body is written. */
    public enum Form {
        /** Qdrant's REST request body (JSON). */
        REST,
        /** A JSON string: base64 of the Qdrant gRPC request message of the same operation. */
        GRPC
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The operations replicated in this slice. */
    public enum Type {
        CREATE_COLLECTION,
        UPDATE_COLLECTION,
        DELETE_COLLECTION,
        UPDATE_ALIASES,
        CREATE_INDEX,
        DELETE_INDEX,
        /** A replica's state changes (body: {@link ReplicaStateChange}); log entry version 4. */
        SET_REPLICA_STATE,
        /** A shard replica leaves the placement (body: {@link ReplicaPlacementChange}); log entry version 5. */
        DROP_REPLICA,
        /** A new Partial replica joins the placement (body: {@link ReplicaPlacementChange}); version 5. */
        ADD_REPLICA,
        /** A named vector is added to a live collection ({@code PUT …/vectors/{name}}); version 6. */
        CREATE_VECTOR,
        /** A named vector is dropped from a collection and its points ({@code DELETE …/vectors/{name}}); version 6. */
        DELETE_VECTOR,
        /**
         * A shard key of a custom-sharded collection is created (its shards' placement is appended
         * to the collection's, shard ids in creation order); version 7.
         */
        CREATE_SHARD_KEY,
        /** A shard key and its shards are dropped; version 7. */
        DROP_SHARD_KEY,
        /**
         * A shard transfer starts, or an existing one changes its method (body: {@link
         * ShardTransfer}); a target the placement lacks joins it Partial; version 8.
         */
        START_TRANSFER,
        /** A shard transfer ended with its target Active (a move also drops its source); version 8. */
        FINISH_TRANSFER,
        /** A shard transfer is aborted (its unfinished target replica is dropped); version 8. */
        ABORT_TRANSFER;

        /** Whether this kind's body is a {@link ShardTransfer}. */
        public boolean isTransfer() {
            return this == START_TRANSFER || this == FINISH_TRANSFER || this == ABORT_TRANSFER;
        }

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
        if (placement != null && type != Type.CREATE_COLLECTION && type != Type.CREATE_SHARD_KEY) {
            throw new IllegalArgumentException("only a create carries a shard placement, not " + type);
        }
        if ((type == Type.CREATE_SHARD_KEY || type == Type.DROP_SHARD_KEY)
                && (form != null && form != Form.REST || body == null || !body.has("shard_key"))) {
            throw new IllegalArgumentException("a " + type.wireName() + " body is JSON with a shard_key");
        }
        form = form == null ? Form.REST : form;
        if (type == Type.SET_REPLICA_STATE) {
            if (form != Form.REST) {
                throw new IllegalArgumentException("a set_replica_state body is JSON, not " + form);
            }
            ReplicaStateChange.fromJson(body); // refuses a malformed change before it enters the log
        }
        if (type == Type.DROP_REPLICA || type == Type.ADD_REPLICA) {
            if (form != Form.REST) {
                throw new IllegalArgumentException("a " + type.wireName() + " body is JSON, not " + form);
            }
            ReplicaPlacementChange.fromJson(body);
        }
        if (type.isTransfer()) {
            if (form != Form.REST) {
                throw new IllegalArgumentException("a " + type.wireName() + " body is JSON, not " + form);
            }
            ShardTransfer.fromJson(body);
        }
        if ((type == Type.CREATE_VECTOR || type == Type.DELETE_VECTOR) && name == null) {
            throw new IllegalArgumentException("the vector name is required for " + type.wireName());
        }
        if (form == Form.GRPC && !body.isTextual()) {
            throw new IllegalArgumentException("a gRPC-form body is a base64 string, got " + body.getNodeType());
        }
    }

    /** A REST-form command. */
    public MetadataCommand(
            Type type, String collection, String name, JsonNode body, boolean waitApplied, ShardPlacement placement) {
        this(type, collection, name, body, waitApplied, placement, Form.REST);
    }

    /** A REST-form command without a placement. */
    public MetadataCommand(Type type, String collection, String name, JsonNode body, boolean waitApplied) {
        this(type, collection, name, body, waitApplied, null);
    }

    /** This command with {@code newBody} (of the same form) and {@code newPlacement}. */
    public MetadataCommand with(JsonNode newBody, ShardPlacement newPlacement) {
        return new MetadataCommand(type, collection, name, newBody, waitApplied, newPlacement, form);
    }

    /** A gRPC-form command: {@code message} is the serialized gRPC request. */
    public static MetadataCommand grpc(Type type, String collection, String name, byte[] message, boolean waitApplied) {
        return new MetadataCommand(
                type,
                collection,
                name,
                JsonNodeFactory.instance.textNode(java.util.Base64.getEncoder().encodeToString(message)),
                waitApplied,
                null,
                Form.GRPC);
    }

    /** The gRPC request message of a gRPC-form command. */
    public byte[] grpcMessage() {
        if (form != Form.GRPC) {
            throw new IllegalStateException("not a gRPC-form command: " + type);
        }
        return java.util.Base64.getDecoder().decode(body.asText());
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
        n.put("v", version());
        if (form == Form.GRPC) {
            n.put("form", "grpc");
        }
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

    /** The lowest log entry version that can carry this command. */
    int version() {
        if (type.isTransfer()) {
            return 8;
        }
        if (type == Type.CREATE_SHARD_KEY || type == Type.DROP_SHARD_KEY) {
            return 7;
        }
        if (type == Type.CREATE_VECTOR || type == Type.DELETE_VECTOR) {
            return 6;
        }
        if (type == Type.DROP_REPLICA || type == Type.ADD_REPLICA) {
            return 5;
        }
        if (type == Type.SET_REPLICA_STATE) {
            return 4;
        }
        return form == Form.GRPC ? 3 : placement == null ? 1 : 2;
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
        String form = n.path("form").asText("rest");
        if (!form.equals("rest") && !form.equals("grpc")) {
            throw new IllegalArgumentException("unknown metadata command body form " + form);
        }
        return new MetadataCommand(
                Type.ofWire(n.path("type").asText(null)),
                coll == null || coll.isNull() ? null : coll.asText(),
                name == null || name.isNull() ? null : name.asText(),
                n.get("body"),
                n.path("wait").asBoolean(false),
                placement == null || placement.isNull() ? null : ShardPlacement.fromJson(placement),
                form.equals("grpc") ? Form.GRPC : Form.REST);
    }
}
