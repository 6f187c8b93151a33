package io.sextant.index.sparse;

/**
 * The result of a {@link SparseIndexReader#search}: ordinals and their dot products, best first
 * (higher score first, equal scores by ascending ordinal). Immutable by convention: the arrays are
 * owned by the record and must not be changed.
 *
 * @param ordinals the hits, best first
 * @param scores {@code scores[i]} is the dot product of the query and {@code ordinals[i]}'s vector
 */
public record SparseTopK(int[] ordinals, float[] scores) {
    public static final SparseTopK EMPTY = new SparseTopK(new int[0], new float[0]);

    public SparseTopK {
        if (ordinals.length != scores.length) {
            throw new IllegalArgumentException(
                    "ordinals and scores differ in length: " + ordinals.length + " vs " + scores.length);
        }
    }

    /** The number of hits. */
    public int size() {
        return ordinals.length;
    }

    /** The ordinal of hit {@code i} (0 = best). */
    public int ordinal(int i) {
        return ordinals[i];
    }

    /** The score of hit {@code i} (0 = best). */
    public float score(int i) {
        return scores[i];
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SparseTopK[");
        for (int i = 0; i < ordinals.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(ordinals[i]).append('=').append(scores[i]);
        }
        return sb.append(']').toString();
    }
}
