package io.sextant.server.api.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.collection.matrix.DistanceMatrix;
import io.sextant.collection.matrix.MatrixRequest;
import io.sextant.segment.PointId;
import io.sextant.segment.query.ScoredPoint;
import java.util.Set;

/**
 * {@code POST /points/search/matrix/pairs} and {@code …/offsets}: the request ({@code sample},
 * {@code limit}, {@code filter}, {@code using}) and the two result forms. Stateless and
 * thread-safe.
 */
public final class MatrixJson {
    private MatrixJson() {}

    public static MatrixRequest parse(JsonNode body) {
        JsonFields.object(body, "");
        JsonFields.onlyFields(body, "", Set.of("sample", "limit", "filter", "using", "shard_key"));
        Integer sample = JsonFields.optUint(body, "sample", "");
        Integer limit = JsonFields.optUint(body, "limit", "");
        return new MatrixRequest(
                sample == null ? MatrixRequest.DEFAULT_SAMPLE : sample,
                limit == null ? MatrixRequest.DEFAULT_LIMIT : limit,
                FilterJson.parseOptional(body.get("filter"), "filter"),
                JsonFields.optString(body, "using", ""));
    }

    /** {@code {"pairs":[{"a":id,"b":id,"score":s}]}}, row by row. */
    public static ObjectNode pairs(DistanceMatrix m) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode pairs = out.putArray("pairs");
        for (int row = 0; row < m.ids().size(); row++) {
            for (ScoredPoint p : m.nearest().get(row)) {
                ObjectNode o = pairs.addObject();
                o.set("a", PointIdJson.write(m.ids().get(row)));
                o.set("b", PointIdJson.write(p.id()));
                o.put("score", p.score());
            }
        }
        return out;
    }

    /** {@code {"offsets_row":[…],"offsets_col":[…],"scores":[…],"ids":[…]}}. */
    public static ObjectNode offsets(DistanceMatrix m) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode rows = out.putArray("offsets_row");
        ArrayNode cols = out.putArray("offsets_col");
        ArrayNode scores = out.putArray("scores");
        for (DistanceMatrix.Cell c : m.cells()) {
            rows.add(c.row());
            cols.add(c.col());
            scores.add(c.score());
        }
        ArrayNode ids = out.putArray("ids");
        for (PointId id : m.ids()) {
            ids.add(PointIdJson.write(id));
        }
        return out;
    }
}
