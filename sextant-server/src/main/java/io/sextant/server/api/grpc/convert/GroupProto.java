package io.sextant.server.api.grpc.convert;

import com.fasterxml.jackson.databind.JsonNode;
import io.qdrant.client.grpc.Points;
import io.sextant.collection.query.PointGroup;
import java.util.List;

/**
 * Grouped results to the gRPC wire: group ids (payload values: non-negative integers as {@code
 * unsigned_value}, negative ones as {@code integer_value}, strings as {@code string_value}), hits
 * and looked-up records. Stateless and thread-safe.
 */
public final class GroupProto {

    private GroupProto() {}

    public static Points.GroupsResult groups(List<PointGroup> groups) {
        Points.GroupsResult.Builder b = Points.GroupsResult.newBuilder();
        for (PointGroup g : groups) {
            Points.PointGroup.Builder pg =
                    Points.PointGroup.newBuilder().setId(groupId(g.id())).addAllHits(PointProto.scoredAll(g.hits()));
            if (g.lookup() != null) {
                pg.setLookup(PointProto.retrieved(g.lookup()));
            }
            b.addGroups(pg);
        }
        return b.build();
    }

    static Points.GroupId groupId(JsonNode id) {
        Points.GroupId.Builder b = Points.GroupId.newBuilder();
        if (id.isIntegralNumber()) {
            long v = id.asLong();
            return (v >= 0 ? b.setUnsignedValue(v) : b.setIntegerValue(v)).build();
        }
        return b.setStringValue(id.asText()).build();
    }
}
