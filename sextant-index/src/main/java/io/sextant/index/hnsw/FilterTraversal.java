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
     * Rejected nodes are expanded only on the way to the first accepted node (or out of an
     * exhausted island of accepted nodes), so a query far from the filter's nodes costs about
     * what a query among them costs.
     */
    TWO_HOP
}
