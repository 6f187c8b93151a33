package io.sextant.segment.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Condition.FilterCondition;
import io.sextant.segment.filter.Condition.GeoBoundingBoxCondition;
import io.sextant.segment.filter.Condition.GeoPolygonCondition;
import io.sextant.segment.filter.Condition.GeoRadiusCondition;
import io.sextant.segment.filter.Condition.HasIdCondition;
import io.sextant.segment.filter.Condition.HasVectorCondition;
import io.sextant.segment.filter.Condition.IsEmptyCondition;
import io.sextant.segment.filter.Condition.IsNullCondition;
import io.sextant.segment.filter.Condition.MatchCondition;
import io.sextant.segment.filter.Condition.NestedCondition;
import io.sextant.segment.filter.Condition.RangeCondition;
import io.sextant.segment.filter.Condition.SliceCondition;
import io.sextant.segment.filter.Condition.ValuesCountCondition;
import io.sextant.segment.payload.JsonPaths;
import java.util.List;
import java.util.function.Predicate;

/**
 * Evaluates a {@link Filter} on one point by reading its payload, following Qdrant's semantics:
 *
 * <ul>
 *   <li>{@code must}: all hold; {@code should}: at least one holds (ignored when empty); {@code
 *       must_not}: none holds; {@code min_should}: at least {@code min_count} hold (ignored when its
 *       list is empty). An empty filter matches every point.
 *   <li>field conditions ({@code match}, {@code range}, {@code geo_*}): hold when some value at the
 *       key satisfies them ({@link ValueMatchers}); a missing key satisfies none of them.
 *   <li>{@code values_count}: the number of non-null values at the key (arrays flattened once).
 *   <li>{@code is_empty}: the key is missing, or every node at it is null or {@code []}.
 *   <li>{@code is_null}: some value at the key is null (also {@code [null]}).
 *   <li>{@code nested}: some object element of the array at the key satisfies the inner filter
 *       as a whole, keys relative to the element; {@code has_id} inside is a bad request.
 * </ul>
 *
 * Stateless and thread-safe.
 */
public final class FilterEvaluator {
    private FilterEvaluator() {}

    /** Whether {@code point} satisfies {@code filter}. */
    public static boolean matches(Filter filter, PointView point) {
        return matches(filter, point, point.payload(), false);
    }

    /** Whether {@code point} satisfies the single {@code condition}. */
    public static boolean check(Condition condition, PointView point) {
        return check(condition, point, point.payload(), false);
    }

    private static boolean matches(Filter f, PointView p, ObjectNode payload, boolean nested) {
        Predicate<Condition> holds = c -> check(c, p, payload, nested);
        for (Condition c : f.must()) {
            if (!holds.test(c)) {
                return false;
            }
        }
        for (Condition c : f.mustNot()) {
            if (holds.test(c)) {
                return false;
            }
        }
        if (!f.should().isEmpty() && f.should().stream().noneMatch(holds)) {
            return false;
        }
        Filter.MinShould ms = f.minShould();
        if (ms != null && !ms.conditions().isEmpty()) {
            int count = 0;
            for (Condition c : ms.conditions()) {
                if (count >= ms.minCount()) {
                    break;
                }
                if (holds.test(c)) {
                    count++;
                }
            }
            return count >= ms.minCount();
        }
        return true;
    }

    private static boolean check(Condition c, PointView p, ObjectNode payload, boolean nested) {
        return switch (c) {
            case MatchCondition m -> anyValue(payload, m.key(), v -> ValueMatchers.matches(v, m.match()));
            case RangeCondition r -> anyValue(payload, r.key(), v -> ValueMatchers.inRange(v, r));
            case GeoBoundingBoxCondition g -> anyValue(payload, g.key(), v -> ValueMatchers.inBox(v, g));
            case GeoRadiusCondition g -> anyValue(payload, g.key(), v -> ValueMatchers.inRadius(v, g));
            case GeoPolygonCondition g -> anyValue(payload, g.key(), v -> ValueMatchers.inPolygon(v, g));
            case ValuesCountCondition vc -> countInRange(valuesCount(payload, vc.key()), vc);
            case IsEmptyCondition e -> isEmpty(payload, e.key());
            case IsNullCondition n -> anyValue(payload, n.key(), JsonNode::isNull);
            case HasIdCondition h -> {
                if (nested) {
                    throw hasIdInNested();
                }
                yield h.ids().contains(p.id());
            }
            case SliceCondition s -> {
                if (nested) {
                    throw hasIdInNested();
                }
                yield s.contains(p.id());
            }
            case HasVectorCondition hv -> p.hasVector(hv.vectorName());
            case NestedCondition n -> {
                validateNested(n.filter());
                boolean found = false;
                for (JsonNode element : JsonPaths.values(payload, n.key())) {
                    if (element.isObject() && matches(n.filter(), p, (ObjectNode) element, true)) {
                        found = true;
                        break;
                    }
                }
                yield found;
            }
            case FilterCondition fc -> matches(fc.filter(), p, payload, nested);
        };
    }

    private static boolean anyValue(ObjectNode payload, String key, Predicate<JsonNode> test) {
        for (JsonNode v : JsonPaths.values(payload, key)) {
            if (test.test(v)) {
                return true;
            }
        }
        return false;
    }

    /** Number of non-null values at {@code key}, arrays flattened once. */
    public static long valuesCount(ObjectNode payload, String key) {
        long n = 0;
        for (JsonNode v : JsonPaths.values(payload, key)) {
            if (!v.isNull()) {
                n++;
            }
        }
        return n;
    }

    /** Whether {@code count} satisfies the bounds of {@code c}. */
    public static boolean countInRange(long count, ValuesCountCondition c) {
        return (c.gt() == null || count > c.gt())
                && (c.gte() == null || count >= c.gte())
                && (c.lt() == null || count < c.lt())
                && (c.lte() == null || count <= c.lte());
    }

    private static boolean isEmpty(ObjectNode payload, String key) {
        for (JsonNode v : JsonPaths.rawValues(payload, key)) {
            if (!v.isNull() && !(v.isArray() && v.isEmpty())) {
                return false;
            }
        }
        return true;
    }

    /** Rejects {@code has_id} anywhere inside a nested filter. */
    public static void validateNested(Filter f) {
        visit(f.must());
        visit(f.should());
        visit(f.mustNot());
        if (f.minShould() != null) {
            visit(f.minShould().conditions());
        }
    }

    private static void visit(List<Condition> conditions) {
        for (Condition c : conditions) {
            switch (c) {
                case HasIdCondition h -> throw hasIdInNested();
                case SliceCondition s -> throw hasIdInNested();
                case FilterCondition fc -> validateNested(fc.filter());
                case NestedCondition n -> validateNested(n.filter());
                default -> {}
            }
        }
    }

    private static UserException hasIdInNested() {
        return UserException.badRequest(
                "has_id and slice are not allowed inside a nested filter; put them in the outer filter");
    }
}
