package io.sextant.index.sparse;

import java.util.Arrays;

/**
 * The reusable per-thread buffers of {@link BlockMaxScoreSearch}: the window's score accumulator
 * and touched-ordinal bitset (all zero between searches) and one decoded block per query term.
 * Saves allocating and zeroing about 20 KB per search. Confined to one thread; a nested search on
 * the same thread (from an {@code accept} predicate) gets a fresh instance.
 */
final class SearchScratch {
    private static final ThreadLocal<SearchScratch> CACHE = ThreadLocal.withInitial(SearchScratch::new);

    final float[] acc = new float[BlockMaxScoreSearch.WINDOW];
    final long[] touched = new long[BlockMaxScoreSearch.WINDOW / 64];
    int[][] ords = new int[0][];
    float[][] weights = new float[0][];
    private boolean inUse;

    /** This thread's scratch (or a fresh one when it is in use), sized for {@code terms} terms. */
    static SearchScratch acquire(int terms) {
        SearchScratch s = CACHE.get();
        if (s.inUse) {
            s = new SearchScratch();
        }
        s.inUse = true;
        if (s.ords.length < terms) {
            int old = s.ords.length;
            s.ords = Arrays.copyOf(s.ords, terms);
            s.weights = Arrays.copyOf(s.weights, terms);
            for (int t = old; t < terms; t++) {
                s.ords[t] = new int[PostingBlocks.BLOCK_SIZE];
                s.weights[t] = new float[PostingBlocks.BLOCK_SIZE];
            }
        }
        return s;
    }

    /** Returns the scratch; {@code clean} is false when the search ended abruptly mid-window. */
    void release(boolean clean) {
        if (!clean) {
            Arrays.fill(acc, 0);
            Arrays.fill(touched, 0);
        }
        inUse = false;
    }
}
