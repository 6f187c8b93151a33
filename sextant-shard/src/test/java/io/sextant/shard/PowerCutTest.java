package io.sextant.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.storage.AtomicFiles;
import io.sextant.segment.testing.PowerCutFileSystem;
import io.sextant.vector.Distance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulated power cuts on a {@link LocalShard} ({@link PowerCutFileSystem}): a seeded workload heavy
 * on payload and vector updates of points in immutable segments, with deletes, upserts, checkpoints
 * and optimizer runs (tiny indexing threshold, so segments are converted, merged and vacuumed all
 * the time), is cut at a random mutation, the surviving image reopened and compared with a model of
 * every acknowledged operation ({@link PowerCutShardRun}). Several cuts per seed, each continuing on
 * the reopened shard; some cuts land in the reopening itself.
 *
 * <p>The default run does {@value #DEFAULT_CRASHES} crashes; {@code -Dpowercut.crashes=10000} for
 * the long run, {@code -Dpowercut.seed=N} to repeat one (the seed and cut of every failure are
 * printed).
 */
class PowerCutTest {
    static final int DEFAULT_CRASHES = 200;
    private static final int CUTS_PER_SEED = 8;

    @TempDir
    Path tmp;

    @Test
    void acknowledgedOperationsSurvivePowerCuts() throws IOException {
        int target = Integer.getInteger("powercut.crashes", DEFAULT_CRASHES);
        long base = Long.getLong("powercut.seed", System.nanoTime());
        PowerCutShardRun.Stats stats = new PowerCutShardRun.Stats();
        long t0 = System.nanoTime();
        Path root = backingDir();
        try {
            for (long i = 0; stats.crashes < target; i++) {
                Path work = root.resolve("seed" + i);
                new PowerCutShardRun(base + i, work, stats).run((int) Math.min(CUTS_PER_SEED, target - stats.crashes));
                deleteTree(work);
            }
        } finally {
            deleteTree(root);
        }
        String summary = stats.summary(base, (System.nanoTime() - t0) / 1_000_000_000.0);
        System.out.println(summary);
        assertThat(stats.failures).as(summary).isEmpty();
        assertThat(stats.lostPoints).as(summary).isZero();
        assertThat(stats.resurrected).as(summary).isZero();
        assertThat(stats.failedOpens).as(summary).isZero();
        assertThat(stats.crashes).isGreaterThanOrEqualTo(target);
        assertThat(stats.ackedOps).as("the workload acknowledged operations").isGreaterThan(target);
    }

    /**
     * The first update of a new shard, acknowledged, then a cut before any checkpoint: the WAL
     * directory's entry in the shard directory must be durable, or the WAL with the record goes.
     */
    @Test
    void updateAcknowledgedBeforeTheFirstCheckpointSurvivesACut() throws IOException {
        Path real = Files.createDirectories(tmp.resolve("first"));
        PowerCutFileSystem fs = PowerCutFileSystem.create(real, PowerCutFileSystem.CrashMode.DROP_UNSYNCED, 1);
        Path shardDir = Files.createDirectory(fs.root().resolve("shard"));
        AtomicFiles.fsyncDir(fs.root());
        ShardConfig cfg = ShardFixtures.config(4, Distance.EUCLID);
        LocalShard shard = LocalShard.open(shardDir, cfg, false);
        shard.update(ShardFixtures.upsert(new java.util.Random(1), 4, 0, 3), true);
        fs.cutNow();
        Path after = tmp.resolve("first-after");
        fs.materialize(after);
        fs.close();
        PowerCutFileSystem again = PowerCutFileSystem.create(after, PowerCutFileSystem.CrashMode.DROP_UNSYNCED, 2);
        try (LocalShard reopened = LocalShard.open(again.root().resolve("shard"), cfg, false)) {
            assertThat(reopened.count(Filter.ALL, true)).isEqualTo(3);
        }
        again.close();
    }

    /**
     * A conversion's checkpoint, cut between the flush of an immutable segment that lost a point to
     * the former write target (set_payload moved it) and the flush of that former target: the
     * point must survive. The current target is flushed first, but the former target, which holds
     * the moved copy, must also be flushed before the segments that lost copies to it.
     */
    @Test
    void formerWriteTargetIsDurableBeforeTheSegmentsThatLostPointsToIt() throws IOException {
        Path real = Files.createDirectories(tmp.resolve("convert"));
        PowerCutFileSystem fs = PowerCutFileSystem.create(real, PowerCutFileSystem.CrashMode.DROP_UNSYNCED, 1);
        Path shardDir = Files.createDirectory(fs.root().resolve("shard"));
        AtomicFiles.fsyncDir(fs.root());
        ShardConfig cfg = new ShardConfig(
                java.util.Map.of("", new io.sextant.segment.config.VectorSpec(4, Distance.EUCLID, false)),
                new ShardConfig.OptimizerSettings(0.2, 10, 2, null, 1, 3600),
                new ShardConfig.WalSettings(1, 0));
        java.util.Random r = new java.util.Random(7);
        LocalShard shard = LocalShard.open(shardDir, cfg, false);
        shard.update(ShardFixtures.upsert(r, 4, 0, 100), true);
        shard.optimizeNow(); // the 100 points go to an immutable segment; a fresh target receives updates
        String formerTarget = shard.segments().target().name();
        assertThat(shard.segments().all()).hasSize(2);
        io.sextant.segment.PointId moved = io.sextant.segment.PointId.of(5);
        shard.update(
                new io.sextant.segment.ops.PointOperation.SetPayload(
                        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                                .objectNode()
                                .put("moved", true),
                        new io.sextant.segment.ops.PointsSelector.Ids(java.util.List.of(moved)),
                        null),
                true);
        shard.update(ShardFixtures.upsert(r, 4, 100, 170), true); // past the threshold: converted next
        fs.cutWhen(
                m -> m.kind().equals("create") && m.path().toString().endsWith(formerTarget + "/" + "points.bin.tmp"));
        assertThatThrownBy(shard::optimizeNow).isInstanceOf(RuntimeException.class);
        assertThat(fs.isCut()).as("the conversion flushed the former target").isTrue();
        Path after = tmp.resolve("convert-after");
        fs.materialize(after);
        fs.close();
        PowerCutFileSystem again = PowerCutFileSystem.create(after, PowerCutFileSystem.CrashMode.DROP_UNSYNCED, 2);
        try (LocalShard reopened = LocalShard.open(again.root().resolve("shard"), cfg, false)) {
            var got = reopened.retrieve(
                    java.util.List.of(moved),
                    io.sextant.segment.query.PayloadSelector.ALL,
                    io.sextant.segment.query.VectorSelector.ALL);
            assertThat(got)
                    .as("point moved to the former target by set_payload")
                    .hasSize(1);
            assertThat(got.getFirst().payload().path("moved").asBoolean()).isTrue();
            assertThat(reopened.count(Filter.ALL, true)).isEqualTo(170);
        }
        again.close();
    }

    /**
     * Where the simulated files really live: tmpfs when there is one (renames and truncations on
     * ext4 write data back, which would make the run I/O bound), else the JUnit temp directory.
     */
    private Path backingDir() throws IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return Files.createTempDirectory(shm, "sextant-powercut-");
        }
        return Files.createDirectories(tmp.resolve("powercut"));
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
