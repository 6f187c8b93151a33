package io.sextant.server.api.convert;

import static io.sextant.server.api.convert.JsonFields.child;
import static io.sextant.server.api.convert.JsonFields.describe;
import static io.sextant.server.api.convert.JsonFields.error;
import static io.sextant.server.api.convert.JsonFields.has;
import static io.sextant.server.api.convert.JsonFields.index;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.segment.PointId;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.Match;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses Qdrant's filter JSON ({@code Filter}, {@code Condition}, {@code FieldCondition}, {@code
 * Match}, ranges, geo shapes, {@code values_count}, {@code is_empty}, {@code is_null}, {@code
 * has_id}, {@code has_vector}, {@code nested}, {@code min_should}) into the {@link Filter} AST.
 * Datetime range bounds (RFC 3339, with or without offset, or a plain date) become epoch
 * microseconds UTC. Anything malformed is a 400 naming the path. Stateless and thread-safe.
 */
public final class FilterJson {

    private static final Set<String> FILTER_FIELDS = Set.of("must", "should", "must_not", "min_should");
    private static final Set<String> FIELD_CONDITION_FIELDS = Set.of(
            "key",
            "match",
            "range",
            "geo_bounding_box",
            "geo_radius",
            "geo_polygon",
            "values_count",
            "is_empty",
            "is_null");
    private static final Set<String> RANGE_FIELDS = Set.of("gt", "gte", "lt", "lte");

    private FilterJson() {}

    /** Parses an optional filter: null or JSON null gives null. */
    public static Filter parseOptional(JsonNode node, String path) {
        return node == null || node.isNull() ? null : parse(node, path);
    }

    public static Filter parse(JsonNode node, String path) {
        JsonFields.object(node, path);
        JsonFields.onlyFields(node, path, FILTER_FIELDS);
        Filter.MinShould minShould = null;
        if (has(node, "min_should")) {
            String p = child(path, "min_should");
            JsonNode ms = JsonFields.object(node.get("min_should"), p);
            JsonFields.onlyFields(ms, p, Set.of("conditions", "min_count"));
            if (!has(ms, "min_count")) {
                throw error(p, "missing field `min_count`");
            }
            List<Condition> conds =
                    conditions(JsonFields.array(ms.get("conditions"), child(p, "conditions")), child(p, "conditions"));
            minShould = new Filter.MinShould(conds, JsonFields.uint(ms.get("min_count"), child(p, "min_count")));
        }
        return new Filter(
                conditions(JsonFields.oneOrMany(node.get("must")), child(path, "must")),
                conditions(JsonFields.oneOrMany(node.get("should")), child(path, "should")),
                conditions(JsonFields.oneOrMany(node.get("must_not")), child(path, "must_not")),
                minShould);
    }

