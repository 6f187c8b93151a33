package io.sextant.shard;

import io.sextant.shard.wal.DurationHistogram;

/**
 * What a shard knows about the freshness of its writes: the last applied operation, whether a
 * given operation is searchable and indexed here, and how long writes took to become so (issue
 * P13). Operation numbers are the shard's WAL sequence numbers. Thread-safe.
 */
public interface WriteFreshness {

    /** A shard that keeps no figures (remote shards): nothing applied, everything trivially done. */
    WriteFreshness NONE = new WriteFreshness() {
        @Override
        public long appliedOpNum() {
            return 0;
        }

        @Override
        public boolean indexed(long op) {
            return true;
        }

        @Override
        public boolean searchable(long op) {
            return true;
        }

        @Override
        public DurationHistogram.Snapshot toIndexed() {
            return DurationHistogram.Snapshot.EMPTY;
        }

        @Override
        public DurationHistogram.Snapshot toSearchable() {
            return DurationHistogram.Snapshot.EMPTY;
        }
    };

    /** The sequence number of the last applied operation (0 before the first). */
    long appliedOpNum();

    /** Whether every write of this shard up to operation {@code op} is indexed (or needs no index). */
    boolean indexed(long op);

    /** Whether every write of this shard up to operation {@code op} is visible to searches. */
    boolean searchable(long op);

    /** Durations from applied to indexed of the writes indexed since the shard opened. */
    DurationHistogram.Snapshot toIndexed();

    /** Durations from applied to searchable (0 for writes visible once applied). */
    DurationHistogram.Snapshot toSearchable();
}
