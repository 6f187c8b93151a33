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
import io.sextant.vector.quant.BinaryQuantizer;
import io.sextant.vector.quant.QuantizerSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * The optimizer builds, persists and serves vector indexes; the planner; quantized search. Data:
 * clustered Gaussian vectors, seeded (the seed is in every assertion message).
 */
class VectorIndexShardTest {
    private static final int DIM = 16;
    private static final int N = 3000;

    @TempDir
    Path tmp;

    /** 3000 x 16 floats = 188 KB: converts and indexes above 64 KB; full scan below 8 KB = 128 vectors. */
    static ShardConfig config(HnswSpec hnsw, QuantizerSpec quant) {
        return new ShardConfig(
                Map.of("", new VectorSpec(DIM, Distance.EUCLID, false, hnsw, quant)),
                new ShardConfig.OptimizerSettings(0.2, 10, 2, null, 64, 3600),
                new ShardConfig.WalSettings(1, 0));
    }

    static HnswSpec hnsw(int m) {
        return new HnswSpec(m, 64, 8, 2, false, null);
    }

    static float[][] clustered(Random r, int n) {
        float[][] centers = new float[20][DIM];
        for (float[] c : centers) {
            for (int i = 0; i < DIM; i++) {
                c[i] = (float) r.nextGaussian() * 4;
            }
        }
        float[][] out = new float[n][DIM];
        for (int p = 0; p < n; p++) {
            float[] c = centers[r.nextInt(centers.length)];
            for (int i = 0; i < DIM; i++) {
                out[p][i] = c[i] + (float) r.nextGaussian();
            }
        }
        return out;
    }

    static void load(LocalShard shard, float[][] data) {
        List<PointOperation.PointStruct> pts = new ArrayList<>();
        for (int i = 0; i < data.length; i++) {
            ObjectNode p = JsonNodeFactory.instance.objectNode();
            p.put("tenant", "t" + (i % 50)); // 2 % each
            p.put("half", i % 2 == 0 ? "a" : "b");
            pts.add(new PointOperation.PointStruct(PointId.of(i), Map.of("", data[i]), p));
            if (pts.size() == 500) {
                shard.update(new PointOperation.Upsert(pts), true);
                pts = new ArrayList<>();
            }
        }
        if (!pts.isEmpty()) {
            shard.update(new PointOperation.Upsert(pts), true);
        }
    }

    static List<ScoredPoint> search(LocalShard shard, float[] q, Filter f, SearchParams params) {
        return shard.search(new CoreSearch("", q, f, 10, 0, null, params, PayloadSelector.NONE, VectorSelector.NONE));
    }

    static Set<PointId> ids(List<ScoredPoint> hits) {
        Set<PointId> s = new HashSet<>();
        hits.forEach(h -> s.add(h.id()));
        return s;
    }

    static double recall(LocalShard shard, Random r, float[][] data, Filter f, SearchParams params) {
        int found = 0;
        int total = 0;
        for (int i = 0; i < 50; i++) {
            float[] q = data[r.nextInt(data.length)].clone();
            q[0] += 0.5f;
            Set<PointId> truth = ids(search(shard, q, f, new SearchParams(null, true, false)));
            Set<PointId> got = ids(search(shard, q, f, params));
            total += truth.size();
            truth.retainAll(got);
            found += truth.size();
        }
        return (double) found / total;
    }

    /** The ids of the 10 nearest accepted rows by Euclidean distance (ties to the lower id). */
    static List<String> bruteForceTop10(float[][] data, float[] q, java.util.function.IntPredicate accept) {
        return java.util.stream.IntStream.range(0, data.length)
                .filter(accept)
                .boxed()
                .sorted(java.util.Comparator.comparingDouble((Integer id) -> {
                            double s = 0;
                            for (int d = 0; d < q.length; d++) {
                                double diff = (double) q[d] - data[id][d];
                                s += diff * diff;
                            }
                            return s;
                        })
                        .thenComparing(id -> id))
                .limit(10)
                .map(String::valueOf)
                .toList();
    }

    static Segment indexedSegment(LocalShard shard) {
        return shard.segments().all().stream()
                .filter(s -> s.graph("") != null)
                .findFirst()
                .orElseThrow();
    }

