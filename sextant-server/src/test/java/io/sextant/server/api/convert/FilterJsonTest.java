package io.sextant.server.api.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.segment.PointId;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.Match;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FilterJsonTest {

    private static final ObjectMapper M = new ObjectMapper();

    private static Filter parse(String json) throws Exception {
        return FilterJson.parse(M.readTree(json), "filter");
    }

    @Test
    void parsesEveryConditionKind() throws Exception {
        Filter f = parse("""
                {"must": [
                   {"key": "city", "match": {"value": "London"}},
                   {"key": "n", "match": {"any": [1, 2]}},
                   {"key": "tag", "match": {"except": ["a"]}},
                   {"key": "body", "match": {"text": "hello"}},
                   {"key": "price", "range": {"gte": 1.5, "lt": 10}},
                   {"key": "loc", "geo_radius": {"center": {"lon": 1, "lat": 2}, "radius": 100}},
                   {"key": "loc", "geo_bounding_box": {"top_left": {"lon": 0, "lat": 10}, "bottom_right": {"lon": 10, "lat": 0}}},
                   {"key": "loc", "geo_polygon": {"exterior": {"points": [{"lon":0,"lat":0},{"lon":1,"lat":0},{"lon":1,"lat":1},{"lon":0,"lat":0}]}}},
                   {"key": "tags", "values_count": {"gt": 2}},
                   {"is_empty": {"key": "e"}},
                   {"is_null": {"key": "z"}},
                   {"has_id": [1, "550e8400-e29b-41d4-a716-446655440000", 18446744073709551615]},
                   {"has_vector": "image"},
                   {"nested": {"key": "items", "filter": {"must": {"key": "x", "match": {"value": true}}}}},
                   {"should": [{"key": "a", "match": {"value": 1}}]}
                 ],
                 "must_not": {"key": "deleted", "match": {"value": true}},
                 "min_should": {"conditions": [{"key": "a", "match": {"value": 1}}], "min_count": 1}}
                """);
        List<Condition> must = f.must();
        assertThat(must).hasSize(15);
        assertThat(must.get(0)).isEqualTo(new Condition.MatchCondition("city", new Match.Value("London")));
        assertThat(must.get(1)).isEqualTo(new Condition.MatchCondition("n", new Match.Any(List.of(1L, 2L))));
        assertThat(must.get(4)).isEqualTo(new Condition.RangeCondition("price", null, 1.5, 10.0, null, false));
        assertThat(must.get(8)).isEqualTo(new Condition.ValuesCountCondition("tags", 2L, null, null, null));
        assertThat(must.get(11))
                .isEqualTo(new Condition.HasIdCondition(Set.of(
                        PointId.of(1),
                        PointId.of(UUID.fromString("550e8400-e29b-41d4-a716-446655440000")),
                        PointId.of(-1L))));
        assertThat(must.get(12)).isEqualTo(new Condition.HasVectorCondition("image"));
        assertThat(must.get(13)).isInstanceOf(Condition.NestedCondition.class);
        assertThat(must.get(14)).isInstanceOf(Condition.FilterCondition.class);
        assertThat(f.mustNot()).hasSize(1);
        assertThat(f.minShould().minCount()).isEqualTo(1);
    }

    @Test
    void datetimeRangesBecomeEpochMicros() throws Exception {
        Filter f = parse("""
                {"must": [{"key": "t", "range": {"gte": "1970-01-01T00:00:01Z", "lt": "1970-01-01 01:00:00+01:00", "lte": "1970-01-02"}}]}
                """);
        assertThat(f.must().getFirst())
                .isEqualTo(new Condition.RangeCondition("t", null, 1_000_000.0, 0.0, 86_400_000_000.0, true));
    }

    @Test
    void fieldConditionBooleanShortcuts() throws Exception {
        Filter f = parse("{\"must\": [{\"key\": \"a\", \"is_empty\": false}]}");
        assertThat(f.must().getFirst())
                .isEqualTo(new Condition.FilterCondition(
                        new Filter(null, null, List.of(new Condition.IsEmptyCondition("a")), null)));
    }

    @Test
    void invalidFiltersAreClearBadRequests() {
        assertBad("{\"must\": [{\"foo\": 1}]}", "filter.must[0]", "unknown condition");
        assertBad("{\"mus\": []}", "filter", "unknown field `mus`");
        assertBad(
                "{\"must\": [{\"key\": \"a\", \"range\": {\"gt\": \"yesterday\"}}]}",
                "filter.must[0].range.gt",
                "yesterday");
        assertBad(
                "{\"must\": [{\"key\": \"a\", \"range\": {\"gt\": 1, \"lt\": \"2020-01-01\"}}]}",
                "range",
                "all numbers");
        assertBad("{\"must\": [{\"key\": \"a\", \"match\": {\"value\": 1.5}}]}", "match.value", "1.5");
        assertBad("{\"must\": [{\"key\": \"a\", \"match\": {\"any\": [1, \"x\"]}}]}", "any[1]", "all strings");
        assertBad("{\"must\": [{\"has_id\": [-1]}]}", "has_id[0]", "-1");
        assertBad("{\"must\": [{\"has_id\": [\"abc\"]}]}", "has_id[0]", "abc");
        assertBad(
                "{\"must\": [{\"key\": \"l\", \"geo_radius\": {\"center\": {\"lon\": 200, \"lat\": 0}, \"radius\": 1}}]}",
                "center",
                "200");
        assertBad("{\"must\": [{\"key\": \"c\", \"values_count\": {\"gt\": -1}}]}", "values_count.gt", "non-negative");
        assertBad("{\"must\": 5}", "filter.must[0]", "expected an object");
    }

    @Test
    void aFieldConditionWithoutAConditionIsQdrantsValidationError() {
        assertThatThrownBy(() -> parse("{\"must\": [{\"key\": \"a\"}]}"))
                .isInstanceOf(UserException.class)
                .satisfies(e -> assertThat(((UserException) e).kind()).isEqualTo(UserException.Kind.UNPROCESSABLE))
                .hasMessageContaining("Validation error in JSON body: [filter.must[0]: At least one field condition"
                        + " must be specified]");
    }

    @Test
    void sliceConditionParsesAndValidatesAsQdrant() throws Exception {
        assertThat(parse("{\"must\": [{\"slice\": {\"total\": 4, \"index\": 3}}]}")
                        .must())
                .containsExactly(new io.sextant.segment.filter.Condition.SliceCondition(4, 3));
        assertBad("{\"must\": [{\"slice\": {\"total\": 0, \"index\": 0}}]}", "slice.total", "nonzero");
        assertThatThrownBy(() -> parse("{\"must\": [{\"slice\": {\"total\": 4, \"index\": 4}}]}"))
                .isInstanceOf(ValidationError.class)
                .hasMessageContaining("must be less than total");
    }

    private static void assertBad(String json, String path, String detail) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOf(UserException.class)
                .satisfies(e -> assertThat(((UserException) e).kind()).isEqualTo(UserException.Kind.BAD_REQUEST))
                .hasMessageContaining(path)
                .hasMessageContaining(detail);
    }

    @Test
    void pointIdsRoundTripUnsigned() throws Exception {
        JsonNode big = M.readTree("18446744073709551615");
        PointId id = PointIdJson.parse(big, "id");
        assertThat(PointIdJson.write(id).toString()).isEqualTo("18446744073709551615");
        assertThat(PointIdJson.write(PointId.of(7)).toString()).isEqualTo("7");
        assertThatThrownBy(() -> PointIdJson.parse(M.readTree("18446744073709551616"), "id"))
                .hasMessageContaining("18446744073709551616");
        assertThatThrownBy(() -> PointIdJson.parse(M.readTree("1.5"), "id")).hasMessageContaining("UUID");
    }
}
