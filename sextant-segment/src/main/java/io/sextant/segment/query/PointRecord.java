package io.sextant.segment.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import java.util.Map;

/**
 * A stored point as returned by retrieve and scroll. {@code payload} and {@code vectors} are null
 * when not requested. Vector name "" is the unnamed default vector. Treat as immutable.
 */
public record PointRecord(PointId id, ObjectNode payload, Map<String, float[]> vectors) {}
