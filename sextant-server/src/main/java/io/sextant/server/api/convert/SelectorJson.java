package io.sextant.server.api.convert;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.VectorSelector;
import java.util.Set;

/**
 * Parses {@code with_payload} (bool, list of keys, {@code {"include":[…]}} or {@code
 * {"exclude":[…]}}) and {@code with_vector}/{@code with_vectors} (bool or list of names). The
 * unnamed default vector is "" in the domain. Stateless and thread-safe.
 */
public final class SelectorJson {

    private SelectorJson() {}

    public static PayloadSelector payload(JsonNode node, String path, PayloadSelector dflt) {
        if (node == null || node.isNull()) {
            return dflt;
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? PayloadSelector.ALL : PayloadSelector.NONE;
        }
        if (node.isArray()) {
            return new PayloadSelector.Include(JsonFields.stringList(node, path));
        }
        if (node.isObject()) {
            JsonFields.onlyFields(node, path, Set.of("include", "exclude"));
            if (node.size() != 1) {
                throw JsonFields.error(path, "expected exactly one of `include` or `exclude`");
            }
            if (node.has("include")) {
                return new PayloadSelector.Include(
                        JsonFields.stringList(node.get("include"), JsonFields.child(path, "include")));
            }
            return new PayloadSelector.Exclude(
                    JsonFields.stringList(node.get("exclude"), JsonFields.child(path, "exclude")));
        }
        throw JsonFields.error(
                path,
                "expected a boolean, a list of keys or {include|exclude: [...]}, got " + JsonFields.describe(node));
    }

    public static VectorSelector vector(JsonNode node, String path, VectorSelector dflt) {
        if (node == null || node.isNull()) {
            return dflt;
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? VectorSelector.ALL : VectorSelector.NONE;
        }
        if (node.isArray()) {
            return new VectorSelector.Names(JsonFields.stringList(node, path));
        }
        throw JsonFields.error(path, "expected a boolean or a list of vector names, got " + JsonFields.describe(node));
    }

    /** Reads {@code with_vector} or its alias {@code with_vectors} from a request body. */
    public static VectorSelector vectorOf(JsonNode body, String path, VectorSelector dflt) {
        JsonNode v = body.has("with_vector") ? body.get("with_vector") : body.get("with_vectors");
        return vector(v, JsonFields.child(path, body.has("with_vector") ? "with_vector" : "with_vectors"), dflt);
    }
}
