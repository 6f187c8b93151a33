package io.sextant.index;

import io.sextant.vector.Distance;
import io.sextant.vector.VectorKernels;
import java.lang.foreign.MemorySegment;

/**
 * The graph-side similarity for each {@link Distance}, oriented so that higher is closer: Cosine and
 * Dot use the dot product (Cosine vectors are normalized on insert), Euclid the negative squared L2
 * distance and Manhattan the negative L1 distance. {@link #toDistanceScore(Distance, float)} turns a
 * graph score back into the score Qdrant reports. Stateless and thread-safe.
 */
public enum ScoreFunction {
    /** The dot product. */
    DOT_PRODUCT,
    /** The negative squared Euclidean distance. */
    NEGATIVE_SQUARE_L2,
    /** The negative Manhattan distance. */
    NEGATIVE_L1;

    /** The graph similarity used for {@code distance}. */
    public static ScoreFunction of(Distance distance) {
        return switch (distance) {
            case COSINE, DOT -> DOT_PRODUCT;
            case EUCLID -> NEGATIVE_SQUARE_L2;
            case MANHATTAN -> NEGATIVE_L1;
        };
    }

    /** Converts a graph score of {@code ScoreFunction.of(distance)} to Qdrant's reported score. */
    public static float toDistanceScore(Distance distance, float graphScore) {
        return switch (distance) {
            case COSINE, DOT -> graphScore;
            case EUCLID -> (float) Math.sqrt(Math.max(0f, -graphScore));
            case MANHATTAN -> -graphScore;
        };
    }

    /** The similarity between two heap vectors of equal length. */
    public float compare(VectorKernels kernels, float[] a, float[] b) {
        return switch (this) {
            case DOT_PRODUCT -> kernels.dot(a, b);
            case NEGATIVE_SQUARE_L2 -> -kernels.squareDistance(a, b);
            case NEGATIVE_L1 -> -kernels.manhattan(a, b);
        };
    }

    /** The similarity between {@code q} and the {@code q.length} floats at {@code byteOffset}. */
    public float compare(VectorKernels kernels, float[] q, MemorySegment segment, long byteOffset) {
        return switch (this) {
            case DOT_PRODUCT -> kernels.dot(q, segment, byteOffset);
            case NEGATIVE_SQUARE_L2 -> -kernels.squareDistance(q, segment, byteOffset);
            case NEGATIVE_L1 -> -kernels.manhattan(q, segment, byteOffset);
        };
    }
}
