package io.sextant.segment.config;

import io.sextant.vector.Distance;
import io.sextant.vector.quant.QuantizerSpec;

/**
 * Storage and index parameters of one named vector.
 *
 * @param size dimension, at least 1
 * @param distance similarity function
 * @param onDisk keep full vectors in paged memory-mapped files instead of resident memory
 * @param hnsw the vector's effective HNSW parameters; null = {@link HnswSpec#DEFAULT}
 * @param quantization the vector's quantization; null = none
 * @param datatype how components are stored; null = {@link VectorElementType#FLOAT32}
 * @param multivector how a point's several vectors are compared; null = one vector per point
 * @param memory where the full vectors live; null = derived from {@code onDisk}
 */
public record VectorSpec(
        int size,
        Distance distance,
        boolean onDisk,
        HnswSpec hnsw,
        QuantizerSpec quantization,
        VectorElementType datatype,
        MultiVectorComparator multivector,
        MemoryPlacement memory) {
    public VectorSpec {
        if (size < 1 || size > 65536) {
            throw new IllegalArgumentException("Vector size must be in [1, 65536], got " + size);
        }
        if (distance == null) {
            throw new IllegalArgumentException("Vector distance is required");
        }
        if (hnsw == null) {
            hnsw = HnswSpec.DEFAULT;
        }
        if (datatype == null) {
            datatype = VectorElementType.FLOAT32;
        }
    }

    /** A single vector per point, placement from {@code onDisk}. */
    public VectorSpec(
            int size,
            Distance distance,
            boolean onDisk,
            HnswSpec hnsw,
            QuantizerSpec quantization,
            VectorElementType datatype) {
        this(size, distance, onDisk, hnsw, quantization, datatype, null, null);
    }

    /** Whether each point holds several vectors of {@link #size} components. */
    public boolean isMulti() {
        return multivector != null;
    }

    /** A float32 vector. */
    public VectorSpec(int size, Distance distance, boolean onDisk, HnswSpec hnsw, QuantizerSpec quantization) {
        this(size, distance, onDisk, hnsw, quantization, null);
    }

    /** A vector with default HNSW parameters and no quantization. */
    public VectorSpec(int size, Distance distance, boolean onDisk) {
        this(size, distance, onDisk, null, null);
    }

    /**
     * Bytes of one vector counted as float32, whatever the datatype: the unit of Qdrant's
     * thresholds ({@code indexing_threshold}, {@code full_scan_threshold}: 1 KB = 256 floats).
     */
    public long vectorBytes() {
        return (long) size * Float.BYTES;
    }

    /** Bytes of one vector as stored ({@link VectorElementType#vectorBytes}). */
    public long storedVectorBytes() {
        return datatype.vectorBytes(size);
    }

    /**
     * Whether stored vectors are kept as given and normalized when scored: Cosine over uint8,
     * whose bytes cannot hold a unit vector. Other Cosine vectors are normalized on insert.
     */
    public boolean normalizesOnScore() {
        return distance == Distance.COSINE && datatype == VectorElementType.UINT8;
    }
}
