package io.sextant.collection.quality;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background worker and CPU allowance for quality sampling (live recall): one daemon thread at
 * minimum priority with a queue of {@link #QUEUE} tasks, and a token bucket of CPU time that fills
 * at {@code share} nanoseconds per nanosecond of wall time (capped at one second's worth) and is
 * charged with each task's measured thread CPU time. A task is accepted only while the bucket holds
 * time and the queue has room; otherwise the caller is told to drop it. {@link #PROCESS} is the one
 * every collection of a server uses, so the budget bounds the whole process.
 *
 * <p>Thread-safe.
 */
public final class SamplingBudget implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SamplingBudget.class);
    static final int QUEUE = 16;

    /** The process-wide budget, 1 % of one core until configured ({@link LiveRecall.Settings#DEFAULT}). */
    public static final SamplingBudget PROCESS = new SamplingBudget(0.01, System::nanoTime);

    private final ThreadPoolExecutor worker;
    private final LongSupplier clock;
    private volatile double share;
    private long tokens; // nanoseconds of CPU the worker may still spend
    private final java.util.concurrent.atomic.LongAdder spentNanos = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder ran = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder accepted = new java.util.concurrent.atomic.LongAdder();
    private long lastRefill;

    SamplingBudget(double share, LongSupplier clock) {
        this.share = share;
        this.clock = clock;
        this.lastRefill = clock.getAsLong();
        this.tokens = (long) (share * 1e9);
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            // nice 19: the exact re-runs take a core only when no request thread wants it
            // (Thread.MIN_PRIORITY alone does nothing on Linux)
            Thread t = new Thread(
                    io.sextant.shard.ThreadNiceness.lowered(io.sextant.shard.ThreadNiceness.SAMPLER, r),
                    "sextant-quality-sampler");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        });
    }

    /** Sets the allowance, a share of one core in (0, 1]. */
    public void share(double s) {
        share = s;
    }

    /** Queues {@code task} when the allowance and the queue permit; false when it was dropped. */
    public boolean tryRun(Runnable task) {
        synchronized (this) {
            refill();
            if (tokens <= 0) {
                return false;
            }
        }
        try {
            worker.execute(() -> {
                long cpu0 = cpuNow();
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.debug("quality sample failed (collection closed or changed meanwhile)", e);
                } finally {
                    long spent = Math.max(0, cpuNow() - cpu0);
                    spentNanos.add(spent);
                    synchronized (this) {
                        tokens -= spent;
                    }
                    ran.increment(); // last: drain() waits for it, so the charge is visible by then
                }
            });
            accepted.increment();
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private void refill() {
        long now = clock.getAsLong();
        long cap = (long) (share * 1e9);
        tokens = Math.min(cap, tokens + (long) ((now - lastRefill) * share));
        lastRefill = now;
    }

    private static long cpuNow() {
        var bean = java.lang.management.ManagementFactory.getThreadMXBean();
        return bean.isCurrentThreadCpuTimeSupported() ? bean.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** CPU time the samples took so far (their threads' CPU time), in seconds: the cost of sampling. */
    public double cpuSeconds() {
        return spentNanos.sum() / 1e9;
    }

    /** Samples run so far. */
    public long samplesRun() {
        return ran.sum();
    }

    /** Time the allowance holds now, in nanoseconds (tests). */
    synchronized long tokens() {
        refill();
        return tokens;
    }

    /** Waits until queued samples ran (tests). */
    void drain() throws InterruptedException {
        // every accepted task counts itself run after its CPU was charged; the executor's active count
        // alone can read 0 between a task leaving the queue and its worker starting it
        while (ran.sum() < accepted.sum()) {
            Thread.sleep(5);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
