package io.sextant.collection.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.collection.Collection;
import io.sextant.collection.ShardFactory;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.TestShards;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionParams;
import io.sextant.collection.config.VectorParams;
import io.sextant.segment.PointId;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.Match;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.ScrollRequest;
import io.sextant.vector.Distance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Query engine semantics over a collection: run against the in-memory test shard and the real
 * LocalShard, with 1 and 3 shards.
 */
class QueryEngineTest {
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

    /** 2-d Dot collection: point i has vector (i, 1) and payload {n: i, color: i%3 name, tags: [...]} */
    Collection collection(String kind, int shards) {
        ShardFactory f = TestShards.factory(kind);
        toc = TableOfContents.open(storage, f);
        Map<String, VectorParams> vs = new java.util.LinkedHashMap<>();
        vs.put("dense", VectorParams.of(2, Distance.DOT));
        vs.put("other", VectorParams.of(3, Distance.EUCLID));
        Collection c = toc.create("c", CollectionConfig.of(new CollectionParams(vs, false, shards, 1, 1, false)));
        List<PointOperation.PointStruct> pts = new ArrayList<>();
        String[] colors = {"red", "green", "blue"};
        for (int i = 1; i <= 30; i++) {
            ObjectNode p = JsonNodeFactory.instance.objectNode();
            p.put("n", i);
            p.put("color", colors[i % 3]);
            p.putArray("tags").add("t" + (i % 2)).add("all");
            pts.add(new PointOperation.PointStruct(
                    PointId.of(i), Map.of("dense", new float[] {i, 1}, "other", new float[] {i, 0, 0}), p));
        }
        c.update(new PointOperation.Upsert(pts), true);
        return c;
    }

    static List<Long> ids(List<ScoredPoint> hits) {
        return hits.stream().map(h -> ((PointId.Num) h.id()).value()).toList();
    }

    static QueryRequest.Builder q() {
        return QueryRequest.builder();
    }

    @ParameterizedTest
    @MethodSource("setups")
    void nearestWithFilterOffsetAndPayload(String kind, int shards) {
        Collection c = collection(kind, shards);
        List<ScoredPoint> hits = c.query(q().query(new Query.Nearest(VectorInput.of(1, 0)))
                .using("dense")
                .filter(Filter.must(new Condition.MatchCondition("color", new Match.Value("red"))))
                .limit(3)
                .offset(1)
                .withPayload(PayloadSelector.ALL)
                .build());
        assertThat(ids(hits)).containsExactly(27L, 24L, 21L);
        assertThat(hits.get(0).score()).isEqualTo(27f);
        assertThat(hits.get(0).payload().get("n").asInt()).isEqualTo(27);

        List<ScoredPoint> eu = c.query(q().query(new Query.Nearest(VectorInput.of(5, 0, 0)))
                .using("other")
                .limit(3)
                .build());
        assertThat(ids(eu)).startsWith(5L);
        assertThat(eu.get(0).score()).isEqualTo(0f);
    }

    @ParameterizedTest
    @MethodSource("setups")
    void nearestByIdExcludesThePointItself(String kind, int shards) {
        Collection c = collection(kind, shards);
        List<ScoredPoint> hits = c.query(q().query(new Query.Nearest(VectorInput.of(PointId.of(7))))
                .using("other")
                .limit(2)
                .build());
        assertThat(ids(hits)).containsExactlyInAnyOrder(6L, 8L);
        assertThatThrownBy(() -> c.query(q().query(new Query.Nearest(VectorInput.of(PointId.of(999))))
                        .using("dense")
                        .build()))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("No point with id 999 found");
    }

    @ParameterizedTest
    @MethodSource("setups")
    void wrongDimensionAndUnknownVectorAreUserErrors(String kind, int shards) {
        Collection c = collection(kind, shards);
        assertThatThrownBy(() -> c.query(q().query(new Query.Nearest(VectorInput.of(1, 2, 3)))
                        .using("dense")
                        .build()))
                .hasMessage("Wrong input: Vector dimension error: expected dim: 2, got 3");
        assertThatThrownBy(() -> c.query(q().query(new Query.Nearest(VectorInput.of(1, 2)))
                        .using("nope")
                        .build()))
                .hasMessageContaining("Not existing vector name error: nope");
        assertThatThrownBy(() -> c.update(
                        new PointOperation.Upsert(List.of(new PointOperation.PointStruct(
                                PointId.of(1), Map.of("dense", new float[] {1, 2, 3}), null))),
                        true))
                .hasMessage("Wrong input: Vector dimension error: expected dim: 2, got 3");
        assertThat(c.count(Filter.ALL, true)).isEqualTo(30);
    }

