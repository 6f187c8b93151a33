package io.sextant.segment.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Condition.GeoPoint;
import io.sextant.segment.filter.Condition.MatchCondition;
import io.sextant.segment.filter.Condition.RangeCondition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.Match;
import io.sextant.segment.filter.PointView;
import io.sextant.segment.index.PayloadIndexSpec.TextIndexParams;
import io.sextant.segment.payload.PayloadValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

/** Per index type: what it answers, via {@link FieldIndexSet#compile}, and the payload type check. */
class FieldIndexesTest {
    private static final ObjectMapper M = new ObjectMapper();
    private final List<ObjectNode> payloads = new ArrayList<>();
    private final FieldIndexSet set = new FieldIndexSet();

    static ObjectNode json(String s) {
        try {
            return (ObjectNode) M.readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void points(String... jsons) {
        for (String j : jsons) {
            payloads.add(json(j));
        }
    }

    private void index(String key, PayloadIndexSpec spec) {
        set.create(key, spec, payloads.size(), payloads::get);
    }

    private OffsetFilter compile(Condition c) {
        return set.compile(
                Filter.must(c),
                o -> new PointView() {
                    @Override
                    public PointId id() {
                        return PointId.of(o);
                    }

                    @Override
                    public ObjectNode payload() {
                        return payloads.get(o);
                    }

                    @Override
                    public boolean hasVector(String name) {
                        return false;
                    }
                },
                o -> true,
                payloads.size());
    }

    private RoaringBitmap exact(Condition c) {
        RoaringBitmap bm = compile(c).exactOrNull();
        assertThat(bm).as("answered by the index: %s", c).isNotNull();
        return bm;
    }

    @Test
    void keywordAnswersMatchAnyExcept() {
        points("{'k': 'a'}", "{'k': ['a', 'b']}", "{'k': 'c'}", "{}", "{'k': null}");
        index("k", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD));
        assertThat(exact(new MatchCondition("k", new Match.Value("a")))).isEqualTo(RoaringBitmap.bitmapOf(0, 1));
        assertThat(exact(new MatchCondition("k", new Match.Any(List.of("b", "c")))))
                .isEqualTo(RoaringBitmap.bitmapOf(1, 2));
        assertThat(exact(new MatchCondition("k", new Match.Except(List.of("a")))))
                .isEqualTo(RoaringBitmap.bitmapOf(1, 2));
        assertThat(exact(new MatchCondition("k", new Match.Value(1L)))).isEmpty();
        assertThat(set.pointsWithValue("k")).isEqualTo(3);
        assertThat(compile(new MatchCondition("k", new Match.Text("a"))).exactOrNull())
                .as("substring is evaluated")
                .isNull();
    }

    @Test
    void keywordAnswersPrefixFromTheSortedKeys() {
        points(
                "{'u': 'https://qdrant.tech'}",
                "{'u': ['http://example.com', 'https://qdrant.tech/blog']}",
                "{'u': 'https://example.com'}",
                "{'u': 'ftp://x'}",
                "{}");
        index(
                "u",
                new PayloadIndexSpec(PayloadSchemaType.KEYWORD, null, null, null, null, null, null, null, true, null));
        assertThat(exact(new MatchCondition("u", new Match.Prefix("https://qdrant."))))
                .isEqualTo(RoaringBitmap.bitmapOf(0, 1));
        assertThat(exact(new MatchCondition("u", new Match.Prefix("http")))).isEqualTo(RoaringBitmap.bitmapOf(0, 1, 2));
        assertThat(exact(new MatchCondition("u", new Match.Prefix("")))).isEqualTo(RoaringBitmap.bitmapOf(0, 1, 2, 3));
        assertThat(exact(new MatchCondition("u", new Match.Prefix("https://qdrant.tech/blog/x"))))
                .isEmpty();
        assertThat(exact(new MatchCondition("u", new Match.Prefix("zzz")))).isEmpty();
    }

    @Test
    void integerAnswersMatchAndRangeAndKeepsForeignValuesCorrect() {
        points("{'n': 1}", "{'n': [2, 3]}", "{'n': 'x'}", "{'n': 2.5}", "{'n': 4.0}");
        index("n", PayloadIndexSpec.of(PayloadSchemaType.INTEGER));
        assertThat(exact(new MatchCondition("n", new Match.Value(3L)))).isEqualTo(RoaringBitmap.bitmapOf(1));
        assertThat(exact(new MatchCondition("n", new Match.Value(4L)))).isEqualTo(RoaringBitmap.bitmapOf(4));
        assertThat(exact(new RangeCondition("n", null, 2.0, null, 3.0, false))).isEqualTo(RoaringBitmap.bitmapOf(1, 3));
        assertThat(exact(new MatchCondition("n", new Match.Except(List.of(1L)))))
                .as("'x' and 2.5 are not excluded")
                .isEqualTo(RoaringBitmap.bitmapOf(1, 2, 3, 4));
    }

    @Test
    void updatesReplaceValues() {
        points("{'n': 1}", "{'n': 2}");
        index("n", PayloadIndexSpec.of(PayloadSchemaType.INTEGER));
        payloads.set(0, json("{'n': 2}"));
        set.update(0, payloads.get(0));
        payloads.set(1, null);
        set.update(1, null);
        assertThat(exact(new MatchCondition("n", new Match.Value(2L)))).isEqualTo(RoaringBitmap.bitmapOf(0));
        assertThat(exact(new MatchCondition("n", new Match.Value(1L)))).isEmpty();
        assertThat(set.pointsWithValue("n")).isEqualTo(1);
        set.drop("n");
        assertThat(set.specs()).isEmpty();
        assertThat(compile(new MatchCondition("n", new Match.Value(2L))).test(0))
                .isTrue();
    }

    @Test
    void datetimeAnswersDatetimeRange() {
        points("{'t': '2024-01-01T00:00:00Z'}", "{'t': '2024-01-01T02:00:00+01:00'}", "{'t': '2023-12-31'}");
        index("t", PayloadIndexSpec.of(PayloadSchemaType.DATETIME));
        double from = PayloadValues.parseDateTimeMicros("2024-01-01T00:00:00Z");
        assertThat(exact(new RangeCondition("t", null, from, null, null, true)))
                .isEqualTo(RoaringBitmap.bitmapOf(0, 1));
        assertThat(exact(new RangeCondition("t", from, null, null, null, true))).isEqualTo(RoaringBitmap.bitmapOf(1));
    }

    @Test
    void geoAnswersRadiusBoxPolygon() {
        points(
                "{'g': {'lon': 0, 'lat': 0}}",
                "{'g': [{'lon': 50, 'lat': 50}, {'lon': 1, 'lat': 1}]}",
                "{'g': {'lon': 90, 'lat': 0}}");
        index("g", PayloadIndexSpec.of(PayloadSchemaType.GEO));
        assertThat(exact(new Condition.GeoRadiusCondition("g", new GeoPoint(0, 0), 200_000)))
                .isEqualTo(RoaringBitmap.bitmapOf(0, 1));
        assertThat(exact(new Condition.GeoBoundingBoxCondition("g", new GeoPoint(40, 60), new GeoPoint(100, -10))))
                .isEqualTo(RoaringBitmap.bitmapOf(1, 2));
        List<GeoPoint> tri = List.of(new GeoPoint(-5, -5), new GeoPoint(5, -5), new GeoPoint(0, 5));
        assertThat(exact(new Condition.GeoPolygonCondition("g", tri, List.of())))
                .isEqualTo(RoaringBitmap.bitmapOf(0, 1));
    }

    @Test
    void textRequiresEveryTokenAndPhraseRequiresOrder() {
        points(
                "{'t': 'The quick brown fox'}",
                "{'t': 'brown, quick; THE'}",
                "{'t': ['quick', 'brown']}",
                "{'t': 'quickly browned'}");
        index("t", PayloadIndexSpec.of(PayloadSchemaType.TEXT));
        assertThat(exact(new MatchCondition("t", new Match.Text("Quick brown"))))
                .isEqualTo(RoaringBitmap.bitmapOf(0, 1, 2));
        assertThat(exact(new MatchCondition("t", new Match.Phrase("quick brown"))))
                .isEqualTo(RoaringBitmap.bitmapOf(0));
        assertThat(exact(new MatchCondition("t", new Match.Text("  ")))).isEmpty();
    }

    @Test
    void textOptions() {
        points("{'t': 'Ab abc ABCDEFG'}", "{'t': 'xyz'}");
        index(
                "t",
                new PayloadIndexSpec(
                        PayloadSchemaType.TEXT,
                        null,
                        null,
                        null,
                        null,
                        null,
                        new TextIndexParams("word", false, 3, 5, true)));
        assertThat(exact(new MatchCondition("t", new Match.Text("abc")))).isEqualTo(RoaringBitmap.bitmapOf(0));
        assertThat(exact(new MatchCondition("t", new Match.Text("ABC"))))
                .as("case kept")
                .isEmpty();
        assertThat(exact(new MatchCondition("t", new Match.Text("Ab abc"))))
                .as("short query token dropped")
                .isEqualTo(RoaringBitmap.bitmapOf(0));
        set.create(
                "t",
                new PayloadIndexSpec(
                        PayloadSchemaType.TEXT,
                        null,
                        null,
                        null,
                        null,
                        null,
                        new TextIndexParams("prefix", true, null, null, null)),
                payloads.size(),
                payloads::get);
        assertThat(exact(new MatchCondition("t", new Match.Text("xy abcd")))).isEmpty();
        assertThat(exact(new MatchCondition("t", new Match.Text("abcd")))).isEqualTo(RoaringBitmap.bitmapOf(0));
    }

    @Test
    void typeCheckRejectsContradictingValues() {
        Map<String, PayloadIndexSpec> schema = Map.of(
                "n", PayloadIndexSpec.of(PayloadSchemaType.INTEGER),
                "k", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD),
                "d", PayloadIndexSpec.of(PayloadSchemaType.DATETIME),
                "u", PayloadIndexSpec.of(PayloadSchemaType.UUID),
                "g", PayloadIndexSpec.of(PayloadSchemaType.GEO),
                "b", PayloadIndexSpec.of(PayloadSchemaType.BOOL),
                "t", PayloadIndexSpec.of(PayloadSchemaType.TEXT),
                "f", PayloadIndexSpec.of(PayloadSchemaType.FLOAT));
        PayloadTypeCheck.check(
                schema,
                json("{'n': [1, null, 2.0], 'k': 'x', 'd': '2024-01-01', "
                        + "'u': '7c9e6679-7425-40de-944b-e07fc1f90ae7', 'g': {'lon': 1, 'lat': 2}, 'b': [true], "
                        + "'t': 'hi', 'f': 1, 'other': {}}"));
        PayloadTypeCheck.check(schema, null);
        assertThatThrownBy(() -> PayloadTypeCheck.check(schema, json("{'n': 'abc'}")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("'n'")
                .hasMessageContaining("integer")
                .hasMessageContaining("string");
        for (String bad : List.of(
                "{'n': 1.5}",
                "{'k': 5}",
                "{'k': ['a', 3]}",
                "{'d': 'soon'}",
                "{'u': 'nope'}",
                "{'g': {'lon': 200, 'lat': 0}}",
                "{'b': 'true'}",
                "{'t': 1}",
                "{'f': 'x'}",
                "{'k': [['a']]}")) {
            assertThatThrownBy(() -> PayloadTypeCheck.check(schema, json(bad)))
                    .as(bad)
                    .isInstanceOf(UserException.class)
                    .extracting(e -> ((UserException) e).kind())
                    .isEqualTo(UserException.Kind.BAD_REQUEST);
        }
    }
}
