package io.sextant.shard;

import io.sextant.shard.wal.DurationHistogram;

/**
 * Operational figures of a shard for the metrics endpoint, read at scrape time.
 *
 * @param updateQueueLength updates waiting for the shard's update lock (the update queue)
 * @param runningOptimizations optimizations running now (0 or 1: one optimizer thread per shard)
 * @param indexingLagSeconds age of the oldest write still waiting for a pending or running indexing
 *     optimization; 0 when nothing waits (also when segments stay below the indexing threshold)
 * @param walFsync durations of the WAL's group-commit fsyncs since the shard was opened
 * @param optimizerFailures optimizer ticks that failed (any Throwable) since the shard was opened
 * @param applyFailures logged operations whose application failed since the shard was opened
 * @param opNum the WAL sequence number of the last applied operation (0 before the first)
 * @param red whether the shard's status is red now (an operation logged but not applied, or the
 *     optimizer's last tick failed)
 */
public record ShardStats(
        int updateQueueLength,
        int runningOptimizations,
        double indexingLagSeconds,
        DurationHistogram.Snapshot walFsync,
        long optimizerFailures,
        long applyFailures,
        long opNum,
        boolean red) {

    public static final ShardStats EMPTY = new ShardStats(0, 0, 0, DurationHistogram.Snapshot.EMPTY, 0, 0, 0, false);
}
