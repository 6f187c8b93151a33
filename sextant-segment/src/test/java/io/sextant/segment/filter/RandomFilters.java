package io.sextant.segment.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.filter.Condition.GeoPoint;
import io.sextant.segment.payload.PayloadValues;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Seeded generator of small random payloads and filters over a tiny value domain, so that
 * conditions hit often. Keys: a, b, c (mixed scalars/arrays), d (datetimes), g (geo), u (uuids), n
 * (array of objects for nested). Not thread-safe.
 */
public final class RandomFilters {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    static final String[] KEYS = {"a", "b", "c"};
    static final String[] DATES = {
        "2024-01-01T00:00:00Z", "2024-01-01T01:00:00+01:00", "2024-03-05", "2025-07-01 12:00:00"
    };
    static final String[] UUIDS = {"0b7f6f5e-6d3c-4c51-9a0e-2f2b3c4d5e6f", "7c9e6679-7425-40de-944b-e07fc1f90ae7"};
    private final Random r;
    private final boolean extended;

    /** {@code extended} adds datetime, geo and uuid keys and conditions. */
    public RandomFilters(long seed, boolean extended) {
        this.r = new Random(seed);
        this.extended = extended;
    }

    public Random random() {
        return r;
    }

    JsonNode scalar() {
        return switch (r.nextInt(7)) {
            case 0, 1 -> F.numberNode((long) r.nextInt(5));
            case 2 -> F.numberNode(r.nextInt(9) / 2.0);
            case 3, 4 -> F.textNode("s" + r.nextInt(4));
            case 5 -> F.booleanNode(r.nextBoolean());
            default -> F.nullNode();
        };
    }

    JsonNode value() {
        int k = r.nextInt(10);
        if (k < 6) {
            return scalar();
        }
        if (k < 9) {
            ArrayNode a = F.arrayNode();
            int n = r.nextInt(4);
            for (int i = 0; i < n; i++) {
                a.add(scalar());
            }
            return a;
        }
        return F.objectNode().set("x", scalar());
    }

    public ObjectNode payload() {
        if (r.nextInt(15) == 0) {
            return null;
        }
        ObjectNode p = F.objectNode();
        for (String key : KEYS) {
            if (r.nextInt(4) > 0) {
                p.set(key, value());
            }
        }
        if (r.nextBoolean()) {
            ArrayNode n = p.putArray("n");
            int len = r.nextInt(3);
            for (int i = 0; i < len; i++) {
                ObjectNode e = n.addObject();
                e.set("x", scalar());
                if (r.nextBoolean()) {
                    e.set("y", scalar());
                }
            }
        }
        if (extended) {
            if (r.nextInt(3) > 0) {
                p.set("d", r.nextInt(8) == 0 ? scalar() : F.textNode(DATES[r.nextInt(DATES.length)]));
            }
            if (r.nextInt(3) > 0) {
                p.set("g", r.nextInt(8) == 0 ? scalar() : geo());
            }
            if (r.nextInt(3) > 0) {
                p.set("u", r.nextInt(8) == 0 ? scalar() : F.textNode(UUIDS[r.nextInt(UUIDS.length)]));
            }
        }
        return p;
    }

    private JsonNode geo() {
        if (r.nextInt(4) == 0) {
            return F.arrayNode().add(geoPoint()).add(geoPoint());
        }
        return geoPoint();
    }

    private ObjectNode geoPoint() {
        return F.objectNode().put("lon", r.nextInt(21) - 10).put("lat", r.nextInt(21) - 10);
    }

    Object target() {
        return switch (r.nextInt(4)) {
            case 0, 1 -> (long) r.nextInt(5);
            case 2 -> "s" + r.nextInt(4);
            default -> r.nextBoolean();
        };
    }

    List<Object> targets() {
        List<Object> out = new ArrayList<>();
        int n = r.nextInt(3);
        boolean strings = r.nextBoolean();
        for (int i = 0; i < n; i++) {
            out.add(strings ? "s" + r.nextInt(4) : (Object) (long) r.nextInt(5));
        }
        return out;
    }

    Double bound() {
        return r.nextInt(3) == 0 ? null : r.nextInt(11) / 2.0 - 0.5;
    }

