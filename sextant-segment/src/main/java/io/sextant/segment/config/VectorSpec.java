package io.sextant.segment.config;

import io.sextant.vector.Distance;

/**
 * Storage-relevant parameters of one named vector.
 *
 * @param size dimension, at least 1
 * @param distance similarity function
 * @param onDisk keep full vectors in paged memory-mapped files instead of resident memory
 */
public record VectorSpec(int size, Distance distance, boolean onDisk) {
    public VectorSpec {
        if (size < 1 || size > 65536) {
            throw new IllegalArgumentException("Vector size must be in [1, 65536], got " + size);
        }
        if (distance == null) {
            throw new IllegalArgumentException("Vector distance is required");
        }
    }
}
