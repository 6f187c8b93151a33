package io.sextant.server.api.grpc;

import static io.qdrant.client.ConditionFactory.matchKeyword;
import static io.qdrant.client.ConditionFactory.range;
import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.QueryFactory.nearest;
import static io.qdrant.client.ValueFactory.value;
import static io.qdrant.client.VectorFactory.vector;
import static io.qdrant.client.VectorsFactory.namedVectors;
import static io.qdrant.client.VectorsFactory.vectors;
import static io.qdrant.client.WithPayloadSelectorFactory.enable;
import static io.sextant.server.api.grpc.GrpcFixture.assertStatus;
import static io.sextant.server.api.grpc.GrpcFixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.qdrant.client.QueryFactory;
import io.qdrant.client.VectorInputFactory;
import io.qdrant.client.WithVectorsSelectorFactory;
import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.Common.Range;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.QueryPoints;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScoredPoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The P1 end-to-end workflow over gRPC with the official Java client: named vectors, u64 and UUID
 * ids, filtered queries, scroll paging, count, payload operations, indexes, deletes and errors.
 * Each test uses its own collection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcPointsTest {

    static final String[] CITIES = {"berlin", "paris", "rome"};

    @TempDir
    static Path dir;

    GrpcFixture fx;

    @BeforeAll
    void start() {
        fx = new GrpcFixture(dir);
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    /** A collection with named vectors "text" (4, Cosine) and "image" (2, Euclid) and 30 points. */
    private void seed(String name) {
        get(fx.client.createCollectionAsync(
                name,
                Map.of(
                        "text",
                                VectorParams.newBuilder()
                                        .setSize(4)
                                        .setDistance(Distance.Cosine)
                                        .build(),
                        "image",
                                VectorParams.newBuilder()
                                        .setSize(2)
                                        .setDistance(Distance.Euclid)
                                        .build())));
        List<PointStruct> points = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            PointId pid = i < 20 ? id(i) : id(uuid(i));
            points.add(PointStruct.newBuilder()
                    .setId(pid)
                    .setVectors(namedVectors(Map.of("text", vector(1f, i, i % 3, 0.5f), "image", vector(i, -i))))
                    .putAllPayload(Map.of(
                            "city", value(CITIES[i % 3]),
                            "n", value(i),
                            "price", value(i + 0.25),
                            "tags", value(List.of(value("t" + (i % 2)), value(i % 5 == 0))),
                            "meta", value(Map.of("even", value(i % 2 == 0)))))
                    .build());
        }
        Points.UpdateResult r = get(fx.client.upsertAsync(name, points));
        assertThat(r.getStatus()).isEqualTo(Points.UpdateStatus.Completed);
    }

    static UUID uuid(int i) {
        return UUID.fromString(String.format("00000000-0000-4000-8000-%012d", i));
    }

    @Test
    void recommendBatchAndGroups() {
        seed("p_rec");
        Filter numeric = Filter.newBuilder()
                .addMust(range("n", Range.newBuilder().setLt(20).build()))
                .build();
        // "image" is (i, -i) with Euclid distance: the neighbours of 10 are 9 and 11, then 8 and 12
        var batch = get(fx.client.recommendBatchAsync(
                "p_rec",
                List.of(
                        Points.RecommendPoints.newBuilder()
                                .setCollectionName("p_rec")
                                .setUsing("image")
                                .addPositive(id(10))
                                .setFilter(numeric)
                                .setLimit(2)
                                .build(),
                        Points.RecommendPoints.newBuilder()
                                .setCollectionName("p_rec")
                                .setUsing("image")
                                .addPositive(id(0))
                                .addNegative(id(19))
                                .setFilter(numeric)
                                .setLimit(1)
                                .build()),
                null));
        assertThat(batch).hasSize(2);
        assertThat(batch.get(0).getResultList())
                .extracting(h -> h.getId().getNum())
                .containsExactlyInAnyOrder(9L, 11L);
        assertThat(batch.get(1).getResultList())
                .extracting(h -> h.getId().getNum())
                .containsExactly(1L);

        List<Points.PointGroup> groups = get(fx.client.recommendGroupsAsync(Points.RecommendPointGroups.newBuilder()
                .setCollectionName("p_rec")
                .setUsing("image")
                .addPositive(id(10))
                .setFilter(numeric)
                .setGroupBy("city")
                .setGroupSize(2)
                .setLimit(2)
                .build()));
        Map<String, List<Long>> byCity = new java.util.TreeMap<>();
        for (Points.PointGroup g : groups) {
            byCity.put(
                    g.getId().getStringValue(),
                    g.getHitsList().stream().map(h -> h.getId().getNum()).toList());
        }
        // 9 and 12 are in berlin (i % 3 == 0), 11 and 8 in rome (i % 3 == 2); 10 itself is excluded
        assertThat(byCity).isEqualTo(Map.of("berlin", List.of(9L, 12L), "rome", List.of(11L, 8L)));
    }

    @Test
    void upsertAndRetrieveKeepsIdsAndPayloadTypes() {
        seed("p_get");
        List<RetrievedPoint> got = get(fx.client.retrieveAsync(
                "p_get",
                List.of(id(3), id(uuid(25)), id(999)),
                enable(true),
                WithVectorsSelectorFactory.enable(true),
                null));
        assertThat(got).hasSize(2);
        RetrievedPoint p3 = got.get(0);
        assertThat(p3.getId().getNum()).isEqualTo(3);
        assertThat(p3.getPayloadMap().get("n").getKindCase()).isEqualTo(Value.KindCase.INTEGER_VALUE);
        assertThat(p3.getPayloadMap().get("price").getDoubleValue()).isEqualTo(3.25);
        assertThat(p3.getPayloadMap()
                        .get("meta")
                        .getStructValue()
                        .getFieldsMap()
                        .get("even")
                        .getBoolValue())
                .isFalse();
        assertThat(p3.getVectors()
                        .getVectors()
                        .getVectorsMap()
                        .get("image")
                        .getDense()
                        .getDataList())
                .containsExactly(3f, -3f);
        assertThat(got.get(1).getId().getUuid()).isEqualTo(uuid(25).toString());
        assertThat(get(fx.client.getCollectionInfoAsync("p_get")).getPointsCount())
                .isEqualTo(30);
    }

    @Test
    void filteredQueriesAndLegacySearches() {
        seed("p_query");
        Filter rome = Filter.newBuilder().addMust(matchKeyword("city", "rome")).build();
        List<ScoredPoint> hits = get(fx.client.queryAsync(QueryPoints.newBuilder()
                .setCollectionName("p_query")
                .setQuery(nearest(1f, 5f, 2f, 0.5f))
                .setUsing("text")
                .setFilter(rome)
                .setLimit(4)
                .setWithPayload(enable(true))
                .build()));
        assertThat(hits).hasSize(4);
        assertThat(hits)
                .allSatisfy(h -> assertThat(h.getPayloadMap().get("city").getStringValue())
                        .isEqualTo("rome"));
        assertThat(hits.get(0).getScore()).isGreaterThanOrEqualTo(hits.get(1).getScore());

        // Euclid: the nearest "image" vector to (7,-7) is point 7, then 6/8
        List<ScoredPoint> search = get(fx.client.searchAsync(Points.SearchPoints.newBuilder()
                .setCollectionName("p_query")
                .setVectorName("image")
                .addAllVector(List.of(7f, -7f))
                .setLimit(3)
                .setFilter(Filter.newBuilder()
                        .addMust(range("n", Range.newBuilder().setLt(20).build())))
                .build()));
        assertThat(search.get(0).getId().getNum()).isEqualTo(7);
        assertThat(search).extracting(h -> h.getId().getNum()).containsExactlyInAnyOrder(7L, 6L, 8L);

        List<ScoredPoint> rec = get(fx.client.recommendAsync(Points.RecommendPoints.newBuilder()
                .setCollectionName("p_query")
                .setUsing("image")
                .addPositive(id(10))
                .setLimit(2)
                .build()));
        assertThat(rec).extracting(h -> h.getId().getNum()).containsExactlyInAnyOrder(9L, 11L);

        var batch = get(fx.client.queryBatchAsync(
                "p_query",
                List.of(
                        QueryPoints.newBuilder()
                                .setCollectionName("p_query")
                                .setUsing("image")
                                .setQuery(nearest(0f, 0f))
                                .setLimit(1)
                                .build(),
                        QueryPoints.newBuilder()
                                .setCollectionName("p_query")
                                .setUsing("image")
                                .setQuery(QueryFactory.nearest(VectorInputFactory.vectorInput(id(uuid(29)))))
                                .setLimit(1)
                                .build())));
        assertThat(batch.get(0).getResult(0).getId().getNum()).isZero();
        assertThat(batch.get(1).getResult(0).getId().getUuid()).isEqualTo(uuid(28).toString());

        // prefetch + RRF fusion over both named vectors
        List<ScoredPoint> fused = get(fx.client.queryAsync(QueryPoints.newBuilder()
                .setCollectionName("p_query")
                .addPrefetch(Points.PrefetchQuery.newBuilder()
                        .setUsing("image")
                        .setQuery(nearest(2f, -2f))
                        .setLimit(5))
                .addPrefetch(Points.PrefetchQuery.newBuilder()
                        .setUsing("text")
                        .setQuery(nearest(1f, 2f, 2f, 0.5f))
                        .setLimit(5))
                .setQuery(QueryFactory.fusion(Points.Fusion.RRF))
                .setLimit(3)
                .build()));
        assertThat(fused).hasSize(3);

        List<Points.PointGroup> groups = get(fx.client.queryGroupsAsync(Points.QueryPointGroups.newBuilder()
                .setCollectionName("p_query")
                .setUsing("image")
                .setQuery(nearest(0f, 0f))
                .setGroupBy("city")
                .setGroupSize(2)
                .setLimit(3)
                .build()));
        assertThat(groups).hasSize(3);
        assertThat(groups).allSatisfy(g -> assertThat(g.getHitsCount()).isEqualTo(2));
        assertThat(groups.get(0).getId().getStringValue()).isEqualTo("berlin");
    }

    @Test
    void scrollPagesCoverEveryPointOnce() {
        seed("p_scroll");
        Set<String> seen = new HashSet<>();
        PointId offset = null;
        int pages = 0;
        do {
            Points.ScrollPoints.Builder req = Points.ScrollPoints.newBuilder()
                    .setCollectionName("p_scroll")
                    .setLimit(7);
            if (offset != null) {
                req.setOffset(offset);
            }
            Points.ScrollResponse page = get(fx.client.scrollAsync(req.build()));
            for (RetrievedPoint p : page.getResultList()) {
                assertThat(seen.add(p.getId().toString())).isTrue();
                assertThat(p.getPayloadMap()).containsKey("city");
            }
            offset = page.hasNextPageOffset() ? page.getNextPageOffset() : null;
            pages++;
        } while (offset != null);
        assertThat(seen).hasSize(30);
        assertThat(pages).isEqualTo(5);

        Points.ScrollResponse filtered = get(fx.client.scrollAsync(Points.ScrollPoints.newBuilder()
                .setCollectionName("p_scroll")
                .setFilter(Filter.newBuilder().addMust(matchKeyword("city", "paris")))
                .setLimit(100)
                .setWithPayload(enable(false))
                .build()));
        assertThat(filtered.getResultCount()).isEqualTo(10);
        assertThat(filtered.getResult(0).getPayloadCount()).isZero();
        assertThat(filtered.hasNextPageOffset()).isFalse();

        Points.ScrollResponse ordered = get(fx.client.scrollAsync(Points.ScrollPoints.newBuilder()
                .setCollectionName("p_scroll")
                .setOrderBy(Points.OrderBy.newBuilder().setKey("n").setDirection(Points.Direction.Desc))
                .setLimit(3)
                .build()));
        get(fx.client.createPayloadIndexAsync(
                "p_scroll", "n", Collections.PayloadSchemaType.Integer, null, true, null, null));
        ordered = get(fx.client.scrollAsync(Points.ScrollPoints.newBuilder()
                .setCollectionName("p_scroll")
                .setOrderBy(Points.OrderBy.newBuilder().setKey("n").setDirection(Points.Direction.Desc))
                .setLimit(3)
                .build()));
        assertThat(ordered.getResultList())
                .extracting(p -> p.getPayloadMap().get("n").getIntegerValue())
                .containsExactly(29L, 28L, 27L);
        assertThat(ordered.getResultList())
                .extracting(p -> p.getOrderValue().getInt())
                .containsExactly(29L, 28L, 27L);
    }

    @Test
    void countPayloadOperationsAndIndexes() {
        seed("p_payload");
        assertThat(get(fx.client.countAsync("p_payload"))).isEqualTo(30);
        Filter berlin =
                Filter.newBuilder().addMust(matchKeyword("city", "berlin")).build();
        assertThat(get(fx.client.countAsync("p_payload", berlin, true))).isEqualTo(10);

        get(fx.client.createPayloadIndexAsync(
                "p_payload", "city", Collections.PayloadSchemaType.Keyword, null, true, null, null));
        Collections.CollectionInfo info = get(fx.client.getCollectionInfoAsync("p_payload"));
        assertThat(info.getPayloadSchemaMap()).containsKey("city");
        assertThat(info.getPayloadSchemaMap().get("city").getDataType())
                .isEqualTo(Collections.PayloadSchemaType.Keyword);
        assertThat(info.getPayloadSchemaMap().get("city").getPoints()).isEqualTo(30);
        assertThat(get(fx.client.countAsync("p_payload", berlin, true))).isEqualTo(10);

        get(fx.client.setPayloadAsync(
                "p_payload",
                Map.of("city", value("oslo"), "extra", value(1)),
                List.of(id(0), id(3)),
                true,
                null,
                null));
        assertThat(get(fx.client.countAsync("p_payload", berlin, true))).isEqualTo(8);
        get(fx.client.overwritePayloadAsync("p_payload", Map.of("only", value("x")), List.of(id(0)), true, null, null));
        get(fx.client.deletePayloadAsync("p_payload", List.of("extra"), List.of(id(3)), true, null, null));
        get(fx.client.clearPayloadAsync("p_payload", List.of(id(uuid(21))), true, null, null));
        List<RetrievedPoint> got = get(fx.client.retrieveAsync(
                "p_payload",
                List.of(id(0), id(3), id(uuid(21))),
                enable(true),
                WithVectorsSelectorFactory.enable(false),
                null));
        assertThat(got.get(0).getPayloadMap()).containsOnlyKeys("only");
        assertThat(got.get(1).getPayloadMap()).containsKey("city").doesNotContainKey("extra");
        assertThat(got.get(2).getPayloadMap()).isEmpty();

        get(fx.client.deletePayloadIndexAsync("p_payload", "city", true, null, null));
        assertThat(get(fx.client.getCollectionInfoAsync("p_payload")).getPayloadSchemaMap())
                .doesNotContainKey("city");
    }

    @Test
    void vectorUpdatesDeletesAndBatch() {
        seed("p_del");
        get(fx.client.updateVectorsAsync(
                "p_del",
                List.of(Points.PointVectors.newBuilder()
                        .setId(id(1))
                        .setVectors(namedVectors(Map.of("image", vector(100f, 100f))))
                        .build())));
        get(fx.client.deleteVectorsAsync("p_del", List.of("text"), List.of(id(2))));
        List<RetrievedPoint> got = get(fx.client.retrieveAsync(
                "p_del", List.of(id(1), id(2)), enable(false), WithVectorsSelectorFactory.enable(true), null));
        assertThat(got.get(0)
                        .getVectors()
                        .getVectors()
                        .getVectorsMap()
                        .get("image")
                        .getDense()
                        .getDataList())
                .containsExactly(100f, 100f);
        assertThat(got.get(1).getVectors().getVectors().getVectorsMap()).containsOnlyKeys("image");

        get(fx.client.deleteAsync("p_del", List.of(id(0), id(uuid(20)))));
        assertThat(get(fx.client.countAsync("p_del"))).isEqualTo(28);
        get(fx.client.deleteAsync(
                "p_del",
                Filter.newBuilder().addMust(matchKeyword("city", "paris")).build()));
        assertThat(get(fx.client.countAsync("p_del"))).isEqualTo(18);

        List<Points.UpdateResult> results = get(fx.client.batchUpdateAsync(
                "p_del",
                List.of(
                        Points.PointsUpdateOperation.newBuilder()
                                .setUpsert(Points.PointsUpdateOperation.PointStructList.newBuilder()
                                        .addPoints(PointStruct.newBuilder()
                                                .setId(id(500))
                                                .setVectors(namedVectors(Map.of("image", vector(1f, 1f))))
                                                .putPayload("city", value("lima"))))
                                .build(),
                        Points.PointsUpdateOperation.newBuilder()
                                .setDeletePoints(Points.PointsUpdateOperation.DeletePoints.newBuilder()
                                        .setPoints(Points.PointsSelector.newBuilder()
                                                .setPoints(Points.PointsIdsList.newBuilder()
                                                        .addIds(id(3)))))
                                .build())));
        assertThat(results).hasSize(2);
        assertThat(get(fx.client.countAsync("p_del"))).isEqualTo(18);
        assertThat(get(fx.client.retrieveAsync("p_del", id(500), null))).hasSize(1);
    }

    @Test
    void errorsMapToStatusCodes() {
        get(fx.client.createCollectionAsync(
                "p_err",
                VectorParams.newBuilder().setSize(3).setDistance(Distance.Dot).build()));
        PointStruct ok = PointStruct.newBuilder()
                .setId(id(1))
                .setVectors(vectors(1f, 2f, 3f))
                .build();
        get(fx.client.upsertAsync("p_err", List.of(ok)));

        assertStatus(fx.client.upsertAsync("nowhere", List.of(ok)), Status.Code.NOT_FOUND, "nowhere");
        assertStatus(fx.client.countAsync("nowhere"), Status.Code.NOT_FOUND, "nowhere");
        PointStruct wrongDim = PointStruct.newBuilder()
                .setId(id(2))
                .setVectors(vectors(1f, 2f))
                .build();
        assertStatus(fx.client.upsertAsync("p_err", List.of(wrongDim)), Status.Code.INVALID_ARGUMENT, "dim");
        assertStatus(
                fx.client.queryAsync(QueryPoints.newBuilder()
                        .setCollectionName("p_err")
                        .setQuery(nearest(1f, 2f, 3f, 4f))
                        .build()),
                Status.Code.INVALID_ARGUMENT,
                "dim");
        assertStatus(
                fx.client.upsertAsync(
                        "p_err",
                        List.of(PointStruct.newBuilder()
                                .setId(PointId.newBuilder().setUuid("not-a-uuid"))
                                .setVectors(vectors(1f, 2f, 3f))
                                .build())),
                Status.Code.INVALID_ARGUMENT,
                "not-a-uuid");
        assertStatus(
                fx.client.queryAsync(QueryPoints.newBuilder()
                        .setCollectionName("p_err")
                        .setQuery(QueryFactory.nearest(VectorInputFactory.vectorInput(id(77))))
                        .build()),
                Status.Code.NOT_FOUND,
                "77");
        // rejected writes change nothing
        assertThat(get(fx.client.countAsync("p_err"))).isEqualTo(1);
    }

    @Test
    void upsertHonoursUpdateModeAndUpdateFilter() {
        seed("p_mode");
        // insert_only: 3 exists and keeps its payload; 500 is new
        get(fx.client.upsertAsync(Points.UpsertPoints.newBuilder()
                .setCollectionName("p_mode")
                .setWait(true)
                .setUpdateMode(Points.UpdateMode.InsertOnly)
                .addPoints(PointStruct.newBuilder()
                        .setId(id(3))
                        .setVectors(namedVectors(Map.of("text", vector(1f, 1f, 1f, 1f))))
                        .putPayload("n", value(-1)))
                .addPoints(PointStruct.newBuilder()
                        .setId(id(500))
                        .setVectors(namedVectors(Map.of("text", vector(1f, 1f, 1f, 1f)))))
                .build()));
        // update_filter n < 0 matches nothing existing: 4 is unchanged
        get(fx.client.upsertAsync(Points.UpsertPoints.newBuilder()
                .setCollectionName("p_mode")
                .setWait(true)
                .setUpdateFilter(Filter.newBuilder()
                        .addMust(range("n", Range.newBuilder().setLt(0).build())))
                .addPoints(PointStruct.newBuilder()
                        .setId(id(4))
                        .setVectors(namedVectors(Map.of("text", vector(1f, 1f, 1f, 1f))))
                        .putPayload("n", value(-4)))
                .build()));
        List<RetrievedPoint> got = get(fx.client.retrieveAsync(
                "p_mode",
                List.of(id(3), id(4), id(500)),
                enable(true),
                WithVectorsSelectorFactory.enable(false),
                null));
        assertThat(got).hasSize(3);
        assertThat(got.get(0).getPayloadMap().get("n").getIntegerValue()).isEqualTo(3);
        assertThat(got.get(1).getPayloadMap().get("n").getIntegerValue()).isEqualTo(4);
    }

    @Test
    void waitTimeoutOfDeferredPoints() {
        get(fx.client.createCollectionAsync(Collections.CreateCollection.newBuilder()
                .setCollectionName("deferred")
                .setVectorsConfig(Collections.VectorsConfig.newBuilder()
                        .setParams(VectorParams.newBuilder()
                                .setSize(256)
                                .setDistance(Distance.Dot)
                                .build()))
                .setOptimizersConfig(Collections.OptimizersConfigDiff.newBuilder()
                        .setIndexingThreshold(4)
                        .setPreventUnoptimized(true)
                        .setMaxOptimizationThreads(
                                Collections.MaxOptimizationThreads.newBuilder().setValue(0)))
                .build()));
        List<PointStruct> points = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            float[] v = new float[256];
            java.util.Arrays.fill(v, i + 1);
            points.add(
                    PointStruct.newBuilder().setId(id(i)).setVectors(vectors(v)).build());
        }
        Points.UpdateResult r = get(fx.client.upsertAsync(Points.UpsertPoints.newBuilder()
                .setCollectionName("deferred")
                .addAllPoints(points)
                .setWait(true)
                .setTimeout(1)
                .build()));
        assertThat(r.getStatus()).isEqualTo(Points.UpdateStatus.WaitTimeout);
        assertThat(get(fx.client.countAsync("deferred"))).isEqualTo(4L);
    }
}
