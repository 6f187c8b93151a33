package io.sextant.segment.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import java.util.Map;

/**
 * A search hit. {@code version} is the WAL sequence number of the point's last update. {@code
 * payload} and {@code vectors} are null when not requested. Treat as immutable.
 */
public record ScoredPoint(PointId id, long version, float score, ObjectNode payload, Map<String, float[]> vectors) {}
