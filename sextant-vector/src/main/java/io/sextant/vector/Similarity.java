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
}
