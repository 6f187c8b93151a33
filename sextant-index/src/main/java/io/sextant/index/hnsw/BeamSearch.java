package io.sextant.index.hnsw;

import io.sextant.index.VectorScorer;
import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * The per-thread state of a best-first (beam) search on one graph level: a visited set, a
 * candidate frontier (best on top) and a bounded result set (worst on top). Used by both the
 * searcher and the builder, so that the same loop serves queries and insertions.
 *
 * <p>Usage: {@link #reset(int)}, {@link #seed} the entry points, {@link #searchLevel}, read the
 * results, then {@link #reseedFromResults()} to descend a level. Not thread-safe: one per thread.
 */
final class BeamSearch {
    private final VisitedSet visited = new VisitedSet(1024);
    private final NodeHeap candidates = NodeHeap.maxHeap();
    private final NodeHeap results = NodeHeap.minHeap();
    private int[] neighbors = new int[64];
    private long[] drain = new long[64];
    private long visitedCount;

    /** Clears everything for a graph of {@code graphSize} ordinals. */
    void reset(int graphSize) {
        visited.ensureCapacity(graphSize);
        visited.clear();
        candidates.clear();
        results.clear();
        visitedCount = 0;
    }

    /** Adds an entry point; it becomes a result only when {@code accept} allows it. */
    void seed(int node, float score, IntPredicate accept) {
        if (visited.visit(node)) {
            visitedCount++;
            candidates.push(node, score);
            if (accept == null || accept.test(node)) {
                results.push(node, score);
            }
        }
    }

    /**
     * Best-first search on {@code level} from the seeded entry points, keeping the {@code ef} best
     * accepted nodes. Non-accepted nodes are still expanded, so a filter does not cut the graph.
     */
    void searchLevel(HnswGraph graph, VectorScorer scorer, int level, int ef, IntPredicate accept) {
        int degree = graph.maxDegree(level);
        if (neighbors.length < degree) {
            neighbors = new int[degree];
        }
        int[] buf = neighbors;
        VisitedSet seen = visited;
        NodeHeap frontier = candidates;
        NodeHeap best = results;
        long scored = 0;
        while (frontier.size() > 0) {
            long top = frontier.pop();
            if (best.size() >= ef && NodeHeap.score(top) < best.topScore()) {
                break;
            }
            int count = graph.neighbors(level, NodeHeap.node(top), buf);
            for (int i = 0; i < count; i++) {
                int nb = buf[i];
                if (!seen.visit(nb)) {
                    continue;
                }
                float s = scorer.score(nb);
                scored++;
                if (best.size() < ef || s > best.topScore()) {
                    frontier.push(nb, s);
                    if (accept == null || accept.test(nb)) {
                        best.pushBounded(nb, s, ef);
                    }
                }
            }
        }
        visitedCount += scored;
    }

    /**
     * Starts a new level: clears visited and frontier and re-seeds them with the current results,
     * which stay results only when {@code accept} allows them.
     */
    void reseedFromResults(IntPredicate accept) {
        int n = results.size();
        long[] tmp = drainBuffer(n);
        for (int i = 0; i < n; i++) {
            tmp[i] = results.packedAt(i);
        }
        visited.clear();
        candidates.clear();
        results.clear();
        for (int i = 0; i < n; i++) {
            seed(NodeHeap.node(tmp[i]), NodeHeap.score(tmp[i]), accept);
        }
    }

    int resultCount() {
        return results.size();
    }

    /**
     * Writes the results best first into {@code nodes}/{@code scores} (each at least {@link
     * #resultCount()} long) and returns their count; the results stay in place.
     */
    int copyResultsBestFirst(int[] nodes, float[] scores) {
        int n = results.size();
        long[] tmp = drainBuffer(n);
        for (int i = 0; i < n; i++) {
            tmp[i] = results.packedAt(i);
        }
        Arrays.sort(tmp, 0, n);
        for (int i = 0; i < n; i++) {
            long v = tmp[n - 1 - i];
            nodes[i] = NodeHeap.node(v);
            scores[i] = NodeHeap.score(v);
        }
        return n;
    }

    /** Nodes scored since {@link #reset(int)} (entry points included). */
    long visitedCount() {
        return visitedCount;
    }

    private long[] drainBuffer(int n) {
        if (drain.length < n) {
            drain = new long[Math.max(n, drain.length * 2)];
        }
        return drain;
    }
}
