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
 */
public record VectorSpec(int size, Distance distance, boolean onDisk, HnswSpec hnsw, QuantizerSpec quantization) {
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
    }

    /** A vector with default HNSW parameters and no quantization. */
    public VectorSpec(int size, Distance distance, boolean onDisk) {
        this(size, distance, onDisk, null, null);
    }

    /** Bytes of one stored float32 vector. */
    public long vectorBytes() {
        return (long) size * Float.BYTES;
    }
}
