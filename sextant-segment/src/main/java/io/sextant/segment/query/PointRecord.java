package io.sextant.segment.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.vector.sparse.SparseVector;
import java.util.Map;

/**
 * A stored point as returned by retrieve and scroll. {@code payload}, {@code vectors} (dense, by
 * name; "" is the unnamed default vector) and {@code sparseVectors} are null when not requested.
 * {@code version} is the point's version (the sequence number of its last change; 0 when not known),
 * which queries that score retrieved points report as Qdrant does. Treat as immutable.
 */
public record PointRecord(
        PointId id,
        ObjectNode payload,
        Map<String, float[]> vectors,
        Map<String, SparseVector> sparseVectors,
        long version) {

    /** A record whose version is not known (0). */
    public PointRecord(
            PointId id, ObjectNode payload, Map<String, float[]> vectors, Map<String, SparseVector> sparseVectors) {
        this(id, payload, vectors, sparseVectors, 0);
    }
}
