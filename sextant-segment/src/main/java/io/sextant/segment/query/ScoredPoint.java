package io.sextant.segment.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.vector.sparse.SparseVector;
import java.util.Map;

/**
 * A search hit. {@code version} is the WAL sequence number of the point's last update. {@code
 * payload}, {@code vectors} (dense, by name) and {@code sparseVectors} are null when not requested.
 * Treat as immutable.
 */
public record ScoredPoint(
        PointId id,
        long version,
        float score,
        ObjectNode payload,
        Map<String, float[]> vectors,
        Map<String, SparseVector> sparseVectors) {

    /** This hit with another score. */
    public ScoredPoint withScore(float newScore) {
        return new ScoredPoint(id, version, newScore, payload, vectors, sparseVectors);
    }
}
