package io.sextant.index;

/**
 * Gives node-versus-node scorers over a fixed set of stored vectors with ordinals {@code 0 ..
 * size()-1}; used while building a graph. Higher score means closer, and the score must be
 * symmetric ({@code scorerFor(a).score(b) == scorerFor(b).score(a)}).
 *
 * <p>Implementations must be thread-safe: a concurrent graph build calls them from many threads.
 */
public interface ScorerSupplier {

    /** A scorer whose fixed vector is the stored vector {@code ordinal}. */
    VectorScorer scorerFor(int ordinal);

    /** The number of stored vectors. */
    int size();

    /** The score between stored vectors {@code a} and {@code b}; override to avoid a scorer. */
    default float score(int a, int b) {
        return scorerFor(a).score(b);
    }

    /**
     * A handle for one thread that points a scorer at stored vectors one after the other, for hot
     * loops that need many short-lived node scorers (neighbour selection while building a graph).
     * The default allocates a scorer per call; suppliers that copy the fixed vector reuse one
     * buffer instead.
     */
    default Retargetable retargetable() {
        return this::scorerFor;
    }

    /**
     * Re-targets a scorer; not thread-safe. The scorer {@link #at} returns is valid only until the
     * handle's next call.
     */
    @FunctionalInterface
    interface Retargetable {
        /** A scorer whose fixed vector is the stored vector {@code ordinal}. */
        VectorScorer at(int ordinal);
    }
}
