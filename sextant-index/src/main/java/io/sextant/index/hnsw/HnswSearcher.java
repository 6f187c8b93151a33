package io.sextant.index.hnsw;

import io.sextant.index.VectorScorer;
import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Searches an {@link HnswGraph}: greedy descent from the entry point through the upper levels, then
 * a beam search of width {@code max(ef, k)} on level 0. With an accept filter, level 0 still
 * expands rejected nodes (so the graph stays connected under a selective filter) but only accepted
 * nodes become results ({@link FilterTraversal#SCORE_ALL}); {@link FilterTraversal#TWO_HOP} scores
 * accepted nodes only, which is much cheaper under selective filters. Deciding to scan exactly
 * instead, or which traversal fits a filter's estimated cardinality, is the caller's job.
 *
 * <p>Not thread-safe: an instance reuses its visited set and heaps across searches, so use one per
 * thread (they are cheap; the visited set grows to the graph size on first use).
 */
public final class HnswSearcher {
    private final HnswGraph graph;
    private final BeamSearch search = new BeamSearch();
    private int[] nodes = new int[0];
    private float[] scores = new float[0];

    public HnswSearcher(HnswGraph graph) {
        this.graph = graph;
    }

    public HnswGraph graph() {
        return graph;
    }

    /**
     * The {@code k} best accepted ordinals for {@code scorer}, best first.
     *
     * @param scorer scores the query against stored ordinals (higher = closer)
     * @param k hits wanted, at least 1
     * @param ef beam width on level 0, at least 1; values below {@code k} are raised to {@code k}
     * @param accept the ordinals allowed in the result, or {@code null} for all
     */
    public SearchResult search(VectorScorer scorer, int k, int ef, IntPredicate accept) {
        return search(scorer, k, ef, accept, FilterTraversal.SCORE_ALL);
    }

    /**
     * Like {@link #search(VectorScorer, int, int, IntPredicate)}, choosing how level 0 walks
     * through nodes the filter rejects; see {@link FilterTraversal}. Ignored without a filter.
     */
    public SearchResult search(VectorScorer scorer, int k, int ef, IntPredicate accept, FilterTraversal traversal) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        if (ef < 1) {
            throw new IllegalArgumentException("ef must be >= 1, got " + ef);
        }
        int ep = graph.entryPoint();
        if (ep < 0) {
            return SearchResult.EMPTY;
        }
        int beam = Math.max(ef, k);
        search.reset(graph.size());
        search.seed(ep, scorer.score(ep), null);
        for (int level = graph.levelOf(ep); level > 0; level--) {
            search.searchLevel(graph, scorer, level, 1, null);
            search.reseedFromResults(null);
        }
        if (accept != null) {
            search.reseedFromResults(accept);
        }
        if (accept != null && traversal == FilterTraversal.TWO_HOP) {
            search.searchLevelTwoHop(graph, scorer, 0, beam, accept);
        } else {
            search.searchLevel(graph, scorer, 0, beam, accept);
        }
        int n = search.resultCount();
        if (nodes.length < n) {
            nodes = new int[n];
            scores = new float[n];
        }
        n = search.copyResultsBestFirst(nodes, scores);
        int hits = Math.min(k, n);
        return new SearchResult(Arrays.copyOf(nodes, hits), Arrays.copyOf(scores, hits), search.visitedCount());
    }
}
