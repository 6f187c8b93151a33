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
 * @param idf scores use Qdrant's {@code modifier: idf}: each query weight is multiplied by the
 *     inverse document frequency of its dimension over the whole collection
 */
public record SparseVectorSpec(Integer fullScanThreshold, boolean onDisk, VectorElementType datatype, boolean idf) {
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

    /** The effective full-scan threshold in vectors. */
    public int effectiveFullScanThreshold() {
        return fullScanThreshold == null ? DEFAULT_FULL_SCAN_THRESHOLD : fullScanThreshold;
    }
}
