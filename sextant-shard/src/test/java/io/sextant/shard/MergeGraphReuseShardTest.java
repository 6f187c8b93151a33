package io.sextant.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.segment.PointId;
import io.sextant.segment.config.HnswSpec;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.VectorSelector;
import io.sextant.segment.storage.Segment;
import io.sextant.vector.Distance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shard merging an indexed segment (with deletions) and a newer indexed one: the merge starts
 * from the larger segment's graph and inserts only the other points; every live point is found by
 * its own vector, deleted points never, before and after a restart.
 */
class MergeGraphReuseShardTest {
    private static final int DIM = 8;

    @TempDir
    Path tmp;

    /** 1 KB threshold (32 vectors of 32 bytes), at most two segments: every second conversion merges. */
    private static ShardConfig config() {
        return new ShardConfig(
                Map.of("", new VectorSpec(DIM, Distance.EUCLID, false, new HnswSpec(8, 32, 0, 1, false, null), null)),
                new ShardConfig.OptimizerSettings(0.2, 10, 2, null, 1, 3600),
                new ShardConfig.WalSettings(1, 0));
    }

    @Test
    void mergeReusesTheLargerSegmentsGraph() {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        Path dir = tmp.resolve("s");
        Map<PointId, float[]> live = new HashMap<>();
        List<PointId> deleted = new ArrayList<>();
        try (LocalShard shard = LocalShard.open(dir, config(), false)) {
            upsert(shard, r, 0, 600, live);
            List<SegmentOptimizations.Outcome> first = runAll(shard, null);
            assertThat(first).as("the first conversion builds from scratch").allMatch(o -> o.donatedNodes() == 0);
            List<PointId> gone = new ArrayList<>();
            for (long i = 5; i < 600; i += 10) { // a tenth of the indexed segment
                gone.add(PointId.of(i));
            }
            shard.update(new PointOperation.Delete(new PointsSelector.Ids(gone)), true);
            gone.forEach(live::remove);
            deleted.addAll(gone);
            upsert(shard, r, 600, 700, live);
            List<SegmentOptimizations.Outcome> merges = new ArrayList<>();
            runAll(shard, merges);
            assertThat(merges).as("seed %d", seed).hasSize(1);
            assertThat(merges.getFirst().donatedNodes()).as("seed %d", seed).isEqualTo(540);
            assertThat(merges.getFirst().insertedNodes()).as("seed %d", seed).isEqualTo(100);
            assertEveryPointFindsItself(shard, live, deleted, seed);
        }
        try (LocalShard shard = LocalShard.open(dir, config(), false)) {
            assertThat(shard.segments().all()).hasSize(2); // the merged segment and the empty write target
            assertEveryPointFindsItself(shard, live, deleted, seed);
        }
    }

    /** Runs every planned optimization; collects the outcomes of merges into {@code merges}. */
    private static List<SegmentOptimizations.Outcome> runAll(
            LocalShard shard, List<SegmentOptimizations.Outcome> merges) {
        List<SegmentOptimizations.Outcome> all = new ArrayList<>();
        for (SegmentOptimizations.Plan plan; (plan = SegmentOptimizations.plan(shard)) != null; ) {
            SegmentOptimizations.Outcome o = SegmentOptimizations.execute(shard, plan, () -> false);
            all.add(o);
            if (plan.kind() == SegmentOptimizations.Kind.MERGE && merges != null) {
                merges.add(o);
            }
        }
        return all;
    }

    private static void upsert(LocalShard shard, Random r, long from, long to, Map<PointId, float[]> live) {
        List<PointOperation.PointStruct> pts = new ArrayList<>();
        for (long i = from; i < to; i++) {
            float[] v = ShardFixtures.randomVector(r, DIM);
            pts.add(new PointOperation.PointStruct(PointId.of(i), Map.of("", v), ShardFixtures.payload(i)));
            live.put(PointId.of(i), v);
        }
        shard.update(new PointOperation.Upsert(pts), true);
    }

    private static void assertEveryPointFindsItself(
            LocalShard shard, Map<PointId, float[]> live, List<PointId> deleted, long seed) {
        for (Segment s : shard.segments().all()) {
            if (s.liveCount() > 0) {
                assertThat(s.graph("")).as("every non-empty segment is indexed").isNotNull();
            }
        }
        for (Map.Entry<PointId, float[]> e : live.entrySet()) {
            List<ScoredPoint> hits = shard.search(new CoreSearch(
                    "", e.getValue(), Filter.ALL, 5, 0, null, null, PayloadSelector.NONE, VectorSelector.NONE));
            assertThat(hits.getFirst().id()).as("seed %d", seed).isEqualTo(e.getKey());
            assertThat(hits).extracting(ScoredPoint::id).doesNotContainAnyElementsOf(deleted);
        }
    }
}
