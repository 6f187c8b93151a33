package io.sextant.collection.query.formula;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Condition.GeoPoint;
import io.sextant.segment.filter.GeoMath;
import io.sextant.segment.payload.JsonPaths;
import io.sextant.segment.payload.PayloadValues;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates a {@link ParsedFormula} for candidate points, with Qdrant's semantics:
 *
 * <ul>
 *   <li>{@code $score[i]}: the point's score in prefetch i, else the default for it (when a number),
 *       else 0.
 *   <li>payload variables: the non-null value at the key (arrays flattened once), as a payload
 *       index would hold it; none → the default;
 *       neither → an error; several values or a value of the wrong type → an error.
 *   <li>conditions: 1 or 0, from the sets of candidates matching each condition (computed by the
 *       caller with the storage engine's filtering).
 *   <li>arithmetic in double precision; {@code mult} stops at a 0 term, {@code div} returns 0 for a
 *       0 numerator; a non-finite div, sqrt, pow, exp, log10 or ln result is an error, as is a final
 *       score that does not fit a finite 32-bit float.
 * </ul>
 *
 * Errors are bad requests. Immutable and thread-safe when its maps are not modified.
 */
public final class FormulaScorer {
    private final ParsedFormula formula;
    private final List<Map<PointId, Float>> prefetchScores;
    private final Map<Condition, Set<PointId>> conditionMatches;

    /**
     * @param prefetchScores per prefetch, the scores of the points it returned
     * @param conditionMatches per condition of the formula, the candidates satisfying it
     */
    public FormulaScorer(
            ParsedFormula formula,
            List<Map<PointId, Float>> prefetchScores,
            Map<Condition, Set<PointId>> conditionMatches) {
        this.formula = formula;
        this.prefetchScores = prefetchScores;
        this.conditionMatches = conditionMatches;
    }

    /** The formula's value for the point, as a float. */
    public float score(PointId id, ObjectNode payload) {
        double v = eval(formula.expression(), id, payload);
        float f = (float) v;
        if (!Float.isFinite(f)) {
            throw nonFinite(fmt(v) + " as f32 = " + fmt(f));
        }
        return f;
    }

    double eval(Expression e, PointId id, ObjectNode payload) {
        return switch (e) {
            case Expression.Constant c -> c.value();
            case Expression.Score s -> score(s.index(), id);
            case Expression.Variable v -> number(v.key(), payload);
            case Expression.Matches m ->
                conditionMatches.getOrDefault(m.condition(), Set.of()).contains(id) ? 1 : 0;
            case Expression.GeoDistance g -> GeoMath.haversineMeters(g.origin(), geoPoint(g.to(), payload));
            case Expression.DatetimeConstant d -> d.epochMicros() / 1_000_000.0;
            case Expression.DatetimeKey d -> datetimeMicros(d.key(), payload) / 1_000_000.0;
            case Expression.Mult m -> {
                double product = 1;
                for (Expression t : m.terms()) {
                    double x = eval(t, id, payload);
                    if (x == 0) {
                        yield 0;
                    }
                    product *= x;
                }
                yield product;
            }
            case Expression.Sum s -> {
                double sum = 0;
                for (Expression t : s.terms()) {
                    sum += eval(t, id, payload);
                }
                yield sum;
            }
            case Expression.Div d -> {
                double left = eval(d.left(), id, payload);
                if (left == 0) {
                    yield 0;
                }
                double right = eval(d.right(), id, payload);
                if (right == 0 && d.byZeroDefault() != null) {
                    yield d.byZeroDefault();
                }
                yield finite(left / right, fmt(left) + "/" + fmt(right));
            }
            case Expression.Unary u -> unary(u.op(), eval(u.arg(), id, payload));
            case Expression.Pow p -> {
                double base = eval(p.base(), id, payload);
                double exponent = eval(p.exponent(), id, payload);
                yield finite(Math.pow(base, exponent), fmt(base) + "^" + fmt(exponent));
            }
            case Expression.Decay d -> {
                double x = eval(d.x(), id, payload);
                double target = d.target() == null ? 0 : eval(d.target(), id, payload);
                yield switch (d.kind()) {
                    case LIN -> Math.max(0, 1 - d.lambda() * Math.abs(x - target));
                    case EXP -> Math.exp(d.lambda() * Math.abs(x - target));
                    case GAUSS -> Math.exp(d.lambda() * (x - target) * (x - target));
                };
            }
        };
    }

    private static double unary(Expression.UnaryOp op, double x) {
        return switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case SQRT -> finite(Math.sqrt(x), "√" + fmt(x));
            case EXP -> finite(Math.exp(x), "exp(" + fmt(x) + ")");
            case LOG10 -> finite(Math.log10(x), "log10(" + fmt(x) + ")");
            case LN -> finite(Math.log(x), "ln(" + fmt(x) + ")");
        };
    }

    private double score(int prefetch, PointId id) {
        if (prefetch < prefetchScores.size()) {
            Float s = prefetchScores.get(prefetch).get(id);
            if (s != null) {
                return s;
            }
        }
        JsonNode d = formula.scoreDefaults().get(prefetch);
        return d != null && d.isNumber() ? d.doubleValue() : 0;
    }

    /** The single value at {@code key}, or its default; null only when neither exists. */
    private JsonNode value(String key, ObjectNode payload) {
        List<JsonNode> values = payload == null
                ? List.of()
                : JsonPaths.values(payload, key).stream()
                        .filter(v -> !v.isNull())
                        .toList();
        return switch (values.size()) {
            case 0 -> formula.payloadDefaults().get(key);
            case 1 -> values.getFirst();
            default ->
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                        .arrayNode()
                        .addAll(values);
        };
    }

    private JsonNode required(String key, ObjectNode payload, String type) {
        JsonNode v = value(key, payload);
        if (v == null) {
            throw typeError(key, type, "No value found in a payload nor defaults");
        }
        return v;
    }

    private double number(String key, ObjectNode payload) {
        JsonNode v = required(key, payload, "number");
        if (!v.isNumber()) {
            throw typeError(key, "number", "Value is not a number");
        }
        return v.doubleValue();
    }

    private GeoPoint geoPoint(String key, ObjectNode payload) {
        GeoPoint p = PayloadValues.asGeoPoint(required(key, payload, "geo point"));
        if (p == null) {
            throw typeError(key, "geo point", "Value is not a geo point ({\"lon\": …, \"lat\": …})");
        }
        return p;
    }

    private long datetimeMicros(String key, ObjectNode payload) {
        JsonNode v = required(key, payload, "datetime");
        if (!v.isTextual()) {
            throw typeError(key, "datetime", "Value is not a string");
        }
        Long micros = PayloadValues.parseDateTimeMicros(v.textValue());
        if (micros == null) {
            throw typeError(key, "datetime", "invalid datetime \"" + v.textValue() + "\"");
        }
        return micros;
    }

    private static double finite(double v, String expression) {
        if (!Double.isFinite(v)) {
            throw nonFinite(expression + " = " + fmt(v));
        }
        return v;
    }

    private static UserException typeError(String key, String type, String description) {
        return UserException.badRequest("Bad request: Expected " + type + " value for " + key
                + " in the payload and/or in the formula defaults. Error: " + description);
    }

    private static UserException nonFinite(String expression) {
        return UserException.badRequest("Bad request: The expression " + expression + " produced a non-finite number");
    }

    /** A number as Qdrant prints it: integral values without a fraction, inf and NaN by name. */
    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
