package io.sextant.segment.config;

import java.util.Map;

/**
 * What a shard needs to know of its collection's configuration. The collection layer derives it
 * from the full collection config and passes a new one when the config is patched.
 *
 * @param vectors named dense vectors ("" is the unnamed default vector)
 * @param sparseVectors named sparse vectors (names never shared with a dense vector)
 * @param optimizer optimizer thresholds
 * @param wal WAL settings
 * @param payloadMemory where immutable segments keep payloads: {@link MemoryPlacement#PINNED} as
 *     decoded trees on the heap, {@link MemoryPlacement#CACHED} or {@link MemoryPlacement#COLD} in
 *     the mapped {@code points.bin}, decoded per read (appendable segments always use the heap)
 * @param ttl point expiry, or null when points never expire
 */
public record ShardConfig(
        Map<String, VectorSpec> vectors,
        Map<String, SparseVectorSpec> sparseVectors,
        OptimizerSettings optimizer,
        WalSettings wal,
        MemoryPlacement payloadMemory,
        TtlSpec ttl) {
    public ShardConfig {
        if (payloadMemory == null) {
            payloadMemory = MemoryPlacement.PINNED;
        }
        vectors = Map.copyOf(vectors);
        sparseVectors = sparseVectors == null ? Map.of() : Map.copyOf(sparseVectors);
        for (String name : sparseVectors.keySet()) {
            if (vectors.containsKey(name)) {
                throw new IllegalArgumentException("Vector name '" + name + "' is both a dense and a sparse vector");
            }
        }
    }

    /** A config whose points never expire. */
    public ShardConfig(
            Map<String, VectorSpec> vectors,
            Map<String, SparseVectorSpec> sparseVectors,
            OptimizerSettings optimizer,
            WalSettings wal,
            MemoryPlacement payloadMemory) {
        this(vectors, sparseVectors, optimizer, wal, payloadMemory, null);
    }

    /** A config keeping payloads on the heap. */
    public ShardConfig(
            Map<String, VectorSpec> vectors,
            Map<String, SparseVectorSpec> sparseVectors,
            OptimizerSettings optimizer,
            WalSettings wal) {
        this(vectors, sparseVectors, optimizer, wal, MemoryPlacement.PINNED);
    }

    /** A config without sparse vectors. */
    public ShardConfig(Map<String, VectorSpec> vectors, OptimizerSettings optimizer, WalSettings wal) {
        this(vectors, Map.of(), optimizer, wal);
    }

    /** The dense and sparse vectors, as segments store them. */
    public SegmentVectors segmentVectors() {
        return new SegmentVectors(vectors, sparseVectors);
    }

    /**
     * Optimizer thresholds, as in Qdrant's {@code optimizers_config}.
     *
     * @param deletedThreshold fraction of deleted points that triggers vacuum (0..1)
     * @param vacuumMinVectorNumber minimum points in a segment before vacuum is considered
     * @param defaultSegmentNumber target number of segments; merge above it
     * @param maxSegmentSizeKb a segment is not grown past this; null = automatic
     * @param indexingThresholdKb vectors above this size get an index (0 disables indexing)
     * @param flushIntervalSec how often appendable segments are flushed
     * @param preventUnoptimized updates wait (with {@code wait=true}) until the points they wrote
     *     are in an optimized segment whenever the write target grows past the indexing threshold,
     *     and points written past it are deferred (hidden from reads) until then
     * @param maxOptimizationThreads Qdrant's {@code max_optimization_threads}: 0 turns optimizations
     *     off; null = automatic (Sextant runs one optimization at a time per shard either way)
     */
    public record OptimizerSettings(
            double deletedThreshold,
            int vacuumMinVectorNumber,
            int defaultSegmentNumber,
            Long maxSegmentSizeKb,
            long indexingThresholdKb,
            long flushIntervalSec,
            boolean preventUnoptimized,
            Integer maxOptimizationThreads) {
        public static final OptimizerSettings DEFAULT = new OptimizerSettings(0.2, 1000, 0, null, 10000, 5);

        /** Settings with automatic optimization threads. */
        public OptimizerSettings(
                double deletedThreshold,
                int vacuumMinVectorNumber,
                int defaultSegmentNumber,
                Long maxSegmentSizeKb,
                long indexingThresholdKb,
                long flushIntervalSec,
                boolean preventUnoptimized) {
            this(
                    deletedThreshold,
                    vacuumMinVectorNumber,
                    defaultSegmentNumber,
                    maxSegmentSizeKb,
                    indexingThresholdKb,
                    flushIntervalSec,
                    preventUnoptimized,
                    null);
        }

        /** Whether optimizations run at all ({@code max_optimization_threads} is not 0). */
        public boolean optimizationsEnabled() {
            return maxOptimizationThreads == null || maxOptimizationThreads > 0;
        }

        /** Settings without {@code prevent_unoptimized}. */
        public OptimizerSettings(
                double deletedThreshold,
                int vacuumMinVectorNumber,
                int defaultSegmentNumber,
                Long maxSegmentSizeKb,
                long indexingThresholdKb,
                long flushIntervalSec) {
            this(
                    deletedThreshold,
                    vacuumMinVectorNumber,
                    defaultSegmentNumber,
                    maxSegmentSizeKb,
                    indexingThresholdKb,
                    flushIntervalSec,
                    false);
        }

        /** Whether vector indexing is enabled at all ({@code indexing_threshold > 0}). */
        public boolean indexingEnabled() {
            return indexingThresholdKb > 0;
        }
    }

    /** WAL settings, as in Qdrant's {@code wal_config}: segment file capacity and pre-allocation. */
    public record WalSettings(int capacityMb, int segmentsAhead) {
        public static final WalSettings DEFAULT = new WalSettings(32, 0);
    }
}
