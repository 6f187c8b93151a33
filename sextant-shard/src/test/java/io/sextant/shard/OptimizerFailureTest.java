package io.sextant.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.segment.PointId;
import io.sextant.segment.config.HnswSpec;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.VectorSelector;
import io.sextant.vector.Distance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * P6 defects 3 and 5: an {@code Error} in the optimizer or while applying a logged operation
 * surfaces (red status, counted) without stopping anything for good, and closing a shard cancels a
 * running optimization and returns only when nothing more will be written.
 */
class OptimizerFailureTest {
    @TempDir
    Path tmp;

    private static ShardConfig config(int dim, HnswSpec hnsw, long indexingKb, long flushSec) {
        return new ShardConfig(
                Map.of("", new VectorSpec(dim, Distance.EUCLID, false, hnsw, null)),
                new ShardConfig.OptimizerSettings(0.2, 1000, 2, null, indexingKb, flushSec),
                new ShardConfig.WalSettings(1, 0));
    }

    private static void await(String what, java.util.function.BooleanSupplier condition, long millis)
            throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void anErrorInATickDoesNotStopLaterTicks() throws Exception {
        LocalShard shard = LocalShard.open(tmp.resolve("s"), config(4, null, 10_000, 1), true);
        try {
            AtomicInteger flushes = new AtomicInteger();
            shard.afterSegmentFlush = s -> {
                if (flushes.incrementAndGet() == 1) {
                    throw new OutOfMemoryError("simulated: Java heap space");
                }
            };
            shard.update(ShardFixtures.upsert(new Random(1), 4, 0, 10), true);
            await("the periodic flush to fail once", () -> flushes.get() >= 1, 10_000);
            await("the failure to be counted", () -> shard.stats().optimizerFailures() == 1, 5_000);
            shard.update(ShardFixtures.upsert(new Random(2), 4, 10, 20), true);
            // later ticks still run: the next periodic flush happens and clears the red status
            await("a later periodic flush", () -> flushes.get() >= 2, 10_000);
            await("status green again", () -> "green".equals(shard.info().status()), 10_000);
            assertThat(shard.stats().red()).isFalse();
        } finally {
            shard.afterSegmentFlush = s -> {};
            shard.close();
        }
    }

    @Test
    void anErrorWhileApplyingKeepsTheOperationAndTurnsTheShardRed() throws Exception {
        Path dir = tmp.resolve("apply");
        LocalShard shard = LocalShard.open(dir, config(4, null, 10_000, 3600), false);
        shard.beforeApply = op -> {
            throw new OutOfMemoryError("simulated: Java heap space");
        };
        assertThatThrownBy(() -> shard.update(ShardFixtures.upsert(new Random(1), 4, 0, 5), true))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("kept in the WAL");
        assertThat(shard.info().status()).isEqualTo("red");
        assertThat(shard.stats().applyFailures()).isEqualTo(1);
        assertThat(shard.stats().red()).isTrue();

        shard.beforeApply = op -> {};
        shard.update(ShardFixtures.upsert(new Random(2), 4, 5, 10), true); // applies the kept one first
        assertThat(shard.count(Filter.ALL, true)).isEqualTo(10);
        assertThat(shard.info().status()).isNotEqualTo("red");
        shard.close();
        LocalShard reopened = LocalShard.open(dir, config(4, null, 10_000, 3600), false);
        try {
            assertThat(reopened.count(Filter.ALL, true)).isEqualTo(10);
            assertThat(reopened.retrieve(List.of(PointId.of(0)), PayloadSelector.ALL, VectorSelector.NONE))
                    .hasSize(1);
        } finally {
            reopened.close();
        }
    }

    /** Every file under {@code dir} with its size and modification time. */
    private static Map<String, String> listing(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                out.put(
                        dir.relativize(p).toString(),
                        a.size() + "@" + a.lastModifiedTime().toMillis());
            }
        }
        return out;
    }

    @Test
    void closeCancelsARunningBuildAndNothingIsWrittenAfterwards() throws Exception {
        // a build that takes many seconds: 20,000 vectors of 64 dims, ef_construct 400, one thread
        HnswSpec slow = new HnswSpec(32, 400, 10_000, 1, false, null);
        Path dir = tmp.resolve("cancel");
        LocalShard shard = LocalShard.open(dir, config(64, slow, 1, 3600), false);
        Random r = new Random(3);
        for (int from = 0; from < 20_000; from += 1000) {
            shard.update(ShardFixtures.upsert(r, 64, from, from + 1000), false);
        }
        Thread optimizer = Thread.ofPlatform().start(() -> {
            try {
                shard.optimizeNow();
            } catch (RuntimeException expected) {
                // cancelled by close
            }
        });
        await("the build to start", () -> shard.stats().runningOptimizations() == 1, 30_000);
        Thread.sleep(500);
        long t0 = System.nanoTime();
        shard.close();
        long closeMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(closeMillis)
                .as("close() waits for the whole build instead of cancelling it")
                .isLessThan(5_000);
        Map<String, String> atClose = listing(dir);
        optimizer.join(60_000);
        Thread.sleep(300);
        assertThat(listing(dir)).as("files changed after close() returned").isEqualTo(atClose);
        LocalShard reopened = LocalShard.open(dir, config(64, slow, 1_000_000, 3600), false);
        try {
            assertThat(reopened.count(Filter.ALL, true)).isEqualTo(20_000);
        } finally {
            reopened.close();
        }
    }
}