    public Condition condition(String[] keys, int depth, boolean inNested) {
        String key = keys[r.nextInt(keys.length)];
        int kinds = extended ? 15 : 12;
        return switch (r.nextInt(kinds)) {
            case 0, 1 -> new Condition.MatchCondition(key, new Match.Value(target()));
            case 2 -> new Condition.MatchCondition(key, new Match.Any(targets()));
            case 3 -> new Condition.MatchCondition(key, new Match.Except(targets()));
            case 4, 5 -> new Condition.RangeCondition(key, bound(), bound(), bound(), bound(), false);
            case 6 ->
                new Condition.ValuesCountCondition(
                        key, null, (long) r.nextInt(3), r.nextBoolean() ? null : (long) r.nextInt(4), null);
            case 7 -> new Condition.IsEmptyCondition(key);
            case 8 -> new Condition.IsNullCondition(key);
            case 9 ->
                inNested
                        ? new Condition.IsEmptyCondition(key)
                        : new Condition.HasIdCondition(
                                new HashSet<>(List.of(PointId.of(r.nextInt(10)), PointId.of(r.nextInt(10)))));
            case 10 ->
                depth > 1 || inNested
                        ? new Condition.IsNullCondition(key)
                        : new Condition.NestedCondition("n", filter(new String[] {"x", "y"}, depth + 1, true));
            case 11 ->
                depth > 1
                        ? new Condition.IsEmptyCondition(key)
                        : new Condition.FilterCondition(filter(keys, depth + 1, inNested));
            case 12 -> datetimeRange();
            case 13 -> geoCondition();
            default -> new Condition.MatchCondition("u", new Match.Value(r.nextBoolean() ? UUIDS[0] : "s1"));
        };
    }

    private Condition datetimeRange() {
        Double lo = r.nextBoolean() ? null : (double) PayloadValues.parseDateTimeMicros(DATES[r.nextInt(DATES.length)]);
        Double hi = r.nextBoolean() ? null : (double) PayloadValues.parseDateTimeMicros(DATES[r.nextInt(DATES.length)]);
        return r.nextBoolean()
                ? new Condition.RangeCondition("d", null, lo, hi, null, true)
                : new Condition.RangeCondition("d", lo, null, null, hi, true);
    }

    private Condition geoCondition() {
        GeoPoint c = new GeoPoint(r.nextInt(21) - 10, r.nextInt(21) - 10);
        return switch (r.nextInt(3)) {
            case 0 -> new Condition.GeoRadiusCondition("g", c, r.nextInt(1_000_000));
            case 1 ->
                new Condition.GeoBoundingBoxCondition(
                        "g", new GeoPoint(c.lon() - 3, c.lat() + 3), new GeoPoint(c.lon() + 3, c.lat() - 3));
            default ->
                new Condition.GeoPolygonCondition(
                        "g",
                        List.of(
                                new GeoPoint(c.lon() - 4, c.lat() - 4),
                                new GeoPoint(c.lon() + 4, c.lat() - 4),
                                new GeoPoint(c.lon(), c.lat() + 4)),
                        List.of());
        };
    }

    private List<Condition> conditions(String[] keys, int depth, boolean inNested, int max) {
        List<Condition> out = new ArrayList<>();
        int n = r.nextInt(max + 1);
        for (int i = 0; i < n; i++) {
            out.add(condition(keys, depth, inNested));
        }
        return out;
    }

    public Filter filter(String[] keys, int depth, boolean inNested) {
        Filter.MinShould ms =
                r.nextInt(4) == 0 ? new Filter.MinShould(conditions(keys, depth, inNested, 3), r.nextInt(3)) : null;
        return new Filter(
                conditions(keys, depth, inNested, 3),
                conditions(keys, depth, inNested, 2),
                conditions(keys, depth, inNested, 2),
                ms);
    }

    /** A top-level filter over all generated keys. */
    public Filter filter() {
        return filter(extended ? new String[] {"a", "b", "c", "d", "g", "u"} : KEYS, 0, false);
    }

    /** Random distinct ids 0..count-1 shuffled into points. */
    public static Set<Integer> none() {
        return new HashSet<>();
    }
}