    @ParameterizedTest
    @MethodSource("setups")
    void prefetchThenNearestRescoresOnlyCandidates(String kind, int shards) {
        Collection c = collection(kind, shards);
        // prefetch: the 5 points closest to (0,0,0) by euclid = 1..5; outer: dot with (1,0) -> 5,4,3
        List<ScoredPoint> hits = c.query(q().prefetch(q().query(new Query.Nearest(VectorInput.of(0, 0, 0)))
                        .using("other")
                        .limit(5)
                        .build())
                .query(new Query.Nearest(VectorInput.of(1, 0)))
                .using("dense")
                .limit(3)
                .build());
        assertThat(ids(hits)).containsExactly(5L, 4L, 3L);
    }

    @ParameterizedTest
    @MethodSource("setups")
    void rrfFusionFollowsQdrantFormula(String kind, int shards) {
        Collection c = collection(kind, shards);
        // list A (dot with (1,0)): 30, 29, 28 ; list B (euclid to (28,0,0)): 28, 27|29 ...
        QueryRequest a = q().query(new Query.Nearest(VectorInput.of(1, 0)))
                .using("dense")
                .limit(3)
                .build();
        QueryRequest b = q().query(new Query.Nearest(VectorInput.of(28, 0, 0)))
                .using("other")
                .limit(1)
                .build();
        List<ScoredPoint> hits =
                c.query(q().prefetch(a, b).query(Query.Fusion.rrf()).limit(10).build());
        // 28: rank 2 in A, rank 0 in B -> 1/4 + 1/2 ; 30: 1/2 ; 29: 1/3
        assertThat(ids(hits)).containsExactly(28L, 30L, 29L);
        assertThat(hits.get(0).score()).isCloseTo(0.75f, within(1e-6f));
        assertThat(hits.get(1).score()).isCloseTo(0.5f, within(1e-6f));
        assertThat(hits.get(2).score()).isCloseTo(1f / 3, within(1e-6f));

        List<ScoredPoint> thresholded = c.query(q().prefetch(a, b)
                .query(Query.Fusion.rrf())
                .scoreThreshold(0.4f)
                .withPayload(PayloadSelector.ALL)
                .build());
        assertThat(ids(thresholded)).containsExactly(28L, 30L);
        assertThat(thresholded.get(0).payload().get("n").asInt()).isEqualTo(28);

        List<ScoredPoint> dbsf =
                c.query(q().prefetch(a, b).query(Query.Fusion.dbsf()).build());
        assertThat(ids(dbsf)).first().isEqualTo(28L);
    }

    @ParameterizedTest
    @MethodSource("setups")
    void outerFilterIsPropagatedIntoPrefetches(String kind, int shards) {
        Collection c = collection(kind, shards);
        QueryRequest a = q().query(new Query.Nearest(VectorInput.of(1, 0)))
                .using("dense")
                .limit(2)
                .build();
        List<ScoredPoint> hits = c.query(q().prefetch(a)
                .query(Query.Fusion.rrf())
                .filter(Filter.must(new Condition.MatchCondition("color", new Match.Value("green"))))
                .build());
        assertThat(ids(hits)).containsExactly(28L, 25L);
    }