    private static List<Condition> conditions(List<JsonNode> nodes, String path) {
        List<Condition> out = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            out.add(condition(nodes.get(i), index(path, i)));
        }
        return out;
    }

    static Condition condition(JsonNode node, String path) {
        JsonFields.object(node, path);
        if (node.has("key")) {
            return fieldCondition(node, path);
        }
        if (node.has("is_empty")) {
            return new Condition.IsEmptyCondition(payloadField(node, "is_empty", path));
        }
        if (node.has("is_null")) {
            return new Condition.IsNullCondition(payloadField(node, "is_null", path));
        }
        if (node.has("has_id")) {
            JsonFields.onlyFields(node, path, Set.of("has_id"));
            return new Condition.HasIdCondition(
                    new LinkedHashSet<PointId>(PointIdJson.parseList(node.get("has_id"), child(path, "has_id"))));
        }
        if (node.has("slice")) {
            JsonFields.onlyFields(node, path, Set.of("slice"));
            String p = child(path, "slice");
            JsonNode s = JsonFields.object(node.get("slice"), p);
            JsonFields.onlyFields(s, p, Set.of("total", "index"));
            if (!s.has("total") || !s.has("index")) {
                throw JsonFields.error(p, "expected fields `total` and `index`");
            }
            int total = JsonFields.uint(s.get("total"), child(p, "total"));
            int index = JsonFields.uint(s.get("index"), child(p, "index"));
            if (total == 0) {
                throw JsonFields.error(child(p, "total"), "invalid value: integer `0`, expected a nonzero u32");
            }
            if (index >= total) {
                throw new ValidationError(child(p, "index"), "must be less than total (" + total + "), got " + index);
            }
            return new Condition.SliceCondition(total, index);
        }
        if (node.has("has_vector")) {
            JsonFields.onlyFields(node, path, Set.of("has_vector"));
            return new Condition.HasVectorCondition(JsonFields.requiredString(node, "has_vector", path));
        }
        if (node.has("nested")) {
            JsonFields.onlyFields(node, path, Set.of("nested"));
            String p = child(path, "nested");
            JsonNode nested = JsonFields.object(node.get("nested"), p);
            JsonFields.onlyFields(nested, p, Set.of("key", "filter"));
            String key = JsonFields.requiredString(nested, "key", p);
            if (!has(nested, "filter")) {
                throw error(p, "missing field `filter`");
            }
            return new Condition.NestedCondition(key, parse(nested.get("filter"), child(p, "filter")));
        }
        if (node.has("slice")) {
            throw error(path, "the `slice` condition is not supported");
        }
        Set<String> names = new LinkedHashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        if (!FILTER_FIELDS.containsAll(names)) {
            throw error(
                    path,
                    "unknown condition " + describe(node) + ": expected a field condition (with `key`), is_empty,"
                            + " is_null, has_id, has_vector, nested or a nested filter (must/should/must_not/min_should)");
        }
        return new Condition.FilterCondition(parse(node, path));
    }

    private static String payloadField(JsonNode node, String name, String path) {
        JsonFields.onlyFields(node, path, Set.of(name));
        String p = child(path, name);
        JsonNode inner = JsonFields.object(node.get(name), p);
        JsonFields.onlyFields(inner, p, Set.of("key"));
        return JsonFields.requiredString(inner, "key", p);
    }

    private static Condition fieldCondition(JsonNode node, String path) {
        JsonFields.onlyFields(node, path, FIELD_CONDITION_FIELDS);
        String key = JsonFields.requiredString(node, "key", path);
        if (key.isEmpty()) {
            throw error(child(path, "key"), "payload key must not be empty");
        }
        List<Condition> parts = new ArrayList<>();
        if (has(node, "match")) {
            parts.add(new Condition.MatchCondition(key, match(node.get("match"), child(path, "match"))));
        }
        if (has(node, "range")) {
            parts.add(range(key, node.get("range"), child(path, "range")));
        }
        if (has(node, "geo_bounding_box")) {
            String p = child(path, "geo_bounding_box");
            JsonNode box = JsonFields.object(node.get("geo_bounding_box"), p);
            JsonFields.onlyFields(box, p, Set.of("top_left", "bottom_right"));
            parts.add(new Condition.GeoBoundingBoxCondition(
                    key,
                    geoPoint(box.get("top_left"), child(p, "top_left")),
                    geoPoint(box.get("bottom_right"), child(p, "bottom_right"))));
        }
        if (has(node, "geo_radius")) {
            String p = child(path, "geo_radius");
            JsonNode radius = JsonFields.object(node.get("geo_radius"), p);
            JsonFields.onlyFields(radius, p, Set.of("center", "radius"));
            double r = JsonFields.finite(radius.get("radius"), child(p, "radius"));
            if (r < 0) {
                throw error(child(p, "radius"), "radius must be >= 0 meters, got " + r);
            }
            parts.add(new Condition.GeoRadiusCondition(key, geoPoint(radius.get("center"), child(p, "center")), r));
        }
        if (has(node, "geo_polygon")) {
            parts.add(geoPolygon(key, node.get("geo_polygon"), child(path, "geo_polygon")));
        }
        if (has(node, "values_count")) {
            String p = child(path, "values_count");
            JsonNode vc = JsonFields.object(node.get("values_count"), p);
            JsonFields.onlyFields(vc, p, RANGE_FIELDS);
            parts.add(new Condition.ValuesCountCondition(
                    key,
                    JsonFields.optUlong(vc, "gt", p),
                    JsonFields.optUlong(vc, "gte", p),
                    JsonFields.optUlong(vc, "lt", p),
                    JsonFields.optUlong(vc, "lte", p)));
        }
        Boolean isEmpty = JsonFields.optBool(node, "is_empty", path);
        if (isEmpty != null) {
            Condition c = new Condition.IsEmptyCondition(key);
            parts.add(isEmpty ? c : negate(c));
        }
        Boolean isNull = JsonFields.optBool(node, "is_null", path);
        if (isNull != null) {
            Condition c = new Condition.IsNullCondition(key);
            parts.add(isNull ? c : negate(c));
        }
        if (parts.isEmpty()) { // Qdrant's validator: a 422 naming the condition
            throw UserException.unprocessable("Validation error in JSON body: [" + path
                    + ": At least one field condition must be specified] (field condition on `" + key
                    + "` needs one of match, range, geo_bounding_box, geo_radius, geo_polygon, values_count,"
                    + " is_empty, is_null)");
        }
        return parts.size() == 1
                ? parts.getFirst()
                : new Condition.FilterCondition(new Filter(parts, null, null, null));
    }

    private static Condition negate(Condition c) {
        return new Condition.FilterCondition(new Filter(null, null, List.of(c), null));
    }

    static Match match(JsonNode node, String path) {
        JsonFields.object(node, path);
        if (node.size() != 1) {
            throw error(
                    path,
                    "match must have exactly one of value, any, except, text, phrase, prefix, got " + describe(node));
        }
        String kind = node.fieldNames().next();
        JsonNode v = node.get(kind);
        String p = child(path, kind);
        return switch (kind) {
            case "value" -> new Match.Value(scalar(v, p));
            case "any" -> new Match.Any(anyVariants(v, p));
            case "except" -> new Match.Except(anyVariants(v, p));
            case "text" -> new Match.Text(textOf(v, p));
            case "phrase" -> new Match.Phrase(textOf(v, p));
            case "prefix" -> new Match.Prefix(textOf(v, p));
            case "text_any" -> new Match.TextAny(textOf(v, p));
            default ->
                throw error(
                        path, "unknown match `" + kind + "`, expected one of value, any, except, text, phrase, prefix");
        };
    }

    private static String textOf(JsonNode v, String path) {
        if (!v.isTextual()) {
            throw error(path, "expected a string, got " + describe(v));
        }
        return v.textValue();
    }

    private static Object scalar(JsonNode v, String path) {
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        throw error(path, "match value must be a string, a 64-bit integer or a boolean, got " + describe(v));
    }

    private static List<Object> anyVariants(JsonNode v, String path) {
        List<JsonNode> items = JsonFields.array(v, path);
        List<Object> out = new ArrayList<>(items.size());
        boolean strings = !items.isEmpty() && items.getFirst().isTextual();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (strings && item.isTextual()) {
                out.add(item.textValue());
            } else if (!strings && item.isIntegralNumber() && item.canConvertToLong()) {
                out.add(item.longValue());
            } else {
                throw error(index(path, i), "values must be all strings or all 64-bit integers, got " + describe(item));
            }
        }
        return out;
    }

    private static Condition range(String key, JsonNode node, String path) {
        JsonFields.object(node, path);
        JsonFields.onlyFields(node, path, RANGE_FIELDS);
        boolean anyString = false;
        boolean anyNumber = false;
        for (String f : RANGE_FIELDS) {
            JsonNode v = node.get(f);
            if (v != null && !v.isNull()) {
                anyString |= v.isTextual();
                anyNumber |= !v.isTextual();
            }
        }
        if (anyString && anyNumber) {
            throw error(path, "range bounds must be all numbers or all datetimes, got " + describe(node));
        }
        if (anyString) {
            return new Condition.RangeCondition(
                    key,
                    datetimeBound(node, "gt", path),
                    datetimeBound(node, "gte", path),
                    datetimeBound(node, "lt", path),
                    datetimeBound(node, "lte", path),
                    true);
        }
        return new Condition.RangeCondition(
                key,
                JsonFields.optDouble(node, "gt", path),
                JsonFields.optDouble(node, "gte", path),
                JsonFields.optDouble(node, "lt", path),
                JsonFields.optDouble(node, "lte", path),
                false);
    }

    private static Double datetimeBound(JsonNode node, String field, String path) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        return (double) parseDatetimeMicros(v.textValue(), child(path, field));
    }

    /**
     * Parses an RFC 3339 datetime ({@code 2023-02-08T10:49:00Z}, {@code +01:00} offsets, a space
     * instead of {@code T}, no offset meaning UTC, or a plain date) into epoch microseconds UTC.
     */
    public static long parseDatetimeMicros(String text, String path) {
        String t = text.trim().replace(' ', 'T');
        try {
            return micros(OffsetDateTime.parse(t));
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return micros(LocalDateTime.parse(t).atOffset(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return micros(LocalDate.parse(t).atStartOfDay().atOffset(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            throw error(path, "\"" + text + "\" is not an RFC 3339 datetime (e.g. 2023-02-08T10:49:00Z)");
        }
    }

    private static long micros(OffsetDateTime t) {
        return ChronoUnit.MICROS.between(OffsetDateTime.ofInstant(java.time.Instant.EPOCH, ZoneOffset.UTC), t);
    }

    static Condition.GeoPoint geoPoint(JsonNode node, String path) {
        JsonFields.object(node, path);
        JsonFields.onlyFields(node, path, Set.of("lon", "lat"));
        double lon = JsonFields.finite(node.get("lon"), child(path, "lon"));
        double lat = JsonFields.finite(node.get("lat"), child(path, "lat"));
        try {
            return new Condition.GeoPoint(lon, lat);
        } catch (IllegalArgumentException e) {
            throw error(path, e.getMessage());
        }
    }

    private static Condition geoPolygon(String key, JsonNode node, String path) {
        JsonFields.object(node, path);
        JsonFields.onlyFields(node, path, Set.of("exterior", "interiors"));
        List<Condition.GeoPoint> exterior = lineString(node.get("exterior"), child(path, "exterior"));
        List<List<Condition.GeoPoint>> interiors = new ArrayList<>();
        if (has(node, "interiors")) {
            List<JsonNode> rings = JsonFields.array(node.get("interiors"), child(path, "interiors"));
            for (int i = 0; i < rings.size(); i++) {
                interiors.add(lineString(rings.get(i), index(child(path, "interiors"), i)));
            }
        }
        return new Condition.GeoPolygonCondition(key, exterior, interiors);
    }

    private static List<Condition.GeoPoint> lineString(JsonNode node, String path) {
        JsonFields.object(node, path);
        JsonFields.onlyFields(node, path, Set.of("points"));
        List<JsonNode> pts = JsonFields.array(node.get("points"), child(path, "points"));
        List<Condition.GeoPoint> out = new ArrayList<>(pts.size());
        for (int i = 0; i < pts.size(); i++) {
            out.add(geoPoint(pts.get(i), index(child(path, "points"), i)));
        }
        if (out.size() < 4) {
            throw error(path, "a polygon ring needs at least 4 points, got " + out.size());
        }
        if (!out.getFirst().equals(out.getLast())) {
            throw error(
                    path,
                    "a polygon ring must be closed: first point " + out.getFirst() + " != last point " + out.getLast());
        }
        return out;
    }
}
