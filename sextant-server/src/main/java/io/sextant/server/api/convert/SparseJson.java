package io.sextant.server.api.convert;

import static io.sextant.server.api.convert.JsonFields.child;
import static io.sextant.server.api.convert.JsonFields.describe;
import static io.sextant.server.api.convert.JsonFields.error;
import static io.sextant.server.api.convert.JsonFields.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.error.UserException;
import io.sextant.vector.sparse.SparseVector;
import java.util.HashSet;
import java.util.Set;

/**
 * Sparse vectors on the wire: Qdrant's {@code SparseVector} {@code {"indices": [u32...], "values":
 * [f32...]}}. Indices are unsigned 32-bit integers (0..4294967295) and are written back unsigned.
 * Errors use Qdrant's validation wording ({@code must be the same length as indices}, {@code must
 * be unique}), with {@code ?} for the vector name as Qdrant prints it. Stateless and thread-safe.
 */
public final class SparseJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final long MAX_INDEX = 0xFFFF_FFFFL;

    private SparseJson() {}

    /** Whether {@code node} has the shape of a sparse vector (an object with indices or values). */
    public static boolean isSparse(JsonNode node) {
        return node != null && node.isObject() && (node.has("indices") || node.has("values"));
    }

    /**
     * Parses a sparse vector.
     *
     * @param path where the vector is, for shape errors
     * @param validationPath Qdrant's path for validation errors (e.g. {@code points[0].vector.?})
     */
    public static SparseVector parse(JsonNode node, String path, String validationPath) {
        JsonFields.object(node, path);
        JsonFields.onlyFields(node, path, Set.of("indices", "values"));
        if (!node.has("indices")) {
            throw error(path, "missing field `indices`");
        }
        if (!node.has("values")) {
            throw error(path, "missing field `values`");
        }
        JsonNode ids = node.get("indices");
        JsonNode vals = node.get("values");
        if (!ids.isArray()) {
            throw error(child(path, "indices"), "expected an array of unsigned integers, got " + describe(ids));
        }
        if (!vals.isArray()) {
            throw error(child(path, "values"), "expected an array of numbers, got " + describe(vals));
        }
        int[] indices = new int[ids.size()];
        for (int i = 0; i < indices.length; i++) {
            JsonNode x = ids.get(i);
            if (!x.isIntegralNumber()
                    || x.bigIntegerValue().signum() < 0
                    || x.bigIntegerValue().bitLength() > 32) {
                throw error(
                        index(child(path, "indices"), i), "expected an integer in [0, 4294967295], got " + describe(x));
            }
            long v = x.longValue();
            if (v < 0 || v > MAX_INDEX) {
                throw error(index(child(path, "indices"), i), "expected an integer in [0, 4294967295], got " + v);
            }
            indices[i] = (int) v;
        }
        float[] values = new float[vals.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode x = vals.get(i);
            if (!x.isNumber()) {
                throw error(index(child(path, "values"), i), "expected a number, got " + describe(x));
            }
            values[i] = x.floatValue();
            if (!Float.isFinite(values[i])) {
                throw error(index(child(path, "values"), i), "sparse vector values must be finite, got " + x);
            }
        }
        if (indices.length != values.length) {
            throw validation(validationPath + ".values", "must be the same length as indices");
        }
        Set<Integer> seen = new HashSet<>();
        for (int id : indices) {
            if (!seen.add(id)) {
                throw validation(validationPath + ".indices", "must be unique");
            }
        }
        return SparseVector.of(indices, values);
    }

    private static UserException validation(String path, String what) {
        return UserException.badRequest(
                "Validation error in JSON body: [" + path + ": Validation error: " + what + " [{}]]");
    }

    /** Qdrant's output shape, indices unsigned. */
    public static ObjectNode write(SparseVector v) {
        ObjectNode out = F.objectNode();
        ArrayNode ids = out.putArray("indices");
        for (int id : v.indices()) {
            ids.add(Integer.toUnsignedLong(id));
        }
        ArrayNode vals = out.putArray("values");
        for (float w : v.values()) {
            vals.add(w);
        }
        return out;
    }
}
