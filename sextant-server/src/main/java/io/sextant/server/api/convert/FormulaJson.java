package io.sextant.server.api.convert;

import static io.sextant.server.api.convert.JsonFields.child;
import static io.sextant.server.api.convert.JsonFields.describe;
import static io.sextant.server.api.convert.JsonFields.error;
import static io.sextant.server.api.convert.JsonFields.index;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.collection.query.Query;
import io.sextant.collection.query.formula.Expression;
import io.sextant.collection.query.formula.ParsedFormula;
import io.sextant.segment.payload.PayloadValues;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code formula} query: {@code {"formula": <expression>, "defaults": {…}}}. An expression is a
 * number, a variable name ({@code "$score"}, {@code "$score[i]"} or a payload key), one of the
 * operator objects ({@code sum}, {@code mult}, {@code div}, {@code neg}, {@code abs}, {@code sqrt},
 * {@code pow}, {@code exp}, {@code log10}, {@code ln}, {@code geo_distance}, {@code datetime},
 * {@code datetime_key}, {@code lin_decay}, {@code exp_decay}, {@code gauss_decay}), or else a filter
 * condition (1 when it holds). Stateless and thread-safe.
 */
public final class FormulaJson {
    private static final Set<String> DECAY_FIELDS = Set.of("x", "target", "scale", "midpoint");

    private FormulaJson() {}

    /** The whole query object {@code {"formula": …, "defaults": …}} at {@code path}. */
    public static Query.Formula query(JsonNode node, String path) {
        JsonFields.onlyFields(node, path, Set.of("formula", "defaults"));
        Expression e = expression(node.get("formula"), child(path, "formula"));
        Map<String, JsonNode> defaults = new LinkedHashMap<>();
        JsonNode d = node.get("defaults");
        if (d != null && !d.isNull()) {
            JsonFields.object(d, child(path, "defaults"));
            d.properties().forEach(en -> defaults.put(en.getKey(), en.getValue()));
        }
        try {
            return new Query.Formula(ParsedFormula.of(e, defaults));
        } catch (IllegalArgumentException ex) {
            throw error(child(path, "defaults"), ex.getMessage());
        }
    }

    static Expression expression(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            throw error(path, "an expression is required");
        }
        if (node.isNumber()) {
            return new Expression.Constant((float) JsonFields.finite(node, path));
        }
        if (node.isTextual()) {
            try {
                return ParsedFormula.variable(node.textValue());
            } catch (IllegalArgumentException e) {
                throw error(path, e.getMessage());
            }
        }
        JsonFields.object(node, path);
        Iterator<String> names = node.fieldNames();
        String kind = names.hasNext() ? names.next() : "";
        JsonNode arg = node.get(kind);
        String p = child(path, kind);
        if (node.size() == 1) {
            Expression op = operator(kind, arg, p);
            if (op != null) {
                return op;
            }
        }
        return new Expression.Matches(FilterJson.condition(node, path));
    }

    /** An operator object's expression, or null when {@code kind} names no operator. */
    private static Expression operator(String kind, JsonNode arg, String p) {
        return switch (kind) {
            case "sum" -> new Expression.Sum(list(arg, p));
            case "mult" -> new Expression.Mult(list(arg, p));
            case "neg" -> new Expression.Unary(Expression.UnaryOp.NEG, expression(arg, p));
            case "abs" -> new Expression.Unary(Expression.UnaryOp.ABS, expression(arg, p));
            case "sqrt" -> new Expression.Unary(Expression.UnaryOp.SQRT, expression(arg, p));
            case "exp" -> new Expression.Unary(Expression.UnaryOp.EXP, expression(arg, p));
            case "log10" -> new Expression.Unary(Expression.UnaryOp.LOG10, expression(arg, p));
            case "ln" -> new Expression.Unary(Expression.UnaryOp.LN, expression(arg, p));
            case "div" -> {
                JsonFields.object(arg, p);
                JsonFields.onlyFields(arg, p, Set.of("left", "right", "by_zero_default"));
                Double dflt = JsonFields.optDouble(arg, "by_zero_default", p);
                yield new Expression.Div(
                        expression(arg.get("left"), child(p, "left")),
                        expression(arg.get("right"), child(p, "right")),
                        dflt == null ? null : (double) dflt.floatValue());
            }
            case "pow" -> {
                JsonFields.object(arg, p);
                JsonFields.onlyFields(arg, p, Set.of("base", "exponent"));
                yield new Expression.Pow(
                        expression(arg.get("base"), child(p, "base")),
                        expression(arg.get("exponent"), child(p, "exponent")));
            }
            case "geo_distance" -> {
                JsonFields.object(arg, p);
                JsonFields.onlyFields(arg, p, Set.of("origin", "to"));
                JsonNode origin = arg.get("origin");
                if (origin == null) {
                    throw error(p, "missing field `origin`");
                }
                yield new Expression.GeoDistance(
                        FilterJson.geoPoint(origin, child(p, "origin")), JsonFields.requiredString(arg, "to", p));
            }
            case "datetime" -> {
                if (!arg.isTextual()) {
                    throw error(p, "expected a datetime string, got " + describe(arg));
                }
                Long micros = PayloadValues.parseDateTimeMicros(arg.textValue());
                if (micros == null) {
                    throw error(p, "failed to parse date-time " + arg.textValue());
                }
                yield new Expression.DatetimeConstant(micros);
            }
            case "datetime_key" -> {
                if (!arg.isTextual() || arg.textValue().isEmpty()) {
                    throw error(p, "expected a payload key, got " + describe(arg));
                }
                yield new Expression.DatetimeKey(arg.textValue());
            }
            case "lin_decay" -> decay(Expression.DecayKind.LIN, arg, p);
            case "exp_decay" -> decay(Expression.DecayKind.EXP, arg, p);
            case "gauss_decay" -> decay(Expression.DecayKind.GAUSS, arg, p);
            default -> null;
        };
    }

    private static List<Expression> list(JsonNode arg, String p) {
        List<JsonNode> items = JsonFields.array(arg, p);
        List<Expression> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(expression(items.get(i), index(p, i)));
        }
        return out;
    }

    private static Expression decay(Expression.DecayKind kind, JsonNode arg, String p) {
        JsonFields.object(arg, p);
        JsonFields.onlyFields(arg, p, DECAY_FIELDS);
        Expression x = expression(arg.get("x"), child(p, "x"));
        JsonNode t = arg.get("target");
        Expression target = t == null || t.isNull() ? null : expression(t, child(p, "target"));
        Double scale = JsonFields.optDouble(arg, "scale", p);
        Double midpoint = JsonFields.optDouble(arg, "midpoint", p);
        try {
            return Expression.Decay.of(
                    kind,
                    x,
                    target,
                    midpoint == null ? null : midpoint.floatValue(),
                    scale == null ? null : scale.floatValue());
        } catch (IllegalArgumentException e) {
            throw error(p, e.getMessage());
        }
    }
}
