package io.sextant.segment.query;

/**
 * Document statistics of one sparse vector for Qdrant's {@code idf} modifier: how many points have
 * the vector, and per requested dimension how many of them have that dimension. Statistics of
 * several segments or shards add up ({@link #plus}).
 *
 * @param vectorCount points with the vector
 * @param docFrequencies per requested dimension, the points whose vector has it
 */
public record SparseStats(long vectorCount, long[] docFrequencies) {

    /** The sum of two statistics over the same dimensions. */
    public SparseStats plus(SparseStats other) {
        long[] df = docFrequencies.clone();
        for (int i = 0; i < df.length; i++) {
            df[i] += other.docFrequencies[i];
        }
        return new SparseStats(vectorCount + other.vectorCount, df);
    }

    /**
     * Qdrant's inverse document frequency of dimension {@code i}: {@code ln((N - n + 0.5) / (n + 0.5)
     * + 1)}, N the vector count and n the dimension's document frequency.
     */
    public float idf(int i) {
        double n = docFrequencies[i];
        double total = vectorCount;
        return (float) Math.log((total - n + 0.5) / (n + 0.5) + 1.0);
    }
}
