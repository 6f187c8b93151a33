package io.sextant.collection.strict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionParams;
import io.sextant.collection.config.HnswConfig;
import io.sextant.collection.config.VectorParams;
import io.sextant.collection.facet.FacetRequest;
import io.sextant.collection.matrix.MatrixRequest;
import io.sextant.collection.query.Query;
import io.sextant.collection.query.QueryRequest;
import io.sextant.collection.query.VectorInput;
import io.sextant.collection.query.formula.Expression;
import io.sextant.collection.query.formula.ParsedFormula;
import io.sextant.segment.PointId;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.Match;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.segment.query.SearchParams;
import io.sextant.vector.Distance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StrictModeGuardTest {

    private CollectionConfig config = CollectionConfig.of(
            new CollectionParams(Map.of("", VectorParams.of(4, Distance.DOT)), true, 1, 1, 1, true));
    private final Map<String, PayloadIndexSpec> schema = new HashMap<>();
    private long points = 0;
    private long payloadBytes = 0;
    private final AtomicLong clock = new AtomicLong();
    private final StrictModeGuard guard = new StrictModeGuard(
            new StrictModeGuard.Target() {
                @Override
                public CollectionConfig config() {
                    return config;
                }

                @Override
                public Map<String, PayloadIndexSpec> payloadSchema() {
                    return schema;
                }

                @Override
                public long pointsCount() {
                    return points;
                }

                @Override
                public long estimate(Filter filter) {
                    return 5;
                }

                @Override
                public long payloadStorageBytes() {
                    return payloadBytes;
                }
            },
            clock::get);

    private void strict(StrictModeConfig.Builder b) {
        config = config.withStrictMode(b.enabled(true).build());
    }

    private static QueryRequest query(int limit) {
        return QueryRequest.of(new Query.Nearest(VectorInput.of(1, 2, 3, 4)), limit);
    }

    private static QueryRequest withParams(SearchParams p, Filter f) {
        return new QueryRequest(
                null, new Query.Nearest(VectorInput.of(1, 2, 3, 4)), null, f, p, null, 3, 0, null, null, null);
    }

    private static PointOperation upsert(int n) {
        List<PointOperation.PointStruct> pts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pts.add(new PointOperation.PointStruct(PointId.of(i), Map.of("", new float[] {1, 2, 3, 4}), null));
        }
        return new PointOperation.Upsert(pts);
    }

    @Test
    void disabledChecksNothing() {
        strict(StrictModeConfig.builder().maxQueryLimit(1));
        config = config.withStrictMode(config.strictMode()
                .merge(StrictModeConfig.builder().enabled(false).build()));
        assertThatCode(() -> guard.checkQuery(query(100))).doesNotThrowAnyException();
    }

    @Test
    void queryLimitTimeoutAndSearchParams() {
        strict(StrictModeConfig.builder()
                .maxQueryLimit(4)
                .maxTimeout(2)
                .searchMaxHnswEf(4)
                .searchAllowExact(false)
                .searchMaxOversampling(1.5));
        guard.checkQuery(query(4));
        assertThatThrownBy(() -> guard.checkQuery(query(5)))
                .isInstanceOf(UserException.class)
                .hasMessage(
                        "Bad request: Limit exceeded 5 > 4 for \"limit\". Help: Reduce the \"limit\" parameter to or"
                                + " below 4.");
        guard.checkTimeout(2L);
        assertThatThrownBy(() -> guard.checkTimeout(3L)).hasMessageContaining("\"timeout\"");
        assertThatThrownBy(() -> guard.checkQuery(withParams(new SearchParams(5, false, false, null, null), null)))
                .hasMessageContaining("hnsw_ef");
        assertThatThrownBy(() -> guard.checkQuery(withParams(new SearchParams(null, true, false, null, null), null)))
                .hasMessageContaining("Exact search disabled!");
        assertThatThrownBy(() -> guard.checkQuery(withParams(
                        new SearchParams(
                                null, false, false, new SearchParams.QuantizationParams(false, null, 2.0), null),
                        null)))
                .hasMessageContaining("oversampling");
    }

    @Test
    void unindexedFilterAndFilterSize() {
        strict(StrictModeConfig.builder().unindexedFilteringRetrieve(false).filterMaxConditions(2));
        Filter city = Filter.must(new Condition.MatchCondition("city", new Match.Value("Berlin")));
        assertThatThrownBy(() -> guard.checkQuery(withParams(null, city)))
                .hasMessageContaining(
                        "Index required but not found for \"city\" of one of the following types:" + " [keyword]");
        schema.put("city", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD));
        guard.checkQuery(withParams(null, city));
        Filter three = Filter.must(
                new Condition.MatchCondition("city", new Match.Value("a")),
                new Condition.MatchCondition("city", new Match.Value("b")),
                new Condition.MatchCondition("city", new Match.Value("c")));
        assertThatThrownBy(() -> guard.checkScroll(three, 10))
                .hasMessageContaining("Filter condition limit reached (3" + " > 2)");
    }

    @Test
    void formulaVariablesNeedANumericIndexWhenUnindexedReadsAreOff() {
        Expression sum =
                new Expression.Sum(List.of(new Expression.Variable("discount_price"), new Expression.Score(0)));
        QueryRequest formula = formulaQuery(sum);
        guard.checkQuery(formula); // strict mode off
        strict(StrictModeConfig.builder().unindexedFilteringRetrieve(false));
        assertThatThrownBy(() -> guard.checkQuery(formula))
                .hasMessage("Bad request: Index required but not found for \"discount_price\" of one of the"
                        + " following types: [float, integer]. Help: Create an index for this key or use a different"
                        + " formula expression.");
        // a keyword index does not serve a numeric variable; an integer index with lookup only does
        schema.put("discount_price", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD));
        assertThatThrownBy(() -> guard.checkQuery(formula)).hasMessageContaining("discount_price");
        schema.put(
                "discount_price",
                new PayloadIndexSpec(PayloadSchemaType.INTEGER, null, null, null, true, false, null, null));
        guard.checkQuery(formula);
        // a condition inside the formula needs what the filter condition needs
        Expression cond = new Expression.Matches(new Condition.MatchCondition("city", new Match.Value("Berlin")));
        QueryRequest withCondition = formulaQuery(cond);
        assertThatThrownBy(() -> guard.checkQuery(withCondition)).hasMessageContaining("\"city\"");
    }

    private static QueryRequest formulaQuery(Expression e) {
        return new QueryRequest(
                List.of(query(10)),
                new Query.Formula(ParsedFormula.of(e, Map.of())),
                null,
                null,
                null,
                null,
                10,
                0,
                null,
                null,
                null);
    }

    @Test
    void facetAndDistanceMatrixLimits() {
        strict(StrictModeConfig.builder().maxQueryLimit(15).unindexedFilteringRetrieve(false));
        guard.checkMatrix(new MatrixRequest(5, 3, null, ""));
        assertThatThrownBy(() -> guard.checkMatrix(new MatrixRequest(10, 2, null, "")))
                .hasMessageContaining("Limit exceeded 20 > 15 for \"limit\"");
        guard.checkFacet(new FacetRequest("city", null, 15, false));
        assertThatThrownBy(() -> guard.checkFacet(new FacetRequest("city", null, 16, false)))
                .hasMessageContaining("Limit exceeded 16 > 15");
        Filter unindexed = Filter.must(new Condition.MatchCondition("color", new Match.Value("red")));
        assertThatThrownBy(() -> guard.checkFacet(new FacetRequest("city", unindexed, 10, false)))
                .hasMessageContaining("\"color\"");
        assertThatThrownBy(() -> guard.checkMatrix(new MatrixRequest(2, 2, unindexed, "")))
                .hasMessageContaining("\"color\"");
    }

    @Test
    void upsertBatchAndCollectionSize() {
        strict(StrictModeConfig.builder()
                .upsertMaxBatchsize(5)
                .maxPointsCount(10L)
                .maxCollectionVectorSizeBytes(240L));
        guard.checkUpdate(upsert(5));
        assertThatThrownBy(() -> guard.checkUpdate(upsert(6))).hasMessageContaining("\"upsert limit\"");
        points = 9; // 9 × 16 bytes < 240
        guard.checkUpdate(upsert(1));
        points = 10;
        assertThatThrownBy(() -> guard.checkUpdate(upsert(1)))
                .hasMessage("Bad request: Max points count limit of 10 reached!");
        strict(StrictModeConfig.builder().maxCollectionVectorSizeBytes(240L));
        points = 15;
        assertThatThrownBy(() -> guard.checkUpdate(upsert(1))).hasMessageContaining("Max vector storage size");
    }

    @Test
    void payloadStorageSize() {
        strict(StrictModeConfig.builder().maxCollectionPayloadSizeBytes(45_000L));
        payloadBytes = 44_999;
        guard.checkUpdate(upsert(1));
        guard.checkUpdate(new PointOperation.SetPayload(
                JsonNodeFactory.instance.objectNode().put("a", 1),
                new PointsSelector.Ids(List.of(PointId.of(1))),
                null));
        payloadBytes = 45_000;
        assertThatThrownBy(() -> guard.checkUpdate(upsert(1)))
                .hasMessage("Bad request: Max payload storage size limit of 0.042915344MB reached!");
        assertThatThrownBy(() -> guard.checkUpdate(new PointOperation.SetPayload(
                        JsonNodeFactory.instance.objectNode().put("a", 1),
                        new PointsSelector.Ids(List.of(PointId.of(1))),
                        null)))
                .hasMessageContaining("Max payload storage size");
        // deletes free space: never refused by the size limits
        assertThatCode(() ->
                        guard.checkUpdate(new PointOperation.Delete(new PointsSelector.Ids(List.of(PointId.of(1))))))
                .doesNotThrowAnyException();
    }

    @Test
    void deleteByUnindexedFilterRefusedWhenUpdatesMustBeIndexed() {
        strict(StrictModeConfig.builder().unindexedFilteringUpdate(false));
        PointOperation delete = new PointOperation.Delete(
                new PointsSelector.ByFilter(Filter.must(new Condition.MatchCondition("city", new Match.Value("x")))));
        assertThatThrownBy(() -> guard.checkUpdate(delete)).hasMessageContaining("\"city\"");
        assertThatCode(() ->
                        guard.checkUpdate(new PointOperation.Delete(new PointsSelector.Ids(List.of(PointId.of(1))))))
                .doesNotThrowAnyException();
    }

    @Test
    void payloadIndexCount() {
        strict(StrictModeConfig.builder().maxPayloadIndexCount(1));
        guard.checkUpdate(new PointOperation.CreateFieldIndex("a", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD)));
        schema.put("a", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD));
        assertThatThrownBy(() -> guard.checkUpdate(
                        new PointOperation.CreateFieldIndex("b", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD))))
                .hasMessage("Bad request: Collection already has the maximum number of payload indices (1). Help:"
                        + " Please delete an existing index before creating a new one.");
    }

    @Test
    void readAndWriteRateLimitsWithRefill() {
        strict(StrictModeConfig.builder().readRateLimit(4).writeRateLimit(10));
        guard.checkRetrieve(4);
        assertThatThrownBy(() -> guard.checkRetrieve(4))
                .isInstanceOf(RateLimitedException.class)
                .hasMessageContaining("Operation requires 4 tokens but only 0.0 were available");
        clock.addAndGet(60_000_000_000L);
        guard.checkRetrieve(4);
        assertThatThrownBy(() -> guard.checkUpdate(upsert(11)))
                .hasMessageContaining("request larger than rate limiter capacity");
        guard.checkUpdate(upsert(10));
        assertThatThrownBy(() -> guard.checkUpdate(upsert(1))).isInstanceOf(RateLimitedException.class);
        // a filtered write costs the estimated number of selected points (5 here)
        strict(StrictModeConfig.builder().writeRateLimit(7));
        PointOperation byFilter = new PointOperation.Delete(new PointsSelector.ByFilter(Filter.ALL));
        guard.checkUpdate(byFilter);
        assertThatThrownBy(() -> guard.checkUpdate(byFilter)).hasMessageContaining("Operation requires 5 tokens");
    }

    @Test
    void queryCostCountsVectorsAndConditions() {
        QueryRequest recommend = QueryRequest.of(
                new Query.Recommend(
                        List.of(VectorInput.of(PointId.of(1)), VectorInput.of(1, 2, 3, 4)), List.of(), null),
                3);
        assertThat(StrictModeGuard.cost(recommend, config)).isEqualTo(4);
        assertThat(StrictModeGuard.cost(
                        withParams(null, Filter.must(new Condition.MatchCondition("a", new Match.Value("b")))), config))
                .isEqualTo(2);
        // discover: target and both sides of each pair; context: the pairs
        Query.ContextPair pair = new Query.ContextPair(VectorInput.of(1, 0, 0, 0), VectorInput.of(PointId.of(2)));
        assertThat(StrictModeGuard.cost(
                        QueryRequest.of(new Query.Discover(VectorInput.of(1, 2, 3, 4), List.of(pair, pair)), 3),
                        config))
                .isEqualTo(1 + 2 * (1 + 3));
        assertThat(StrictModeGuard.cost(QueryRequest.of(new Query.Context(List.of(pair)), 3), config))
                .isEqualTo(4);
    }

    @Test
    void discoverOnAVectorWithoutGraphIsAFullScan() {
        config = new CollectionConfig(
                config.params(), new HnswConfig(0, 100, 10000, 0, false, null), null, null, null, null);
        strict(StrictModeConfig.builder().searchAllowExact(false));
        Query.ContextPair pair = new Query.ContextPair(VectorInput.of(1, 0, 0, 0), VectorInput.of(0, 1, 0, 0));
        assertThatThrownBy(() -> guard.checkQuery(QueryRequest.of(new Query.Context(List.of(pair)), 3)))
                .hasMessageContaining("global vector indexing is disabled");
    }
}
