package io.sextant.collection.strict;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.Match;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FilterChecksTest {

    private static Condition match(String key, Object v) {
        return new Condition.MatchCondition(key, new Match.Value(v));
    }

    @Test
    void countsNestedConditionsAndLargestInput() {
        Filter nested = Filter.must(
                new Condition.MatchCondition("a", new Match.Any(List.of(1L, 2L, 3L))),
                new Condition.MatchCondition("b", new Match.Any(List.of(1L, 2L))));
        Filter f = new Filter(
                List.of(new Condition.NestedCondition("city", nested)), List.of(match("x", "y")), null, null);
        assertThat(FilterChecks.conditionCount(f)).isEqualTo(3);
        assertThat(FilterChecks.maxConditionSize(f)).isEqualTo(3);
        assertThat(FilterChecks.conditionCount(Filter.ALL)).isZero();
    }

    @Test
    void findsKeysNoIndexCanServe() {
        Filter keyword = Filter.must(match("city", "Berlin"));
        assertThat(FilterChecks.unindexedKey(keyword, Map.of()))
                .isEqualTo(new FilterChecks.UnindexedKey("city", Set.of("keyword")));
        assertThat(FilterChecks.unindexedKey(keyword, Map.of("city", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD))))
                .isNull();
        // an integer index without lookup cannot answer match
        Filter integer = Filter.must(match("count", 1L));
        PayloadIndexSpec rangeOnly =
                new PayloadIndexSpec(PayloadSchemaType.INTEGER, null, null, null, false, true, null);
        assertThat(FilterChecks.unindexedKey(integer, Map.of("count", rangeOnly)))
                .isNotNull();
        // a text index answers phrases only with phrase_matching
        Filter phrase = Filter.must(new Condition.MatchCondition("t", new Match.Phrase("some text")));
        assertThat(FilterChecks.unindexedKey(phrase, Map.of("t", PayloadIndexSpec.of(PayloadSchemaType.TEXT))))
                .isNotNull();
        // match prefix needs a keyword index created with prefix: true (strict mode's capability check)
        Filter prefix = Filter.must(new Condition.MatchCondition("u", new Match.Prefix("http")));
        assertThat(FilterChecks.unindexedKey(prefix, Map.of("u", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD))))
                .isNotNull();
        PayloadIndexSpec withPrefix =
                new PayloadIndexSpec(PayloadSchemaType.KEYWORD, null, null, null, null, null, null, null, true, null);
        assertThat(FilterChecks.unindexedKey(prefix, Map.of("u", withPrefix))).isNull();
        // nested keys are joined with []
        Filter nested = Filter.must(new Condition.NestedCondition(
                "country.cities",
                Filter.must(new Condition.ValuesCountCondition("sightseeing", null, null, 3L, null))));
        assertThat(FilterChecks.unindexedKey(nested, Map.of()).key()).isEqualTo("country.cities[].sightseeing");
        assertThat(FilterChecks.unindexedKey(
                        nested, Map.of("country.cities[].sightseeing", PayloadIndexSpec.of(PayloadSchemaType.INTEGER))))
                .isNull();
        // an empty any needs no index
        assertThat(FilterChecks.unindexedKey(
                        Filter.must(new Condition.MatchCondition("k", new Match.Any(List.of()))), Map.of()))
                .isNull();
    }

    @Test
    void listsEveryUnindexedKeyMergingTheSchemasOfAKey() {
        Filter f = new Filter(
                List.of(match("city", "Berlin"), match("n", 5L)),
                List.of(new Condition.MatchCondition("city", new Match.Text("ber"))),
                List.of(match("flag", true), match("indexed", "x")),
                null);
        List<FilterChecks.UnindexedKey> keys =
                FilterChecks.unindexedKeys(f, Map.of("indexed", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD)));
        assertThat(keys)
                .containsExactly(
                        new FilterChecks.UnindexedKey("city", Set.of("keyword", "text")),
                        new FilterChecks.UnindexedKey("n", Set.of("integer")),
                        new FilterChecks.UnindexedKey("flag", Set.of("bool")));
        // the first-key form still stops at the first condition's requirement
        assertThat(FilterChecks.unindexedKey(f, Map.of()))
                .isEqualTo(new FilterChecks.UnindexedKey("city", Set.of("keyword")));
        assertThat(FilterChecks.unindexedKeys(
                        Filter.must(match("indexed", "y")),
                        Map.of("indexed", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD))))
                .isEmpty();
    }
}
