package io.sextant.index.hnsw;

/**
 * Thrown by {@link HnswGraphBuilder} when the condition given to {@link
 * HnswGraphBuilder#cancelWhen} turned true during a build: the graph is incomplete and must be
 * discarded. Cancellation is cooperative (checked between nodes), never by thread interrupt, so
 * that a cancelled builder's thread cannot have a file channel closed under it.
 */
public final class BuildCancelledException extends RuntimeException {
    public BuildCancelledException() {
        super("HNSW build cancelled");
    }
}
