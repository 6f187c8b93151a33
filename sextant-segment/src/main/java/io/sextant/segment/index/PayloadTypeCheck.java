package io.sextant.segment.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.error.UserException;
import io.sextant.segment.payload.JsonPaths;
import io.sextant.segment.payload.PayloadValues;
import java.util.Map;

/**
 * Rejects a payload whose value types contradict the indexed fields' types, before it reaches the
 * WAL. Each value at an indexed key (arrays checked element by element, an array nested in an
 * array is a contradiction) must be accepted by the index type; null is always fine. Stateless
 * and thread-safe.
 */
public final class PayloadTypeCheck {
    private PayloadTypeCheck() {}

    /**
     * Throws {@link UserException#badRequest} naming the field, the expected and the actual type
     * when {@code payload} contradicts {@code schema}; a null payload passes.
     */
    public static void check(Map<String, PayloadIndexSpec> schema, ObjectNode payload) {
        if (payload == null || schema.isEmpty()) {
            return;
        }
        for (Map.Entry<String, PayloadIndexSpec> e : schema.entrySet()) {
            PayloadSchemaType type = e.getValue().type();
            for (JsonNode v : JsonPaths.values(payload, e.getKey())) {
                if (!IndexValueTypes.accepts(type, v)) {
                    throw UserException.badRequest("Wrong type for payload field '" + e.getKey()
                            + "': the field is indexed as " + IndexValueTypes.expected(type) + ", got "
                            + PayloadValues.typeName(v) + " " + abbreviate(v));
                }
            }
        }
    }

    private static String abbreviate(JsonNode v) {
        String s = v.toString();
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
