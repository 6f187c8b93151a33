package io.sextant.collection.config;

import io.sextant.segment.config.MemoryPlacement;

/**
 * HNSW graph parameters ({@code hnsw_config} in Qdrant). Immutable; validated on construction.
 *
 * @param m edges per node (0 disables the graph)
 * @param efConstruct beam width while building, at least 4
 * @param fullScanThreshold in KB of vectors: below it a filtered search scans instead of using the graph
 * @param maxIndexingThreads threads for building, 0 = automatic
 * @param onDisk keep the graph in paged memory-mapped files
 * @param payloadM edges per node for payload-aware links; null = same as {@code m}
 * @param memory Qdrant's {@code memory} placement of the graph; null = unset (from {@code onDisk})
 * @param inlineStorage Qdrant's {@code inline_storage}; null = unset. Kept and echoed (and warned
 *     about as Qdrant does); the graph file does not inline vectors
 */
public record HnswConfig(
        int m,
        int efConstruct,
        int fullScanThreshold,
        int maxIndexingThreads,
        boolean onDisk,
        Integer payloadM,
        MemoryPlacement memory,
        Boolean inlineStorage) {
    public static final HnswConfig DEFAULT = new HnswConfig(16, 100, 10000, 0, false, null);

    /** A config without a {@code memory} placement. */
    public HnswConfig(
            int m, int efConstruct, int fullScanThreshold, int maxIndexingThreads, boolean onDisk, Integer payloadM) {
        this(m, efConstruct, fullScanThreshold, maxIndexingThreads, onDisk, payloadM, null, null);
    }

    /** A config without {@code inline_storage}. */
    public HnswConfig(
            int m,
            int efConstruct,
            int fullScanThreshold,
            int maxIndexingThreads,
            boolean onDisk,
            Integer payloadM,
            MemoryPlacement memory) {
        this(m, efConstruct, fullScanThreshold, maxIndexingThreads, onDisk, payloadM, memory, null);
    }

    public HnswConfig {
        if (m < 0) {
            throw io.sextant.segment.error.RangeViolation.atLeast("hnsw_config.m", m, 0);
        }
        if (efConstruct < 4) {
            throw io.sextant.segment.error.RangeViolation.atLeast("hnsw_config.ef_construct", efConstruct, 4);
        }
        if (fullScanThreshold < 10) {
            throw io.sextant.segment.error.RangeViolation.atLeast(
                    "hnsw_config.full_scan_threshold", fullScanThreshold, 10);
        }
        if (maxIndexingThreads < 0) {
            throw new IllegalArgumentException(
                    "hnsw_config.max_indexing_threads must be >= 0, got " + maxIndexingThreads);
        }
        if (payloadM != null && payloadM < 0) {
            throw new IllegalArgumentException("hnsw_config.payload_m must be >= 0, got " + payloadM);
        }
    }

    /**
     * A partial HNSW config (PATCH body or per-vector override): null fields keep the base value.
     */
    public record Diff(
            Integer m,
            Integer efConstruct,
            Integer fullScanThreshold,
            Integer maxIndexingThreads,
            Boolean onDisk,
            Integer payloadM,
            MemoryPlacement memory,
            Boolean inlineStorage) {
        public static final Diff EMPTY = new Diff(null, null, null, null, null, null);

        /** A diff without a {@code memory} placement. */
        public Diff(
                Integer m,
                Integer efConstruct,
                Integer fullScanThreshold,
                Integer maxIndexingThreads,
                Boolean onDisk,
                Integer payloadM) {
            this(m, efConstruct, fullScanThreshold, maxIndexingThreads, onDisk, payloadM, null, null);
        }

        /** A diff without {@code inline_storage}. */
        public Diff(
                Integer m,
                Integer efConstruct,
                Integer fullScanThreshold,
                Integer maxIndexingThreads,
                Boolean onDisk,
                Integer payloadM,
                MemoryPlacement memory) {
            this(m, efConstruct, fullScanThreshold, maxIndexingThreads, onDisk, payloadM, memory, null);
        }

        /** Applies this diff on top of {@code base}. */
        public HnswConfig applyTo(HnswConfig base) {
            return new HnswConfig(
                    m != null ? m : base.m(),
                    efConstruct != null ? efConstruct : base.efConstruct(),
                    fullScanThreshold != null ? fullScanThreshold : base.fullScanThreshold(),
                    maxIndexingThreads != null ? maxIndexingThreads : base.maxIndexingThreads(),
                    onDisk != null ? onDisk : base.onDisk(),
                    payloadM != null ? payloadM : base.payloadM(),
                    memory != null ? memory : base.memory(),
                    inlineStorage != null ? inlineStorage : base.inlineStorage());
        }

        /** Merges {@code newer} over this diff (newer's non-null fields win). */
        public Diff merge(Diff newer) {
            if (newer == null) {
                return this;
            }
            return new Diff(
                    newer.m != null ? newer.m : m,
                    newer.efConstruct != null ? newer.efConstruct : efConstruct,
                    newer.fullScanThreshold != null ? newer.fullScanThreshold : fullScanThreshold,
                    newer.maxIndexingThreads != null ? newer.maxIndexingThreads : maxIndexingThreads,
                    newer.onDisk != null ? newer.onDisk : onDisk,
                    newer.payloadM != null ? newer.payloadM : payloadM,
                    newer.memory != null ? newer.memory : memory,
                    newer.inlineStorage != null ? newer.inlineStorage : inlineStorage);
        }
    }
}
