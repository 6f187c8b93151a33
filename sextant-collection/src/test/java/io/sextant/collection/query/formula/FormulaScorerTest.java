package io.sextant.collection.query.formula;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.collection.query.formula.Expression.Constant;
import io.sextant.collection.query.formula.Expression.DecayKind;
import io.sextant.collection.query.formula.Expression.Div;
import io.sextant.collection.query.formula.Expression.Mult;
import io.sextant.collection.query.formula.Expression.Score;
import io.sextant.collection.query.formula.Expression.Sum;
import io.sextant.collection.query.formula.Expression.Unary;
import io.sextant.collection.query.formula.Expression.UnaryOp;
import io.sextant.collection.query.formula.Expression.Variable;
import io.sextant.segment.PointId;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Condition.GeoPoint;
import io.sextant.segment.filter.Match;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Formula evaluation against hand-computed values, defaults and Qdrant's error cases. */
class FormulaScorerTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final PointId P1 = PointId.of(1);
    private static final PointId P2 = PointId.of(2);
    private static final Condition RED = new Condition.MatchCondition("color", new Match.Value("red"));

    private static ObjectNode json(String s) {
        try {
            return (ObjectNode) M.readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode node(String s) {
        try {
            return M.readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Prefetch 0 scored P1 0.5 and P2 0.25; prefetch 1 scored only P1 2.0; P1 is red. */
    private static FormulaScorer scorer(Expression e, Map<String, JsonNode> defaults) {
        return new FormulaScorer(
                ParsedFormula.of(e, defaults),
                List.of(Map.of(P1, 0.5f, P2, 0.25f), Map.of(P1, 2.0f)),
                Map.of(RED, Set.of(P1)));
    }

    private static float score(Expression e, String payload) {
        return scorer(e, Map.of()).score(P1, json(payload));
    }

    @Test
    void arithmeticOverScoresPayloadAndConditions() {
        // 0.4 * $score + 0.6 * price + red  =  0.2 + 6 + 1
        Expression e = new Sum(List.of(
                new Mult(List.of(new Constant(0.4), new Score(0))),
                new Mult(List.of(new Constant(0.6), new Variable("price"))),
                new Expression.Matches(RED)));
        assertThat(score(e, "{'price': 10}")).isCloseTo(7.2f, within(1e-6f));
        // P2 is not red and has the lower score: 0.1 + 6
        assertThat(scorer(e, Map.of()).score(P2, json("{'price': 10}"))).isCloseTo(6.1f, within(1e-6f));
    }

    @Test
    void scoreOfOtherPrefetchesAndDefaults() {
        assertThat(score(new Score(1), "{}")).isEqualTo(2.0f);
        FormulaScorer s = scorer(new Score(1), Map.of("$score[1]", node("7.5")));
        assertThat(s.score(P2, json("{}")))
                .as("P2 missing from prefetch 1: default")
                .isEqualTo(7.5f);
        assertThat(scorer(new Score(1), Map.of()).score(P2, json("{}")))
                .as("no default: 0")
                .isEqualTo(0f);
        assertThat(scorer(new Score(5), Map.of("$score[5]", node("'x'"))).score(P1, json("{}")))
                .as("a non-number default counts as absent")
                .isEqualTo(0f);
    }

    @Test
    void payloadVariablesUseTheSingleValueOrTheDefault() {
        assertThat(score(new Variable("n"), "{'n': [3.5]}")).isEqualTo(3.5f);
        assertThat(scorer(new Variable("n"), Map.of("n", node("3"))).score(P1, json("{'n': null}")))
                .as("null counts as absent")
                .isEqualTo(3f);
        assertThat(scorer(new Variable("n"), Map.of("n", node("4"))).score(P1, json("{'n': []}")))
                .isEqualTo(4f);
        assertThat(score(new Variable("a.b"), "{'a': {'b': -2}}")).isEqualTo(-2f);
        assertThatThrownBy(() -> score(new Variable("n"), "{'n': [1, 2]}"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("Expected number value for n")
                .hasMessageContaining("Value is not a number");
        assertThatThrownBy(() -> score(new Variable("n"), "{'n': 'x'}")).hasMessageContaining("Value is not a number");
        assertThatThrownBy(() -> score(new Variable("missing"), "{}"))
                .hasMessageContaining("No value found in a payload nor defaults");
    }

    @Test
    void divisionAndItsEdgeCases() {
        assertThat(score(new Div(new Constant(3), new Constant(4), null), "{}")).isEqualTo(0.75f);
        assertThat(score(new Div(new Constant(0), new Constant(0), null), "{}"))
                .as("zero numerator short-circuits")
                .isEqualTo(0f);
        assertThat(score(new Div(new Constant(1), new Constant(0), 9.0), "{}")).isEqualTo(9f);
        assertThatThrownBy(() -> score(new Div(new Constant(1), new Constant(0), null), "{}"))
                .hasMessageContaining("The expression 1/0 = inf produced a non-finite number");
    }

    @Test
    void unaryFunctionsAndPow() {
        assertThat(score(new Unary(UnaryOp.NEG, new Constant(2)), "{}")).isEqualTo(-2f);
        assertThat(score(new Unary(UnaryOp.ABS, new Constant(-2)), "{}")).isEqualTo(2f);
        assertThat(score(new Unary(UnaryOp.SQRT, new Constant(16)), "{}")).isEqualTo(4f);
        assertThat(score(new Unary(UnaryOp.LOG10, new Constant(1000)), "{}")).isEqualTo(3f);
        assertThat(score(new Unary(UnaryOp.LN, new Constant(1)), "{}")).isEqualTo(0f);
        assertThat(score(new Unary(UnaryOp.EXP, new Constant(0)), "{}")).isEqualTo(1f);
        assertThat(score(new Expression.Pow(new Constant(2), new Constant(10)), "{}"))
                .isEqualTo(1024f);
        assertThatThrownBy(() -> score(new Unary(UnaryOp.SQRT, new Constant(-3)), "{}"))
                .hasMessageContaining("√-3 = NaN");
        assertThatThrownBy(() -> score(new Expression.Pow(new Constant(-1), new Constant(0.5)), "{}"))
                .hasMessageContaining("-1^0.5 = NaN");
        assertThatThrownBy(() -> score(new Unary(UnaryOp.LOG10, new Constant(0)), "{}"))
                .hasMessageContaining("log10(0) = -inf");
        assertThatThrownBy(() -> score(new Unary(UnaryOp.EXP, new Constant(1000)), "{}"))
                .as("finite as a double but not as a float")
                .isInstanceOf(UserException.class);
    }

    @Test
    void decaysReachTheMidpointAtScaleDistance() {
        // midpoint 0.5 at |x - target| = scale = 4
        for (DecayKind k : DecayKind.values()) {
            Expression d = Expression.Decay.of(k, new Constant(6), new Constant(2), 0.5f, 4f);
            assertThat(score(d, "{}")).as(k.name()).isCloseTo(0.5f, within(1e-6f));
            Expression atTarget = Expression.Decay.of(k, new Constant(2), new Constant(2), 0.5f, 4f);
            assertThat(score(atTarget, "{}")).as(k.name()).isEqualTo(1f);
        }
        // linear: 1 - (0.5/4)*2 = 0.75 ; floors at 0 beyond 8
        assertThat(score(Expression.Decay.of(DecayKind.LIN, new Constant(4), new Constant(2), 0.5f, 4f), "{}"))
                .isEqualTo(0.75f);
        assertThat(score(Expression.Decay.of(DecayKind.LIN, new Constant(20), null, 0.5f, 4f), "{}"))
                .isEqualTo(0f);
        // exp with default scale 1 and midpoint 0.5, target 0: 0.5^2 at x = 2
        assertThat(score(Expression.Decay.of(DecayKind.EXP, new Constant(2), null, null, null), "{}"))
                .isCloseTo(0.25f, within(1e-6f));
        // gauss: 0.5^(2^2) = 0.0625
        assertThat(score(Expression.Decay.of(DecayKind.GAUSS, new Constant(2), null, null, null), "{}"))
                .isCloseTo(0.0625f, within(1e-6f));
        assertThatThrownBy(() -> Expression.Decay.of(DecayKind.EXP, new Constant(1), null, 1f, null))
                .hasMessage("Decay midpoint should be in the range (0.0, 1.0), got 1.0.");
        assertThatThrownBy(() -> Expression.Decay.of(DecayKind.LIN, new Constant(1), null, null, 0f))
                .hasMessage("Decay scale should be non-zero positive, got 0.0.");
    }

    @Test
    void geoDistanceAndDatetimes() {
        // One degree of latitude on the mean-radius sphere: 6371008.8 * pi / 180 = 111195.08 m
        Expression geo = new Expression.GeoDistance(new GeoPoint(10, 50), "loc");
        assertThat(score(geo, "{'loc': {'lon': 10, 'lat': 51}}")).isCloseTo(111195.08f, within(0.1f));
        assertThatThrownBy(() -> score(geo, "{'loc': 5}")).hasMessageContaining("Expected geo point value for loc");
        // 1970-01-02T00:00:00Z is 86400 s
        assertThat(score(new Expression.DatetimeKey("t"), "{'t': '1970-01-02T00:00:00Z'}"))
                .isEqualTo(86400f);
        assertThat(score(new Expression.DatetimeConstant(1_500_000), "{}")).isEqualTo(1.5f);
        assertThatThrownBy(() -> score(new Expression.DatetimeKey("t"), "{'t': 5}"))
                .hasMessageContaining("Expected datetime value for t");
    }

    @Test
    void variableNames() {
        assertThat(ParsedFormula.variable("$score")).isEqualTo(new Score(0));
        assertThat(ParsedFormula.variable("$score[3]")).isEqualTo(new Score(3));
        assertThat(ParsedFormula.variable("a.b[]")).isEqualTo(new Variable("a.b[]"));
        assertThatThrownBy(() -> ParsedFormula.variable("$scores")).hasMessageContaining("Invalid reserved");
        assertThatThrownBy(() -> ParsedFormula.variable("$foo")).hasMessageContaining("Invalid reserved word: $foo");
        assertThatThrownBy(() -> ParsedFormula.variable("$score[x]")).hasMessageContaining("Invalid reserved variable");
    }

    @Test
    void keysAndConditionsAreCollectedOnce() {
        ParsedFormula f = ParsedFormula.of(
                new Sum(List.of(
                        new Variable("a"),
                        new Expression.Matches(RED),
                        new Mult(List.of(new Variable("a"), new Expression.Matches(RED))),
                        new Expression.GeoDistance(new GeoPoint(0, 0), "g"))),
                Map.of());
        assertThat(f.payloadKeys()).containsExactly("a", "g");
        assertThat(f.conditions()).containsExactly(RED);
    }
}