    static List<Path> files(Path dir, String prefix) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
        }
    }

    @Test
    void optimizerBuildsGraphAndSearchUsesIt() throws IOException {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        float[][] data = clustered(r, N);
        try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config(hnsw(16), null), false)) {
            load(shard, data);
            assertThat(shard.info().status()).as("seed %d", seed).isEqualTo("grey");
            assertThat(shard.info().indexedVectorsCount()).isZero();
            // the unoptimized write target is above the threshold: indexed_only skips it
            assertThat(search(shard, data[0], Filter.ALL, new SearchParams(null, false, true)))
                    .isEmpty();
            shard.optimizeNow();
            ShardInfo info = shard.info();
            assertThat(info.status()).as("seed %d", seed).isEqualTo("green");
            assertThat(info.indexedVectorsCount()).as("seed %d", seed).isEqualTo(N);
            assertThat(files(tmp, "hnsw-")).hasSize(1);
            assertThat(search(shard, data[0], Filter.ALL, new SearchParams(null, false, true)))
                    .hasSize(10);
            double recall = recall(shard, r, data, Filter.ALL, new SearchParams(64, false, false));
            assertThat(recall).as("recall@10, seed %d", seed).isGreaterThanOrEqualTo(0.95);
            Segment seg = indexedSegment(shard);
            var req = new SegmentSearcher.Request("", data[0], Filter.ALL, 10, null, SearchParams.DEFAULT);
            assertThat(SegmentSearcher.plan(seg, req, null)).isEqualTo(SegmentSearcher.Plan.GRAPH);
            var exactReq =
                    new SegmentSearcher.Request("", data[0], Filter.ALL, 10, null, new SearchParams(null, true, false));
            assertThat(SegmentSearcher.plan(seg, exactReq, null)).isEqualTo(SegmentSearcher.Plan.FULL_SCAN);
            var everything = new SegmentSearcher.Request(
                    "", data[0], Filter.ALL, (int) seg.liveCount(), null, SearchParams.DEFAULT);
            assertThat(SegmentSearcher.plan(seg, everything, null))
                    .as("asking for every point scans: a graph walk returns only reachable nodes")
                    .isEqualTo(SegmentSearcher.Plan.FULL_SCAN);
            assertThat(SegmentSearcher.search(seg, everything)).hasSize((int) seg.liveCount());
        }
        // reopened: the graph is loaded from its file, nothing to rebuild
        try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config(hnsw(16), null), false)) {
            assertThat(shard.info().indexedVectorsCount()).isEqualTo(N);
            assertThat(shard.info().status()).isEqualTo("green");
        }
    }

    @Test
    void plannerScansSelectiveFiltersAndWalksTheGraphForBroadOnes() {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        float[][] data = clustered(r, N);
        try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config(hnsw(16), null), false)) {
            shard.update(
                    new PointOperation.CreateFieldIndex("tenant", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD)),
                    true);
            shard.update(
                    new PointOperation.CreateFieldIndex("half", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD)), true);
            load(shard, data);
            shard.optimizeNow();
            Segment seg = indexedSegment(shard);
            Filter tenant = Filter.must(new Condition.MatchCondition("tenant", new Match.Value("t7")));
            Filter half = Filter.must(new Condition.MatchCondition("half", new Match.Value("a")));
            var req = new SegmentSearcher.Request("", data[1], tenant, 10, null, SearchParams.DEFAULT);
            assertThat(SegmentSearcher.plan(seg, req, seg.compile(tenant)))
                    .as("60 matches < 128-vector full-scan threshold")
                    .isEqualTo(SegmentSearcher.Plan.FILTERED_SCAN);
            var broad = new SegmentSearcher.Request("", data[1], half, 10, null, SearchParams.DEFAULT);
            assertThat(SegmentSearcher.plan(seg, broad, seg.compile(half)))
                    .isEqualTo(SegmentSearcher.Plan.FILTERED_GRAPH);
            for (int i = 0; i < 20; i++) {
                float[] q = data[r.nextInt(N)];
                List<ScoredPoint> planned = search(shard, q, tenant, SearchParams.DEFAULT);
                // the same points in the same order; scores within rounding: the same row may be
                // summed in another order (single-row against multi-row kernel, or reduceLanes
                // before and after C2 compiled a kernel) and differ in its last bits
                List<ScoredPoint> exact = search(shard, q, tenant, new SearchParams(null, true, false));
                assertThat(planned.stream().map(ScoredPoint::id).toList())
                        .as("selective filtered search equals exact, seed %d", seed)
                        .isEqualTo(exact.stream().map(ScoredPoint::id).toList());
                for (int j = 0; j < planned.size(); j++) {
                    assertThat(planned.get(j).score())
                            .as("score %d, seed %d", j, seed)
                            .isCloseTo(
                                    exact.get(j).score(),
                                    org.assertj.core.api.Assertions.within(1e-5f
                                            * Math.max(1f, Math.abs(exact.get(j).score()))));
                }
                assertThat(planned.stream().map(p -> p.id().toString()).toList())
                        .as("the scan agrees with a brute-force loop in the test, seed %d", seed)
                        .isEqualTo(bruteForceTop10(data, q, id -> id % 50 == 7));
                for (ScoredPoint p : search(shard, q, half, SearchParams.DEFAULT)) {
                    assertThat(p.id().toString()).as("seed %d", seed).matches(id -> Long.parseLong(id) % 2 == 0);
                }
            }
            assertThat(recall(shard, r, data, half, new SearchParams(64, false, false)))
                    .as("filtered recall, seed %d", seed)
                    .isGreaterThanOrEqualTo(0.9);
        }
    }

    @Test
    void corruptedOrTruncatedGraphIsNeverServedAndIsRebuilt() throws IOException {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        float[][] data = clustered(r, N);
        Path dir = tmp.resolve("s");
        try (LocalShard shard = LocalShard.open(dir, config(hnsw(16), null), false)) {
            load(shard, data);
            shard.optimizeNow();
        }
        for (boolean truncate : new boolean[] {false, true}) {
            Path graph = files(dir, "hnsw-").getFirst();
            try (FileChannel ch = FileChannel.open(graph, StandardOpenOption.WRITE)) {
                if (truncate) {
                    ch.truncate(ch.size() - 1 - r.nextInt(100));
                } else {
                    long at = 40 + r.nextLong(ch.size() - 48);
                    ch.write(ByteBuffer.wrap(new byte[] {(byte) 0xA5, 0x5A}), at);
                }
            }
            try (LocalShard shard = LocalShard.open(dir, config(hnsw(16), null), false)) {
                assertThat(shard.info().indexedVectorsCount())
                        .as("seed %d truncate %s", seed, truncate)
                        .isZero();
                assertThat(shard.info().status()).isEqualTo("grey");
                assertThat(files(dir, "hnsw-")).as("the bad file is deleted").isEmpty();
                float[] q = data[3];
                assertThat(search(shard, q, Filter.ALL, SearchParams.DEFAULT))
                        .isEqualTo(search(shard, q, Filter.ALL, new SearchParams(null, true, false)));
                shard.optimizeNow();
                assertThat(shard.info().indexedVectorsCount()).isEqualTo(N);
                assertThat(files(dir, "hnsw-")).hasSize(1);
            }
        }
    }

    @Test
    void changedHnswConfigRebuildsTheGraph() throws IOException {
        long seed = System.nanoTime();
        float[][] data = clustered(new Random(seed), N);
        try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config(hnsw(16), null), false)) {
            load(shard, data);
            shard.optimizeNow();
            Path before = files(tmp, "hnsw-").getFirst();
            shard.updateConfig(config(hnsw(8), null));
            assertThat(shard.info().status()).isEqualTo("grey");
            shard.optimizeNow();
            assertThat(shard.info().indexedVectorsCount()).isEqualTo(N);
            List<Path> after = files(tmp, "hnsw-");
            assertThat(after).hasSize(1).doesNotContain(before);
        }
    }

    @Test
    void quantizedSearchRescoresToHighRecall() throws IOException {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        float[][] data = clustered(r, N);
        List<QuantizerSpec> specs = List.of(
                new QuantizerSpec.Scalar(0.99f, true),
                new QuantizerSpec.Binary(
                        BinaryQuantizer.Encoding.TWO_BITS, BinaryQuantizer.QueryEncoding.SCALAR8BITS, true),
                new QuantizerSpec.Product(8, true));
        for (QuantizerSpec spec : specs) {
            Path dir = tmp.resolve(spec.fingerprint().replace(':', '_'));
            try (LocalShard shard = LocalShard.open(dir, config(hnsw(16), spec), false)) {
                load(shard, data);
                shard.optimizeNow();
                assertThat(files(dir, "quant-")).as(spec.fingerprint()).hasSize(1);
                SearchParams oversampled =
                        new SearchParams(64, false, false, new SearchParams.QuantizationParams(false, true, 3.0));
                double recall = recall(shard, r, data, Filter.ALL, oversampled);
                // 16 clustered dimensions are hard for binary codes (neighbours share codes); see QuantizersTest
                double floor = spec instanceof QuantizerSpec.Binary ? 0.15 : 0.9;
                System.out.printf("shard %s: recall@10 %.3f (oversampling 3, rescore)%n", spec.fingerprint(), recall);
                assertThat(recall)
                        .as("%s recall, seed %d", spec.fingerprint(), seed)
                        .isGreaterThanOrEqualTo(floor);
                SearchParams ignore =
                        new SearchParams(64, false, false, new SearchParams.QuantizationParams(true, null, null));
                assertThat(recall(shard, r, data, Filter.ALL, ignore)).isGreaterThanOrEqualTo(0.95);
            }
        }
    }
}
