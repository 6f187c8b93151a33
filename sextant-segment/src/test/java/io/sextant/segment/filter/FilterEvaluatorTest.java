package io.sextant.segment.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Condition.GeoBoundingBoxCondition;
import io.sextant.segment.filter.Condition.GeoPoint;
import io.sextant.segment.filter.Condition.GeoPolygonCondition;
import io.sextant.segment.filter.Condition.GeoRadiusCondition;
import io.sextant.segment.filter.Condition.HasIdCondition;
import io.sextant.segment.filter.Condition.HasVectorCondition;
import io.sextant.segment.filter.Condition.IsEmptyCondition;
import io.sextant.segment.filter.Condition.IsNullCondition;
import io.sextant.segment.filter.Condition.MatchCondition;
import io.sextant.segment.filter.Condition.NestedCondition;
import io.sextant.segment.filter.Condition.RangeCondition;
import io.sextant.segment.filter.Condition.ValuesCountCondition;
import io.sextant.segment.payload.PayloadValues;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FilterEvaluatorTest {
    private static final ObjectMapper M = new ObjectMapper();

    /** A point with id 7 and vector "img". */
    record View(ObjectNode payload) implements PointView {
        @Override
        public PointId id() {
            return PointId.of(7);
        }

        @Override
        public boolean hasVector(String name) {
            return name.equals("img");
        }
    }

    static View p(String json) {
        try {
            return new View(json == null ? null : (ObjectNode) M.readTree(json.replace('\'', '"')));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean holds(Condition c, String payload) {
        return FilterEvaluator.matches(Filter.must(c), p(payload));
    }

    static MatchCondition match(String key, Object v) {
        return new MatchCondition(key, new Match.Value(v));
    }

    @Test
    void matchValueOnKeywordIntegerBoolAndArrays() {
        assertThat(holds(match("c", "red"), "{'c': 'red'}")).isTrue();
        assertThat(holds(match("c", "red"), "{'c': 'Red'}")).isFalse();
        assertThat(holds(match("c", "red"), "{'c': ['blue', 'red']}")).isTrue();
        assertThat(holds(match("n", 3L), "{'n': 3}")).isTrue();
        assertThat(holds(match("n", 3L), "{'n': 3.0}")).isTrue();
        assertThat(holds(match("n", 3L), "{'n': 3.5}")).isFalse();
        assertThat(holds(match("n", 3L), "{'n': '3'}")).isFalse();
        assertThat(holds(match("b", true), "{'b': true}")).isTrue();
        assertThat(holds(match("b", true), "{'b': 'true'}")).isFalse();
        assertThat(holds(match("c", "red"), "{}")).isFalse();
        assertThat(holds(match("c", "red"), null)).isFalse();
    }

    @Test
    void anyAndExceptFollowQdrant() {
        Condition any = new MatchCondition("c", new Match.Any(List.of("a", "b")));
        assertThat(holds(any, "{'c': 'b'}")).isTrue();
        assertThat(holds(any, "{'c': ['x', 'a']}")).isTrue();
        assertThat(holds(any, "{'c': 'x'}")).isFalse();
        Condition except = new MatchCondition("c", new Match.Except(List.of("a", "b")));
        assertThat(holds(except, "{'c': 'x'}")).isTrue();
        assertThat(holds(except, "{'c': 'a'}")).isFalse();
        assertThat(holds(except, "{'c': ['a', 'x']}"))
                .as("some element not excluded")
                .isTrue();
        assertThat(holds(except, "{'c': ['a', 'b']}")).isFalse();
        assertThat(holds(except, "{}")).as("missing key").isFalse();
        assertThat(holds(except, "{'c': null}")).isFalse();
        assertThat(holds(except, "{'c': []}")).isFalse();
        assertThat(holds(except, "{'c': 5}")).as("other type is not excluded").isTrue();
    }

    @Test
    void textAndPhraseWithoutIndexAreSubstring() {
        Condition text = new MatchCondition("t", new Match.Text("quick bro"));
        assertThat(holds(text, "{'t': 'the quick brown fox'}")).isTrue();
        assertThat(holds(text, "{'t': 'the brown quick fox'}")).isFalse();
        assertThat(holds(new MatchCondition("t", new Match.Phrase("brown fox")), "{'t': ['x', 'a brown fox']}"))
                .isTrue();
    }

    @Test
    void prefixMatchesStringsThatStartWithIt() {
        Condition p = new MatchCondition("u", new Match.Prefix("https://q"));
        assertThat(holds(p, "{'u': 'https://qdrant.tech'}")).isTrue();
        assertThat(holds(p, "{'u': ['http://a', 'https://q']}")).isTrue();
        assertThat(holds(p, "{'u': 'http://qdrant.tech'}")).isFalse();
        assertThat(holds(p, "{'u': 5}")).isFalse();
        assertThat(holds(p, "{}")).isFalse();
        assertThat(holds(new MatchCondition("u", new Match.Prefix("")), "{'u': 'x'}"))
                .isTrue();
        assertThat(holds(new MatchCondition("u", new Match.Prefix("")), "{'u': 1}"))
                .isFalse();
    }

    @Test
    void rangeOnNumbersAndDatetimes() {
        assertThat(holds(new RangeCondition("n", null, 1.0, 2.0, null, false), "{'n': 1}"))
                .isTrue();
        assertThat(holds(new RangeCondition("n", null, 1.0, 2.0, null, false), "{'n': 2}"))
                .isFalse();
        assertThat(holds(new RangeCondition("n", 1.5, null, null, null, false), "{'n': [0, 1.6]}"))
                .isTrue();
        assertThat(holds(new RangeCondition("n", null, 0.0, null, null, false), "{'n': '5'}"))
                .isFalse();
        double t = PayloadValues.parseDateTimeMicros("2024-01-01T00:00:00Z");
        RangeCondition dt = new RangeCondition("d", null, t, null, null, true);
        assertThat(holds(dt, "{'d': '2024-01-01T00:00:00Z'}")).isTrue();
        assertThat(holds(dt, "{'d': '2024-01-01T00:30:00+01:00'}")).isFalse();
        assertThat(holds(dt, "{'d': '2024-06-01'}")).isTrue();
        assertThat(holds(dt, "{'d': 'not a date'}")).isFalse();
        assertThat(holds(dt, "{'d': 1e18}")).isFalse();
    }

    @Test
    void geoConditions() {
        String berlin = "{'loc': {'lon': 13.405, 'lat': 52.52}}";
        GeoPoint paris = new GeoPoint(2.3522, 48.8566);
        assertThat(holds(new GeoRadiusCondition("loc", paris, 900_000), berlin)).isTrue();
        assertThat(holds(new GeoRadiusCondition("loc", paris, 850_000), berlin)).isFalse();
        GeoBoundingBoxCondition box = new GeoBoundingBoxCondition("loc", new GeoPoint(10, 55), new GeoPoint(15, 50));
        assertThat(holds(box, berlin)).isTrue();
        assertThat(holds(box, "{'loc': [{'lon': 0, 'lat': 0}, {'lon': 11, 'lat': 51}]}"))
                .isTrue();
        assertThat(holds(box, "{'loc': 'Berlin'}")).isFalse();
        GeoBoundingBoxCondition wrap =
                new GeoBoundingBoxCondition("loc", new GeoPoint(170, 10), new GeoPoint(-170, -10));
        assertThat(holds(wrap, "{'loc': {'lon': 179, 'lat': 0}}")).isTrue();
        assertThat(holds(wrap, "{'loc': {'lon': -175, 'lat': 0}}")).isTrue();
        assertThat(holds(wrap, "{'loc': {'lon': 0, 'lat': 0}}")).isFalse();
        List<GeoPoint> square =
                List.of(new GeoPoint(0, 0), new GeoPoint(10, 0), new GeoPoint(10, 10), new GeoPoint(0, 10));
        List<GeoPoint> hole = List.of(new GeoPoint(4, 4), new GeoPoint(6, 4), new GeoPoint(6, 6), new GeoPoint(4, 6));
        GeoPolygonCondition poly = new GeoPolygonCondition("loc", square, List.of(hole));
        assertThat(holds(poly, "{'loc': {'lon': 2, 'lat': 2}}")).isTrue();
        assertThat(holds(poly, "{'loc': {'lon': 5, 'lat': 5}}"))
                .as("in the hole")
                .isFalse();
        assertThat(holds(poly, "{'loc': {'lon': 12, 'lat': 5}}")).isFalse();
    }

    @Test
    void valuesCountIsEmptyIsNull() {
        ValuesCountCondition atLeast2 = new ValuesCountCondition("a", null, 2L, null, null);
        assertThat(holds(atLeast2, "{'a': [1, 2]}")).isTrue();
        assertThat(holds(atLeast2, "{'a': [1, null]}")).isFalse();
        assertThat(holds(atLeast2, "{'a': 1}")).isFalse();
        assertThat(holds(new ValuesCountCondition("a", null, null, 1L, null), "{}"))
                .isTrue();
        IsEmptyCondition empty = new IsEmptyCondition("a");
        assertThat(holds(empty, "{}")).isTrue();
        assertThat(holds(empty, "{'a': null}")).isTrue();
        assertThat(holds(empty, "{'a': []}")).isTrue();
        assertThat(holds(empty, "{'a': [null]}")).isFalse();
        assertThat(holds(empty, "{'a': 0}")).isFalse();
        assertThat(holds(empty, "{'a': ''}")).isFalse();
        IsNullCondition isNull = new IsNullCondition("a");
        assertThat(holds(isNull, "{'a': null}")).isTrue();
        assertThat(holds(isNull, "{'a': [1, null]}")).isTrue();
        assertThat(holds(isNull, "{}")).isFalse();
        assertThat(holds(isNull, "{'a': []}")).isFalse();
    }

    @Test
    void idsAndVectors() {
        assertThat(holds(new HasIdCondition(Set.of(PointId.of(7), PointId.of(8))), "{}"))
                .isTrue();
        assertThat(holds(new HasIdCondition(Set.of(PointId.of(8))), "{}")).isFalse();
        assertThat(holds(new HasVectorCondition("img"), "{}")).isTrue();
        assertThat(holds(new HasVectorCondition(""), "{}")).isFalse();
    }

    @Test
    void nestedRequiresOneElementToSatisfyTheWholeFilter() {
        String diet = "{'diet': [{'food': 'meat', 'likes': false}, {'food': 'veg', 'likes': true}]}";
        Filter inner = Filter.must(match("food", "meat"), match("likes", true));
        assertThat(holds(new NestedCondition("diet", inner), diet)).isFalse();
        assertThat(FilterEvaluator.matches(
                        Filter.must(match("diet[].food", "meat"), match("diet[].likes", true)), p(diet)))
                .as("without nested, conditions apply to the array as a whole")
                .isTrue();
        assertThat(holds(new NestedCondition("diet", Filter.must(match("food", "veg"), match("likes", true))), diet))
                .isTrue();
        Filter bad = Filter.must(new HasIdCondition(Set.of(PointId.of(7))));
        assertThatThrownBy(() -> holds(new NestedCondition("diet", bad), "{}"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("has_id");
    }

    @Test
    void clauses() {
        View v = p("{'a': 1, 'b': 2}");
        Condition a1 = match("a", 1L);
        Condition b1 = match("b", 1L);
        Condition b2 = match("b", 2L);
        assertThat(FilterEvaluator.matches(Filter.ALL, v)).isTrue();
        assertThat(FilterEvaluator.matches(new Filter(List.of(), List.of(b1, b2), null, null), v))
                .isTrue();
        assertThat(FilterEvaluator.matches(new Filter(List.of(), List.of(b1), null, null), v))
                .isFalse();
        assertThat(FilterEvaluator.matches(new Filter(List.of(a1), null, List.of(b2), null), v))
                .isFalse();
        assertThat(FilterEvaluator.matches(new Filter(null, null, List.of(b1), null), v))
                .isTrue();
        Filter.MinShould two = new Filter.MinShould(List.of(a1, b1, b2), 2);
        assertThat(FilterEvaluator.matches(new Filter(null, null, null, two), v))
                .isTrue();
        Filter.MinShould three = new Filter.MinShould(List.of(a1, b1, b2), 3);
        assertThat(FilterEvaluator.matches(new Filter(null, null, null, three), v))
                .isFalse();
        Filter.MinShould emptyList = new Filter.MinShould(List.of(), 3);
        assertThat(FilterEvaluator.matches(new Filter(null, null, null, emptyList), v))
                .isTrue();
        Condition inner = new Condition.FilterCondition(new Filter(null, List.of(b1), null, null));
        assertThat(FilterEvaluator.matches(Filter.must(inner), v)).isFalse();
    }
}
