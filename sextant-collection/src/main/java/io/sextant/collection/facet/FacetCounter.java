package io.sextant.collection.facet;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.collection.query.ScrollAll;
import io.sextant.segment.error.UserException;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.payload.JsonPaths;
import io.sextant.segment.payload.PayloadValues;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.shard.ScrollPage;
import io.sextant.shard.ScrollRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Counts facet values by scrolling the matching points (only the faceted key's payload is read)
 * and taking each point's distinct values of the index's type, as the field index holds them:
 * strings for keyword, integers for integer, UUID strings for uuid, booleans for bool; other
 * values are not counted. Hits are ordered as Qdrant's: count descending, then value ascending
 * (uuids by their 128-bit value, false before true).
 *
 * <p>Cost: one pass over the matching points' payload at the key. Stateless and thread-safe.
 */
public final class FacetCounter {
    private FacetCounter() {}

    /**
     * @param type the index type of {@code request.key()}; null when the key has no index
     * @param scroll a merged scroll over the collection
     */
    public static List<FacetHit> count(
            FacetRequest request, PayloadSchemaType type, Function<ScrollRequest, ScrollPage> scroll) {
        if (type == null
                || !(type == PayloadSchemaType.KEYWORD
                        || type == PayloadSchemaType.INTEGER
                        || type == PayloadSchemaType.UUID
                        || type == PayloadSchemaType.BOOL)) {
            throw UserException.badRequest("Bad request: No appropriate index for faceting: `" + request.key()
                    + "`. Please create one to facet on this field. Check"
                    + " https://qdrant.tech/documentation/concepts/indexing/#payload-index to see which payload"
                    + " schemas support Match conditions");
        }
        Map<Object, Long> counts = new HashMap<>();
        PayloadSelector keyOnly = new PayloadSelector.Include(List.of(request.key()));
        ScrollAll.forEach(scroll, request.filter(), keyOnly, r -> {
            Set<Object> distinct = new LinkedHashSet<>();
            for (JsonNode v : JsonPaths.values(r.payload(), request.key())) {
                Object key = valueOf(v, type);
                if (key != null) {
                    distinct.add(key);
                }
            }
            distinct.forEach(k -> counts.merge(k, 1L, Long::sum));
        });
        List<FacetHit> hits = new ArrayList<>();
        counts.forEach((v, c) -> hits.add(new FacetHit(v, c)));
        hits.sort(Comparator.comparingLong(FacetHit::count)
                .reversed()
                .thenComparing(FacetHit::value, FacetCounter::compareValues));
        return hits.size() > request.limit() ? List.copyOf(hits.subList(0, request.limit())) : hits;
    }

    /** The value as the index of {@code type} holds it, or null when it holds none for {@code v}. */
    static Object valueOf(JsonNode v, PayloadSchemaType type) {
        return switch (type) {
            case KEYWORD -> v.isTextual() ? v.textValue() : null;
            case INTEGER -> PayloadValues.asInteger(v);
            case UUID ->
                v.isTextual() && PayloadValues.isUuid(v.textValue())
                        ? v.textValue().toLowerCase(Locale.ROOT)
                        : null;
            case BOOL -> v.isBoolean() ? v.booleanValue() : null;
            default -> null;
        };
    }

    /**
     * Ascending order of values of one type: strings by UTF-8 bytes (lower-case hyphenated uuids thus
     * by their 128-bit value), numbers numerically, false before true.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compareValues(Object a, Object b) {
        if (a instanceof String x && b instanceof String y) {
            return java.util.Arrays.compareUnsigned(
                    x.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    y.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (a.getClass() == b.getClass()) {
            return ((Comparable) a).compareTo(b);
        }
        return a.getClass().getName().compareTo(b.getClass().getName());
    }
}
