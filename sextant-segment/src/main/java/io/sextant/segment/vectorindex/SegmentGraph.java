package io.sextant.segment.vectorindex;

import io.sextant.index.hnsw.HnswSearcher;
import io.sextant.index.hnsw.MmapHnswGraph;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The memory-mapped HNSW graph of one named vector of a segment, with a pool of {@link
 * HnswSearcher}s: a searcher keeps a visited set as large as the graph, and requests run on virtual
 * threads (so thread-locals would not be reused), hence the pool. Thread-safe.
 */
public final class SegmentGraph {
    private static final int MAX_POOLED = 64;
    private final MmapHnswGraph graph;
    private final ConcurrentLinkedQueue<HnswSearcher> pool = new ConcurrentLinkedQueue<>();

    public SegmentGraph(MmapHnswGraph graph) {
        this.graph = graph;
    }

    public MmapHnswGraph graph() {
        return graph;
    }

    /** A searcher for this graph; give it back with {@link #release}. */
    public HnswSearcher borrow() {
        HnswSearcher s = pool.poll();
        return s != null ? s : new HnswSearcher(graph);
    }

    public void release(HnswSearcher searcher) {
        if (pool.size() < MAX_POOLED) {
            pool.offer(searcher);
        }
    }

    /** Unmaps the graph; searches racing with this fail with {@link IllegalStateException}. */
    public void close() {
        pool.clear();
        graph.close();
    }
}
