package io.sextant.shard;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background thread of a {@link LocalShard}: periodic flush + WAL checkpoint every {@code
 * flushIntervalSec}, and segment optimizations ({@link SegmentOptimizations}). Thread-safe.
 */
final class ShardOptimizer {
    private static final Logger LOG = LoggerFactory.getLogger(ShardOptimizer.class);
    private final LocalShard shard;
    private ScheduledExecutorService executor;
    private volatile boolean running;
    private volatile String lastError;
    private volatile long lastFlushNanos = System.nanoTime();

    ShardOptimizer(LocalShard shard) {
        this.shard = shard;
    }

    synchronized void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "shard-optimizer-" + shard.dir().getFileName());
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::tick, 200, 200, TimeUnit.MILLISECONDS);
    }

    synchronized void stop() {
        if (executor != null) {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
                    LOG.warn("Optimizer of {} did not stop within 60 s", shard.dir());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
    }

    /** Called after updates; optimizations are picked up by the next tick. */
    void nudge() {}

    boolean running() {
        return running;
    }

    boolean pending() {
        return SegmentOptimizations.plan(shard) != null;
    }

    String lastError() {
        return lastError;
    }

    private void tick() {
        if (shard.closed()) {
            return;
        }
        try {
            long interval = TimeUnit.SECONDS.toNanos(
                    Math.max(1, shard.config().optimizer().flushIntervalSec()));
            if (System.nanoTime() - lastFlushNanos >= interval) {
                shard.flush();
                lastFlushNanos = System.nanoTime();
            }
            runOptimizations();
            lastError = null;
        } catch (RuntimeException e) {
            lastError = "Optimization failed: " + e.getMessage();
            LOG.error("Optimizer of shard {} failed", shard.dir(), e);
        }
    }

    /** Runs planned optimizations until none is left (also used synchronously by tests). */
    synchronized void runOptimizations() {
        SegmentOptimizations.Plan plan;
        while (!shard.closed() && (plan = SegmentOptimizations.plan(shard)) != null) {
            running = true;
            try {
                SegmentOptimizations.execute(shard, plan);
            } finally {
                running = false;
            }
        }
    }
}
