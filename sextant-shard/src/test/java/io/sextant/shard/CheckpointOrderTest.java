package io.sextant.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.VectorSelector;
import io.sextant.segment.storage.Segment;
import io.sextant.vector.Distance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kill in the middle of a checkpoint (after some segments were flushed, before the others and
 * the manifest) must never lose a point that an acknowledged operation moved out of an immutable
 * segment into the write target (P6 defect 8: points whose last operation was a set_payload
 * vanished after kill -9).
 */
class CheckpointOrderTest {
    @TempDir
    Path tmp;

    /** Tiny indexing threshold: a handful of points already makes the target convert to immutable. */
    private static final ShardConfig CFG = new ShardConfig(
            Map.of("", new VectorSpec(4, Distance.EUCLID, false)),
            new ShardConfig.OptimizerSettings(0.9, 1000, 4, null, 1, 3600),
            new ShardConfig.WalSettings(1, 0));

    /** Stops a checkpoint after its first segment flush, leaving a copy of the files of that moment. */
    private static final class KillAfterFirstFlush extends RuntimeException {
        KillAfterFirstFlush() {
            super("simulated kill after the first segment flush");
        }
    }

    private static void killAfterFirstFlush(LocalShard shard, Path copy) {
        shard.afterSegmentFlush = s -> {
            try {
                ShardFixtures.copyDir(shard.dir(), copy);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new KillAfterFirstFlush();
        };
    }

    private void movedPointSurvivesKillInCheckpoint(Function<PointsSelector, PointOperation> move, String field)
            throws Exception {
        Path live = tmp.resolve("live");
        Path crashed = tmp.resolve("crashed");
        LocalShard shard = LocalShard.open(live, CFG, false);
        shard.update(ShardFixtures.upsert(new Random(1), 4, 0, 100), true);
        shard.flush();
        shard.optimizeNow(); // the points now live in an immutable segment, a fresh target is empty
        assertThat(shard.segments().all()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(shard.segments().target().liveCount()).isZero();

        PointsSelector ids = new PointsSelector.Ids(List.of(PointId.of(7), PointId.of(8)));
        shard.update(move.apply(ids), true); // acknowledged: copies in the target, old copies deleted

        killAfterFirstFlush(shard, crashed);
        assertThatThrownBy(shard::flush).isInstanceOf(KillAfterFirstFlush.class);

        try {
            assertMovedPointsSurvive(crashed, field, 100);
        } finally {
            shard.afterSegmentFlush = s -> {};
            shard.close();
        }
    }

    /** Points 7 and 8, moved by an acknowledged operation that set {@code field}, survive in {@code crashed}. */
    private static void assertMovedPointsSurvive(Path crashed, String field, long count) {
        try (LocalShard reopened = LocalShard.open(crashed, CFG, false)) {
            List<PointRecord> got =
                    reopened.retrieve(List.of(PointId.of(7), PointId.of(8)), PayloadSelector.ALL, VectorSelector.NONE);
            assertThat(got).as("points moved by an acknowledged operation").hasSize(2);
            for (PointRecord r : got) {
                assertThat(r.payload().has(field))
                        .as("payload of %s: %s", r.id(), r.payload())
                        .isTrue();
            }
            assertThat(reopened.count(io.sextant.segment.filter.Filter.ALL, true))
                    .isEqualTo(count);
        }
    }

    @Test
    void setPayloadSurvivesKillBetweenSegmentFlushes() throws Exception {
        movedPointSurvivesKillInCheckpoint(
                ids -> new PointOperation.SetPayload(
                        JsonNodeFactory.instance.objectNode().put("tag", "x"), ids, null),
                "tag");
    }

    @Test
    void overwritePayloadSurvivesKillBetweenSegmentFlushes() throws Exception {
        movedPointSurvivesKillInCheckpoint(
                ids -> new PointOperation.OverwritePayload(
                        JsonNodeFactory.instance.objectNode().put("fresh", 1), ids),
                "fresh");
    }

    /**
     * Found by the 300-kill loop (round 97 of seed 20261205: five points whose last operation was a
     * set_payload gone): a convert makes a fresh segment the target while the old target, which
     * holds copies moved out of an immutable segment, is still appendable. The convert's checkpoint
     * then flushed the fresh target, the immutable segment (its deletions durable) and only then the
     * old target (the copies): a kill between the two left neither copy.
     */
    @Test
    void copiesInTheOldTargetSurviveKillInTheConvertCheckpoint() throws Exception {
        Path live = tmp.resolve("live-convert");
        Path crashed = tmp.resolve("crashed-convert");
        LocalShard shard = LocalShard.open(live, CFG, false);
        shard.update(ShardFixtures.upsert(new Random(3), 4, 0, 100), true);
        shard.flush();
        shard.optimizeNow(); // points 0..99 in an immutable segment, an empty target
        PointsSelector ids = new PointsSelector.Ids(List.of(PointId.of(7), PointId.of(8)));
        shard.update(
                new PointOperation.SetPayload(
                        JsonNodeFactory.instance.objectNode().put("tag", "x"), ids, null),
                true); // copies in the target, the immutable segment's copies deleted
        shard.update(ShardFixtures.upsert(new Random(4), 4, 100, 200), true); // the target now needs converting

        // kill right after the first flush of an immutable segment in the convert's checkpoint
        shard.afterSegmentFlush = s -> {
            if (s.immutable()) {
                try {
                    ShardFixtures.copyDir(shard.dir(), crashed);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                throw new KillAfterFirstFlush();
            }
        };
        assertThatThrownBy(shard::optimizeNow).isInstanceOf(KillAfterFirstFlush.class);

        try {
            assertMovedPointsSurvive(crashed, "tag", 200);
        } finally {
            shard.afterSegmentFlush = s -> {};
            shard.close();
        }
    }

    @Test
    void targetIsFlushedFirst() {
        LocalShard shard = LocalShard.open(tmp.resolve("order"), CFG, false);
        try {
            shard.update(ShardFixtures.upsert(new Random(2), 4, 0, 100), true);
            shard.optimizeNow();
            SegmentSet set = shard.segments();
            List<Segment> order = LocalShard.flushOrder(set);
            assertThat(order.getFirst()).isSameAs(set.target());
            assertThat(order).containsExactlyInAnyOrderElementsOf(set.all());
        } finally {
            shard.close();
        }
    }
}
