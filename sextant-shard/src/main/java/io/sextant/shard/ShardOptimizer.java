package io.sextant.shard;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
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
    private volatile ScheduledExecutorService executor;
    private volatile boolean running;
    private volatile String lastError;
    private volatile long lastFlushNanos = System.nanoTime();
    private static final int COMPLETED_KEPT = 16;
    private volatile OptimizationsReport.Optimization current;
    private final java.util.ArrayDeque<OptimizationsReport.Optimization> completed = new java.util.ArrayDeque<>();

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
        while (!shard.closed()) {
            long lastWrite = shard.lastWriteNanos(); // read before planning: see indexingCaughtUp
            SegmentOptimizations.Plan plan = SegmentOptimizations.plan(shard);
            if (plan == null) {
                shard.indexingCaughtUp(lastWrite);
                return;
            }
            OptimizationsReport.Optimization started = describe(plan, "optimizing", Instant.now(), null);
            current = started;
            running = true;
            String status = "done";
            try {
                SegmentOptimizations.execute(shard, plan);
            } catch (RuntimeException e) {
                status = "error: " + e.getMessage();
                throw e;
            } finally {
                running = false;
                current = null;
                synchronized (completed) {
                    completed.addFirst(new OptimizationsReport.Optimization(
                            started.id(),
                            started.optimizer(),
                            status,
                            started.segments(),
                            started.startedAt(),
                            Instant.now()));
                    while (completed.size() > COMPLETED_KEPT) {
                        completed.removeLast();
                    }
                }
            }
        }
    }

    static OptimizationsReport.Optimization describe(
            SegmentOptimizations.Plan plan, String status, Instant started, Instant finished) {
        List<OptimizationsReport.SegmentRef> segs = plan.sources().stream()
                .map(s -> new OptimizationsReport.SegmentRef(s.name(), s.liveCount()))
                .toList();
        String optimizer =
                switch (plan.kind()) {
                    case CONVERT, INDEX -> "indexing";
                    case MERGE -> "merge";
                    case VACUUM -> "vacuum";
                    case REINDEX -> "config_mismatch";
                };
        String id = UUID.nameUUIDFromBytes((plan.kind() + ":" + segs).getBytes(StandardCharsets.UTF_8))
                .toString();
        return new OptimizationsReport.Optimization(id, optimizer, status, segs, started, finished);
    }

    /** What is running, queued and recently done. */
    OptimizationsReport report() {
        OptimizationsReport.Optimization now = current;
        SegmentOptimizations.Plan next = now == null ? SegmentOptimizations.plan(shard) : null;
        List<OptimizationsReport.Optimization> done;
        synchronized (completed) {
            done = List.copyOf(completed);
        }
        java.util.Set<String> busy = new java.util.HashSet<>();
        if (now != null) {
            now.segments().forEach(s -> busy.add(s.name()));
        }
        if (next != null) {
            next.sources().forEach(s -> busy.add(s.name()));
        }
        List<OptimizationsReport.SegmentRef> idle = shard.segments().all().stream()
                .filter(s -> !busy.contains(s.name()))
                .map(s -> new OptimizationsReport.SegmentRef(s.name(), s.liveCount()))
                .toList();
        return new OptimizationsReport(
                now == null ? List.of() : List.of(now),
                next == null ? List.of() : List.of(describe(next, "pending", null, null)),
                done,
                idle);
    }

    /**
     * {@code prevent_unoptimized}: blocks until no conversion or indexing is pending or running
     * (the points just written are then in an indexed segment), at most {@code timeoutMillis}. Runs
     * the optimizations on the calling thread when no background optimizer was started.
     */
    void awaitIndexed(long timeoutMillis) {
        if (executor == null) {
            runOptimizations();
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!shard.closed() && System.nanoTime() < deadline) {
            SegmentOptimizations.Plan p = running ? null : SegmentOptimizations.plan(shard);
            boolean indexingPending = running
                    || (p != null
                            && (p.kind() == SegmentOptimizations.Kind.CONVERT
                                    || p.kind() == SegmentOptimizations.Kind.INDEX));
            if (!indexingPending) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
