package io.sextant.collection.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.payload.JsonPaths;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Reads values out of a payload by a Qdrant key path, for grouping and ordering. Arrays at the
 * end of the path contribute each element.
 * Stateless and thread-safe.
 */
public final class PayloadValues {
    private PayloadValues() {}

    /** All values at a Qdrant key path, terminal arrays flattened (see {@link JsonPaths#values}). */
    public static List<JsonNode> values(ObjectNode payload, String path) {
        return JsonPaths.values(payload, path);
    }

    /**
     * The value used to order a point by {@code key}: the smallest numeric (or RFC 3339 datetime,
     * as epoch micros) value ascending, the largest descending; points without one sort last.
     */
    public static double orderValue(ObjectNode payload, String key, boolean descending) {
        double best = descending ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        boolean any = false;
        for (JsonNode v : values(payload, key)) {
            Double d = numeric(v);
            if (d == null) {
                continue;
            }
            any = true;
            best = descending ? Math.max(best, d) : Math.min(best, d);
        }
        return any ? best : (descending ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
    }

    /** A numeric value, or an RFC 3339 datetime as epoch microseconds; null for anything else. */
    public static Double numeric(JsonNode v) {
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isTextual()) {
            try {
                OffsetDateTime t = OffsetDateTime.parse(v.asText());
                return t.toEpochSecond() * 1_000_000.0 + t.getNano() / 1000;
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }
}
