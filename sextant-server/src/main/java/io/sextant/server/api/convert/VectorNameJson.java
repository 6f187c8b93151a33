package io.sextant.server.api.convert;

import static io.sextant.server.api.convert.JsonFields.child;
import static io.sextant.server.api.convert.JsonFields.error;
import static io.sextant.server.api.convert.JsonFields.has;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.collection.config.SparseVectorParams;
import io.sextant.collection.config.VectorDatatype;
import io.sextant.collection.config.VectorNameConfig;
import io.sextant.collection.config.VectorParams;
import io.sextant.segment.config.MultiVectorComparator;
import io.sextant.vector.Distance;
import java.util.Set;

/**
 * The body of {@code PUT /collections/{c}/vectors/{name}} (Qdrant's {@code VectorNameConfig}):
 * {@code {"dense": {"size", "distance", "multivector_config"?, "datatype"?}}} or {@code {"sparse":
 * {"modifier"?, "datatype"?}}}. A size outside [1, 65536] is a validation error (422, as Qdrant's
 * body validation); other malformed input is 400. Stateless.
 */
public final class VectorNameJson {
    /** Largest dense vector size, as Qdrant. */
    static final int MAX_SIZE = 65536;

    private VectorNameJson() {}

    public static VectorNameConfig parse(JsonNode body) {
        JsonFields.object(body, "");
        JsonFields.onlyFields(body, "", Set.of("dense", "sparse"));
        boolean dense = has(body, "dense");
        if (dense == has(body, "sparse")) {
            throw error("", "expected exactly one of `dense` or `sparse`");
        }
        return dense
                ? VectorNameConfig.dense(dense(body.get("dense")))
                : VectorNameConfig.sparse(sparse(body.get("sparse")));
    }

    private static VectorParams dense(JsonNode node) {
        String path = "dense";
        JsonFields.object(node, path);
        JsonFields.onlyFields(node, path, Set.of("size", "distance", "multivector_config", "datatype"));
        MultiVectorComparator multi = CollectionJson.multiVector(node, path);
        if (!has(node, "size")) {
            throw error(path, "missing field `size`");
        }
        JsonNode sizeNode = node.get("size");
        if (!sizeNode.isIntegralNumber()) {
            throw error(child(path, "size"), "expected an integer, got " + JsonFields.describe(sizeNode));
        }
        long size = sizeNode.canConvertToLong() ? sizeNode.longValue() : Long.MAX_VALUE;
        if (size < 1 || size > MAX_SIZE) {
            throw new ValidationError(
                    child(path, "size"), "value " + sizeNode.asText() + " invalid, must be from 1 to " + MAX_SIZE);
        }
        Distance distance;
        try {
            distance = Distance.fromWireName(JsonFields.requiredString(node, "distance", path));
        } catch (IllegalArgumentException e) {
            throw error(child(path, "distance"), e.getMessage());
        }
        VectorDatatype datatype = datatype(node, path);
        return new VectorParams((int) size, distance, null, null, null, datatype, multi, null);
    }

    private static SparseVectorParams sparse(JsonNode node) {
        String path = "sparse";
        if (node == null || node.isNull()) {
            return SparseVectorParams.DEFAULT;
        }
        JsonFields.object(node, path);
        JsonFields.onlyFields(node, path, Set.of("modifier", "datatype"));
        String modifier = JsonFields.optString(node, "modifier", path);
        SparseVectorParams.Modifier m = null;
        if (modifier != null) {
            try {
                m = SparseVectorParams.Modifier.fromWireName(modifier);
            } catch (IllegalArgumentException e) {
                throw error(child(path, "modifier"), e.getMessage());
            }
        }
        return new SparseVectorParams(null, null, datatype(node, path), m);
    }

    private static VectorDatatype datatype(JsonNode node, String path) {
        String dt = JsonFields.optString(node, "datatype", path);
        if (dt == null) {
            return null;
        }
        if (dt.equals("turbo4")) {
            throw error(child(path, "datatype"), "the turbo4 datatype is not supported");
        }
        try {
            return VectorDatatype.fromWireName(dt);
        } catch (IllegalArgumentException e) {
            throw error(child(path, "datatype"), e.getMessage());
        }
    }
}
