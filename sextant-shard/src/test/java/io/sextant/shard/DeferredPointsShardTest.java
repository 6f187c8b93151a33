package io.sextant.shard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.segment.PointId;
import io.sextant.segment.config.HnswSpec;
import io.sextant.segment.config.MultiVectorComparator;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.VectorElementType;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.Match;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.query.VectorSelector;
import io.sextant.vector.Distance;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code prevent_unoptimized}: points past the indexing threshold stay hidden until optimized. */
class DeferredPointsShardTest {
    private static final int DIM = 64; // 256 bytes per vector: 4 KB threshold = 16 visible offsets

    @TempDir
    Path tmp;

    private static ShardConfig config(boolean prevent, Integer threads) {
        return new ShardConfig(
                Map.of("", new VectorSpec(DIM, Distance.COSINE, false)),
                new ShardConfig.OptimizerSettings(0.2, 10, 0, null, 4, 3600, prevent, threads),
                new ShardConfig.WalSettings(1, 0));
    }

    private static List<PointId> ids(long from, long to) {
        return LongStream.range(from, to).mapToObj(PointId::of).toList();
    }

    private static Set<PointId> scrolled(LocalShard shard) {
        Set<PointId> out = new HashSet<>();
        PointId offset = null;
        do {
            ScrollPage page = shard.scroll(
                    new ScrollRequest(Filter.ALL, 7, offset, null, PayloadSelector.NONE, VectorSelector.NONE));
            page.points().forEach(p -> out.add(p.id()));
            offset = page.nextOffset();
        } while (offset != null);
        return out;
    }

    private static Set<PointId> searched(LocalShard shard, Filter filter) {
        Set<PointId> out = new HashSet<>();
        float[] q = ShardFixtures.randomVector(new Random(1), DIM);
        shard.search(new CoreSearch(
                        "", q, filter, 1000, 0, null, SearchParams.DEFAULT, PayloadSelector.NONE, VectorSelector.NONE))
                .forEach(h -> out.add(h.id()));
        return out;
    }

    @Test
    void deferredPointsAreStoredButHiddenFromEveryReadUntilOptimized() {
        Path dir = tmp.resolve("s");
        Random r = new Random(7);
        Set<PointId> visible;
        try (LocalShard shard = LocalShard.open(dir, config(true, 0), false)) {
            shard.update(ShardFixtures.upsert(r, DIM, 0, 50), false);

            visible = scrolled(shard);
            assertThat(visible).hasSize(16);
            assertThat(shard.count(Filter.ALL, true)).isEqualTo(16);
            assertThat(shard.count(Filter.ALL, false)).isEqualTo(16);
            Filter even = Filter.must(new Condition.MatchCondition("parity", new Match.Value("even")));
            long evenVisible = visible.stream()
                    .filter(id -> id.toString().matches("\\d*[02468]"))
                    .count();
            assertThat(shard.count(even, true)).isEqualTo(evenVisible);
            assertThat(shard.retrieve(ids(0, 50), PayloadSelector.ALL, VectorSelector.NONE).stream()
                            .map(PointRecord::id)
                            .toList())
                    .containsExactlyInAnyOrderElementsOf(visible);
            assertThat(searched(shard, Filter.ALL)).isEqualTo(visible);
            assertThat(searched(shard, even)).isSubsetOf(visible).hasSize((int) evenVisible);
            // stored all the same: collection info counts every point, telemetry names the deferred ones
            assertThat(shard.info().pointsCount()).isEqualTo(50);
            assertThat(shard.segmentSummaries().stream()
                            .mapToLong(SegmentSummary::deferredPoints)
                            .sum())
                    .isEqualTo(34);

            // an update of a deferred point is applied, and still hidden
            PointId hidden = ids(0, 50).stream()
                    .filter(id -> !visible.contains(id))
                    .findFirst()
                    .orElseThrow();
            shard.update(
                    new PointOperation.SetPayload(
                            JsonNodeFactory.instance.objectNode().put("tag", "late"),
                            new PointsSelector.Ids(List.of(hidden)),
                            null),
                    false);
            assertThat(shard.retrieve(List.of(hidden), PayloadSelector.ALL, VectorSelector.NONE))
                    .isEmpty();

            // a filter-selected delete reaches deferred points too
            PointId doomed = ids(0, 50).stream()
                    .filter(id -> !visible.contains(id) && !id.equals(hidden))
                    .findFirst()
                    .orElseThrow();
            shard.update(
                    new PointOperation.Delete(
                            new PointsSelector.ByFilter(Filter.must(new Condition.HasIdCondition(Set.of(doomed))))),
                    false);
            assertThat(shard.info().pointsCount()).isEqualTo(49);

            // wait=true with optimizations off: the wait runs out, reported as such
            UpdateResult timedOut = shard.update(ShardFixtures.upsert(r, DIM, 100, 101), true, 50);
            assertThat(timedOut.timedOut()).isTrue();
            assertThat(timedOut.completed()).isFalse();
        }

        // a restart derives the same deferral from the config
        try (LocalShard shard = LocalShard.open(dir, config(true, 0), false)) {
            assertThat(scrolled(shard)).isEqualTo(visible);
            assertThat(shard.info().pointsCount()).isEqualTo(50);

            // optimizations back on ("auto"): everything becomes visible, with the deferred update
            shard.updateConfig(config(true, null));
            shard.optimizeNow();
            assertThat(shard.count(Filter.ALL, true)).isEqualTo(50);
            assertThat(scrolled(shard)).hasSize(50);
            PointId hidden = ids(0, 50).stream()
                    .filter(id -> !visible.contains(id))
                    .findFirst()
                    .orElseThrow();
            assertThat(shard.retrieve(List.of(hidden), PayloadSelector.ALL, VectorSelector.NONE)
                            .getFirst()
                            .payload()
                            .get("tag")
                            .asText())
                    .isEqualTo("late");
        }
    }

