package io.sextant.cluster.replica;

import io.sextant.segment.error.ServiceException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Holds a shard transfer to {@code cluster.transfer.points_per_second}: the one throttle of the
 * {@code stream_records} and {@code snapshot} methods ({@code wal_delta} sends only the missed
 * writes, unthrottled). A transfer reports how much it has sent so far ({@link #sent}) and is paused
 * until that amount is due at the rate since it began, so it never runs ahead of the rate on
 * average. {@code stream_records} counts a batch's points once it was applied; the {@code
 * snapshot} method counts a chunk's bytes before it goes out, at the rate the setting allows for its shard
 * ({@link #forBytes}: points per second times the shard's bytes per point), so shipping a shard's
 * files takes about as long as streaming its points would, and the one setting bounds both.
 *
 * <p>Not thread-safe: one transfer's sending thread calls it.
 */
final class TransferPace {
    /** Pauses a thread for a number of nanoseconds. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private static final Sleeper THREAD_SLEEP = nanos -> TimeUnit.NANOSECONDS.sleep(nanos);

    private final double perSecond;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private final long startedNanos;

    /**
     * @param perSecond units per second (0 or less: no limit)
     * @param clock nanosecond clock ({@link System#nanoTime} in production)
     * @param sleeper how to pause
     */
    TransferPace(double perSecond, LongSupplier clock, Sleeper sleeper) {
        this.perSecond = perSecond;
        this.clock = clock;
        this.sleeper = sleeper;
        this.startedNanos = clock.getAsLong();
    }

    /** A pace of {@code perSecond} units from now (0: no limit). */
    static TransferPace of(double perSecond) {
        return new TransferPace(perSecond, System::nanoTime, THREAD_SLEEP);
    }

    /**
     * The pace in bytes for shipping a shard of {@code points} points in {@code bytes} bytes of
     * files at {@code pointsPerSecond} (0: no limit).
     */
    static TransferPace forBytes(int pointsPerSecond, long bytes, long points) {
        return of(bytesPerSecond(pointsPerSecond, bytes, points));
    }

    /** The byte rate {@link #forBytes} uses: 0 (no limit) when the point rate is 0. */
    static double bytesPerSecond(int pointsPerSecond, long bytes, long points) {
        return pointsPerSecond <= 0 ? 0 : (double) pointsPerSecond * bytes / Math.max(1, points);
    }

    /** Whether this pace holds anything back. */
    boolean limited() {
        return perSecond > 0;
    }

    /** Pauses until {@code total} units sent since the start are due at the rate. */
    void sent(long total) {
        if (perSecond <= 0) {
            return;
        }
        long due = startedNanos + (long) (total * 1e9 / perSecond);
        long wait = due - clock.getAsLong();
        if (wait > 0) {
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServiceException("Interrupted during a shard transfer", e);
            }
        }
    }
}
