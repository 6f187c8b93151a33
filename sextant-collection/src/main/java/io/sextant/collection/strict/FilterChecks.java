package io.sextant.collection.strict;

import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.Match;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What strict mode measures in a {@link Filter}: its number of conditions (nested filters counted
 * through), the largest condition input ({@code match.any}/{@code except} values, {@code has_id}
 * ids), and a payload key it uses that no payload index can serve. Capabilities follow Qdrant: an
 * integer index serves {@code match} only with {@code lookup} and ranges only with {@code range}; a
 * text index serves phrases only with {@code phrase_matching}; {@code values_count}, {@code
 * is_empty} and {@code is_null} accept any index; an empty {@code any}/{@code except} needs none.
 * Stateless and thread-safe.
 */
public final class FilterChecks {

    private FilterChecks() {}

    /** What an index on a key can do for a condition. */
    enum Capability {
        INT_MATCH("integer"),
        INT_RANGE("integer"),
        KEYWORD_MATCH("keyword"),
        /** A keyword index created with {@code prefix: true}. */
        KEYWORD_PREFIX("keyword"),
        FLOAT_RANGE("float"),
        TEXT("text"),
        TEXT_PHRASE("text"),
        BOOL_MATCH("bool"),
        UUID_MATCH("uuid"),
        DATETIME_RANGE("datetime"),
        GEO("geo");

        final String schema;

        Capability(String schema) {
            this.schema = schema;
        }
    }

    /** A key no index can serve and the index types that would. */
    public record UnindexedKey(String key, Set<String> schemas) {}

    private static Stream<Condition> all(Filter f) {
        Stream<Condition> s =
                Stream.concat(Stream.concat(f.must().stream(), f.should().stream()), f.mustNot().stream());
        return f.minShould() == null ? s : Stream.concat(s, f.minShould().conditions().stream());
    }

    /** Conditions of {@code f}, a nested or sub-filter counting as its own conditions. */
    public static int conditionCount(Filter f) {
        return all(f).mapToInt(c -> switch (c) {
                    case Condition.NestedCondition n -> conditionCount(n.filter());
                    case Condition.FilterCondition sub -> conditionCount(sub.filter());
                    default -> 1;
                })
                .sum();
    }

    /** The input size of the largest condition of {@code f}, nested filters included. */
    public static int maxConditionSize(Filter f) {
        return all(f).mapToInt(c -> switch (c) {
                    case Condition.NestedCondition n -> maxConditionSize(n.filter());
                    case Condition.FilterCondition sub -> maxConditionSize(sub.filter());
                    case Condition.HasIdCondition h -> h.ids().size();
                    case Condition.MatchCondition m ->
                        switch (m.match()) {
                            case Match.Any a -> a.values().size();
                            case Match.Except e -> e.values().size();
                            default -> 0;
                        };
                    default -> 0;
                })
                .max()
                .orElse(0);
    }

    /** The first key of {@code f} that the indexes in {@code schema} cannot serve, or null. */
    public static UnindexedKey unindexedKey(Filter f, Map<String, PayloadIndexSpec> schema) {
        UnindexedKey[] first = new UnindexedKey[1];
        visitUnindexed(f, null, schema, u -> {
            first[0] = u;
            return false;
        });
        return first[0];
    }

    /**
     * Every key of {@code f} (nested keys as {@code a[].b}) that the indexes in {@code schema} cannot
     * serve, in the order met, with the index types that would serve it (merged over its conditions).
     */
    public static List<UnindexedKey> unindexedKeys(Filter f, Map<String, PayloadIndexSpec> schema) {
        Map<String, Set<String>> found = new LinkedHashMap<>();
        visitUnindexed(f, null, schema, u -> {
            found.computeIfAbsent(u.key(), k -> new TreeSet<>()).addAll(u.schemas());
            return true;
        });
        List<UnindexedKey> out = new ArrayList<>(found.size());
        found.forEach((k, v) -> out.add(new UnindexedKey(k, v)));
        return out;
    }

    /**
     * {@code key} when no index in {@code schema} has one of the {@code required} capabilities, null
     * when one has.
     */
    static UnindexedKey unindexedKey(String key, Set<Capability> required, Map<String, PayloadIndexSpec> schema) {
        PayloadIndexSpec spec = schema.get(key);
        if (spec != null && capabilities(spec).stream().anyMatch(required::contains)) {
            return null;
        }
        Set<String> names = new TreeSet<>();
        required.forEach(r -> names.add(r.schema));
        return new UnindexedKey(key, names);
    }

    /** Feeds each unindexed key of {@code f} to {@code sink} until it returns false; false if stopped. */
    private static boolean visitUnindexed(
            Filter f, String prefix, Map<String, PayloadIndexSpec> schema, Predicate<UnindexedKey> sink) {
        for (Condition c : all(f).toList()) {
            boolean more =
                    switch (c) {
                        case Condition.NestedCondition n ->
                            visitUnindexed(n.filter(), join(prefix, n.key() + "[]"), schema, sink);
                        case Condition.FilterCondition sub -> visitUnindexed(sub.filter(), prefix, schema, sink);
                        default -> {
                            String key = key(c);
                            Set<Capability> required = required(c);
                            UnindexedKey u = key == null || required.isEmpty()
                                    ? null
                                    : unindexedKey(join(prefix, key), required, schema);
                            yield u == null || sink.test(u);
                        }
                    };
            if (!more) {
                return false;
            }
        }
        return true;
    }