    @ParameterizedTest
    @MethodSource("setups")
    void recommendStrategies(String kind, int shards) {
        Collection c = collection(kind, shards);
        // average_vector on euclid: 2*avg(10,12) - avg(30) = (22-30) -> -8 => nearest points 1,2
        List<ScoredPoint> avg = c.query(q().query(new Query.Recommend(
                        List.of(VectorInput.of(PointId.of(10)), VectorInput.of(PointId.of(12))),
                        List.of(VectorInput.of(PointId.of(30))),
                        Query.RecommendStrategy.AVERAGE_VECTOR))
                .using("other")
                .limit(2)
                .build());
        assertThat(ids(avg)).containsExactly(1L, 2L);

        // best_score on euclid: positive 10, negative 20: points <= 14 are closer to 10 than 20
        List<ScoredPoint> best = c.query(q().query(new Query.Recommend(
                        List.of(VectorInput.of(PointId.of(10))),
                        List.of(VectorInput.of(PointId.of(20))),
                        Query.RecommendStrategy.BEST_SCORE))
                .using("other")
                .limit(30)
                .build());
        assertThat(ids(best)).doesNotContain(10L, 20L);
        assertThat(ids(best).subList(0, 2)).containsExactlyInAnyOrder(9L, 11L);
        // sim(9) = -1 -> sigmoid = 0.5 * (-1/2 + 1) = 0.25
        assertThat(best.get(0).score()).isCloseTo(0.25f, within(1e-6f));
        for (ScoredPoint h : best) {
            long id = ((PointId.Num) h.id()).value();
            assertThat(h.score() > 0).as("point %s score %s", id, h.score()).isEqualTo(id < 15);
        }
        // sum_scores with raw vectors: dot with (1,0) minus dot with (0,1) = i - 1
        List<ScoredPoint> sum = c.query(q().query(new Query.Recommend(
                        List.of(VectorInput.of(1, 0)),
                        List.of(VectorInput.of(0, 1)),
                        Query.RecommendStrategy.SUM_SCORES))
                .using("dense")
                .limit(1)
                .build());
        assertThat(ids(sum)).containsExactly(30L);
        assertThat(sum.get(0).score()).isEqualTo(29f);

        // legacy recommend maps onto the same engine
        List<ScoredPoint> legacy = c.recommend(new RecommendRequest(
                List.of(VectorInput.of(PointId.of(10))),
                List.of(),
                null,
                "other",
                null,
                null,
                null,
                2,
                0,
                null,
                null,
                null));
        assertThat(ids(legacy)).containsExactlyInAnyOrder(9L, 11L);
    }

    @ParameterizedTest
    @MethodSource("setups")
    void lookupFromAnotherCollection(String kind, int shards) {
        Collection c = collection(kind, shards);
        Collection other = toc.create(
                "src", CollectionConfig.of(CollectionParams.named(Map.of("v", VectorParams.of(2, Distance.DOT)))));
        other.update(
                new PointOperation.Upsert(
                        List.of(new PointOperation.PointStruct(PointId.of(5), Map.of("v", new float[] {1, 0}), null))),
                true);
        List<ScoredPoint> hits = c.query(q().query(new Query.Nearest(VectorInput.of(PointId.of(5))))
                .using("dense")
                .lookupFrom(new LookupLocation("src", "v"))
                .limit(2)
                .build());
        // the looked-up id is not excluded: it belongs to another collection
        assertThat(ids(hits)).containsExactly(30L, 29L);
    }

    @ParameterizedTest
    @MethodSource("setups")
    void groupsByKeywordAndArrays(String kind, int shards) {
        Collection c = collection(kind, shards);
        QueryRequest base = q().query(new Query.Nearest(VectorInput.of(1, 0)))
                .using("dense")
                .withPayload(PayloadSelector.ALL)
                .build();
        List<PointGroup> groups = c.queryGroups(new QueryGroupsRequest(base, "color", 2, 2, null));
        assertThat(groups).hasSize(2);
        assertThat(groups.get(0).id().asText()).isEqualTo("red"); // 30 % 3 == 0
        assertThat(ids(groups.get(0).hits())).containsExactly(30L, 27L);
        assertThat(groups.get(1).id().asText()).isEqualTo("blue"); // 29 % 3 == 2
        assertThat(ids(groups.get(1).hits())).containsExactly(29L, 26L);
        assertThat(groups.get(0).hits().get(0).payload().get("n").asInt()).isEqualTo(30);

        List<PointGroup> byTag = c.queryGroups(new QueryGroupsRequest(base, "tags", 3, 10, null));
        assertThat(byTag).extracting(g -> g.id().asText()).containsExactly("t0", "all", "t1");
        assertThat(ids(byTag.get(1).hits())).containsExactly(30L, 29L, 28L);

        List<PointGroup> byN = c.queryGroups(new QueryGroupsRequest(
                base, "n", 1, 2, new QueryGroupsRequest.WithLookup("c", PayloadSelector.ALL, VectorSelector.NONE)));
        assertThat(byN.get(0).id().asLong()).isEqualTo(30);
        assertThat(byN.get(0).lookup().payload().get("color").asText()).isEqualTo("red");
    }

