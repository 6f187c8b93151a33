package io.sextant.shard;

import io.sextant.index.hnsw.BuildCancelledException;
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
 * flushIntervalSec}, deletion of expired points about once a second ({@link
 * LocalShard#removeExpired}, shards with a TTL only), and segment optimizations ({@link
 * SegmentOptimizations}). Thread-safe.
 *
 * <p><b>Failures never stop the thread.</b> A tick catches every {@link Throwable}, including
 * {@code OutOfMemoryError} (which would otherwise cancel every later run of a fixed-delay task
 * without a word): the failure is logged, counted ({@link #failures}, exported as a metric) and
 * shown as the shard's red status until a later tick succeeds, and the next tick tries again.
 *
 * <p><b>Stopping cancels.</b> {@link #stop} raises a flag that every optimization step and the
 * index builds check every few nodes ({@link io.sextant.index.hnsw.BuildCancelledException}; never
 * a thread interrupt, which would close the WAL's file channel under a checkpoint), then waits for
 * the thread to finish, however long that takes. So when {@code stop} returns no optimizer write
 * can follow: a shard closed for a restore never has files written into the path it gave up.
 */
final class ShardOptimizer {
    private static final Logger LOG = LoggerFactory.getLogger(ShardOptimizer.class);
    private final LocalShard shard;
    private volatile ScheduledExecutorService executor;
    private volatile boolean running;
    private volatile boolean stopping;
    private volatile String lastError;
    private final java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();
    /** Serializes optimization runs (background ticks and {@link LocalShard#optimizeNow}); not used by stop. */
    private final java.util.concurrent.locks.ReentrantLock runLock = new java.util.concurrent.locks.ReentrantLock();

    private volatile long lastFlushNanos = System.nanoTime();
    private long lastExpirySweepNanos;
    /** How often expired points are deleted (they are invisible to reads from their deadline on). */
    static final long EXPIRY_SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final int COMPLETED_KEPT = 16;
    private volatile OptimizationsReport.Optimization current;
    private final java.util.ArrayDeque<OptimizationsReport.Optimization> completed = new java.util.ArrayDeque<>();

    ShardOptimizer(LocalShard shard) {
        this.shard = shard;
    }

    synchronized void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            // below request threads: merges and index builds yield the cores to queries (ThreadNiceness)
            Thread t = new Thread(
                    ThreadNiceness.lowered(ThreadNiceness.OPTIMIZER, r),
                    "shard-optimizer-" + shard.dir().getFileName());
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::tick, 200, 200, TimeUnit.MILLISECONDS);
    }

    /**
     * Cancels the running optimization and waits until the thread has finished. Waiting is not
     * bounded: returning earlier would let a late write land in a directory the shard no longer owns.
     */
    void stop() {
        stopping = true;
        ScheduledExecutorService ex;
        synchronized (this) {
            ex = executor;
            executor = null;
        }
        if (ex == null) {
            runLock.lock();
            runLock.unlock();
            return;
        }
        ex.shutdown();
        boolean interrupted = false;
        long started = System.nanoTime();
        while (true) {
            try {
                if (ex.awaitTermination(10, TimeUnit.SECONDS)) {
                    break;
                }
                LOG.warn(
                        "Optimizer of {} still finishing after {} s of cancellation",
                        shard.dir(),
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
            } catch (InterruptedException e) {
                interrupted = true; // keep waiting: see the method comment
            }
        }
        runLock.lock(); // a synchronous run (optimizeNow) sees the flag and ends likewise
        runLock.unlock();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether {@link #stop} was called: optimizations in progress give up. */
    boolean cancelled() {
        return stopping;
    }

    /** Failed ticks since the shard was opened (exported as a metric). */
    long failures() {
        return failures.get();
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
            if (System.nanoTime() - lastExpirySweepNanos >= EXPIRY_SWEEP_NANOS) {
                lastExpirySweepNanos = System.nanoTime();
                shard.removeExpired();
            }
            runOptimizations();
            lastError = null;
        } catch (BuildCancelledException e) {
            LOG.info("Optimizer of shard {}: optimization cancelled, the shard is closing", shard.dir());
        } catch (Throwable e) { // an Error too: an uncaught one would end every later tick silently
            failures.incrementAndGet();
            lastError = "Optimization failed: " + e;
            LOG.error("Optimizer of shard {} failed; retrying at the next tick", shard.dir(), e);
        }
    }

    /**
     * Runs {@code action} while no optimization runs (waiting for a running one to finish): for
     * changes that replace every segment object, which an optimization in flight would not expect.
     */
    void exclusive(Runnable action) {
        runLock.lock();
        try {
            action.run();
        } finally {
            runLock.unlock();
        }
    }

    /** Runs planned optimizations until none is left (also used synchronously by tests). */
    void runOptimizations() {
        runLock.lock();
        try {
            runOptimizationsLocked();
        } finally {
            runLock.unlock();
        }
    }

    private void runOptimizationsLocked() {
        while (!shard.closed() && !stopping && shard.config().optimizer().optimizationsEnabled()) {
            long lastWrite = shard.lastWriteNanos(); // read before planning: see indexingCaughtUp
            long applied = shard.lastApplied();
            SegmentOptimizations.Plan plan = SegmentOptimizations.plan(shard);
            if (plan == null) {
                shard.indexingCaughtUp(lastWrite, applied);
                return;
            }
            OptimizationsReport.Optimization started = describe(plan, "optimizing", Instant.now(), null);
            current = started;
            running = true;
            String status = "done";
            try {
                SegmentOptimizations.execute(shard, plan, this::cancelled);
                shard.noteVisibility();
            } catch (RuntimeException | Error e) {
                status = e instanceof BuildCancelledException ? "cancelled" : "error: " + e.getMessage();
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
                    case REINDEX, REOPEN -> "config_mismatch";
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
     * (the points just written are then in an indexed segment, visible), at most {@code
     * timeoutMillis}. Runs the optimizations on the calling thread when no background optimizer was
     * started. With optimizations off ({@code max_optimization_threads: 0}) nothing converts, so
     * it waits out the time.
     *
     * @return whether indexing caught up (false: the time ran out first)
     */
    boolean awaitIndexed(long timeoutMillis) {
        if (executor == null && shard.config().optimizer().optimizationsEnabled()) {
            runOptimizations();
            return !indexingPending();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!shard.closed()) {
            if (!indexingPending()) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private boolean indexingPending() {
        if (running) {
            return true;
        }
        SegmentOptimizations.Plan p = SegmentOptimizations.plan(shard);
        return p != null
                && (p.kind() == SegmentOptimizations.Kind.CONVERT || p.kind() == SegmentOptimizations.Kind.INDEX);
    }
}
