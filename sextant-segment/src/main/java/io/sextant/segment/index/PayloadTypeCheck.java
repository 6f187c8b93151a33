package io.sextant.segment.index;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Rejects a payload whose value types contradict the indexed fields' types. Stateless, thread-safe. */
public final class PayloadTypeCheck {
    private PayloadTypeCheck() {}

    public static void check(Map<String, PayloadIndexSpec> schema, ObjectNode payload) {
        // filled in shortly
    }
}
