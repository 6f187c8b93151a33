package io.sextant.segment.payload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.query.PayloadSelector;
import java.util.List;

/** Qdrant key paths over JSON payloads. Stateless and thread-safe; mutators mutate their argument. */
public final class JsonPaths {
    private JsonPaths() {}

    /** All values at a Qdrant key path ("a", "a.b", "a[].b", "a[0]"), arrays at the end flattened one level. */
    public static List<JsonNode> values(ObjectNode payload, String path) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** set_payload: merge the fields of {@code value} into {@code target} (at object path {@code path} when non-null, creating objects). */
    public static void set(ObjectNode target, String path, ObjectNode value) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** delete_payload: remove the key at {@code path} (all matches for [] paths). */
    public static void delete(ObjectNode target, String path) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** with_payload selector: a new node with only the included / without the excluded paths; null for NONE. */
    public static ObjectNode select(ObjectNode payload, PayloadSelector selector) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
