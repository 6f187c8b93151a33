package io.sextant.collection.query.formula;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.segment.filter.Condition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A formula query: the expression and the defaults for variables a point lacks (Qdrant's {@code
 * defaults}, keyed by {@code "$score"}, {@code "$score[i]"} or a payload key). Immutable.
 *
 * @param expression the root expression
 * @param scoreDefaults prefetch index → default score (non-numbers count as absent)
 * @param payloadDefaults payload key → default value
 */
public record ParsedFormula(
        Expression expression, Map<Integer, JsonNode> scoreDefaults, Map<String, JsonNode> payloadDefaults) {

    public ParsedFormula {
        scoreDefaults = Map.copyOf(scoreDefaults);
        payloadDefaults = Map.copyOf(payloadDefaults);
    }

    /**
     * Builds a formula from wire defaults.
     *
     * @throws IllegalArgumentException for a default key that is no valid variable
     */
    public static ParsedFormula of(Expression expression, Map<String, JsonNode> defaults) {
        Map<Integer, JsonNode> scores = new LinkedHashMap<>();
        Map<String, JsonNode> payload = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : defaults.entrySet()) {
            switch (variable(e.getKey())) {
                case Expression.Score s -> scores.put(s.index(), e.getValue());
                case Expression.Variable v -> payload.put(v.key(), e.getValue());
                default -> throw new IllegalStateException();
            }
        }
        return new ParsedFormula(expression, scores, payload);
    }

    /**
     * A variable name: {@code "$score"}, {@code "$score[i]"} or a payload key.
     *
     * @throws IllegalArgumentException with Qdrant's message for other {@code $} names or an empty key
     */
    public static Expression variable(String name) {
        if (name.startsWith("$")) {
            String rest = name.substring(1);
            if (rest.equals("score")) {
                return new Expression.Score(0);
            }
            if (rest.startsWith("score[") && rest.endsWith("]")) {
                String idx = rest.substring("score[".length(), rest.length() - 1);
                if (!idx.isEmpty() && idx.chars().allMatch(Character::isDigit) && idx.length() < 10) {
                    return new Expression.Score(Integer.parseInt(idx));
                }
                throw new IllegalArgumentException(
                        "failed to parse variable ID " + name + ": Invalid reserved variable: " + name);
            }
            if (rest.startsWith("score")) {
                throw new IllegalArgumentException(
                        "failed to parse variable ID " + name + ": Invalid reserved variable: " + name);
            }
            throw new IllegalArgumentException(
                    "failed to parse variable ID " + name + ": Invalid reserved word: " + name);
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException(
                    "failed to parse variable ID " + name + ": Invalid payload variable: " + name);
        }
        return new Expression.Variable(name);
    }

    /** The payload keys the expression reads (variables, geo and datetime keys). */
    public Set<String> payloadKeys() {
        Set<String> out = new LinkedHashSet<>();
        walk(expression, e -> {
            switch (e) {
                case Expression.Variable v -> out.add(v.key());
                case Expression.GeoDistance g -> out.add(g.to());
                case Expression.DatetimeKey d -> out.add(d.key());
                default -> {}
            }
        });
        return out;
    }

    /** The conditions in the expression, in tree order, without repeats. */
    public List<Condition> conditions() {
        Set<Condition> out = new LinkedHashSet<>();
        walk(expression, e -> {
            if (e instanceof Expression.Matches m) {
                out.add(m.condition());
            }
        });
        return new ArrayList<>(out);
    }

    private static void walk(Expression e, java.util.function.Consumer<Expression> visit) {
        if (e == null) {
            return;
        }
        visit.accept(e);
        switch (e) {
            case Expression.Mult m -> m.terms().forEach(t -> walk(t, visit));
            case Expression.Sum s -> s.terms().forEach(t -> walk(t, visit));
            case Expression.Div d -> {
                walk(d.left(), visit);
                walk(d.right(), visit);
            }
            case Expression.Unary u -> walk(u.arg(), visit);
            case Expression.Pow p -> {
                walk(p.base(), visit);
                walk(p.exponent(), visit);
            }
            case Expression.Decay d -> {
                walk(d.x(), visit);
                walk(d.target(), visit);
            }
            default -> {}
        }
    }
}
