package io.sextant.server.api.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.collection.snapshot.RecoverRequest;
import io.sextant.collection.snapshot.SnapshotDescription;
import io.sextant.collection.snapshot.SnapshotPriority;
import io.sextant.segment.error.UserException;
import java.util.List;

/**
 * Snapshot wire shapes: Qdrant's {@code SnapshotDescription} ({@code name, creation_time, size,
 * checksum}) and {@code SnapshotRecover} / {@code ShardSnapshotRecover} ({@code location,
 * priority, checksum, api_key}). Stateless and thread-safe.
 */
public final class SnapshotJson {
    private SnapshotJson() {}

    public static ObjectNode description(SnapshotDescription d) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("name", d.name());
        if (d.creationTime() == null) {
            n.putNull("creation_time");
        } else {
            n.put("creation_time", d.creationTime());
        }
        n.put("size", d.size());
        if (d.checksum() == null) {
            n.putNull("checksum");
        } else {
            n.put("checksum", d.checksum());
        }
        return n;
    }

    public static ArrayNode descriptions(List<SnapshotDescription> list) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        list.forEach(d -> a.add(description(d)));
        return a;
    }

    /**
     * Parses a recover body.
     *
     * @throws UserException (bad request) for a missing location, an unknown priority or a malformed checksum
     */
    public static RecoverRequest recover(JsonNode body) {
        if (!body.isObject()) {
            throw UserException.badRequest("Format error in JSON body: expected an object with `location`");
        }
        JsonNode loc = body.get("location");
        if (loc == null || !loc.isTextual() || loc.asText().isBlank()) {
            throw UserException.badRequest("Format error in JSON body: missing field `location`");
        }
        SnapshotPriority priority = SnapshotPriority.parse(optText(body, "priority"), SnapshotPriority.SNAPSHOT);
        String checksum = optText(body, "checksum");
        if (checksum != null && !checksum.matches("[0-9a-fA-F]{64}")) {
            throw UserException.badRequest(
                    "Wrong input: checksum must be a SHA-256 hex string of 64 characters, got '" + checksum + "'");
        }
        return new RecoverRequest(loc.asText(), priority, checksum, optText(body, "api_key"));
    }

    private static String optText(JsonNode body, String key) {
        JsonNode n = body.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw UserException.badRequest("Format error in JSON body: `" + key + "` must be a string, got " + n);
        }
        return n.asText();
    }
}
