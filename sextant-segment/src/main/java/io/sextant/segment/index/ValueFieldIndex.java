package io.sextant.segment.index;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Condition.MatchCondition;
import io.sextant.segment.filter.Condition.RangeCondition;
import io.sextant.segment.filter.Match;
import io.sextant.segment.filter.ValueMatchers;
import io.sextant.segment.payload.PayloadValues;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import org.roaringbitmap.FastAggregation;
import org.roaringbitmap.RoaringBitmap;

/**
 * Posting-list index from typed values to offsets for the keyword, uuid, integer, float, bool
 * and datetime types: a sorted map value → bitmap of offsets plus the values of each offset (to
 * unindex them on update).
 *
 * <p>Key per type and what it answers exactly:
 *
 * <ul>
 *   <li>keyword, uuid: the string (uuid kept verbatim so equality matches unindexed filtering);
 *       {@code match value/any/except}; keyword also {@code match prefix} (a run of the sorted keys,
 *       whether or not the index was created with {@code prefix: true}).
 *   <li>integer: the long; {@code match value/any/except} and number {@code range}.
 *   <li>bool: the boolean; {@code match value/any/except}.
 *   <li>float: the double; number {@code range}.
 *   <li>datetime: epoch microseconds; datetime {@code range}.
 * </ul>
 *
 * Other conditions return null (evaluated on payloads). Not thread-safe; see {@link FieldIndex}.
 */
final class ValueFieldIndex<K extends Comparable<K>> extends FieldIndex {
    private final NavigableMap<K, RoaringBitmap> postings = new TreeMap<>();
    private final ArrayList<List<K>> perOffset = new ArrayList<>();

    ValueFieldIndex(PayloadIndexSpec spec) {
        super(spec);
    }

    @SuppressWarnings("unchecked")
    private K keyOf(JsonNode v) {
        return (K)
                switch (spec.type()) {
                    case KEYWORD, UUID -> v.textValue();
                    case INTEGER -> PayloadValues.asInteger(v);
                    case FLOAT -> v.doubleValue() + 0.0; // folds -0.0 into 0.0
                    case BOOL -> v.booleanValue();
                    case DATETIME -> PayloadValues.asDateTimeMicros(v);
                    default -> throw new IllegalStateException("Not a value index type: " + spec.type());
                };
    }

    /** Copies of the posting lists of every value, in value order. */
    List<RoaringBitmap> postingCopies() {
        List<RoaringBitmap> out = new ArrayList<>(postings.size());
        for (RoaringBitmap bm : postings.values()) {
            out.add(bm.clone());
        }
        return out;
    }

    @Override
    void removeValues(int offset) {
        List<K> keys = perOffset.get(offset);
        perOffset.set(offset, null);
        for (K k : keys) {
            RoaringBitmap bm = postings.get(k);
            if (bm != null) {
                bm.remove(offset);
                if (bm.isEmpty()) {
                    postings.remove(k);
                }
            }
        }
    }

    @Override
    boolean addValues(int offset, List<JsonNode> values) {
        List<K> keys = new ArrayList<>(values.size());
        for (JsonNode v : values) {
            K k = keyOf(v);
            if (!keys.contains(k)) {
                keys.add(k);
            }
        }
        ensureSize(perOffset, offset);
        perOffset.set(offset, keys);
        for (K k : keys) {
            postings.computeIfAbsent(k, x -> new RoaringBitmap()).add(offset);
        }
        return true;
    }

    @Override
    RoaringBitmap answer(Condition condition) {
        return switch (condition) {
            case MatchCondition m -> answerMatch(m.match());
            case RangeCondition r -> answerRange(r);
            default -> null;
        };
    }

    /** The key a match target equals in this index, {@code NONE} when no indexed value can equal it. */
    private Object targetKey(Object target) {
        Object t = ValueMatchers.normalizeTarget(target);
        return switch (spec.type()) {
            case KEYWORD, UUID -> t instanceof String ? t : NONE;
            case INTEGER -> t instanceof Long ? t : NONE;
            case BOOL -> t instanceof Boolean ? t : NONE;
            default -> null;
        };
    }

    private static final Object NONE = new Object();

