package io.sextant.collection.config;

import io.sextant.segment.config.ShardConfig;

/**
 * Optimizer settings ({@code optimizers_config} in Qdrant), with Qdrant's defaults. Immutable;
 * validated on construction.
 *
 * @param deletedThreshold fraction of deleted points that triggers vacuum, in [0, 1]
 * @param vacuumMinVectorNumber minimum points in a segment before vacuum is considered, >= 100
 * @param defaultSegmentNumber target number of segments, 0 = automatic (by CPU count)
 * @param maxSegmentSize maximum segment size in KB; null = automatic
 * @param memmapThreshold deprecated in Qdrant, kept for compatibility (KB); null = unset
 * @param indexingThreshold vectors (in KB) above which a segment gets a vector index; 0 disables
 * @param flushIntervalSec interval between forced flushes
 * @param maxOptimizationThreads optimization threads per shard; null = automatic
 * @param preventUnoptimized whether updates wait for optimization when segments are unindexed; null = unset
 */
public record OptimizersConfig(
        double deletedThreshold,
        int vacuumMinVectorNumber,
        int defaultSegmentNumber,
        Long maxSegmentSize,
        Long memmapThreshold,
        long indexingThreshold,
        long flushIntervalSec,
        Integer maxOptimizationThreads,
        Boolean preventUnoptimized) {

    public static final OptimizersConfig DEFAULT = new OptimizersConfig(0.2, 1000, 0, null, null, 10000, 5, null, null);

    public OptimizersConfig {
        if (!(deletedThreshold >= 0 && deletedThreshold <= 1)) {
            throw new IllegalArgumentException(
                    "optimizers_config.deleted_threshold must be in [0, 1], got " + deletedThreshold);
        }
        if (vacuumMinVectorNumber < 100) {
            throw new IllegalArgumentException(
                    "optimizers_config.vacuum_min_vector_number must be >= 100, got " + vacuumMinVectorNumber);
        }
        if (defaultSegmentNumber < 0) {
            throw new IllegalArgumentException(
                    "optimizers_config.default_segment_number must be >= 0, got " + defaultSegmentNumber);
        }
        if (maxSegmentSize != null && maxSegmentSize < 1) {
            throw new IllegalArgumentException(
                    "optimizers_config.max_segment_size must be >= 1, got " + maxSegmentSize);
        }
        if (indexingThreshold < 0) {
            throw new IllegalArgumentException(
                    "optimizers_config.indexing_threshold must be >= 0, got " + indexingThreshold);
        }
        if (flushIntervalSec < 0) {
            throw new IllegalArgumentException(
                    "optimizers_config.flush_interval_sec must be >= 0, got " + flushIntervalSec);
        }
        if (maxOptimizationThreads != null && maxOptimizationThreads < 0) {
            throw new IllegalArgumentException(
                    "optimizers_config.max_optimization_threads must be >= 0, got " + maxOptimizationThreads);
        }
    }

    /** The subset a shard needs. */
    public ShardConfig.OptimizerSettings toShardSettings() {
        return new ShardConfig.OptimizerSettings(
                deletedThreshold,
                vacuumMinVectorNumber,
                defaultSegmentNumber,
                maxSegmentSize,
                indexingThreshold,
                flushIntervalSec,
                Boolean.TRUE.equals(preventUnoptimized),
                maxOptimizationThreads);
    }

    /**
     * A partial optimizer config (PATCH body): null fields keep the base value; {@link
     * #AUTO_THREADS} as {@code maxOptimizationThreads} sets it back to automatic ("auto").
     */
    public record Diff(
            Double deletedThreshold,
            Integer vacuumMinVectorNumber,
            Integer defaultSegmentNumber,
            Long maxSegmentSize,
            Long memmapThreshold,
            Long indexingThreshold,
            Long flushIntervalSec,
            Integer maxOptimizationThreads,
            Boolean preventUnoptimized) {
        /** {@code max_optimization_threads: "auto"} in a diff. */
        public static final int AUTO_THREADS = -1;

        /** Applies this diff on top of {@code base}. */
        public OptimizersConfig applyTo(OptimizersConfig base) {
            return new OptimizersConfig(
                    deletedThreshold != null ? deletedThreshold : base.deletedThreshold(),
                    vacuumMinVectorNumber != null ? vacuumMinVectorNumber : base.vacuumMinVectorNumber(),
                    defaultSegmentNumber != null ? defaultSegmentNumber : base.defaultSegmentNumber(),
                    maxSegmentSize != null ? maxSegmentSize : base.maxSegmentSize(),
                    memmapThreshold != null ? memmapThreshold : base.memmapThreshold(),
                    indexingThreshold != null ? indexingThreshold : base.indexingThreshold(),
                    flushIntervalSec != null ? flushIntervalSec : base.flushIntervalSec(),
                    maxOptimizationThreads == null
                            ? base.maxOptimizationThreads()
                            : maxOptimizationThreads == AUTO_THREADS ? null : maxOptimizationThreads,
                    preventUnoptimized != null ? preventUnoptimized : base.preventUnoptimized());
        }
    }
}
