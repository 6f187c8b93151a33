package io.sextant.segment.filter;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.segment.filter.Condition.GeoBoundingBoxCondition;
import io.sextant.segment.filter.Condition.GeoPoint;
import io.sextant.segment.filter.Condition.GeoPolygonCondition;
import io.sextant.segment.filter.Condition.GeoRadiusCondition;
import io.sextant.segment.filter.Condition.RangeCondition;
import io.sextant.segment.payload.PayloadValues;
import java.util.List;

/**
 * Checks of one payload value against one field condition. A field condition holds for a point
 * when it holds for at least one of the values at its key ({@link
 * io.sextant.segment.payload.JsonPaths#values}); payload indexes answer with exactly these
 * semantics. Stateless and thread-safe.
 *
 * <p>Equality ({@code match value/any/except}): a string equals a string target, an integer
 * ({@link PayloadValues#asInteger}) equals an integer target, a bool equals a bool target;
 * nothing else is equal. {@code except}: a non-null value equal to none of the targets (so
 * {@code ["a","b"]} with except {@code ["a"]} matches through "b", a missing key or a null never
 * matches, as in Qdrant). {@code text}/{@code phrase} without a full-text index: the string
 * contains the query as a substring (Qdrant's rule; with an index every token must be present).
 */
public final class ValueMatchers {
    private ValueMatchers() {}

    /** Whether {@code v} equals the match target (String, Long/Integer/Short/Byte or Boolean). */
    public static boolean equalsTarget(JsonNode v, Object target) {
        return switch (target) {
            case String s -> v.isTextual() && v.textValue().equals(s);
            case Boolean b -> v.isBoolean() && v.booleanValue() == b;
            case Long l -> l.equals(PayloadValues.asInteger(v));
            case Integer i -> Long.valueOf(i).equals(PayloadValues.asInteger(v));
            case Short s -> Long.valueOf(s).equals(PayloadValues.asInteger(v));
            case Byte b -> Long.valueOf(b).equals(PayloadValues.asInteger(v));
            case null, default -> false;
        };
    }

    /** Normalizes a match target to String, Long or Boolean; other types become null (match nothing). */
    public static Object normalizeTarget(Object target) {
        return switch (target) {
            case String s -> s;
            case Boolean b -> b;
            case Long l -> l;
            case Integer i -> (long) i;
            case Short s -> (long) s;
            case Byte b -> (long) b;
            case null, default -> null;
        };
    }

    public static boolean matches(JsonNode v, Match match) {
        return switch (match) {
            case Match.Value m -> equalsTarget(v, m.value());
            case Match.Any m -> anyEquals(v, m.values());
            case Match.Except m -> !v.isNull() && !anyEquals(v, m.values());
            case Match.Text m -> v.isTextual() && v.textValue().contains(m.text());
            case Match.Phrase m -> v.isTextual() && v.textValue().contains(m.phrase());
            case Match.Prefix m -> v.isTextual() && v.textValue().startsWith(m.prefix());
            case Match.TextAny m ->
                v.isTextual()
                        && java.util.Arrays.stream(m.text().trim().split("\\s+"))
                                .anyMatch(w -> !w.isEmpty() && v.textValue().contains(w));
        };
    }

    private static boolean anyEquals(JsonNode v, List<Object> targets) {
        for (Object t : targets) {
            if (equalsTarget(v, t)) {
                return true;
            }
        }
        return false;
    }

    /** Range on numbers, or on RFC 3339 datetimes (epoch micros) when {@code r.datetime()}. */
    public static boolean inRange(JsonNode v, RangeCondition r) {
        double x;
        if (r.datetime()) {
            Long micros = PayloadValues.asDateTimeMicros(v);
            if (micros == null) {
                return false;
            }
            x = micros;
        } else {
            if (!v.isNumber()) {
                return false;
            }
            x = v.doubleValue();
        }
        return inRange(x, r);
    }

    /** Whether the number {@code x} satisfies the bounds of {@code r}. */
    public static boolean inRange(double x, RangeCondition r) {
        return (r.gt() == null || x > r.gt())
                && (r.gte() == null || x >= r.gte())
                && (r.lt() == null || x < r.lt())
                && (r.lte() == null || x <= r.lte());
    }

    public static boolean inBox(JsonNode v, GeoBoundingBoxCondition c) {
        GeoPoint p = PayloadValues.asGeoPoint(v);
        return p != null && inBox(p, c);
    }

    public static boolean inBox(GeoPoint p, GeoBoundingBoxCondition c) {
        return GeoMath.inBox(p, c.topLeft(), c.bottomRight());
    }

    public static boolean inRadius(JsonNode v, GeoRadiusCondition c) {
        GeoPoint p = PayloadValues.asGeoPoint(v);
        return p != null && inRadius(p, c);
    }

    public static boolean inRadius(GeoPoint p, GeoRadiusCondition c) {
        return GeoMath.inRadius(p, c.center(), c.radiusMeters());
    }

    public static boolean inPolygon(JsonNode v, GeoPolygonCondition c) {
        GeoPoint p = PayloadValues.asGeoPoint(v);
        return p != null && inPolygon(p, c);
    }

    public static boolean inPolygon(GeoPoint p, GeoPolygonCondition c) {
        return GeoMath.inPolygon(p, c.exterior(), c.interiors());
    }
}
