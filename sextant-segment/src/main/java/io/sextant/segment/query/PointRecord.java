package io.sextant.segment.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.vector.sparse.SparseVector;
import java.util.Map;

/**
 * A stored point as returned by retrieve and scroll. {@code payload}, {@code vectors} (dense, by
 * name; "" is the unnamed default vector) and {@code sparseVectors} are null when not requested.
 * {@code version} is the point's version (the sequence number of its last change; 0 when not known),
 * which queries that score retrieved points report as Qdrant does. {@code orderValue} is the payload
 * value an ordered scroll ({@code order_by}) placed this entry by, else null; a point with several
 * values appears once per value. Treat as immutable.
 */
public record PointRecord(
        PointId id,
        ObjectNode payload,
        Map<String, float[]> vectors,
        Map<String, SparseVector> sparseVectors,
        long version,
        Double orderValue) {

    /** A record whose version is not known (0), outside an ordered scroll. */
    public PointRecord(
            PointId id, ObjectNode payload, Map<String, float[]> vectors, Map<String, SparseVector> sparseVectors) {
        this(id, payload, vectors, sparseVectors, 0, null);
    }

    /** A record outside an ordered scroll. */
    public PointRecord(
            PointId id,
            ObjectNode payload,
            Map<String, float[]> vectors,
            Map<String, SparseVector> sparseVectors,
            long version) {
        this(id, payload, vectors, sparseVectors, version, null);
    }

    /** This record as the entry of an ordered scroll for {@code value}. */
    public PointRecord withOrderValue(Double value) {
        return new PointRecord(id, payload, vectors, sparseVectors, version, value);
    }
}
