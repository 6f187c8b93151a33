package io.sextant.server.api.grpc;

import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.VectorFactory.vector;
import static io.qdrant.client.VectorsFactory.namedVectors;
import static io.sextant.server.api.grpc.GrpcFixture.assertStatus;
import static io.sextant.server.api.grpc.GrpcFixture.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.grpc.Status;
import io.qdrant.client.QueryFactory;
import io.qdrant.client.VectorInputFactory;
import io.qdrant.client.WithVectorsSelectorFactory;
import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.Points;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.QueryPoints;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScoredPoint;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sparse vectors over gRPC with the official Java client against a real server: collection config
 * (create, update, info), upsert and retrieve in every wire form Qdrant accepts, sparse nearest,
 * recommend and legacy search, hybrid RRF (weighted), vector updates and deletes, and bad input.
 * Each test uses its own collection.
 *
 * <p>The hybrid collection {@link #seed}s five points with a dense vector "d" (2, Dot) and a sparse
 * vector "s"; dimension id {@link #MAX_ID} (u32 max, -1 as a Java int) checks unsigned handling.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcSparseVectorsTest {

    /** u32::MAX: sent and received as the int -1. */
    static final int MAX_ID = -1;

    /** A point id >= 2^31. */
    static final long BIG = 3_000_000_000L;

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

    private static Points.Vector sparse(List<Integer> indices, List<Float> values) {
        return Points.Vector.newBuilder()
                .setSparse(
                        Points.SparseVector.newBuilder().addAllIndices(indices).addAllValues(values))
                .build();
    }

    /** The deprecated form: {@code data} with {@code indices}. */
    @SuppressWarnings("deprecation")
    private static Points.Vector legacySparse(List<Integer> indices, List<Float> values) {
        return Points.Vector.newBuilder()
                .addAllData(values)
                .setIndices(Points.SparseIndices.newBuilder().addAllData(indices))
                .build();
    }

    private static PointStruct point(long id, float dense, Points.Vector sparse) {
        return PointStruct.newBuilder()
                .setId(id(id))
                .setVectors(namedVectors(Map.of("d", vector(dense, 0f), "s", sparse)))
                .build();
    }

    /** A collection with the dense vector {@code dense} (2, Dot) and the sparse vector {@code sparse}. */
    private static Collections.CreateCollection hybrid(String name, String dense, String sparse) {
        return Collections.CreateCollection.newBuilder()
                .setCollectionName(name)
                .setVectorsConfig(Collections.VectorsConfig.newBuilder()
                        .setParamsMap(Collections.VectorParamsMap.newBuilder()
                                .putMap(
                                        dense,
                                        VectorParams.newBuilder()
                                                .setSize(2)
                                                .setDistance(Distance.Dot)
                                                .build())))
                .setSparseVectorsConfig(Collections.SparseVectorConfig.newBuilder()
                        .putMap(sparse, Collections.SparseVectorParams.getDefaultInstance()))
                .build();
    }

    private void createHybrid(String name) {
        get(fx.client.createCollectionAsync(hybrid(name, "d", "s")));
    }

    /** Patches the sparse vector "s" of {@code collection} and returns its params as shown by collection info. */
    private Collections.SparseVectorParams patchS(String collection, Collections.SparseVectorParams diff) {
        get(fx.client.updateCollectionAsync(Collections.UpdateCollection.newBuilder()
                .setCollectionName(collection)
                .setSparseVectorsConfig(
                        Collections.SparseVectorConfig.newBuilder().putMap("s", diff))
                .build()));
        return get(fx.client.getCollectionInfoAsync(collection))
                .getConfig()
                .getParams()
                .getSparseVectorsConfig()
                .getMapMap()
                .get("s");
    }

    /**
     * Sparse "s" (dot with the query {2: 1, MAX_ID: 1}): p2 3.5, p1 2, p4 1, p(BIG) 0.25, p3 none.
     * Dense "d" (dot with [1, 0]): p3 0.9, p4 0.5, p(BIG) 0.3, p2 0.2, p1 0.1.
     */
    private void seed(String name) {
        createHybrid(name);
        Points.UpdateResult r = get(fx.client.upsertAsync(
                name,
                List.of(
                        point(1, 0.1f, sparse(List.of(1, 2), List.of(1f, 2f))),
                        point(2, 0.2f, sparse(List.of(MAX_ID, 2), List.of(3f, 0.5f))),
                        point(3, 0.9f, legacySparse(List.of(3), List.of(1f))),
                        point(4, 0.5f, vector(List.of(1f), List.of(MAX_ID))),
                        point(BIG, 0.3f, legacySparse(List.of(7, 2), List.of(1f, 0.25f))))));
        assertThat(r.getStatus()).isEqualTo(Points.UpdateStatus.Completed);
    }

    private static Points.VectorInput query() {
        return VectorInputFactory.vectorInput(List.of(1f, 1f), List.of(2, MAX_ID));
    }

    private static List<Long> ids(List<ScoredPoint> hits) {
        return hits.stream().map(h -> h.getId().getNum()).toList();
    }

    private Points.SparseVector retrievedSparse(String collection, long id, String name) {
        List<RetrievedPoint> got = get(fx.client.retrieveAsync(
                collection,
                List.of(id(id)),
                io.qdrant.client.WithPayloadSelectorFactory.enable(false),
                WithVectorsSelectorFactory.enable(true),
                null));
        assertThat(got).hasSize(1);
        Points.VectorOutput v =
                got.get(0).getVectors().getVectors().getVectorsMap().get(name);
        return v == null ? null : v.getSparse();
    }

    @Test
    void createWithDenseAndSparseAndSparseOnly() {
        createHybrid("sp_both");
        CollectionInfo info = get(fx.client.getCollectionInfoAsync("sp_both"));
        Collections.CollectionParams p = info.getConfig().getParams();
        assertThat(p.getVectorsConfig().getParamsMap().getMapMap()).containsOnlyKeys("d");
        assertThat(p.getSparseVectorsConfig().getMapMap()).containsOnlyKeys("s");
        assertThat(p.getSparseVectorsConfig().getMapMap().get("s").hasIndex()).isFalse();

        get(fx.client.createCollectionAsync(Collections.CreateCollection.newBuilder()
                .setCollectionName("sp_only")
                .setSparseVectorsConfig(Collections.SparseVectorConfig.newBuilder()
                        .putMap(
                                "text",
                                Collections.SparseVectorParams.newBuilder()
                                        .setIndex(Collections.SparseIndexConfig.newBuilder()
                                                .setFullScanThreshold(1000)
                                                .setOnDisk(true)
                                                .setDatatype(Collections.Datatype.Float16))
                                        .setModifier(Collections.Modifier.Idf)
                                        .build()))
                .build()));
        p = get(fx.client.getCollectionInfoAsync("sp_only")).getConfig().getParams();
        assertThat(p.getVectorsConfig().getParamsMap().getMapMap()).isEmpty();
        Collections.SparseVectorParams text =
                p.getSparseVectorsConfig().getMapMap().get("text");
        assertThat(text.getIndex().getFullScanThreshold()).isEqualTo(1000);
        assertThat(text.getIndex().getOnDisk()).isTrue();
        assertThat(text.getIndex().getDatatype()).isEqualTo(Collections.Datatype.Float16);
        assertThat(text.getModifier()).isEqualTo(Collections.Modifier.Idf);

        // a sparse-only collection takes points with only sparse vectors
        get(fx.client.upsertAsync(
                "sp_only",
                List.of(PointStruct.newBuilder()
                        .setId(id(1))
                        .setVectors(namedVectors(Map.of("text", sparse(List.of(5, 1), List.of(0.5f, 2f)))))
                        .build())));
        assertThat(retrievedSparse("sp_only", 1, "text").getIndicesList()).containsExactly(1, 5);

        // a name used by both kinds is refused
        assertStatus(
                fx.client.createCollectionAsync(hybrid("sp_clash", "x", "x")),
                Status.Code.INVALID_ARGUMENT,
                "Dense and sparse vector names must be unique - duplicate found with 'x'");
        assertThat(get(fx.client.collectionExistsAsync("sp_clash"))).isFalse();
    }

    @Test
    void updateCollectionChangesSparseParams() {
        createHybrid("sp_upd");
        Collections.SparseVectorParams s = patchS(
                "sp_upd",
                Collections.SparseVectorParams.newBuilder()
                        .setIndex(Collections.SparseIndexConfig.newBuilder()
                                .setFullScanThreshold(500)
                                .setOnDisk(true))
                        .setModifier(Collections.Modifier.Idf)
                        .build());
        assertThat(s.getIndex().getFullScanThreshold()).isEqualTo(500);
        assertThat(s.getIndex().getOnDisk()).isTrue();
        assertThat(s.getIndex().hasDatatype()).isFalse();
        assertThat(s.getModifier()).isEqualTo(Collections.Modifier.Idf);

        // a later patch changes only the fields it sets
        s = patchS(
                "sp_upd",
                Collections.SparseVectorParams.newBuilder()
                        .setModifier(Collections.Modifier.None)
                        .build());
        assertThat(s.getIndex().getFullScanThreshold()).isEqualTo(500);
        assertThat(s.getModifier()).isEqualTo(Collections.Modifier.None);

        assertStatus(
                fx.client.updateCollectionAsync(Collections.UpdateCollection.newBuilder()
                        .setCollectionName("sp_upd")
                        .setSparseVectorsConfig(Collections.SparseVectorConfig.newBuilder()
                                .putMap("nope", Collections.SparseVectorParams.getDefaultInstance()))
                        .build()),
                Status.Code.INVALID_ARGUMENT,
                "nope");
    }

    @Test
    void upsertAndRetrieveSparseExactlyInEveryWireForm() {
        seed("sp_get");
        Points.SparseVector p1 = retrievedSparse("sp_get", 1, "s");
        assertThat(p1.getIndicesList()).containsExactly(1, 2);
        assertThat(p1.getValuesList()).containsExactly(1f, 2f);
        // sorted by unsigned id: u32::MAX last, and it comes back as the same uint32
        Points.SparseVector p2 = retrievedSparse("sp_get", 2, "s");
        assertThat(p2.getIndicesList().stream().map(Integer::toUnsignedLong)).containsExactly(2L, 4_294_967_295L);
        assertThat(p2.getValuesList()).containsExactly(0.5f, 3f);
        assertThat(retrievedSparse("sp_get", 3, "s").getIndicesList()).containsExactly(3);
        assertThat(retrievedSparse("sp_get", 4, "s").getIndicesList()).containsExactly(MAX_ID);
        Points.SparseVector big = retrievedSparse("sp_get", BIG, "s");
        assertThat(big.getIndicesList()).containsExactly(2, 7);
        assertThat(big.getValuesList()).containsExactly(0.25f, 1f);

        // with the dense vector in the same named map, and the point id >= 2^31 unsigned
        List<RetrievedPoint> got = get(fx.client.retrieveAsync(
                "sp_get",
                List.of(id(BIG)),
                io.qdrant.client.WithPayloadSelectorFactory.enable(false),
                WithVectorsSelectorFactory.enable(true),
                null));
        assertThat(got.get(0).getId().getNum()).isEqualTo(BIG);
        assertThat(got.get(0)
                        .getVectors()
                        .getVectors()
                        .getVectorsMap()
                        .get("d")
                        .getDense()
                        .getDataList())
                .containsExactly(0.3f, 0f);

        // only "s" when asked for it; scroll returns the same form
        List<RetrievedPoint> onlyS = get(fx.client.scrollAsync(Points.ScrollPoints.newBuilder()
                        .setCollectionName("sp_get")
                        .setWithVectors(WithVectorsSelectorFactory.include(List.of("s")))
                        .build()))
                .getResultList();
        assertThat(onlyS).hasSize(5);
        assertThat(onlyS.get(0).getVectors().getVectors().getVectorsMap()).containsOnlyKeys("s");
    }

    @Test
    void nearestBySparseScoresDotProductOverSharedIds() {
        seed("sp_near");
        List<ScoredPoint> hits = get(fx.client.queryAsync(QueryPoints.newBuilder()
                .setCollectionName("sp_near")
                .setQuery(QueryFactory.nearest(query()))
                .setUsing("s")
                .setWithVectors(WithVectorsSelectorFactory.include(List.of("s")))
                .build()));
        assertThat(ids(hits)).containsExactly(2L, 1L, 4L, BIG); // 3 shares no id with the query
        assertThat(hits.stream().map(ScoredPoint::getScore)).containsExactly(3.5f, 2f, 1f, 0.25f);
        assertThat(hits.get(0)
                        .getVectors()
                        .getVectors()
                        .getVectorsMap()
                        .get("s")
                        .getSparse()
                        .getValuesList())
                .containsExactly(0.5f, 3f);

        // the legacy search with sparse_indices + vector + vector_name
        List<ScoredPoint> legacy = get(fx.client.searchAsync(Points.SearchPoints.newBuilder()
                .setCollectionName("sp_near")
                .addAllVector(List.of(1f, 1f))
                .setSparseIndices(Points.SparseIndices.newBuilder().addAllData(List.of(2, MAX_ID)))
                .setVectorName("s")
                .setLimit(2)
                .build()));
        assertThat(ids(legacy)).containsExactly(2L, 1L);
        assertThat(legacy.get(0).getScore()).isEqualTo(3.5f);

        // recommend from point 2's sparse vector (the example itself is left out)
        List<ScoredPoint> rec = get(fx.client.queryAsync(QueryPoints.newBuilder()
                .setCollectionName("sp_near")
                .setQuery(QueryFactory.recommend(Points.RecommendInput.newBuilder()
                        .addPositive(VectorInputFactory.vectorInput(2))
                        .build()))
                .setUsing("s")
                .build()));
        assertThat(ids(rec)).containsExactly(4L, 1L, BIG);
        // legacy recommend with a literal sparse example
        List<ScoredPoint> legacyRec = get(fx.client.recommendAsync(Points.RecommendPoints.newBuilder()
                .setCollectionName("sp_near")
                .addPositiveVectors(sparse(List.of(3), List.of(2f)))
                .setUsing("s")
                .setLimit(5)
                .build()));
        assertThat(ids(legacyRec)).containsExactly(3L);
        assertThat(legacyRec.get(0).getScore()).isEqualTo(2f);

        // a sparse query needs a vector name, as in Qdrant
        assertStatus(
                fx.client.queryAsync(QueryPoints.newBuilder()
                        .setCollectionName("sp_near")
                        .setQuery(QueryFactory.nearest(query()))
                        .build()),
                Status.Code.INVALID_ARGUMENT,
                "Sparse vector must have a name");
        assertStatus(
                fx.client.searchAsync(Points.SearchPoints.newBuilder()
                        .setCollectionName("sp_near")
                        .addAllVector(List.of(1f))
                        .setSparseIndices(Points.SparseIndices.newBuilder().addData(2))
                        .setLimit(2)
                        .build()),
                Status.Code.INVALID_ARGUMENT,
                "Sparse vector must have a name");
    }

    @Test
    void hybridPrefetchesFusedWithWeightedRrf() {
        seed("sp_hybrid");
        Points.PrefetchQuery dense = Points.PrefetchQuery.newBuilder()
                .setQuery(QueryFactory.nearest(1f, 0f))
                .setUsing("d")
                .setLimit(10)
                .build();
        Points.PrefetchQuery sparse = Points.PrefetchQuery.newBuilder()
                .setQuery(QueryFactory.nearest(query()))
                .setUsing("s")
                .setLimit(10)
                .build();
        // k = 1, weights dense 1, sparse 3: score = w / (rank + 1) summed over the lists
        // p2 1/4 + 3 = 3.25, p1 1/5 + 3/2 = 1.7, p4 1/2 + 1 = 1.5, BIG 1/3 + 3/4, p3 1
        List<ScoredPoint> weighted = get(fx.client.queryAsync(QueryPoints.newBuilder()
                .setCollectionName("sp_hybrid")
                .addPrefetch(dense)
                .addPrefetch(sparse)
                .setQuery(QueryFactory.rrf(Points.Rrf.newBuilder()
                        .setK(1)
                        .addAllWeights(List.of(1f, 3f))
                        .build()))
                .build()));
        assertThat(ids(weighted)).containsExactly(2L, 1L, 4L, BIG, 3L);
        assertThat(weighted.get(0).getScore()).isCloseTo(3.25f, within(1e-6f));
        assertThat(weighted.get(1).getScore()).isCloseTo(1.7f, within(1e-6f));

        // unweighted, same k: p2 1.25, p3 1, p4 5/6, p1 0.7, BIG 7/12
        List<ScoredPoint> plain = get(fx.client.queryAsync(QueryPoints.newBuilder()
                .setCollectionName("sp_hybrid")
                .addPrefetch(dense)
                .addPrefetch(sparse)
                .setQuery(QueryFactory.rrf(Points.Rrf.newBuilder().setK(1).build()))
                .build()));
        assertThat(ids(plain)).containsExactly(2L, 3L, 4L, 1L, BIG);

        // Fusion.RRF (k = 2): p2 is first in both fusions
        List<ScoredPoint> fused = get(fx.client.queryAsync(QueryPoints.newBuilder()
                .setCollectionName("sp_hybrid")
                .addPrefetch(dense)
                .addPrefetch(sparse)
                .setQuery(QueryFactory.fusion(Points.Fusion.RRF))
                .setLimit(1)
                .build()));
        assertThat(ids(fused)).containsExactly(2L);
        assertThat(fused.get(0).getScore()).isCloseTo(1f / 5 + 1f / 2, within(1e-6f));

        // one weight for two prefetches
        assertStatus(
                fx.client.queryAsync(QueryPoints.newBuilder()
                        .setCollectionName("sp_hybrid")
                        .addPrefetch(dense)
                        .addPrefetch(sparse)
                        .setQuery(QueryFactory.rrf(
                                Points.Rrf.newBuilder().addWeights(1f).build()))
                        .build()),
                Status.Code.INVALID_ARGUMENT,
                "weights");
    }

    @Test
    void updateAndDeleteSparseVectors() {
        seed("sp_vec");
        get(fx.client.updateVectorsAsync(
                "sp_vec",
                List.of(Points.PointVectors.newBuilder()
                        .setId(id(3))
                        .setVectors(namedVectors(Map.of("s", sparse(List.of(MAX_ID, 2), List.of(1f, 0.5f)))))
                        .build())));
        assertThat(retrievedSparse("sp_vec", 3, "s").getIndicesList()).containsExactly(2, MAX_ID);
        assertThat(retrievedSparse("sp_vec", 3, "s").getValuesList()).containsExactly(0.5f, 1f);
        // now p3 scores 1.5, between p1 (2) and p4 (1)
        List<ScoredPoint> hits = get(fx.client.queryAsync(QueryPoints.newBuilder()
                .setCollectionName("sp_vec")
                .setQuery(QueryFactory.nearest(query()))
                .setUsing("s")
                .build()));
        assertThat(ids(hits)).containsExactly(2L, 1L, 3L, 4L, BIG);

        get(fx.client.deleteVectorsAsync("sp_vec", List.of("s"), List.<PointId>of(id(3), id(2))));
        assertThat(retrievedSparse("sp_vec", 3, "s")).isNull();
        assertThat(retrievedSparse("sp_vec", 1, "s")).isNotNull();
        hits = get(fx.client.queryAsync(QueryPoints.newBuilder()
                .setCollectionName("sp_vec")
                .setQuery(QueryFactory.nearest(query()))
                .setUsing("s")
                .build()));
        assertThat(ids(hits)).containsExactly(1L, 4L, BIG);
        // the dense vector of a point stays when its sparse vector is deleted
        assertThat(get(fx.client.queryAsync(QueryPoints.newBuilder()
                                .setCollectionName("sp_vec")
                                .setQuery(QueryFactory.nearest(1f, 0f))
                                .setUsing("d")
                                .setLimit(1)
                                .build()))
                        .get(0)
                        .getId()
                        .getNum())
                .isEqualTo(3L);
    }

    @Test
    void badSparseInputIsRefusedAndChangesNothing() {
        seed("sp_bad");
        assertStatus(
                fx.client.upsertAsync("sp_bad", List.of(point(9, 1f, sparse(List.of(1, 1), List.of(1f, 2f))))),
                Status.Code.INVALID_ARGUMENT,
                "unique");
        assertStatus(
                fx.client.upsertAsync("sp_bad", List.of(point(9, 1f, legacySparse(List.of(1, 2), List.of(1f))))),
                Status.Code.INVALID_ARGUMENT,
                "same length");
        assertStatus(
                fx.client.upsertAsync("sp_bad", List.of(point(9, 1f, sparse(List.of(1), List.of(Float.NaN))))),
                Status.Code.INVALID_ARGUMENT,
                "finite");
        // a sparse vector must be named
        assertStatus(
                fx.client.upsertAsync(
                        "sp_bad",
                        List.of(PointStruct.newBuilder()
                                .setId(id(9))
                                .setVectors(io.qdrant.client.VectorsFactory.vectors(sparse(List.of(1), List.of(1f))))
                                .build())),
                Status.Code.INVALID_ARGUMENT,
                "Sparse vector must be named");
        // an existing point keeps its vector when its update is refused
        assertStatus(
                fx.client.updateVectorsAsync(
                        "sp_bad",
                        List.of(Points.PointVectors.newBuilder()
                                .setId(id(1))
                                .setVectors(namedVectors(Map.of("s", sparse(List.of(4, 4), List.of(1f, 1f)))))
                                .build())),
                Status.Code.INVALID_ARGUMENT,
                "unique");
        assertStatus(
                fx.client.queryAsync(QueryPoints.newBuilder()
                        .setCollectionName("sp_bad")
                        .setQuery(QueryFactory.nearest(VectorInputFactory.vectorInput(List.of(1f, 2f), List.of(5, 5))))
                        .setUsing("s")
                        .build()),
                Status.Code.INVALID_ARGUMENT,
                "unique");
        assertThat(get(fx.client.countAsync("sp_bad"))).isEqualTo(5);
        assertThat(retrievedSparse("sp_bad", 1, "s").getIndicesList()).containsExactly(1, 2);
        assertThat(retrievedSparse("sp_bad", 1, "s").getValuesList()).containsExactly(1f, 2f);
    }

    @Test
    void unnamedDenseVectorWithSparseVectors() {
        get(fx.client.createCollectionAsync(Collections.CreateCollection.newBuilder()
                .setCollectionName("sp_unnamed")
                .setVectorsConfig(Collections.VectorsConfig.newBuilder()
                        .setParams(VectorParams.newBuilder().setSize(2).setDistance(Distance.Dot)))
                .setSparseVectorsConfig(Collections.SparseVectorConfig.newBuilder()
                        .putMap("s", Collections.SparseVectorParams.getDefaultInstance()))
                .build()));
        Collections.CollectionParams p =
                get(fx.client.getCollectionInfoAsync("sp_unnamed")).getConfig().getParams();
        assertThat(p.getVectorsConfig().getParams().getSize()).isEqualTo(2);
        assertThat(p.getSparseVectorsConfig().getMapMap()).containsOnlyKeys("s");

        // the unnamed vector is "" in a named map next to the sparse one, as in Qdrant
        get(fx.client.upsertAsync(
                "sp_unnamed",
                List.of(
                        PointStruct.newBuilder()
                                .setId(id(1))
                                .setVectors(namedVectors(
                                        Map.of("", vector(1f, 2f), "s", sparse(List.of(4), List.of(0.5f)))))
                                .putPayload("g", io.qdrant.client.ValueFactory.value("a"))
                                .build(),
                        PointStruct.newBuilder()
                                .setId(id(2))
                                .setVectors(io.qdrant.client.VectorsFactory.vectors(3f, 4f))
                                .putPayload("g", io.qdrant.client.ValueFactory.value("b"))
                                .build())));
        List<RetrievedPoint> got = get(fx.client.retrieveAsync(
                "sp_unnamed",
                List.of(id(1), id(2)),
                io.qdrant.client.WithPayloadSelectorFactory.enable(false),
                WithVectorsSelectorFactory.enable(true),
                null));
        Map<String, Points.VectorOutput> named =
                got.get(0).getVectors().getVectors().getVectorsMap();
        assertThat(named).containsOnlyKeys("", "s");
        assertThat(named.get("").getDense().getDataList()).containsExactly(1f, 2f);
        assertThat(named.get("s").getSparse().getIndicesList()).containsExactly(4);
        // a point with only the unnamed vector gets it back alone, unnamed
        assertThat(got.get(1).getVectors().getVector().getDense().getDataList()).containsExactly(3f, 4f);

        // legacy search groups over the sparse vector
        List<Points.PointGroup> groups = get(fx.client.searchGroupsAsync(Points.SearchPointGroups.newBuilder()
                .setCollectionName("sp_unnamed")
                .addAllVector(List.of(2f))
                .setSparseIndices(Points.SparseIndices.newBuilder().addData(4))
                .setVectorName("s")
                .setGroupBy("g")
                .setGroupSize(1)
                .setLimit(5)
                .build()));
        assertThat(groups).hasSize(1);
        assertThat(groups.get(0).getHits(0).getId().getNum()).isEqualTo(1);
        assertThat(groups.get(0).getHits(0).getScore()).isEqualTo(1f);
    }

    @Test
    void bm25DocumentsBecomeSparseVectorsForPointsAndQueries() {
        createHybrid("sp_doc");
        Points.Document fear = Points.Document.newBuilder()
                .setText("I must not fear. Fear is the mind-killer.")
                .setModel("qdrant/bm25")
                .build();
        Points.Document burn = Points.Document.newBuilder()
                .setText("It was a pleasure to burn.")
                .setModel("qdrant/bm25")
                .build();
        get(fx.client.upsertAsync(
                "sp_doc",
                List.of(
                        PointStruct.newBuilder()
                                .setId(id(1))
                                .setVectors(namedVectors(Map.of("s", vector(fear))))
                                .build(),
                        PointStruct.newBuilder()
                                .setId(id(2))
                                .setVectors(namedVectors(Map.of("s", vector(burn))))
                                .build())));
        var hits = get(fx.client.queryAsync(QueryPoints.newBuilder()
                .setCollectionName("sp_doc")
                .setQuery(QueryFactory.nearest(Points.Document.newBuilder()
                        .setText("fearing")
                        .setModel("qdrant/bm25")
                        .build()))
                .setUsing("s")
                .build()));
        assertThat(hits).hasSize(1);
        assertThat(hits.get(0).getId().getNum()).isEqualTo(1);
        assertStatus(
                fx.client.queryAsync(QueryPoints.newBuilder()
                        .setCollectionName("sp_doc")
                        .setQuery(QueryFactory.nearest(Points.Document.newBuilder()
                                .setText("x")
                                .setModel("openai/clip")
                                .build()))
                        .setUsing("s")
                        .build()),
                Status.Code.INVALID_ARGUMENT,
                "openai/clip");
    }
}
