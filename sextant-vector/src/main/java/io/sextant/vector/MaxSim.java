package io.sextant.vector;

import java.lang.foreign.MemorySegment;

/**
 * max_sim between two multivectors held on the heap, each the concatenation of vectors of one
 * dimension: for each vector of the query the best similarity among the document's vectors,
 * summed (late interaction, Qdrant's {@code max_sim} comparator). The per-pair similarity is
 * oriented so higher is closer: the dot product for Cosine and Dot (vectors normalized already),
 * the negative squared Euclidean distance, the negative Manhattan distance; the sum is what
 * Qdrant compares multivectors by. Uses the SIMD kernels; stateless and thread-safe.
 */
public final class MaxSim {
    private MaxSim() {}

    /** max_sim of {@code query} against {@code doc}, both of {@code dim}-component vectors. */
    public static float score(Distance distance, float[] query, float[] doc, int dim) {
        if (query.length == 0 || doc.length == 0 || query.length % dim != 0 || doc.length % dim != 0) {
            throw new IllegalArgumentException("multivectors of " + query.length + " and " + doc.length
                    + " floats are not whole numbers of " + dim + "-dimensional vectors");
        }
        VectorKernels k = VectorKernels.get();
        MemorySegment d = MemorySegment.ofArray(doc);
        float[] q = new float[dim];
        float sum = 0;
        for (int i = 0; i < query.length; i += dim) {
            System.arraycopy(query, i, q, 0, dim);
            float best = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < doc.length; j += dim) {
                long at = (long) j * Float.BYTES;
                float s =
                        switch (distance) {
                            case COSINE, DOT -> k.dot(q, d, at);
                            case EUCLID -> -k.squareDistance(q, d, at);
                            case MANHATTAN -> -k.manhattan(q, d, at);
                        };
                if (s > best) {
                    best = s;
                }
            }
            sum += best;
        }
        return sum;
    }
}
