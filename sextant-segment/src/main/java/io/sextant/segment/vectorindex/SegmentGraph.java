package io.sextant.segment.vectorindex;

import io.sextant.index.hnsw.HnswSearcher;
import io.sextant.index.hnsw.MmapHnswGraph;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The memory-mapped HNSW graph of one named vector of a segment, with a pool of {@link
 * HnswSearcher}s: a searcher keeps a visited set as large as the graph, and requests run on virtual
 * threads (so thread-locals would not be reused), hence the pool. It remembers which payload fields
 * it has {@code payload_m} links for ({@link SegmentIndexBuilder#linkFields}), so that a payload
 * index created later marks it stale ({@link SegmentIndexBuilder#staleGraph}). Thread-safe.
 */
public final class SegmentGraph {
    private static final int MAX_POOLED = 64;
    private final MmapHnswGraph graph;
    private final Set<String> links;
    private final ConcurrentLinkedQueue<HnswSearcher> pool = new ConcurrentLinkedQueue<>();

    /**
     * @param graph the mapped graph
     * @param links the payload link fields it was built with; null when unknown (a file left from
     *     another payload schema), which makes it stale
     */
    public SegmentGraph(MmapHnswGraph graph, Set<String> links) {
        this.graph = graph;
        this.links = links == null ? null : Set.copyOf(links);
    }

    /** The payload link fields the graph was built with; null when unknown. */
    public Set<String> links() {
        return links;
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
