package io.sextant.shard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.config.HnswSpec;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.Match;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.query.VectorSelector;
import io.sextant.segment.storage.Segment;
import io.sextant.segment.vectorindex.SegmentSearcher;
import io.sextant.vector.Distance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Filterable HNSW: {@code payload_m} links keep a selective keyword filter's graph search
 * connected, and a payload index created after the graphs were built gets its links by a rebuild.
 * The graph mode is forced with a full-scan threshold of 1 KB (16 vectors) against groups of 60;
 * a sparse graph ({@code m = 4}) and a small {@code hnsw_ef} make missing links visible. Seeded.
 */
class PayloadLinksShardTest {
    static final long SEED = 20261123L;
    static final int DIM = 16;
    static final int N = 3000;
    static final Filter TENANT = Filter.must(new Condition.MatchCondition("tenant", new Match.Value("t7")));
    static final SearchParams GRAPH = new SearchParams(16, false, false);
    static final SearchParams EXACT = new SearchParams(null, true, false);

    @TempDir
    Path tmp;

    static ShardConfig config(Integer payloadM) {
        return new ShardConfig(
                Map.of(
                        "",
                        new VectorSpec(DIM, Distance.EUCLID, false, new HnswSpec(4, 32, 1, 2, false, payloadM), null)),
                new ShardConfig.OptimizerSettings(0.2, 10, 1, null, 64, 3600),
                new ShardConfig.WalSettings(1, 0));
    }

    static float[][] data(Random r) {
        float[][] out = new float[N][DIM];
        for (float[] v : out) {
            for (int i = 0; i < DIM; i++) {
                v[i] = (float) r.nextGaussian();
            }
        }
        return out;
    }

    static void load(LocalShard shard, float[][] data, Random r) {
        List<PointOperation.PointStruct> pts = new ArrayList<>();
        for (int i = 0; i < data.length; i++) {
            ObjectNode p = JsonNodeFactory.instance.objectNode();
            p.put("tenant", "t" + r.nextInt(50)); // ~60 points each, scattered over the space
            pts.add(new PointOperation.PointStruct(PointId.of(i), Map.of("", data[i]), p));
        }
        shard.update(new PointOperation.Upsert(pts), true);
    }

    static void indexTenant(LocalShard shard) {
        shard.update(
                new PointOperation.CreateFieldIndex("tenant", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD)), true);
    }

    static Set<PointId> search(LocalShard shard, float[] q, SearchParams params) {
        List<ScoredPoint> hits = shard.search(
                new CoreSearch("", q, TENANT, 10, 0, null, params, PayloadSelector.NONE, VectorSelector.NONE));
        Set<PointId> ids = new HashSet<>();
        hits.forEach(h -> ids.add(h.id()));
        return ids;
    }

    /** Filtered recall@10 of graph search against exact search over 100 seeded queries. */
    static double recall(LocalShard shard) {
        Random r = new Random(SEED + 1);
        int found = 0;
        int total = 0;
        for (int i = 0; i < 100; i++) {
            float[] q = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                q[d] = (float) r.nextGaussian();
            }
            Set<PointId> truth = search(shard, q, EXACT);
            total += truth.size();
            truth.retainAll(search(shard, q, GRAPH));
            found += truth.size();
        }
        return (double) found / total;
    }

    static Segment onlySegment(LocalShard shard) {
        return shard.segments().all().stream()
                .filter(s -> s.graph("") != null)
                .findFirst()
                .orElseThrow();
    }

    static void assertGraphMode(LocalShard shard) {
        Segment seg = onlySegment(shard);
        var req = new SegmentSearcher.Request("", new float[DIM], TENANT, 10, null, GRAPH);
        assertThat(SegmentSearcher.plan(seg, req, seg.compile(TENANT))).isEqualTo(SegmentSearcher.Plan.FILTERED_GRAPH);
    }

    static long graphFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("hnsw-")).count();
        }
    }

    @Test
    void payloadLinksRaiseFilteredRecallInGraphMode() {
        double[] recall = new double[2];
        Integer[] payloadM = {0, null}; // none, then payload_m = m
        for (int k = 0; k < 2; k++) {
            Random r = new Random(SEED);
            try (LocalShard shard = LocalShard.open(tmp.resolve("s" + k), config(payloadM[k]), false)) {
                indexTenant(shard);
                load(shard, data(r), r);
                shard.optimizeNow();
                assertGraphMode(shard);
                recall[k] = recall(shard);
            }
        }
        System.out.printf(
                "payload links: filtered recall@10 without %.3f, with %.3f (seed %d)%n", recall[0], recall[1], SEED);
        // measured 0.917 without and 1.000 with links at hnsw_ef 16 (m = 4, two build threads); before
        // the two-hop walk kept stepping stones it was 0.13 without links (searches died out)
        assertThat(recall[1])
                .as("with links vs without %.3f, seed %d", recall[0], SEED)
                .isGreaterThan(recall[0] + 0.03);
        assertThat(recall[1]).as("with links, seed %d", SEED).isGreaterThanOrEqualTo(0.97);
    }

    @Test
    void indexCreatedAfterTheGraphRebuildsItWithLinks() throws IOException {
        Random r = new Random(SEED);
        Path dir = tmp.resolve("late");
        double before;
        try (LocalShard shard = LocalShard.open(dir, config(null), false)) {
            load(shard, data(r), r);
            shard.optimizeNow();
            assertThat(shard.info().status()).isEqualTo("green");
            indexTenant(shard); // the graph has no tenant links yet
            assertThat(shard.info().status()).as("a rebuild is pending").isEqualTo("grey");
            assertGraphMode(shard);
            before = recall(shard); // the old graph keeps serving meanwhile
            shard.optimizeNow();
            assertThat(shard.info().status()).isEqualTo("green");
            assertThat(onlySegment(shard).graph("").links()).containsExactly("tenant:KEYWORD");
            assertThat(graphFiles(dir)).as("the graph without links is deleted").isEqualTo(1);
            double after = recall(shard);
            System.out.printf(
                    "late index: filtered recall@10 before rebuild %.3f, after %.3f (seed %d)%n", before, after, SEED);
            assertThat(after)
                    .as("after the rebuild vs before %.3f, seed %d", before, SEED)
                    .isGreaterThan(before + 0.03); // measured 0.918 -> 1.000
            assertThat(after).as("after the rebuild, seed %d", SEED).isGreaterThanOrEqualTo(0.97);
        }
        // reopened: the graph with links is found under its name, nothing to rebuild
        try (LocalShard shard = LocalShard.open(dir, config(null), false)) {
            assertThat(shard.info().status()).isEqualTo("green");
            assertThat(onlySegment(shard).graph("").links()).containsExactly("tenant:KEYWORD");
        }
        // dropping the index keeps the (harmless) links; re-creating it needs no rebuild either
        try (LocalShard shard = LocalShard.open(dir, config(null), false)) {
            shard.update(new PointOperation.DeleteFieldIndex("tenant"), true);
            assertThat(shard.info().status()).isEqualTo("green");
        }
    }
}
