package io.sextant.vector;

import java.lang.foreign.MemorySegment;

/**
 * Distance kernels over float32 vectors, on heap arrays and on (memory-mapped) {@link
 * MemorySegment}s holding little-endian float32 values. Two implementations exist: {@code
 * ScalarKernels} (plain loops) and a Vector-API one; {@link #get()} returns the fastest one that
 * works on this JVM. Implementations are stateless and thread-safe.
 */
public interface VectorKernels {

    /** Sum of a[i]*b[i]. Lengths must be equal. */
    float dot(float[] a, float[] b);

    /** Sum of (a[i]-b[i])^2. */
    float squareDistance(float[] a, float[] b);

    /** Sum of |a[i]-b[i]|. */
    float manhattan(float[] a, float[] b);

    /** {@link #dot(float[], float[])} of {@code q} and the {@code q.length} floats at byteOffset. */
    float dot(float[] q, MemorySegment segment, long byteOffset);

    /** {@link #squareDistance(float[], float[])} against floats stored in {@code segment}. */
    float squareDistance(float[] q, MemorySegment segment, long byteOffset);

    /** {@link #manhattan(float[], float[])} against floats stored in {@code segment}. */
    float manhattan(float[] q, MemorySegment segment, long byteOffset);

    /** A short name for logs and benchmarks ("scalar", "panama-256", ...). */
    String name();

    /** The process-wide kernels: the Vector-API ones when available, else the scalar ones. */
    static VectorKernels get() {
        return KernelsProvider.INSTANCE;
    }
}
