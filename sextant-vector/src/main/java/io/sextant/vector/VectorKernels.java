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

    /**
     * {@link #dot(float[], MemorySegment, long)} of {@code q} against the four rows at byte offsets
     * {@code o0..o3}, written to {@code out[at .. at + 3]}. One pass over the query with four independent
     * memory streams in flight: faster than four calls when the rows are not in cache (graph search).
     */
    default void dot4(float[] q, MemorySegment segment, long o0, long o1, long o2, long o3, float[] out, int at) {
        out[at + 0] = dot(q, segment, o0);
        out[at + 1] = dot(q, segment, o1);
        out[at + 2] = dot(q, segment, o2);
        out[at + 3] = dot(q, segment, o3);
    }

    /**
     * {@link #dot4} over eight rows, rows {@code ordinals[from .. from + 7]} at byte offsets {@code
     * ordinal * stride}, written to {@code out[at .. at + 7]}: eight memory streams in flight. Takes
     * the ordinals rather than offsets so that a caller needs no scratch array per call.
     */
    default void dot8(float[] q, MemorySegment segment, int[] ordinals, int from, long stride, float[] out, int at) {
        twoFours(this::dot4, q, segment, ordinals, from, stride, out, at);
    }

    /** {@link #squareDistance4} over eight rows; see {@link #dot8}. */
    default void squareDistance8(
            float[] q, MemorySegment segment, int[] ordinals, int from, long stride, float[] out, int at) {
        twoFours(this::squareDistance4, q, segment, ordinals, from, stride, out, at);
    }

    /** A four-row kernel: {@link #dot4} or {@link #squareDistance4}. */
    interface FourRows {
        void score(float[] q, MemorySegment segment, long o0, long o1, long o2, long o3, float[] out, int at);
    }

    /** An eight-row pass as two four-row ones (the defaults of {@link #dot8} and {@link #squareDistance8}). */
    private static void twoFours(
            FourRows four,
            float[] q,
            MemorySegment segment,
            int[] ordinals,
            int from,
            long stride,
            float[] out,
            int at) {
        for (int k = 0; k < 8; k += 4) {
            four.score(
                    q,
                    segment,
                    ordinals[from + k] * stride,
                    ordinals[from + k + 1] * stride,
                    ordinals[from + k + 2] * stride,
                    ordinals[from + k + 3] * stride,
                    out,
                    at + k);
        }
    }

    /** {@link #squareDistance(float[], MemorySegment, long)} against four rows; see {@link #dot4}. */
    default void squareDistance4(
            float[] q, MemorySegment segment, long o0, long o1, long o2, long o3, float[] out, int at) {
        out[at + 0] = squareDistance(q, segment, o0);
        out[at + 1] = squareDistance(q, segment, o1);
        out[at + 2] = squareDistance(q, segment, o2);
        out[at + 3] = squareDistance(q, segment, o3);
    }

    /** A short name for logs and benchmarks ("scalar", "panama-256", ...). */
    String name();

    /** The process-wide kernels: the Vector-API ones when available, else the scalar ones. */
    static VectorKernels get() {
        return KernelsProvider.INSTANCE;
    }
}