    private static String join(String prefix, String key) {
        return prefix == null ? key : prefix + "." + key;
    }

    private static String key(Condition c) {
        return switch (c) {
            case Condition.MatchCondition m -> m.key();
            case Condition.RangeCondition r -> r.key();
            case Condition.GeoBoundingBoxCondition g -> g.key();
            case Condition.GeoRadiusCondition g -> g.key();
            case Condition.GeoPolygonCondition g -> g.key();
            case Condition.ValuesCountCondition v -> v.key();
            case Condition.IsEmptyCondition e -> e.key();
            case Condition.IsNullCondition n -> n.key();
            default -> null;
        };
    }

    /** The capabilities any one of which serves {@code c}; empty when {@code c} needs no index. */
    static Set<Capability> required(Condition c) {
        return switch (c) {
            case Condition.MatchCondition m ->
                switch (m.match()) {
                    case Match.Value v -> forValues(List.of(v.value()));
                    case Match.Any a -> forValues(a.values());
                    case Match.Except e -> forValues(e.values());
                    case Match.Text t -> EnumSet.of(Capability.TEXT);
                    case Match.TextAny t -> EnumSet.of(Capability.TEXT);
                    case Match.Phrase p -> EnumSet.of(Capability.TEXT_PHRASE);
                    case Match.Prefix p -> EnumSet.of(Capability.KEYWORD_PREFIX);
                };
            case Condition.RangeCondition r ->
                r.datetime()
                        ? EnumSet.of(Capability.DATETIME_RANGE)
                        : EnumSet.of(Capability.FLOAT_RANGE, Capability.INT_RANGE);
            case Condition.GeoBoundingBoxCondition g -> EnumSet.of(Capability.GEO);
            case Condition.GeoRadiusCondition g -> EnumSet.of(Capability.GEO);
            case Condition.GeoPolygonCondition g -> EnumSet.of(Capability.GEO);
            case Condition.ValuesCountCondition v -> EnumSet.allOf(Capability.class);
            case Condition.IsEmptyCondition e -> EnumSet.allOf(Capability.class);
            case Condition.IsNullCondition n -> EnumSet.allOf(Capability.class);
            default -> EnumSet.noneOf(Capability.class);
        };
    }

    private static Set<Capability> forValues(List<Object> values) {
        if (values.isEmpty()) {
            return EnumSet.noneOf(Capability.class);
        }
        Object first = values.getFirst();
        if (first instanceof Boolean) {
            return EnumSet.of(Capability.BOOL_MATCH);
        }
        if (first instanceof Number) {
            return EnumSet.of(Capability.INT_MATCH);
        }
        Set<Capability> out = EnumSet.of(Capability.KEYWORD_MATCH);
        if (values.stream().allMatch(FilterChecks::isUuid)) {
            out.add(Capability.UUID_MATCH);
        }
        return out;
    }

    private static boolean isUuid(Object v) {
        try {
            java.util.UUID.fromString(String.valueOf(v));
            return String.valueOf(v).length() == 36;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static Set<Capability> capabilities(PayloadIndexSpec spec) {
        List<Capability> out = new ArrayList<>();
        PayloadSchemaType t = spec.type();
        switch (t) {
            case KEYWORD -> {
                out.add(Capability.KEYWORD_MATCH);
                if (Boolean.TRUE.equals(spec.prefix())) {
                    out.add(Capability.KEYWORD_PREFIX);
                }
            }
            case INTEGER -> {
                if (!Boolean.FALSE.equals(spec.lookup())) {
                    out.add(Capability.INT_MATCH);
                }
                if (!Boolean.FALSE.equals(spec.range())) {
                    out.add(Capability.INT_RANGE);
                }
            }
            case FLOAT -> out.add(Capability.FLOAT_RANGE);
            case BOOL -> out.add(Capability.BOOL_MATCH);
            case GEO -> out.add(Capability.GEO);
            case DATETIME -> out.add(Capability.DATETIME_RANGE);
            case UUID -> out.add(Capability.UUID_MATCH);
            case TEXT -> {
                out.add(Capability.TEXT);
                if (spec.text() != null && Boolean.TRUE.equals(spec.text().phraseMatching())) {
                    out.add(Capability.TEXT_PHRASE);
                }
            }
        }
        return out.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(out);
    }

    /** Whether an index of this spec can answer {@code match} on its key (group_by needs it). */
    public static boolean supportsMatch(PayloadIndexSpec spec) {
        Set<Capability> c = capabilities(spec);
        return c.contains(Capability.KEYWORD_MATCH)
                || c.contains(Capability.INT_MATCH)
                || c.contains(Capability.BOOL_MATCH)
                || c.contains(Capability.UUID_MATCH);
    }
}
