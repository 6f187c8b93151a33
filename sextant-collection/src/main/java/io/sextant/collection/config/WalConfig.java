package io.sextant.collection.config;

import io.sextant.segment.config.ShardConfig;

/**
 * Write-ahead-log settings ({@code wal_config} in Qdrant). Immutable; validated on construction.
 *
 * @param walCapacityMb size of one WAL segment file, >= 1
 * @param walSegmentsAhead segment files created in advance, >= 0
 * @param walRetainClosed closed segment files kept after they are no longer needed, >= 0
 */
public record WalConfig(int walCapacityMb, int walSegmentsAhead, int walRetainClosed) {
    public static final WalConfig DEFAULT = new WalConfig(32, 0, 1);

    public WalConfig {
        if (walCapacityMb < 1) {
            throw new IllegalArgumentException("wal_config.wal_capacity_mb must be >= 1, got " + walCapacityMb);
        }
        if (walSegmentsAhead < 0) {
            throw new IllegalArgumentException("wal_config.wal_segments_ahead must be >= 0, got " + walSegmentsAhead);
        }
        if (walRetainClosed < 0) {
            throw new IllegalArgumentException("wal_config.wal_retain_closed must be >= 0, got " + walRetainClosed);
        }
    }

    /** The subset a shard needs. */
    public ShardConfig.WalSettings toShardSettings() {
        return new ShardConfig.WalSettings(walCapacityMb, walSegmentsAhead);
    }

    /** A partial WAL config: null fields keep the base value. */
    public record Diff(Integer walCapacityMb, Integer walSegmentsAhead, Integer walRetainClosed) {
        public WalConfig applyTo(WalConfig base) {
            return new WalConfig(
                    walCapacityMb != null ? walCapacityMb : base.walCapacityMb(),
                    walSegmentsAhead != null ? walSegmentsAhead : base.walSegmentsAhead(),
                    walRetainClosed != null ? walRetainClosed : base.walRetainClosed());
        }
    }
}
