package io.sextant.index.hnsw;

/** How a filtered search walks level 0 through nodes that the filter rejects. */
public enum FilterTraversal {
    /**
     * Score every reachable neighbour and expand rejected ones like accepted ones; robust for any
     * filter, but under a selective filter most scored nodes are thrown away.
     */
    SCORE_ALL,
    /**
     * Score accepted nodes only; a rejected neighbour is walked through to its accepted neighbours
     * (two hops). Best for selective filters, in particular with payload sub-graph links.
     */
    TWO_HOP
}
