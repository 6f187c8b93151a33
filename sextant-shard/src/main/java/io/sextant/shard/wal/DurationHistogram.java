package io.sextant.shard.wal;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fixed-bucket histogram of durations (WAL fsyncs, write freshness), cheap enough to record on every group
 * commit and shaped like a Prometheus histogram so the server can export it as one: cumulative
 * counts per upper bound {@link #BOUNDS_SECONDS} (plus {@code +Inf}), a sum and a count.
 *
 * <p>Thread-safe and lock-free. A {@link Snapshot} read while recording may be off by the records
 * in flight (each bucket is exact on its own).
 */
public final class DurationHistogram {

    /** Upper bounds of the buckets, in seconds, ascending; a last bucket catches the rest. */
    public static final double[] BOUNDS_SECONDS = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 30, 60, 120, 300, 600
    };

    private final AtomicLongArray counts = new AtomicLongArray(BOUNDS_SECONDS.length + 1);
    private final LongAdder sumNanos = new LongAdder();

    /**
     * A point-in-time copy.
     *
     * @param bucketCounts non-cumulative counts per bucket, the last one for {@code +Inf}
     * @param sumSeconds total of all durations
     */
    public record Snapshot(long[] bucketCounts, double sumSeconds) {
        public static final Snapshot EMPTY = new Snapshot(new long[BOUNDS_SECONDS.length + 1], 0);

        public long count() {
            long n = 0;
            for (long c : bucketCounts) {
                n += c;
            }
            return n;
        }

        /** The sum of two snapshots (e.g. over the shards of a collection). */
        public Snapshot plus(Snapshot other) {
            long[] c = bucketCounts.clone();
            for (int i = 0; i < c.length; i++) {
                c[i] += other.bucketCounts[i];
            }
            return new Snapshot(c, sumSeconds + other.sumSeconds);
        }
    }

    /** Records one duration; negative values count as zero. */
    public void record(long nanos) {
        record(nanos, 1);
    }

    /** Records {@code times} equal durations; negative values count as zero. */
    public void record(long nanos, long times) {
        long n = Math.max(0, nanos);
        double seconds = n / 1e9;
        int i = 0;
        while (i < BOUNDS_SECONDS.length && seconds > BOUNDS_SECONDS[i]) {
            i++;
        }
        counts.addAndGet(i, times);
        sumNanos.add(n * times);
    }

    public Snapshot snapshot() {
        long[] c = new long[counts.length()];
        for (int i = 0; i < c.length; i++) {
            c[i] = counts.get(i);
        }
        return new Snapshot(c, sumNanos.sum() / 1e9);
    }
}
