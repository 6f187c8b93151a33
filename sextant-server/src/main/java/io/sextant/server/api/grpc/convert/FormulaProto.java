package io.sextant.server.api.grpc.convert;

import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points;
import io.sextant.collection.query.Query;
import io.sextant.collection.query.formula.Expression;
import io.sextant.collection.query.formula.ParsedFormula;
import io.sextant.segment.payload.PayloadValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * gRPC {@code Formula} queries: the {@code Expression} tree and {@code defaults} to a {@link
 * Query.Formula}, with the same rules as the REST form. Stateless and thread-safe.
 */
public final class FormulaProto {
    private FormulaProto() {}

    public static Query.Formula formula(Points.Formula f, String field) {
        Expression e = expression(f.getExpression(), field + ".expression");
        Map<String, com.fasterxml.jackson.databind.JsonNode> defaults = new LinkedHashMap<>();
        for (Map.Entry<String, Value> en : f.getDefaultsMap().entrySet()) {
            defaults.put(en.getKey(), ValueProto.toJson(en.getValue()));
        }
        try {
            return new Query.Formula(ParsedFormula.of(e, defaults));
        } catch (IllegalArgumentException ex) {
            throw ProtoChecks.bad(field + ".defaults", ex.getMessage());
        }
    }

    static Expression expression(Points.Expression x, String field) {
        return switch (x.getVariantCase()) {
            case CONSTANT -> {
                if (!Float.isFinite(x.getConstant())) {
                    throw ProtoChecks.bad(field + ".constant", "must be finite, got " + x.getConstant());
                }
                yield new Expression.Constant(x.getConstant());
            }
            case VARIABLE -> {
                try {
                    yield ParsedFormula.variable(x.getVariable());
                } catch (IllegalArgumentException e) {
                    throw ProtoChecks.bad(field + ".variable", e.getMessage());
                }
            }
            case CONDITION -> new Expression.Matches(FilterProto.condition(x.getCondition(), field + ".condition"));
            case GEO_DISTANCE ->
                new Expression.GeoDistance(
                        FilterProto.geo(x.getGeoDistance().getOrigin()),
                        x.getGeoDistance().getTo());
            case DATETIME -> {
                Long micros = PayloadValues.parseDateTimeMicros(x.getDatetime());
                if (micros == null) {
                    throw ProtoChecks.bad(field + ".datetime", "failed to parse date-time " + x.getDatetime());
                }
                yield new Expression.DatetimeConstant(micros);
            }
            case DATETIME_KEY -> new Expression.DatetimeKey(x.getDatetimeKey());
            case MULT -> new Expression.Mult(list(x.getMult().getMultList(), field + ".mult"));
            case SUM -> new Expression.Sum(list(x.getSum().getSumList(), field + ".sum"));
            case DIV -> {
                Points.DivExpression d = x.getDiv();
                yield new Expression.Div(
                        expression(d.getLeft(), field + ".div.left"),
                        expression(d.getRight(), field + ".div.right"),
                        d.hasByZeroDefault() ? (double) d.getByZeroDefault() : null);
            }
            case NEG -> new Expression.Unary(Expression.UnaryOp.NEG, expression(x.getNeg(), field + ".neg"));
            case ABS -> new Expression.Unary(Expression.UnaryOp.ABS, expression(x.getAbs(), field + ".abs"));
            case SQRT -> new Expression.Unary(Expression.UnaryOp.SQRT, expression(x.getSqrt(), field + ".sqrt"));
            case EXP -> new Expression.Unary(Expression.UnaryOp.EXP, expression(x.getExp(), field + ".exp"));
            case LOG10 -> new Expression.Unary(Expression.UnaryOp.LOG10, expression(x.getLog10(), field + ".log10"));
            case LN -> new Expression.Unary(Expression.UnaryOp.LN, expression(x.getLn(), field + ".ln"));
            case POW ->
                new Expression.Pow(
                        expression(x.getPow().getBase(), field + ".pow.base"),
                        expression(x.getPow().getExponent(), field + ".pow.exponent"));
            case EXP_DECAY -> decay(Expression.DecayKind.EXP, x.getExpDecay(), field + ".exp_decay");
            case GAUSS_DECAY -> decay(Expression.DecayKind.GAUSS, x.getGaussDecay(), field + ".gauss_decay");
            case LIN_DECAY -> decay(Expression.DecayKind.LIN, x.getLinDecay(), field + ".lin_decay");
            case VARIANT_NOT_SET -> throw ProtoChecks.bad(field, "expression is empty");
        };
    }

    private static List<Expression> list(List<Points.Expression> xs, String field) {
        List<Expression> out = new ArrayList<>(xs.size());
        for (int i = 0; i < xs.size(); i++) {
            out.add(expression(xs.get(i), field + "[" + i + "]"));
        }
        return out;
    }

    private static Expression decay(Expression.DecayKind kind, Points.DecayParamsExpression d, String field) {
        try {
            return Expression.Decay.of(
                    kind,
                    expression(d.getX(), field + ".x"),
                    d.hasTarget() ? expression(d.getTarget(), field + ".target") : null,
                    d.hasMidpoint() ? d.getMidpoint() : null,
                    d.hasScale() ? d.getScale() : null);
        } catch (IllegalArgumentException e) {
            throw ProtoChecks.bad(field, e.getMessage());
        }
    }
}
