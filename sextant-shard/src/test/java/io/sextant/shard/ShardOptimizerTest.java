package io.sextant.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
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
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.VectorSelector;
import io.sextant.vector.Distance;
import io.sextant.vector.Similarity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardOptimizerTest {
    @TempDir
    Path tmp;

    /** Tiny thresholds: 1 KB of 4-dim vectors (64 points) converts, at most 2 segments. */
    private static ShardConfig config(Distance d, boolean onDisk) {
        return new ShardConfig(
                Map.of("", new VectorSpec(4, d, onDisk)),
                new ShardConfig.OptimizerSettings(0.2, 10, 2, null, 1, 3600),
                new ShardConfig.WalSettings(1, 0));
    }

    @Test
    void convertMergeAndVacuumPreserveData() {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        ShardConfig cfg = config(Distance.COSINE, true);
        Path dir = tmp.resolve("s");
        Map<String, String> before;
        try (LocalShard shard = LocalShard.open(dir, cfg, false)) {
            shard.update(
                    new PointOperation.CreateFieldIndex("parity", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD)),
                    true);
            for (int batch = 0; batch < 5; batch++) {
                shard.update(ShardFixtures.upsert(r, 4, batch * 100L, batch * 100L + 100), true);
                shard.optimizeNow();
            }
            assertThat(shard.info().segmentsCount()).as("seed %d", seed).isLessThanOrEqualTo(2);
            // Upserts over immutable points move them to the write target and delete the old copies.
            shard.update(ShardFixtures.upsert(r, 4, 0, 300), true);
            shard.update(
                    new PointOperation.SetPayload(
                            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                                    .objectNode()
                                    .put("x", 1),
                            new PointsSelector.Ids(List.of(PointId.of(450))),
                            null),
                    true);
            before = LocalShardRecoveryTest.dump(shard);
            shard.optimizeNow();
            assertThat(LocalShardRecoveryTest.dump(shard)).as("seed %d", seed).isEqualTo(before);
            assertThat(shard.count(Filter.ALL, true)).isEqualTo(500);
            assertThat(shard.info().payloadSchema().get("parity").points()).isEqualTo(500);
            for (var s : shard.segments().all()) {
                assertThat((double) s.deletedCount() / Math.max(1, s.offsetLimit()))
                        .isLessThanOrEqualTo(0.2);
            }
            assertThat(shard.info().status()).isEqualTo("green");
        }
        try (LocalShard shard = LocalShard.open(dir, cfg, false)) {
            assertThat(LocalShardRecoveryTest.dump(shard)).as("seed %d", seed).isEqualTo(before);
            Filter even = Filter.must(new Condition.MatchCondition("parity", new Match.Value("even")));
            assertThat(shard.count(even, true)).isEqualTo(250);
        }
    }

    private static List<PointId> bruteForce(
            Map<PointId, float[]> vectors, Map<PointId, Long> n, float[] q, Distance d, int k, boolean evenOnly) {
        float[] qq = d == Distance.COSINE ? Similarity.normalize(q) : q;
        List<Map.Entry<PointId, Float>> scored = new ArrayList<>();
        vectors.forEach((id, v) -> {
            if (!evenOnly || n.get(id) % 2 == 0) {
                float[] vv = d == Distance.COSINE ? Similarity.normalize(v) : v;
                scored.add(Map.entry(id, Similarity.score(d, qq, vv)));
            }
        });
        Comparator<Map.Entry<PointId, Float>> c = Comparator.comparingDouble(Map.Entry::getValue);
        scored.sort(d.higherIsBetter() ? c.reversed() : c);
        return scored.stream().limit(k).map(Map.Entry::getKey).toList();
    }

    @Test
    void searchEqualsBruteForceAcrossSegmentsWithAndWithoutFilter() {
        for (Distance d : Distance.values()) {
            long seed = System.nanoTime();
            Random r = new Random(seed);
            Map<PointId, float[]> vectors = new HashMap<>();
            Map<PointId, Long> n = new HashMap<>();
            try (LocalShard shard = LocalShard.open(tmp.resolve(d.name()), config(d, false), false)) {
                for (int batch = 0; batch < 4; batch++) {
                    List<PointOperation.PointStruct> pts = new ArrayList<>();
                    for (int i = 0; i < 150; i++) {
                        long id = r.nextInt(400);
                        float[] v = ShardFixtures.randomVector(r, 4);
                        pts.add(new PointOperation.PointStruct(
                                PointId.of(id), Map.of("", v), ShardFixtures.payload(id)));
                        vectors.put(PointId.of(id), v);
                        n.put(PointId.of(id), id);
                    }
                    shard.update(new PointOperation.Upsert(pts), true);
                    if (batch % 2 == 0) {
                        shard.optimizeNow();
                    }
                }
                if (d == Distance.DOT) {
                    shard.update(
                            new PointOperation.CreateFieldIndex(
                                    "parity", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD)),
                            true);
                }
                Filter even = Filter.must(new Condition.MatchCondition("parity", new Match.Value("even")));
                for (int t = 0; t < 20; t++) {
                    float[] q = ShardFixtures.randomVector(r, 4);
                    boolean filtered = t % 2 == 1;
                    List<ScoredPoint> hits = shard.search(new CoreSearch(
                            "",
                            q,
                            filtered ? even : Filter.ALL,
                            10,
                            0,
                            null,
                            null,
                            PayloadSelector.NONE,
                            VectorSelector.NONE));
                    assertThat(hits)
                            .extracting(ScoredPoint::id)
                            .as("distance %s seed %d", d, seed)
                            .containsExactlyElementsOf(bruteForce(vectors, n, q, d, 10, filtered));
                    List<ScoredPoint> page2 = shard.search(new CoreSearch(
                            "", q, Filter.ALL, 5, 5, null, null, PayloadSelector.NONE, VectorSelector.NONE));
                    assertThat(page2)
                            .extracting(ScoredPoint::id)
                            .containsExactlyElementsOf(
                                    bruteForce(vectors, n, q, d, 10, false).subList(5, 10));
                }
            }
        }
    }

    @Test
    void concurrentSearchDuringOptimizationSeesEveryPoint() throws Exception {
        Random r = new Random(11);
        try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config(Distance.EUCLID, false), false)) {
            shard.update(ShardFixtures.upsert(r, 4, 0, 200), true);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> error = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                Random rr = new Random(12);
                try {
                    while (!stop.get()) {
                        List<ScoredPoint> hits = shard.search(new CoreSearch(
                                "",
                                ShardFixtures.randomVector(rr, 4),
                                Filter.ALL,
                                300,
                                0,
                                null,
                                null,
                                PayloadSelector.ALL,
                                VectorSelector.NONE));
                        if (hits.size() != 200) {
                            throw new AssertionError("expected 200 hits, got " + hits.size());
                        }
                        if (shard.count(Filter.ALL, true) < 200) {
                            throw new AssertionError("count dropped below 200");
                        }
                    }
                } catch (Throwable t) {
                    error.set(t);
                }
            });
            reader.start();
            for (int i = 0; i < 10; i++) {
                shard.update(ShardFixtures.upsert(r, 4, 0, 200), true); // same ids: moves between segments
                shard.optimizeNow();
            }
            stop.set(true);
            reader.join();
            assertThat(error.get()).isNull();
            assertThat(shard.count(Filter.ALL, true)).isEqualTo(200);
        }
    }

    @Test
    void backgroundOptimizerRunsAndReportsInfo() throws Exception {
        ShardConfig cfg = config(Distance.DOT, false);
        try (LocalShard shard = LocalShard.open(tmp.resolve("s"), cfg)) {
            shard.update(ShardFixtures.upsert(new Random(13), 4, 0, 300), true);
            long deadline = System.currentTimeMillis() + 10_000;
            while (shard.segments().target().liveCount() > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertThat(shard.segments().target().liveCount()).isZero();
            ShardInfo info = shard.info();
            assertThat(info.pointsCount()).isEqualTo(300);
            assertThat(info.optimizerError()).isNull();
        }
    }
}
