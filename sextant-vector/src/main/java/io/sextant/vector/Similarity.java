package io.sextant.vector;

import java.lang.foreign.MemorySegment;

/**
 * Scores a query against stored vectors for one {@link Distance}, as Qdrant reports scores:
 * Cosine and Dot give the dot product (Cosine vectors are normalized beforehand), Euclid gives the
 * L2 distance, Manhattan the L1 distance. Thread-safe.
 */
public final class Similarity {
    private Similarity() {}

    public static float score(Distance distance, float[] q, float[] v) {
        VectorKernels k = VectorKernels.get();
        return switch (distance) {
            case COSINE, DOT -> k.dot(q, v);
            case EUCLID -> (float) Math.sqrt(k.squareDistance(q, v));
            case MANHATTAN -> k.manhattan(q, v);
        };
    }

    public static float score(Distance distance, float[] q, MemorySegment segment, long byteOffset) {
        VectorKernels k = VectorKernels.get();
        return switch (distance) {
            case COSINE, DOT -> k.dot(q, segment, byteOffset);
            case EUCLID -> (float) Math.sqrt(k.squareDistance(q, segment, byteOffset));
            case MANHATTAN -> k.manhattan(q, segment, byteOffset);
        };
    }

    /** Whether {@code a} is a better score than {@code b} under {@code distance}. */
    public static boolean better(Distance distance, float a, float b) {
        return distance.higherIsBetter() ? a > b : a < b;
    }

    /**
     * Returns {@code v} scaled to unit length (a new array); a zero vector is returned unchanged.
     */
    public static float[] normalize(float[] v) {
        double n = 0;
        for (float x : v) {
            n += (double) x * x;
        }
        if (n == 0) {
            return v.clone();
        }
        float inv = (float) (1.0 / Math.sqrt(n));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * inv;
        }
        return out;
    }

    /**
     * Squared-length tolerance within which {@link #unitLength} takes a vector as already unit
     * length: a vector scaled by {@link #normalize} is within about 1e-7 of 1, and scaling it again
     * would change each component by under 1e-6 of itself.
     */
    static final double UNIT_TOLERANCE = 1e-6;

    /**
     * {@code v} at unit length: {@code v} itself (not a copy) when its squared length is already
     * within {@link #UNIT_TOLERANCE} of 1, else {@link #normalize}{@code (v)}. For query vectors,
     * which a request normalizes at several layers: only the first pays for a copy, and a client
     * that sends unit vectors (most embedding models) pays for none. Callers must not modify the
     * result.
     */
    public static float[] unitLength(float[] v) {
        double n = 0;
        for (float x : v) {
            n += (double) x * x;
        }
        return Math.abs(n - 1) <= UNIT_TOLERANCE ? v : normalize(v);
    }
}
