package io.sextant.cluster.shard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.config.MultiVectorComparator;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.SparseVectorSpec;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.Match;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.query.SparseStats;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.LocalShard;
import io.sextant.shard.ScrollPage;
import io.sextant.shard.ScrollRequest;
import io.sextant.shard.UpdateResult;
import io.sextant.vector.Distance;
import io.sextant.vector.sparse.SparseVector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real local shard served by the Ratis-hosted internal shard service on a loopback port, driven
 * through a {@link RemoteShard}: every answer must equal the local shard's own answer.
 */
class RemoteShardTest {
    private static final int N = 40;

    @TempDir
    static Path tmp;

    private static ShardServicePeer peer;
    private static PeerChannels channels;

    private LocalShard local;
    private RemoteShard remote;
    private Random random;
    private long seed;

    @BeforeAll
    static void startPeer() {
        peer = new ShardServicePeer(tmp.resolve("peer"));
        channels = new PeerChannels();
    }

    @AfterAll
    static void stopPeer() {
        channels.close();
        peer.close();
    }

    @BeforeEach
    void openShard(TestInfo info) {
        String collection = info.getTestMethod().orElseThrow().getName();
        local = LocalShard.open(tmp.resolve(collection), config());
        peer.serve(collection, local);
        remote = new RemoteShard(channels, peer.address, collection, 0, ShardCallTimeouts.all(Duration.ofSeconds(20)));
        seed = new Random().nextLong();
        random = new Random(seed);
    }

    @AfterEach
    void closeShard() {
        remote.close();
        local.close();
    }

    static ShardConfig config() {
        return new ShardConfig(
                Map.of(
                        "", new VectorSpec(4, Distance.COSINE, false),
                        "img", new VectorSpec(3, Distance.EUCLID, false),
                        "colbert",
                                new VectorSpec(
                                        2, Distance.DOT, false, null, null, null, MultiVectorComparator.MAX_SIM, null)),
                Map.of("text", new SparseVectorSpec(null, false, null, false, null)),
                new ShardConfig.OptimizerSettings(0.2, 10, 2, null, 10000, 3600),
                new ShardConfig.WalSettings(1, 0));
    }

