package io.sextant.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.segment.testing.PowerCutFileSystem;
import io.sextant.segment.testing.ScratchDirectories;
import java.io.IOException;
import java.nio.file.Path;
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
        Path root = ScratchDirectories.create(tmp, "sextant-powercut-");
        try {
            for (long i = 0; stats.crashes < target; i++) {
                Path work = root.resolve("seed" + i);
                new PowerCutShardRun(base + i, work, stats).run((int) Math.min(CUTS_PER_SEED, target - stats.crashes));
                ScratchDirectories.deleteTree(work);
                if (target > DEFAULT_CRASHES && i % 100 == 99) { // progress of long runs
                    System.out.println(stats.summary(base, (System.nanoTime() - t0) / 1_000_000_000.0));
                }
            }
        } finally {
            ScratchDirectories.deleteTree(root);
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
}
