package io.sextant.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The outcome of applying a {@link MetadataCommand} on one peer: the REST {@code result} on
 * success, else the error kind (a {@code UserException.Kind} name, or {@code SERVICE} for a server
 * error) and message. The leader's result travels back to the proposing peer in the Raft reply.
 * Immutable.
 */
public record MetadataResult(JsonNode result, String errorKind, String error) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static MetadataResult ok(JsonNode result) {
        return new MetadataResult(result, null, null);
    }

    public static MetadataResult failed(String kind, String message) {
        return new MetadataResult(null, kind, message);
    }

    public boolean succeeded() {
        return error == null;
    }

    public byte[] toBytes() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        if (succeeded()) {
            n.set("result", result);
        } else {
            n.put("kind", errorKind);
            n.put("error", error);
        }
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static MetadataResult fromBytes(byte[] bytes) {
        try {
            JsonNode n = MAPPER.readTree(bytes);
            if (n.has("error")) {
                return failed(n.path("kind").asText("SERVICE"), n.get("error").asText());
            }
            return ok(n.get("result"));
        } catch (IOException e) {
            throw new IllegalArgumentException("metadata result is not JSON: " + e.getMessage(), e);
        }
    }
}
