package io.sextant.segment.config;

/**
 * Storage, index and scoring parameters of one named sparse vector (Qdrant's {@code
 * SparseVectorParams}).
 *
 * @param fullScanThreshold with a filter matching fewer points than this (a number of vectors,
 *     not KB), a segment scores the matching points exactly instead of using its inverted index;
 *     null = {@link #DEFAULT_FULL_SCAN_THRESHOLD}
 * @param onDisk immutable segments keep their inverted index memory-mapped and paged by the OS
 *     instead of resident
 * @param datatype how the index stores weights; null = {@link VectorElementType#FLOAT32}
 * @param memory where the inverted index of immutable segments lives; null = from {@code onDisk}
 *     (see {@link #placement()})
 * @param idf scores use Qdrant's {@code modifier: idf}: each query weight is multiplied by the
 *     inverse document frequency of its dimension over the whole collection
 */
public record SparseVectorSpec(
        Integer fullScanThreshold, boolean onDisk, VectorElementType datatype, boolean idf, MemoryPlacement memory) {
    /** Qdrant's default sparse {@code full_scan_threshold}. */
    public static final int DEFAULT_FULL_SCAN_THRESHOLD = 5000;

    public static final SparseVectorSpec DEFAULT = new SparseVectorSpec(null, false, null, false);

    public SparseVectorSpec {
        if (fullScanThreshold != null && fullScanThreshold < 0) {
            throw new IllegalArgumentException("full_scan_threshold must be >= 0, got " + fullScanThreshold);
        }
        if (datatype == null) {
            datatype = VectorElementType.FLOAT32;
        }
    }

    /** A spec whose placement comes from {@code onDisk}. */
    public SparseVectorSpec(Integer fullScanThreshold, boolean onDisk, VectorElementType datatype, boolean idf) {
        this(fullScanThreshold, onDisk, datatype, idf, null);
    }

    /** Qdrant's effective index placement: {@code memory}, else {@code on_disk} (cold) or pinned. */
    public MemoryPlacement placement() {
        return memory != null ? memory : MemoryPlacement.fromOnDiskHeap(onDisk);
    }

    /** Whether a segment's sparse files written for {@code other} serve this spec unchanged. */
    public boolean sameStoredForm(SparseVectorSpec other) {
        return datatype == other.datatype;
    }

    /** The effective full-scan threshold in vectors. */
    public int effectiveFullScanThreshold() {
        return fullScanThreshold == null ? DEFAULT_FULL_SCAN_THRESHOLD : fullScanThreshold;
    }
}
