package io.sextant.collection.strict;

import io.sextant.collection.query.formula.Expression;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.index.PayloadIndexSpec;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * Which payload keys a formula expression reads and whether an index serves each, for strict
 * mode's {@code unindexed_filtering_retrieve: false}: a payload variable needs a numeric index
 * (integer match or range, float), {@code geo_distance} a geo index, {@code datetime_key} a
 * datetime index, a condition what the same filter condition needs. Scores and constants need
 * nothing. Stateless.
 */
final class FormulaChecks {
    private FormulaChecks() {}

    /** The first key of {@code e} that the indexes in {@code schema} cannot serve, or null. */
    static FilterChecks.UnindexedKey unindexedKey(Expression e, Map<String, PayloadIndexSpec> schema) {
        return switch (e) {
            case Expression.Constant c -> null;
            case Expression.Score s -> null;
            case Expression.DatetimeConstant d -> null;
            case Expression.Variable v ->
                FilterChecks.unindexedKey(
                        v.key(),
                        EnumSet.of(
                                FilterChecks.Capability.INT_MATCH,
                                FilterChecks.Capability.INT_RANGE,
                                FilterChecks.Capability.FLOAT_RANGE),
                        schema);
            case Expression.GeoDistance g ->
                FilterChecks.unindexedKey(g.to(), EnumSet.of(FilterChecks.Capability.GEO), schema);
            case Expression.DatetimeKey k ->
                FilterChecks.unindexedKey(k.key(), EnumSet.of(FilterChecks.Capability.DATETIME_RANGE), schema);
            case Expression.Matches m -> FilterChecks.unindexedKey(Filter.must(m.condition()), schema);
            case Expression.Mult m -> first(m.terms(), schema);
            case Expression.Sum s -> first(s.terms(), schema);
            case Expression.Div d -> first(List.of(d.left(), d.right()), schema);
            case Expression.Unary u -> unindexedKey(u.arg(), schema);
            case Expression.Pow p -> first(List.of(p.base(), p.exponent()), schema);
            case Expression.Decay d ->
                d.target() == null ? unindexedKey(d.x(), schema) : first(List.of(d.x(), d.target()), schema);
        };
    }

    private static FilterChecks.UnindexedKey first(List<Expression> terms, Map<String, PayloadIndexSpec> schema) {
        for (Expression t : terms) {
            FilterChecks.UnindexedKey u = unindexedKey(t, schema);
            if (u != null) {
                return u;
            }
        }
        return null;
    }
}
