package io.sextant.server.api.convert;

import io.sextant.collection.config.CollectionConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * Which named vectors of a collection are multivectors, and of what dimension: the domain carries a
 * multivector as its vectors concatenated, so the JSON and gRPC converters need the dimension to
 * check an incoming {@code [[...], [...]]} and to nest one on the way out. Immutable.
 *
 * @param multiDims dimension of each multivector by name
 * @param known whether the collection's vectors are known (a name without a dimension is then a
 *     plain vector, and nested input for it is refused)
 */
public record VectorShapes(Map<String, Integer> multiDims, boolean known) {
    /** No multivectors (or shapes unknown: nested input is only checked for equal lengths). */
    public static final VectorShapes NONE = new VectorShapes(Map.of(), false);

    /** The shapes of {@code config}'s vectors. */
    public static VectorShapes of(CollectionConfig config) {
        Map<String, Integer> m = new HashMap<>();
        config.params().vectors().forEach((name, v) -> {
            if (v.multivectorConfig() != null) {
                m.put(name, v.size());
            }
        });
        return new VectorShapes(Map.copyOf(m), true);
    }

    /** The dimension of multivector {@code name}, or 0 when it is not one. */
    public int multiDim(String name) {
        return multiDims.getOrDefault(name == null ? "" : name, 0);
    }
}
