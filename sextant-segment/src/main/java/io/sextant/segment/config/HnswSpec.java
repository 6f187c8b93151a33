package io.sextant.segment.config;

/**
 * HNSW parameters of one named vector as a segment needs them (the effective {@code hnsw_config}
 * of the vector). Immutable.
 *
 * @param m links per node; 0 disables the graph (and payload links)
 * @param efConstruct beam width while building, also the default search {@code hnsw_ef}
 * @param fullScanThresholdKb a filtered search whose matching vectors are estimated below this
 *     many KB scans them exactly instead of walking the graph (Qdrant's {@code full_scan_threshold})
 * @param maxIndexingThreads build threads, 0 = all cores
 * @param onDisk whether the graph may be paged from disk (it is memory-mapped either way)
 * @param payloadM links per node of the payload sub-graphs; null = {@code m}, 0 = none
 * @param memory where the graph file lives; null = from {@code onDisk} (see {@link #placement()})
 */
public record HnswSpec(
        int m,
        int efConstruct,
        int fullScanThresholdKb,
        int maxIndexingThreads,
        boolean onDisk,
        Integer payloadM,
        MemoryPlacement memory) {
    public static final HnswSpec DEFAULT = new HnswSpec(16, 100, 10000, 0, false, null);

    /** A spec whose placement comes from {@code onDisk}. */
    public HnswSpec(
            int m, int efConstruct, int fullScanThresholdKb, int maxIndexingThreads, boolean onDisk, Integer payloadM) {
        this(m, efConstruct, fullScanThresholdKb, maxIndexingThreads, onDisk, payloadM, null);
    }

    /** Qdrant's effective graph placement: {@code memory}, else {@code on_disk} (cold) or cached. */
    public MemoryPlacement placement() {
        return memory != null ? memory : MemoryPlacement.fromOnDisk(onDisk);
    }

    public HnswSpec {
        if (m < 0 || efConstruct < 4 || fullScanThresholdKb < 0 || maxIndexingThreads < 0) {
            throw new IllegalArgumentException("Bad HNSW spec: m=" + m + ", ef_construct=" + efConstruct
                    + ", full_scan_threshold=" + fullScanThresholdKb + ", max_indexing_threads=" + maxIndexingThreads);
        }
    }

    /** Whether a graph is built at all. */
    public boolean enabled() {
        return m >= 2;
    }

    /** The payload sub-graph degree; 0 when there are none. */
    public int effectivePayloadM() {
        int pm = payloadM == null ? m : payloadM;
        return pm >= 2 ? pm : 0;
    }

    /** The parameters that change the stored graph. */
    public String fingerprint() {
        return "m=" + m + ",efc=" + efConstruct + ",pm=" + effectivePayloadM();
    }
}
