package io.sextant.collection.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.TestShards;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionParams;
import io.sextant.collection.config.VectorParams;
import io.sextant.segment.PointId;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.vector.Distance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * discover, context, relevance_feedback and sample:random through the engine, on the in-memory and
 * the real shard, 1 and 3 shards. Points 1..10 have the Dot vector {@code (i, 10 - i)}; for the pair
 * (positive 2, negative 8) the similarities are {@code 80 - 6i} and {@code 20 + 6i}, so points below
 * 5 side with the positive, 5 is a tie and points above 5 side with the negative.
 */
class DiscoveryQueryTest {
    @TempDir
    Path storage;

    TableOfContents toc;

    static List<Object[]> setups() {
        List<Object[]> out = new ArrayList<>();
        for (String kind : TestShards.kinds()) {
            out.add(new Object[] {kind, 1});
            out.add(new Object[] {kind, 3});
        }
        return out;
    }

    @AfterEach
    void close() {
        if (toc != null) {
            toc.close();
        }
    }

    Collection tenPoints(String kind, int shards) {
        toc = TableOfContents.open(storage, TestShards.factory(kind));
        Collection c = toc.create(
                "d",
                CollectionConfig.of(
                        new CollectionParams(Map.of("", VectorParams.of(2, Distance.DOT)), true, shards, 1, 1, false)));
        List<PointOperation.PointStruct> pts = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            pts.add(new PointOperation.PointStruct(PointId.of(i), Map.of("", new float[] {i, 10 - i}), null));
        }
        c.update(new PointOperation.Upsert(pts), true);
        return c;
    }

    static final Query.ContextPair PAIR_2_8 =
            new Query.ContextPair(VectorInput.of(PointId.of(2)), VectorInput.of(PointId.of(8)));

    static List<Long> ids(List<ScoredPoint> hits) {
        return hits.stream().map(h -> ((PointId.Num) h.id()).value()).toList();
    }

    static float sigmoid01(float x) {
        return 0.5f * (x / (1 + Math.abs(x)) + 1);
    }

    @ParameterizedTest
    @MethodSource("setups")
    void discoverRanksByContextZoneThenTarget(String kind, int shards) {
        Collection c = tenPoints(kind, shards);
        List<ScoredPoint> hits =
                c.query(QueryRequest.of(new Query.Discover(VectorInput.of(1, 0), List.of(PAIR_2_8)), 10));
        // ids 2 and 8 are inputs: excluded; positive zone (1,3,4) by target sim i, then tie 5, then the rest
        assertThat(ids(hits)).containsExactly(4L, 3L, 1L, 5L, 10L, 9L, 7L, 6L);
        assertThat(hits.get(0).score()).isCloseTo(1 + sigmoid01(4), within(1e-6f));
        assertThat(hits.get(3).score()).isCloseTo(sigmoid01(5), within(1e-6f));
        assertThat(hits.get(4).score()).isCloseTo(-1 + sigmoid01(10), within(1e-6f));
        assertThat(hits.get(0).version()).isPositive();

        // no context: a target search with sigmoid scores, same order as nearest
        List<ScoredPoint> plain = c.query(QueryRequest.of(new Query.Discover(VectorInput.of(1, 0), null), 3));
        assertThat(ids(plain)).containsExactly(10L, 9L, 8L);
        assertThat(plain.get(0).score()).isCloseTo(sigmoid01(10), within(1e-6f));
    }

    @ParameterizedTest
    @MethodSource("setups")
    void discoverHonoursFilterPrefetchOffsetAndThreshold(String kind, int shards) {
        Collection c = tenPoints(kind, shards);
        Query d = new Query.Discover(VectorInput.of(1, 0), List.of(PAIR_2_8));
        Filter odd = Filter.must(new Condition.HasIdCondition(
                Set.of(PointId.of(1), PointId.of(3), PointId.of(5), PointId.of(7), PointId.of(9))));
        List<ScoredPoint> filtered =
                c.query(QueryRequest.builder().query(d).filter(odd).limit(10).build());
        assertThat(ids(filtered)).containsExactly(3L, 1L, 5L, 9L, 7L);

        List<ScoredPoint> paged = c.query(
                QueryRequest.builder().query(d).filter(odd).offset(1).limit(2).build());
        assertThat(ids(paged)).containsExactly(1L, 5L);

        // rank >= 0 only: threshold 0
        List<ScoredPoint> positive = c.query(
                QueryRequest.builder().query(d).scoreThreshold(0.5f).limit(10).build());
        assertThat(ids(positive)).containsExactly(4L, 3L, 1L, 5L);

        // prefetch: only its candidates (nearest to (0,1): 1,2,3,4) are re-scored; 2 is an input
        QueryRequest pre = QueryRequest.of(new Query.Nearest(VectorInput.of(0, 1)), 4);
        List<ScoredPoint> rescored =
                c.query(QueryRequest.builder().prefetch(pre).query(d).limit(10).build());
        assertThat(ids(rescored)).containsExactly(4L, 3L, 1L);
    }

    @ParameterizedTest
    @MethodSource("setups")
    void contextScoresLossOfTheWrongSide(String kind, int shards) {
        Collection c = tenPoints(kind, shards);
        List<ScoredPoint> hits = c.query(QueryRequest.of(new Query.Context(List.of(PAIR_2_8)), 10));
        // 0 for 1,3,4 (ties by id), ~0 for 5, then (60 - 12i) / (1 + |60 - 12i|) for 6, 7, 9, 10
        assertThat(ids(hits)).containsExactly(1L, 3L, 4L, 5L, 6L, 7L, 9L, 10L);
        assertThat(hits.get(0).score()).isEqualTo(0f);
        assertThat(hits.get(3).score()).isLessThan(0f).isGreaterThan(-1e-5f);
        assertThat(hits.get(4).score()).isCloseTo(-12f / 13, within(1e-6f));
        assertThat(hits.get(7).score()).isCloseTo(-60f / 61, within(1e-6f));
    }

    @ParameterizedTest
    @MethodSource("setups")
    void relevanceFeedbackWithoutPairsIsTheNearestSearch(String kind, int shards) {
        Collection c = tenPoints(kind, shards);
        List<ScoredPoint> nearest = c.query(QueryRequest.of(new Query.Nearest(VectorInput.of(1, 2)), 3));
        List<ScoredPoint> feedback = c.query(QueryRequest.of(
                new Query.RelevanceFeedback(
                        VectorInput.of(1, 2), List.of(new Query.Feedback(VectorInput.of(1, 1), 0.8f)), 1, 100, 100),
                3));
        assertThat(ids(feedback)).isEqualTo(ids(nearest));
        assertThat(feedback.get(0).score()).isEqualTo(nearest.get(0).score());
        assertThat(feedback.get(0).version()).isEqualTo(nearest.get(0).version());

        // two examples: (1,0) scored 1 > (0,1) scored 0, weight 1^b * c = 2: 0 * sim(t) + 2 * (i - (10 - i))
        List<ScoredPoint> pushed = c.query(QueryRequest.of(
                new Query.RelevanceFeedback(
                        VectorInput.of(0, 1),
                        List.of(
                                new Query.Feedback(VectorInput.of(1, 0), 1f),
                                new Query.Feedback(VectorInput.of(0, 1), 0f)),
                        0,
                        1,
                        2),
                2));
        assertThat(ids(pushed)).containsExactly(10L, 9L);
        assertThat(pushed.get(0).score()).isCloseTo(2 * (10 - 0), within(1e-5f));

        assertThatThrownBy(() -> c.query(QueryRequest.of(
                        new Query.RelevanceFeedback(
                                VectorInput.of(1, 0),
                                List.of(new Query.Feedback(VectorInput.of(PointId.of(10000)), 1f)),
                                1,
                                1,
                                1),
                        3)))
                .isInstanceOf(UserException.class)
                .hasMessage("Not found: No point with id 10000 found");
    }

    @ParameterizedTest
    @MethodSource("setups")
    void randomSampleDrawsDistinctMatchingPointsInVaryingOrder(String kind, int shards) {
        Collection c = tenPoints(kind, shards);
        Set<List<Long>> orders = new HashSet<>();
        for (int run = 0; run < 20; run++) {
            List<Long> all = ids(c.query(QueryRequest.of(new Query.Sample(), 10)));
            assertThat(all).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            orders.add(all);
        }
        assertThat(orders).hasSizeGreaterThan(1);

        Filter low = Filter.must(
                new Condition.HasIdCondition(Set.of(PointId.of(1), PointId.of(2), PointId.of(3), PointId.of(4))));
        List<Long> three = ids(c.query(QueryRequest.builder()
                .query(new Query.Sample())
                .filter(low)
                .limit(3)
                .build()));
        assertThat(three).hasSize(3).doesNotHaveDuplicates().allMatch(id -> id <= 4);

        // over a prefetch: only its candidates, offset after shuffling
        QueryRequest pre = QueryRequest.of(new Query.Nearest(VectorInput.of(1, 0)), 2);
        Set<Long> seen = new HashSet<>();
        for (int run = 0; run < 50 && seen.size() < 2; run++) {
            List<ScoredPoint> one = c.query(QueryRequest.builder()
                    .prefetch(pre)
                    .query(new Query.Sample())
                    .offset(1)
                    .limit(5)
                    .build());
            assertThat(one).hasSize(1);
            seen.addAll(ids(one));
        }
        assertThat(seen).containsExactlyInAnyOrder(10L, 9L);
    }

    @ParameterizedTest
    @MethodSource("setups")
    void lookupAndShapeErrorsAreReportedAsQdrant(String kind, int shards) {
        Collection c = tenPoints(kind, shards);
        QueryRequest missingCollection = QueryRequest.builder()
                .query(new Query.Nearest(VectorInput.of(1, 0)))
                .lookupFrom(new LookupLocation("nope", null))
                .build();
        assertThatThrownBy(() -> c.query(missingCollection))
                .isInstanceOfSatisfying(
                        UserException.class, e -> assertThat(e.kind()).isEqualTo(UserException.Kind.NOT_FOUND))
                .hasMessage("Not found: Collection nope not found");

        // the missing point is reported before the unknown vector name
        Query byIds = new Query.Discover(
                VectorInput.of(1, 0),
                List.of(new Query.ContextPair(VectorInput.of(PointId.of(1)), VectorInput.of(PointId.of(99)))));
        assertThatThrownBy(() -> c.query(QueryRequest.builder()
                        .query(byIds)
                        .lookupFrom(new LookupLocation("d", "missing"))
                        .build()))
                .hasMessage("Not found: No point with id 99 found");
        Query existing = new Query.Discover(VectorInput.of(1, 0), List.of(PAIR_2_8));
        assertThatThrownBy(() -> c.query(QueryRequest.builder()
                        .query(existing)
                        .lookupFrom(new LookupLocation("d", "missing"))
                        .build()))
                .isInstanceOfSatisfying(
                        UserException.class, e -> assertThat(e.kind()).isEqualTo(UserException.Kind.BAD_REQUEST))
                .hasMessage("Wrong input: Not existing vector name error: missing");

        QueryRequest pre = QueryRequest.of(new Query.Nearest(VectorInput.of(1, 0)), 2);
        assertThatThrownBy(() ->
                        c.query(QueryRequest.builder().prefetch(pre).limit(3).build()))
                .hasMessageStartingWith("Bad request: A query is needed to merge the prefetches.");
        assertThatThrownBy(() -> c.query(QueryRequest.builder()
                        .prefetch(pre)
                        .query(Query.Fusion.rrf())
                        .using("x")
                        .build()))
                .hasMessage("Bad request: Fusion queries cannot be combined with the 'using' field.");
        assertThatThrownBy(() -> c.query(QueryRequest.builder()
                        .query(new Query.OrderBy("n", false, null))
                        .scoreThreshold(1f)
                        .build()))
                .hasMessage("Bad request: Can't use score_threshold with an order_by query.");
    }
}