    @ParameterizedTest
    @MethodSource("setups")
    void noQueryScrollsByIdAndOrderBySorts(String kind, int shards) {
        Collection c = collection(kind, shards);
        List<ScoredPoint> scroll = c.query(q().limit(4).offset(2).build());
        assertThat(ids(scroll)).containsExactly(3L, 4L, 5L, 6L);

        List<ScoredPoint> ordered = c.query(q().query(new Query.OrderBy("n", true, null))
                .filter(Filter.must(new Condition.MatchCondition("color", new Match.Value("green"))))
                .limit(3)
                .build());
        assertThat(ids(ordered)).containsExactly(28L, 25L, 22L);

        var page = c.scroll(
                new ScrollRequest(Filter.ALL, 7, PointId.of(10), null, PayloadSelector.NONE, VectorSelector.NONE));
        assertThat(page.points())
                .extracting(p -> ((PointId.Num) p.id()).value())
                .containsExactly(10L, 11L, 12L, 13L, 14L, 15L, 16L);
        assertThat(page.nextOffset()).isEqualTo(PointId.of(17));
        var ob = c.scroll(new ScrollRequest(
                Filter.ALL,
                3,
                null,
                new ScrollRequest.OrderBy("n", false, null),
                PayloadSelector.ALL,
                VectorSelector.NONE));
        assertThat(ob.points()).extracting(p -> p.payload().get("n").asInt()).containsExactly(1, 2, 3);
    }

