package io.sextant.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.segment.PointId;
import io.sextant.segment.config.MemoryPlacement;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.filter.Condition.MatchCondition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.Match;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.VectorSelector;
import io.sextant.segment.storage.Segment;
import io.sextant.vector.Distance;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a shard's optimized segments keep payloads follows the config: {@code on_disk_payload}
 * (COLD) leaves them in the mapped points file, no tree per point on the heap; PINNED keeps
 * decoded trees on the heap; a config change reopens the segments in place with the new column, and
 * every payload reads back the same throughout.
 */
class PayloadPlacementShardTest {
    private static final int DIM = 8;
    private static final int N = 2000;

    @TempDir
    Path tmp;

    private static ShardConfig config(MemoryPlacement payloads) {
        return new ShardConfig(
                Map.of("", new VectorSpec(DIM, Distance.DOT, false)),
                Map.of(),
                new ShardConfig.OptimizerSettings(0.2, 10, 100, null, 16, 3600),
                new ShardConfig.WalSettings(1, 0),
                payloads);
    }

    private static List<Segment> immutables(LocalShard shard) {
        return shard.segments().all().stream().filter(Segment::immutable).toList();
    }

    private static void assertPayloads(LocalShard shard) {
        List<PointRecord> all = shard.retrieve(
                LongStream.range(0, N).mapToObj(PointId::of).toList(), PayloadSelector.ALL, VectorSelector.NONE);
        assertThat(all).hasSize(N);
        for (PointRecord p : all) {
            long id = Long.parseLong(p.id().toString());
            assertThat(p.payload().toString()) // as JSON: a long read back from JSON is an int node
                    .as("point %d", id)
                    .isEqualTo(ShardFixtures.payload(id).toString());
        }
        Filter odd = Filter.must(new MatchCondition("parity", new Match.Value("odd"))); // no index: per point
        assertThat(shard.count(odd, true)).isEqualTo(N / 2);
    }

    @Test
    void onDiskPayloadSegmentsKeepNoTreesOnTheHeapAndPinnedOnesDo() throws Exception {
        long seed = 5;
        try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config(MemoryPlacement.COLD), false)) {
            for (long from = 0; from < N; from += 500) {
                shard.update(ShardFixtures.upsert(new Random(seed + from), DIM, from, from + 500), true);
            }
            shard.optimizeNow();
            List<Segment> cold = immutables(shard);
            assertThat(cold).as("optimized segments").isNotEmpty();
            for (Segment s : cold) {
                assertThat(s.payloadPlacement()).as(s.dir().toString()).isEqualTo(MemoryPlacement.COLD);
            }
            assertThat(shard.segments().target().payloadPlacement()).isEqualTo(MemoryPlacement.PINNED);
            assertPayloads(shard);

            shard.updateConfig(config(MemoryPlacement.PINNED)); // on_disk_payload: false
            shard.optimizeNow();
            List<Segment> pinned = immutables(shard);
            assertThat(pinned.stream().map(Segment::dir))
                    .as("reopened in place")
                    .containsExactlyInAnyOrderElementsOf(
                            cold.stream().map(Segment::dir).toList());
            for (Segment s : pinned) {
                assertThat(s.payloadPlacement()).as(s.dir().toString()).isEqualTo(MemoryPlacement.PINNED);
            }
            assertPayloads(shard);
        }
        try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config(MemoryPlacement.CACHED), false)) {
            for (Segment s : immutables(shard)) {
                assertThat(s.payloadPlacement()).as("after restart").isEqualTo(MemoryPlacement.CACHED);
            }
            assertPayloads(shard);
        }
    }
}