    private void load() {
        List<PointOperation.PointStruct> points = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            Map<String, float[]> dense = new LinkedHashMap<>();
            dense.put("", vector(4));
            dense.put("img", vector(3));
            dense.put("colbert", vector(2 * (1 + i % 3)));
            Map<String, SparseVector> sparse = i % 5 == 4
                    ? Map.of()
                    : Map.of(
                            "text", SparseVector.of(new int[] {i % 7, 10 + i % 3, 100}, new float[] {1f, 0.5f, 0.25f}));
            PointId id = i % 10 == 9 ? PointId.of(new UUID(7, i)) : PointId.of(i);
            points.add(new PointOperation.PointStruct(id, dense, sparse, payload(i)));
        }
        UpdateResult r = remote.update(new PointOperation.Upsert(points), true);
        assertThat(r.completed()).isTrue();
        assertThat(local.count(Filter.ALL, true)).isEqualTo(N);
    }

    private float[] vector(int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return v;
    }

    private static ObjectNode payload(int i) {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("n", i);
        p.put("parity", i % 2 == 0 ? "even" : "odd");
        p.put("city", new String[] {"Berlin", "Paris", "Zürich"}[i % 3]);
        p.putArray("tags").add("t" + (i % 4)).add("all");
        p.putObject("nested").put("x", i * 0.5);
        return p;
    }

    private static Filter even() {
        return Filter.must(new Condition.MatchCondition("parity", new Match.Value("even")));
    }

    @Test
    void upsertOfDenseNamedMultiAndSparseVectorsIsStoredAsSent() {
        load();
        List<PointId> ids = List.of(PointId.of(0), PointId.of(5), PointId.of(new UUID(7, 9)), PointId.of(1234));
        assertThat(Canon.records(remote.retrieve(ids, PayloadSelector.ALL, VectorSelector.ALL)))
                .as("seed %d", seed)
                .isEqualTo(Canon.records(local.retrieve(ids, PayloadSelector.ALL, VectorSelector.ALL)))
                .hasSize(3);
    }

    @Test
    void searchesAnswerAsTheLocalShard() {
        load();
        List<CoreSearch> searches = List.of(
                new CoreSearch("", vector(4), even(), 5, 0, null, null, PayloadSelector.ALL, VectorSelector.ALL),
                new CoreSearch("", vector(4), Filter.ALL, 10, 3, 0.2f, null, PayloadSelector.NONE, VectorSelector.NONE),
                new CoreSearch(
                        "img",
                        vector(3),
                        Filter.must(new Condition.RangeCondition("n", null, 5.0, 30.0, null, false)),
                        7,
                        0,
                        null,
                        new SearchParams(null, true, false),
                        new PayloadSelector.Include(List.of("city", "nested.x")),
                        new VectorSelector.Names(List.of("img", "text"))),
                new CoreSearch(
                        "colbert",
                        vector(6),
                        Filter.ALL,
                        4,
                        0,
                        null,
                        null,
                        new PayloadSelector.Exclude(List.of("tags")),
                        new VectorSelector.Names(List.of("colbert"))),
                new CoreSearch(
                        "text",
                        null,
                        new Filter(
                                null,
                                null,
                                List.of(new Condition.MatchCondition("city", new Match.Value("Paris"))),
                                null),
                        6,
                        0,
                        null,
                        null,
                        PayloadSelector.ALL,
                        VectorSelector.ALL,
                        SparseVector.of(new int[] {3, 11, 100}, new float[] {1f, 2f, 0.5f})));
        for (CoreSearch s : searches) {
            assertThat(Canon.hits(remote.search(s)))
                    .as("seed %d, search of %s", seed, s.vectorName())
                    .isEqualTo(Canon.hits(local.search(s)))
                    .isNotEmpty();
        }
        CoreSearch strict = new CoreSearch("", vector(4), Filter.ALL, 40, 0, 0.5f, null, PayloadSelector.NONE, null);
        assertThat(remote.search(strict)).allSatisfy(h -> assertThat(h.score()).isGreaterThanOrEqualTo(0.5f));
        assertThat(Canon.hits(remote.search(strict))).isEqualTo(Canon.hits(local.search(strict)));
    }

    @Test
    void deletesByIdsAndByFilterAndSetPayloadByFilter() {
        load();
        remote.update(new PointOperation.Delete(new PointsSelector.Ids(List.of(PointId.of(1), PointId.of(2)))), true);
        assertThat(local.retrieve(List.of(PointId.of(1), PointId.of(2)), PayloadSelector.NONE, VectorSelector.NONE))
                .isEmpty();
        Filter high = Filter.must(new Condition.RangeCondition("n", null, 30.0, null, null, false));
        remote.update(new PointOperation.Delete(new PointsSelector.ByFilter(high)), true);
        assertThat(local.count(Filter.ALL, true)).isEqualTo(N - 2 - 10);
        assertThat(local.count(high, true)).isZero();

        ObjectNode flag = JsonNodeFactory.instance.objectNode().put("flag", true);
        Filter odd = Filter.must(new Condition.MatchCondition("parity", new Match.Value("odd")));
        remote.update(new PointOperation.SetPayload(flag, new PointsSelector.ByFilter(odd), null), true);
        Filter flagged = Filter.must(new Condition.MatchCondition("flag", new Match.Value(true)));
        assertThat(local.count(flagged, true)).isEqualTo(local.count(odd, true)).isPositive();
        assertThat(remote.count(flagged, true)).isEqualTo(local.count(flagged, true));

        remote.update(new PointOperation.DeletePayload(List.of("tags"), new PointsSelector.ByFilter(flagged)), true);
        assertThat(local.retrieve(List.of(PointId.of(3)), PayloadSelector.ALL, VectorSelector.NONE)
                        .getFirst()
                        .payload()
                        .has("tags"))
                .isFalse();
    }

    @Test
    void conditionalUpsertAndVectorUpdatesAreResolvedByTheRemoteShard() {
        load();
        PointOperation.PointStruct replacement = new PointOperation.PointStruct(
                PointId.of(0), Map.of("", vector(4), "img", vector(3), "colbert", vector(2)), payload(100));
        PointOperation.PointStruct fresh = new PointOperation.PointStruct(
                PointId.of(500), Map.of("", vector(4), "img", vector(3), "colbert", vector(4)), payload(500));
        remote.update(
                new PointOperation.Upsert(List.of(replacement, fresh), PointOperation.UpdateMode.INSERT_ONLY, null),
                true);
        assertThat(local.retrieve(List.of(PointId.of(0)), PayloadSelector.ALL, VectorSelector.NONE)
                        .getFirst()
                        .payload()
                        .get("n")
                        .asInt())
                .isZero();
        assertThat(local.count(Filter.ALL, true)).isEqualTo(N + 1);

        float[] img = vector(3);
        remote.update(
                new PointOperation.UpdateVectors(
                        List.of(new PointOperation.PointVectors(PointId.of(2), Map.of("img", img))), even()),
                true);
        assertThat(local.retrieve(
                                List.of(PointId.of(2)), PayloadSelector.NONE, new VectorSelector.Names(List.of("img")))
                        .getFirst()
                        .vectors()
                        .get("img"))
                .containsExactly(img);
        remote.update(
                new PointOperation.DeleteVectors(new PointsSelector.Ids(List.of(PointId.of(2))), List.of("text")),
                true);
        assertThat(local.retrieve(List.of(PointId.of(2)), PayloadSelector.NONE, VectorSelector.ALL)
                        .getFirst()
                        .sparseVectors())
                .doesNotContainKey("text");
    }

    @Test
    void retrieveScrollCountAndSparseStatsAnswerAsTheLocalShard() {
        load();
        List<PointId> ids = List.of(PointId.of(8), PointId.of(3), PointId.of(new UUID(7, 19)), PointId.of(999));
        for (PayloadSelector p : List.of(
                PayloadSelector.ALL,
                PayloadSelector.NONE,
                new PayloadSelector.Include(List.of("city")),
                new PayloadSelector.Exclude(List.of("city", "tags")))) {
            for (VectorSelector v : List.of(
                    VectorSelector.ALL, VectorSelector.NONE, new VectorSelector.Names(List.of("colbert", "text")))) {
                assertThat(Canon.records(remote.retrieve(ids, p, v)))
                        .as("payload %s, vectors %s", p, v)
                        .isEqualTo(Canon.records(local.retrieve(ids, p, v)));
            }
        }

        ScrollRequest first =
                new ScrollRequest(even(), 7, null, null, PayloadSelector.ALL, new VectorSelector.Names(List.of("img")));
        int pages = 0;
        ScrollRequest next = first;
        while (true) {
            ScrollPage r = remote.scroll(next);
            assertThat(Canon.page(r)).isEqualTo(Canon.page(local.scroll(next)));
            pages++;
            if (r.nextOffset() == null) {
                break;
            }
            next = new ScrollRequest(even(), 7, r.nextOffset(), null, PayloadSelector.ALL, VectorSelector.NONE);
        }
        assertThat(pages).isEqualTo(3);

        remote.update(new PointOperation.CreateFieldIndex("n", PayloadIndexSpec.of(PayloadSchemaType.INTEGER)), true);
        ScrollRequest ordered = new ScrollRequest(
                null, 5, null, new ScrollRequest.OrderBy("n", true, 20.0), PayloadSelector.NONE, VectorSelector.NONE);
        ScrollPage byN = remote.scroll(ordered);
        assertThat(Canon.page(byN)).isEqualTo(Canon.page(local.scroll(ordered)));
        assertThat(byN.points()).extracting(p -> p.orderValue()).containsExactly(20.0, 19.0, 18.0, 17.0, 16.0);

        for (Filter f : List.of(
                Filter.ALL, even(), Filter.must(new Condition.HasIdCondition(java.util.Set.of(PointId.of(4)))))) {
            assertThat(remote.count(f, true)).isEqualTo(local.count(f, true));
            assertThat(remote.count(f, false)).isEqualTo(local.count(f, false));
        }
        assertThat(remote.count(null, true)).isEqualTo(N);

        int[] dims = {0, 3, 11, 100, 4000};
        SparseStats remoteStats = remote.sparseStats("text", dims, even());
        SparseStats localStats = local.sparseStats("text", dims, even());
        assertThat(remoteStats.vectorCount())
                .isEqualTo(localStats.vectorCount())
                .isPositive();
        assertThat(remoteStats.docFrequencies()).containsExactly(localStats.docFrequencies());
        assertThat(remote.sparseStats("text", dims, null).vectorCount())
                .isEqualTo(local.sparseStats("text", dims, null).vectorCount());
    }

    @Test
    void infoAndPayloadSchemaAnswerAsTheLocalShard() {
        load();
        remote.update(
                new PointOperation.CreateFieldIndex("city", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD)), true);
        assertThat(remote.info()).isEqualTo(local.info());
        assertThat(remote.info().payloadSchema()).containsKey("city");
        assertThat(remote.payloadSchema()).isEqualTo(local.payloadSchema());
        remote.update(new PointOperation.DeleteFieldIndex("city"), true);
        assertThat(local.info().payloadSchema()).doesNotContainKey("city");
    }

    @Test
    void concurrentCallsOverTheSharedChannelEachGetTheirOwnAnswer() throws Exception {
        load();
        List<CoreSearch> searches = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            searches.add(new CoreSearch(
                    "",
                    vector(4),
                    i % 2 == 0 ? even() : Filter.ALL,
                    1 + i % 5,
                    0,
                    null,
                    null,
                    PayloadSelector.ALL,
                    VectorSelector.NONE));
        }
        List<java.util.concurrent.Future<List<String>>> answers = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (CoreSearch s : searches) {
                answers.add(pool.submit(() -> Canon.hits(remote.search(s))));
            }
        }
        for (int i = 0; i < searches.size(); i++) {
            assertThat(answers.get(i).get())
                    .as("seed %d, search %d", seed, i)
                    .isEqualTo(Canon.hits(local.search(searches.get(i))));
        }
        assertThat(channels.channel(peer.address)).isSameAs(channels.channel(peer.address));
    }
}
