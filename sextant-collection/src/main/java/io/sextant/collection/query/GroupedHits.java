package io.sextant.collection.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import io.sextant.segment.PointId;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.ScoredPoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Groups ranked hits by a payload key for {@code query/groups} and fetches each group's {@code
 * with_lookup} record, as Qdrant does: a hit joins one group per distinct string or integer value
 * under the key (other values are ignored), groups are opened in hit order up to {@code limit},
 * each keeps its first {@code group_size} hits; a group id that is no valid point id has no lookup
 * record. {@link QueryEngine#queryGroups} drives the fetch loop.
 */
final class GroupedHits {
    private GroupedHits() {}

    static Map<JsonNode, List<ScoredPoint>> group(List<ScoredPoint> hits, QueryGroupsRequest g) {
        Map<JsonNode, List<ScoredPoint>> groups = new LinkedHashMap<>();
        for (ScoredPoint h : hits) {
            Set<JsonNode> keys = new LinkedHashSet<>();
            for (JsonNode v : PayloadValues.values(h.payload(), g.groupBy())) {
                if (v.isTextual()) {
                    keys.add(v);
                } else if (v.isIntegralNumber()) {
                    keys.add(LongNode.valueOf(v.asLong()));
                }
            }
            ScoredPoint bare = new ScoredPoint(h.id(), h.version(), h.score(), null, null, null);
            for (JsonNode k : keys) {
                List<ScoredPoint> list = groups.get(k);
                if (list == null) {
                    if (groups.size() >= g.limit()) {
                        continue;
                    }
                    list = new ArrayList<>();
                    groups.put(k, list);
                }
                if (list.size() < g.groupSize()) {
                    list.add(bare);
                }
            }
        }
        return groups;
    }

    static Map<JsonNode, PointRecord> lookups(
            QueryTarget target, Set<JsonNode> groupIds, QueryGroupsRequest.WithLookup lookup) {
        Map<JsonNode, PointRecord> out = new HashMap<>();
        if (groupIds.isEmpty()) {
            return out;
        }
        Map<PointId, JsonNode> byPoint = new LinkedHashMap<>();
        for (JsonNode id : groupIds) {
            try {
                PointId pid = id.isIntegralNumber() ? PointId.of(id.asLong()) : PointId.parse(id.asText());
                byPoint.put(pid, id);
            } catch (IllegalArgumentException e) {
                // a group id that is no valid point id has no lookup record
            }
        }
        for (PointRecord r :
                target.retrieve(List.copyOf(byPoint.keySet()), lookup.withPayload(), lookup.withVector())) {
            out.put(byPoint.get(r.id()), r);
        }
        return out;
    }
}
