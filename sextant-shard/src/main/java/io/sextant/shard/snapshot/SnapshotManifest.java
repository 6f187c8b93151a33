package io.sextant.shard.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import java.io.IOException;

/**
 * The {@code snapshot.json} entry that opens every Sextant snapshot archive and says what the
 * archive holds, so a reader can refuse a foreign or newer file before extracting anything.
 *
 * <p>Layout, format version 1 (UTF-8 JSON object):
 *
 * <pre>
 * format          "sextant-snapshot"        (anything else: not ours)
 * format_version  1                         (a newer version is refused with both numbers)
 * kind            "collection" | "shard" | "full"
 * created         ISO-8601 UTC instant
 * ... kind-specific fields: collection, shard_id, shards [{id, checkpoint, points}],
 *     collections [names], aliases {alias: collection}
 * </pre>
 *
 * Fields are only ever added, never renamed or reordered in meaning. Immutable (the body is
 * copied on the way in and out).
 */
public record SnapshotManifest(String kind, ObjectNode body) {
    public static final String ENTRY_NAME = "snapshot.json";
    public static final String FORMAT = "sextant-snapshot";
    public static final int FORMAT_VERSION = 1;
    public static final String KIND_COLLECTION = "collection";
    public static final String KIND_SHARD = "shard";
    public static final String KIND_FULL = "full";
    private static final ObjectMapper JSON = new ObjectMapper();

    public SnapshotManifest {
        body = body == null ? JsonNodeFactory.instance.objectNode() : body.deepCopy();
        body.put("format", FORMAT);
        body.put("format_version", FORMAT_VERSION);
        body.put("kind", kind);
    }

    @Override
    public ObjectNode body() {
        return body.deepCopy();
    }

    public byte[] toBytes() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        } catch (IOException e) {
            throw new ServiceException("Failed to encode snapshot manifest: " + e.getMessage(), e);
        }
    }

    /**
     * Parses and validates a manifest.
     *
     * @param expectedKind the kind the caller can restore, or null for any
     * @throws UserException (bad request) for a foreign file, a newer format or another kind
     */
    public static SnapshotManifest parse(byte[] bytes, String expectedKind, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw UserException.badRequest(
                    "Wrong input: " + source + " is not a Sextant snapshot: unreadable " + ENTRY_NAME);
        }
        if (root == null
                || !root.isObject()
                || !FORMAT.equals(root.path("format").asText())) {
            throw UserException.badRequest("Wrong input: " + source + " is not a Sextant snapshot: " + ENTRY_NAME
                    + " has no format \"" + FORMAT + "\"");
        }
        int version = root.path("format_version").asInt(-1);
        if (version < 1 || version > FORMAT_VERSION) {
            throw UserException.badRequest("Wrong input: snapshot " + source + " has format version " + version
                    + ", this binary reads versions 1 to " + FORMAT_VERSION);
        }
        String kind = root.path("kind").asText();
        if (expectedKind != null && !expectedKind.equals(kind)) {
            throw UserException.badRequest(
                    "Wrong input: " + source + " is a " + kind + " snapshot, expected a " + expectedKind + " snapshot");
        }
        return new SnapshotManifest(kind, (ObjectNode) root);
    }
}