    @Test
    void waitTrueReturnsOnceTheOptimizerMadeThePointsVisible() {
        try (LocalShard shard = LocalShard.open(tmp.resolve("w"), config(true, null), false)) {
            UpdateResult res = shard.update(ShardFixtures.upsert(new Random(3), DIM, 0, 40), true);
            assertThat(res.completed()).isTrue();
            assertThat(res.timedOut()).isFalse();
            assertThat(shard.count(Filter.ALL, true)).isEqualTo(40);
        }
    }

    @Test
    void withoutPreventUnoptimizedNothingIsDeferred() {
        try (LocalShard shard = LocalShard.open(tmp.resolve("n"), config(false, 0), false)) {
            shard.update(ShardFixtures.upsert(new Random(5), DIM, 0, 50), false);
            assertThat(shard.count(Filter.ALL, true)).isEqualTo(50);
            assertThat(scrolled(shard)).hasSize(50);
        }
    }

    @Test
    void firstDeferredOffsetFollowsTheSmallestIndexedVector() {
        var opt = new ShardConfig.OptimizerSettings(0.2, 10, 0, null, 100, 5, true, null);
        VectorSpec f32 = new VectorSpec(256, Distance.DOT, false); // 1 KB
        VectorSpec f16 = new VectorSpec(256, Distance.DOT, false, null, null, VectorElementType.FLOAT16);
        VectorSpec multi = new VectorSpec(
                8, Distance.DOT, false, null, null, VectorElementType.FLOAT32, MultiVectorComparator.MAX_SIM, null);
        VectorSpec noGraph = new VectorSpec(4, Distance.DOT, false, new HnswSpec(0, 100, 10000, 0, false, 0), null);
        var wal = ShardConfig.WalSettings.DEFAULT;
        assertThat(DeferredPoints.firstDeferredOffset(new ShardConfig(Map.of("a", f32), opt, wal)))
                .isEqualTo(100);
        assertThat(DeferredPoints.firstDeferredOffset(new ShardConfig(Map.of("a", f16), opt, wal)))
                .isEqualTo(200);
        // a multivector counts as 16 vectors: 8 x 4 x 16 = 512 bytes
        assertThat(DeferredPoints.firstDeferredOffset(new ShardConfig(Map.of("a", f32, "m", multi), opt, wal)))
                .isEqualTo(100);
        assertThat(DeferredPoints.firstDeferredOffset(new ShardConfig(Map.of("m", multi), opt, wal)))
                .isEqualTo(200);
        // vectors without a graph do not count; none left: nothing deferred
        assertThat(DeferredPoints.firstDeferredOffset(new ShardConfig(Map.of("x", noGraph), opt, wal)))
                .isEqualTo(Integer.MAX_VALUE);
        var off = new ShardConfig.OptimizerSettings(0.2, 10, 0, null, 100, 5, false, null);
        assertThat(DeferredPoints.firstDeferredOffset(new ShardConfig(Map.of("a", f32), off, wal)))
                .isEqualTo(Integer.MAX_VALUE);
    }
}