    @ParameterizedTest
    @MethodSource("setups")
    void orderedScrollListsAPointOncePerValue(String kind, int shards) {
        Collection c = collection(kind, shards);
        List<PointOperation.PointStruct> pts = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            ObjectNode p = JsonNodeFactory.instance.objectNode();
            p.putArray("m").add(i).add(10 * i);
            pts.add(new PointOperation.PointStruct(
                    PointId.of(100 + i), Map.of("dense", new float[] {i, 1}, "other", new float[] {i, 0, 0}), p));
        }
        c.update(new PointOperation.Upsert(pts), true);
        var page = c.scroll(new ScrollRequest(
                Filter.ALL,
                8,
                null,
                new ScrollRequest.OrderBy("m", false, null),
                PayloadSelector.NONE,
                VectorSelector.NONE));
        assertThat(page.points())
                .extracting(p -> ((PointId.Num) p.id()).value())
                .containsExactly(101L, 102L, 103L, 104L, 101L, 102L, 103L, 104L);
        assertThat(page.points())
                .extracting(PointRecord::orderValue)
                .containsExactly(1.0, 2.0, 3.0, 4.0, 10.0, 20.0, 30.0, 40.0);
        var desc = c.scroll(new ScrollRequest(
                Filter.ALL,
                3,
                null,
                new ScrollRequest.OrderBy("m", true, 25.0),
                PayloadSelector.NONE,
                VectorSelector.NONE));
        assertThat(desc.points()).extracting(PointRecord::orderValue).containsExactly(20.0, 10.0, 4.0);
    }

    @ParameterizedTest
    @MethodSource("setups")
    void shardedSearchMatchesBruteForce(String kind, int shards) {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        Collection c = collection(kind, shards);
        for (int t = 0; t < 20; t++) {
            float[] v = {rnd.nextFloat() * 2 - 1, rnd.nextFloat() * 2 - 1};
            int limit = 1 + rnd.nextInt(10);
            int offset = rnd.nextInt(5);
            List<ScoredPoint> hits = c.query(q().query(new Query.Nearest(VectorInput.of(v)))
                    .using("dense")
                    .params(new io.sextant.segment.query.SearchParams(null, true, false))
                    .limit(limit)
                    .offset(offset)
                    .build());
            List<float[]> expectedScores = new ArrayList<>();
            List<Float> scores = new ArrayList<>();
            for (int i = 1; i <= 30; i++) {
                scores.add(v[0] * i + v[1]);
            }
            scores.sort(java.util.Comparator.reverseOrder());
            assertThat(hits).as("seed %s", seed).hasSize(limit);
            for (int i = 0; i < limit; i++) {
                assertThat(hits.get(i).score())
                        .as("seed %s rank %s", seed, i)
                        .isCloseTo(scores.get(offset + i), within(1e-4f));
            }
            expectedScores.clear();
        }
    }

    // ---------------------------------------------------------------- sizes up to Integer.MAX_VALUE

    static final int MAX = Integer.MAX_VALUE;

    static QueryRequest.Builder nearestDense() {
        return q().query(new Query.Nearest(VectorInput.of(1, 0.5f))).using("dense");
    }

    /**
     * Limits, offsets and group sizes up to {@code Integer.MAX_VALUE} over the 30 points: every
     * query kind pages without overflow (exactly the points after the offset).
     */
    @ParameterizedTest
    @MethodSource("setups")
    void everyQueryKindPagesHugeLimitsWithoutOverflow(String kind, int shards) {
        Collection c = collection(kind, shards);
        int n = 30;
        assertThat(ids(c.query(nearestDense().limit(MAX).build()))).hasSize(n).startsWith(30L, 29L);
        assertThat(ids(c.query(nearestDense().limit(MAX).offset(3).build())))
                .hasSize(n - 3)
                .startsWith(27L);
        assertThat(c.query(nearestDense().limit(MAX).offset(MAX).build())).isEmpty();
        assertThat(c.query(nearestDense().limit(1).offset(MAX).build())).isEmpty();
        assertThat(c.query(nearestDense()
                        .limit(MAX)
                        .offset(1)
                        .params(new io.sextant.segment.query.SearchParams(
                                MAX,
                                false,
                                false,
                                new io.sextant.segment.query.SearchParams.QuantizationParams(false, null, 1e30)))
                        .build()))
                .hasSize(n - 1);
        // no query: id order
        assertThat(ids(c.query(q().limit(MAX).offset(1).build())))
                .hasSize(n - 1)
                .startsWith(2L, 3L);
        // order_by
        assertThat(ids(c.query(q().query(new Query.OrderBy("n", true, null))
                        .limit(MAX)
                        .offset(2)
                        .build())))
                .hasSize(n - 2)
                .startsWith(28L);
        // fusion over prefetches of huge limits
        QueryRequest pre = nearestDense().limit(2_000_000_000).build();
        QueryRequest other = q().query(new Query.Nearest(VectorInput.of(-1, 1)))
                .using("dense")
                .limit(MAX)
                .build();
        assertThat(c.query(q().prefetch(pre, other)
                        .query(Query.Fusion.rrf())
                        .limit(MAX)
                        .offset(2)
                        .build()))
                .hasSize(n - 2);
        assertThat(c.query(q().prefetch(pre, other)
                        .query(Query.Fusion.dbsf())
                        .limit(MAX)
                        .offset(MAX)
                        .build()))
                .isEmpty();
        // recommend: the example is excluded
        for (Query.RecommendStrategy s : Query.RecommendStrategy.values()) {
            assertThat(c.query(q().query(new Query.Recommend(List.of(VectorInput.of(PointId.of(1))), List.of(), s))
                            .using("dense")
                            .limit(MAX)
                            .offset(1)
                            .build()))
                    .as(s.toString())
                    .hasSize(n - 2);
        }
        // groups: limit * group_size overflows int
        List<PointGroup> groups =
                c.queryGroups(new QueryGroupsRequest(nearestDense().build(), "color", MAX, MAX, null));
        assertThat(groups).hasSize(3);
        assertThat(groups.stream().mapToInt(g -> g.hits().size()).sum()).isEqualTo(n);
        assertThat(c.queryGroups(new QueryGroupsRequest(nearestDense().build(), "color", 65_536, 65_536, null)))
                .hasSize(3);
    }

    /** A nearest query of limit {@code Integer.MAX_VALUE} allocates for the 30 points, not for the limit. */
    @org.junit.jupiter.api.Test
    void aNearestQueryOfHugeLimitAllocatesForThePointsFound() {
        Collection c = collection("local", 1);
        c.query(nearestDense().limit(3).build()); // warm-up
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        List<ScoredPoint> hits = c.query(nearestDense().limit(MAX).offset(1).build());
        long bytes = mx.getCurrentThreadAllocatedBytes() - before;
        assertThat(hits).hasSize(29);
        assertThat(bytes)
                .as("bytes allocated by a query of limit %d over 30 points", MAX)
                .isLessThan(8L << 20);
    }
}
