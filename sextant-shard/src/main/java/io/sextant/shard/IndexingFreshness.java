package io.sextant.shard;

import io.sextant.shard.wal.DurationHistogram;
import java.util.function.LongSupplier;

/**
 * How long a shard's writes take to become searchable and indexed (issue P13 "freshness").
 *
 * <p>Every applied write enters a queue of pending writes with the time it was applied; when the
 * optimizer finds nothing left to index it reports the last operation it saw applied before it
 * planned ({@link #indexedThrough}), and every pending write up to that one leaves the queue with
 * its duration recorded in {@link #toIndexed()}. "Indexed" means what the optimizer means by
 * caught up: in an indexed segment, or in a segment too small to need one.
 *
 * <p>A write is searchable when it is applied, before its acknowledgement, unless the shard defers
 * it ({@code prevent_unoptimized}: points beyond the indexing threshold stay invisible until
 * indexed): then it becomes searchable when it is indexed. {@link #toSearchable()} records 0 for
 * the first kind and the indexing time for the second.
 *
 * <p>Memory is bounded: writes applied within {@link #INITIAL_WINDOW_NANOS} of the queue's newest
 * entry join that entry (its time stays the earliest of them, so a duration is over-stated by at
 * most the window), and a full queue merges neighbouring entries pairwise and doubles the window.
 * Thread-safe (synchronized; one short call per write).
 */
final class IndexingFreshness implements WriteFreshness {
    static final int CAPACITY = 4096;
    static final long INITIAL_WINDOW_NANOS = 1_000_000;

    private final long[] firstSeq = new long[CAPACITY];
    private final long[] lastSeq = new long[CAPACITY];
    private final long[] appliedNanos = new long[CAPACITY];
    private final long[] weight = new long[CAPACITY];
    private final boolean[] deferred = new boolean[CAPACITY];
    private int head;
    private int size;
    private long windowNanos = INITIAL_WINDOW_NANOS;
    private final DurationHistogram toIndexed = new DurationHistogram();
    private final DurationHistogram toSearchable = new DurationHistogram();
    private final LongSupplier applied;

    /** @param applied the shard's last applied sequence number */
    IndexingFreshness(LongSupplier applied) {
        this.applied = applied;
    }

    @Override
    public long appliedOpNum() {
        return applied.getAsLong();
    }

    /**
     * A write with sequence number {@code seq} was applied at {@code nanos} ({@link System#nanoTime});
     * {@code deferredWrite} when it stays invisible until indexed. Call before the shard publishes
     * {@code seq} as applied, so no reader sees it applied and not pending.
     */
    synchronized void applied(long seq, long nanos, boolean deferredWrite) {
        if (!deferredWrite) {
            toSearchable.record(0);
        }
        if (size > 0) {
            int last = slot(size - 1);
            if (deferred[last] == deferredWrite && nanos - appliedNanos[last] < windowNanos) {
                lastSeq[last] = Math.max(lastSeq[last], seq);
                weight[last]++;
                return;
            }
        }
        if (size == CAPACITY) {
            compact();
        }
        int at = slot(size++);
        firstSeq[at] = seq;
        lastSeq[at] = seq;
        appliedNanos[at] = nanos;
        weight[at] = 1;
        deferred[at] = deferredWrite;
    }

    /** Every write up to {@code seq} is indexed (or needs no index) at {@code nanos}. */
    synchronized void indexedThrough(long seq, long nanos) {
        while (size > 0 && lastSeq[head] <= seq) {
            long took = nanos - appliedNanos[head];
            toIndexed.record(took, weight[head]);
            if (deferred[head]) {
                toSearchable.record(took, weight[head]);
            }
            head = (head + 1) % CAPACITY;
            size--;
        }
        if (size == 0) {
            windowNanos = INITIAL_WINDOW_NANOS;
        }
    }

    /**
     * Every write up to {@code seq} is visible to searches at {@code nanos}: deferred writes up to it
     * record their time to searchable now and wait on as ordinary pending writes.
     */
    synchronized void visibleThrough(long seq, long nanos) {
        for (int i = 0; i < size; i++) {
            int at = slot(i);
            if (lastSeq[at] > seq) {
                return;
            }
            if (deferred[at]) {
                toSearchable.record(nanos - appliedNanos[at], weight[at]);
                deferred[at] = false;
            }
        }
    }

    /**
     * Whether operation {@code seq}, if it touched this shard, is indexed: no pending write at or
     * before it. (Pending entries are in sequence order; a merged entry counts from its first write.)
     */
    @Override
    public synchronized boolean indexed(long seq) {
        return size == 0 || firstSeq[head] > seq;
    }

    /** Whether operation {@code seq} is searchable: no deferred write at or before it is pending. */
    @Override
    public synchronized boolean searchable(long seq) {
        for (int i = 0; i < size; i++) {
            int at = slot(i);
            if (firstSeq[at] > seq) {
                return true;
            }
            if (deferred[at]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public DurationHistogram.Snapshot toIndexed() {
        return toIndexed.snapshot();
    }

    @Override
    public DurationHistogram.Snapshot toSearchable() {
        return toSearchable.snapshot();
    }

    /** Pending queue entries (for tests). */
    synchronized int pendingEntries() {
        return size;
    }

    private int slot(int i) {
        return (head + i) % CAPACITY;
    }

    /** Halves the queue: merges entries pairwise (same deferral only) into the earlier one's time. */
    private void compact() {
        int out = 0;
        int i = 0;
        while (i < size) {
            int a = slot(i);
            long f = firstSeq[a];
            long l = lastSeq[a];
            long t = appliedNanos[a];
            long w = weight[a];
            boolean d = deferred[a];
            if (i + 1 < size && deferred[slot(i + 1)] == d) {
                int b = slot(i + 1);
                l = Math.max(l, lastSeq[b]);
                w += weight[b];
                i++;
            }
            i++;
            int o = slot(out++);
            firstSeq[o] = f;
            lastSeq[o] = l;
            appliedNanos[o] = t;
            weight[o] = w;
            deferred[o] = d;
        }
        size = out;
        windowNanos *= 2;
    }
}