    private RoaringBitmap answerMatch(Match match) {
        if (spec.type() == PayloadSchemaType.FLOAT || spec.type() == PayloadSchemaType.DATETIME) {
            return null;
        }
        return switch (match) {
            case Match.Value v -> postingOf(targetKey(v.value()));
            case Match.Any a -> {
                List<RoaringBitmap> parts = new ArrayList<>();
                for (Object t : a.values()) {
                    Object key = targetKey(t);
                    RoaringBitmap bm = key == NONE ? null : postings.get(key);
                    if (bm != null) {
                        parts.add(bm);
                    }
                }
                yield union(parts);
            }
            case Match.Except e -> {
                Set<Object> excluded = new HashSet<>();
                for (Object t : e.values()) {
                    excluded.add(targetKey(t));
                }
                List<RoaringBitmap> parts = new ArrayList<>();
                for (Map.Entry<K, RoaringBitmap> en : postings.entrySet()) {
                    if (!excluded.contains(en.getKey())) {
                        parts.add(en.getValue());
                    }
                }
                yield union(parts);
            }
            case Match.Text t -> null;
            case Match.Phrase p -> null;
            case Match.Prefix p -> spec.type() == PayloadSchemaType.KEYWORD ? answerPrefix(p.prefix()) : null;
            case Match.TextAny t -> null;
        };
    }

    /** Keyword values starting with {@code prefix}: one contiguous run of the sorted keys. */
    @SuppressWarnings("unchecked")
    private RoaringBitmap answerPrefix(String prefix) {
        NavigableMap<K, RoaringBitmap> tail = postings.tailMap((K) prefix, true);
        List<RoaringBitmap> parts = new ArrayList<>();
        for (Map.Entry<K, RoaringBitmap> en : tail.entrySet()) {
            if (!((String) en.getKey()).startsWith(prefix)) {
                break;
            }
            parts.add(en.getValue());
        }
        return union(parts);
    }

    private RoaringBitmap postingOf(Object key) {
        RoaringBitmap bm = key == NONE ? null : postings.get(key);
        return bm == null ? new RoaringBitmap() : bm.clone();
    }

    private RoaringBitmap answerRange(RangeCondition r) {
        boolean numeric = spec.type() == PayloadSchemaType.INTEGER || spec.type() == PayloadSchemaType.FLOAT;
        boolean datetime = spec.type() == PayloadSchemaType.DATETIME;
        if (!numeric && !datetime) {
            return null;
        }
        if (r.datetime() != datetime) {
            // Numbers never satisfy a datetime range and datetime strings never satisfy a number range.
            return new RoaringBitmap();
        }
        List<RoaringBitmap> parts = new ArrayList<>();
        for (Map.Entry<K, RoaringBitmap> en : candidateRange(r).entrySet()) {
            if (ValueMatchers.inRange(((Number) en.getKey()).doubleValue(), r)) {
                parts.add(en.getValue());
            }
        }
        return union(parts);
    }

    /** A sub-map that contains every key in the range (maybe a few more, filtered exactly by the caller). */
    @SuppressWarnings("unchecked")
    private NavigableMap<K, RoaringBitmap> candidateRange(RangeCondition r) {
        Double low = max(r.gt(), r.gte());
        Double high = min(r.lt(), r.lte());
        if (low != null && high != null && low > high) {
            return new TreeMap<>();
        }
        NavigableMap<K, RoaringBitmap> m = postings;
        if (spec.type() == PayloadSchemaType.FLOAT) {
            low = low == null ? null : low + 0.0;
            high = high == null ? null : high + 0.0;
            if (low != null) {
                m = m.tailMap((K) low, true);
            }
            if (high != null) {
                m = m.headMap((K) high, true);
            }
        } else {
            if (low != null) {
                m = m.tailMap((K) Long.valueOf(clampFloor(low)), true);
            }
            if (high != null) {
                m = m.headMap((K) Long.valueOf(clampCeil(high)), true);
            }
        }
        return m;
    }

    private static long clampFloor(double d) {
        return d <= -0x1p63 ? Long.MIN_VALUE : d >= 0x1p63 ? Long.MAX_VALUE : (long) Math.floor(d) - 1;
    }

    private static long clampCeil(double d) {
        return d <= -0x1p63 ? Long.MIN_VALUE : d >= 0x1p63 ? Long.MAX_VALUE : (long) Math.ceil(d) + 1;
    }

    private static Double max(Double a, Double b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return Math.max(a, b);
    }

    private static Double min(Double a, Double b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return Math.min(a, b);
    }

    static RoaringBitmap union(List<RoaringBitmap> parts) {
        return switch (parts.size()) {
            case 0 -> new RoaringBitmap();
            case 1 -> parts.getFirst().clone();
            default -> FastAggregation.or(parts.iterator());
        };
    }
}
