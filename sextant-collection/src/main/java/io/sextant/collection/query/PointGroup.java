package io.sextant.collection.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.ScoredPoint;
import java.util.List;

/**
 * One group of a grouped query: its id (the payload value: a textual or integral {@link JsonNode}),
 * its hits best first, and the looked-up record (null when no lookup was asked or found). Immutable.
 */
public record PointGroup(JsonNode id, List<ScoredPoint> hits, PointRecord lookup) {}
