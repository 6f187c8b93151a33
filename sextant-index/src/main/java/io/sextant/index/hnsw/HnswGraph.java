package io.sextant.index.hnsw;

/**
 * A read view of an HNSW graph over ordinals {@code 0 .. size()-1}: per level, each node's
 * neighbours. Implemented on heap by {@link OnHeapHnswGraph} (while building) and from a file by
 * {@link MmapHnswGraph}; searched by {@link HnswSearcher}.
 *
 * <p>Implementations are safe for concurrent readers.
 */
public interface HnswGraph {

    /** The ordinal space: every node is in {@code [0, size())}. */
    int size();

    /** The node every search starts from, or -1 when the graph is empty. */
    int entryPoint();

    /** The top level of {@code node}, or -1 when the node is not in the graph. */
    int levelOf(int node);

    /** An upper bound of {@link #neighbors} counts on {@code level}; size buffers with it. */
    int maxDegree(int level);

    /**
     * Copies the neighbours of {@code node} on {@code level} into {@code dest} (which should hold
     * {@link #maxDegree(int)} ints), best first where known, and returns how many were copied. A
     * node absent from that level has none.
     */
    int neighbors(int level, int node, int[] dest);

    /** The entry point's level, -1 when empty. */
    default int maxLevel() {
        int ep = entryPoint();
        return ep < 0 ? -1 : levelOf(ep);
    }
}
