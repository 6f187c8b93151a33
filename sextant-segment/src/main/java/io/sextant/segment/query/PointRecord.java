package io.sextant.segment.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.vector.sparse.SparseVector;
import java.util.Map;

/**
 * A stored point as returned by retrieve and scroll. {@code payload}, {@code vectors} (dense, by
 * name; "" is the unnamed default vector) and {@code sparseVectors} are null when not requested.
 * Treat as immutable.
 */
public record PointRecord(
        PointId id, ObjectNode payload, Map<String, float[]> vectors, Map<String, SparseVector> sparseVectors) {}
