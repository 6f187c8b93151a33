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
    private float[] bulkScores = new float[64];
    private int[] secondHop = new int[64];
    private int[] pending = new int[64];
    private float[] pendingScores = new float[64];
    private int[] stones = new int[64];
    private long[] drain = new long[64];
    private int[] reserve = new int[64];
    private float[] reserveScores = new float[64];
    private int reserveSize;
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
     * accepted nodes. Every neighbour is scored, accepted or not, so a filter cannot cut the graph;
     * rejected nodes are expanded but never collected. A node's unvisited neighbours are scored
     * in one {@link VectorScorer#bulkScore} call.
     */
    void searchLevel(HnswGraph graph, VectorScorer scorer, int level, int ef, IntPredicate accept) {
        int[] buf = neighborBuffer(graph.maxDegree(level));
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
            int fresh = 0;
            for (int i = 0; i < count; i++) {
                int nb = buf[i];
                if (seen.visit(nb)) {
                    buf[fresh++] = nb;
                }
            }
            float[] s = bulkScores;
            scorer.bulkScore(buf, fresh, s);
            scored += fresh;
            for (int i = 0; i < fresh; i++) {
                int nb = buf[i];
                if (best.size() < ef || s[i] > best.topScore()) {
                    frontier.push(nb, s[i]);
                    if (accept == null || accept.test(nb)) {
                        best.pushBounded(nb, s[i], ef);
                    }
                }
            }
        }
        visitedCount += scored;
    }

    /**
     * Filtered best-first search that scores accepted nodes only (in the spirit of ACORN-1): a
     * rejected neighbour is not scored but walked through, its own neighbours that are accepted are
     * scored instead. Much cheaper than {@link #searchLevel} under a selective filter, and
     * connected when the filter's nodes are linked among themselves (payload sub-graph links) or
     * lie within two hops of each other. The second hop is taken only from nodes with fewer than a
     * quarter of their neighbours accepted: inside a payload sub-graph the direct links suffice.
     *
     * <p>Rejected nodes as stepping stones: until the first accepted node is found, rejected
     * neighbours are also scored and expanded (as {@link #searchLevel} does), so a search entering
     * the level far from the filter's nodes walks on towards them. From the first accepted node on,
     * only accepted nodes are expanded: a query far from the filter's region has many rejected
     * nodes closer to it than any accepted one, and expanding them (the stopping rule compares with
     * accepted results only) made such queries visit 4-5x the median's nodes, the filtered latency
     * tail. Rejected neighbours met from then on are set aside unscored in a reserve, keyed by the
     * score of the node they were met from; should the frontier run dry with fewer than {@code ef}
     * results (an island of accepted nodes), the reserve is scored and the search goes on with
     * stepping stones as before, so it stops short only when the level has no more reachable
     * accepted nodes.
     */
    void searchLevelTwoHop(HnswGraph graph, VectorScorer scorer, int level, int ef, IntPredicate accept) {
        int degree = graph.maxDegree(level);
        int[] buf = neighborBuffer(degree);
        if (secondHop.length < degree) {
            secondHop = new int[degree];
        }
        int pendingCap = degree * (degree + 1);
        if (pending.length < pendingCap) {
            pending = new int[pendingCap];
            pendingScores = new float[pendingCap];
        }
        if (stones.length < degree) {
            stones = new int[degree];
        }
        int[] buf2 = secondHop;
        int[] todo = pending;
        float[] todoScores = pendingScores;
        int[] rejected = stones;
        VisitedSet seen = visited;
        NodeHeap frontier = candidates;
        NodeHeap best = results;
        reserveSize = 0;
        boolean starving = false;
        boolean stepping = best.size() == 0; // rejected nodes are expanded only while stepping
        long scored = 0;
        while (true) {
            if (frontier.size() == 0) {
                if (best.size() >= ef || reserveSize == 0) {
                    break;
                }
                // an island: fewer than ef accepted nodes reachable through accepted ones
                scored += scoreReserve(scorer);
                starving = true;
                stepping = true;
                continue;
            }
            long top = frontier.pop();
            if (best.size() >= ef && NodeHeap.score(top) < best.topScore()) {
                break;
            }
            int node = NodeHeap.node(top);
            if (!stepping && !accept.test(node)) {
                // a stepping stone scored before the first accepted node was found: kept only
                // for an island that runs dry
                rejected[0] = node;
                hold(rejected, 1);
                continue;
            }
            int count = graph.neighbors(level, node, buf);
            int n = 0;
            int r = 0;
            int acceptedNeighbours = 0;
            for (int i = 0; i < count; i++) {
                int nb = buf[i];
                boolean ok = accept.test(nb);
                acceptedNeighbours += ok ? 1 : 0;
                if (seen.visit(nb)) {
                    if (ok) {
                        todo[n++] = nb;
                    } else {
                        rejected[r++] = nb;
                    }
                }
            }
            // The second hop costs a neighbour-list read per rejected neighbour; it is needed only
            // where the filter's nodes are sparse around this one (no payload links here).
            if (acceptedNeighbours * 4 < count) {
                for (int i = 0; i < r; i++) {
                    int count2 = graph.neighbors(level, rejected[i], buf2);
                    for (int j = 0; j < count2; j++) {
                        int nb2 = buf2[j];
                        if (!seen.isVisited(nb2) && accept.test(nb2)) {
                            seen.visit(nb2);
                            todo[n++] = nb2;
                        }
                    }
                }
            }
            scorer.bulkScore(todo, n, todoScores);
            scored += n;
            for (int i = 0; i < n; i++) {
                offer(todo[i], todoScores[i], ef);
            }
            if (r > 0 && stepping && best.size() < ef) {
                // No accepted node found yet (or an island ran dry): keep the rejected neighbours
                // as stepping stones, or a start far from the filter's region would die out.
                scorer.bulkScore(rejected, r, todoScores);
                scored += r;
                for (int i = 0; i < r; i++) {
                    frontier.push(rejected[i], todoScores[i]);
                }
            } else if (r > 0) {
                hold(rejected, r);
            }
            if (stepping && !starving && best.size() > 0) {
                stepping = false;
            }
        }
        visitedCount += scored;
    }

    /** Sets rejected, unscored neighbours aside for {@link #scoreReserve}. */
    private void hold(int[] nodes, int n) {
        if (reserveSize + n > reserve.length) {
            reserve = Arrays.copyOf(reserve, Math.max(reserveSize + n, reserve.length * 2));
        }
        System.arraycopy(nodes, 0, reserve, reserveSize, n);
        reserveSize += n;
    }

    /** Scores the reserve onto the frontier and empties it; returns how many were scored. */
    private int scoreReserve(VectorScorer scorer) {
        int n = reserveSize;
        if (reserveScores.length < n) {
            reserveScores = new float[Math.max(n, reserveScores.length * 2)];
        }
        scorer.bulkScore(reserve, n, reserveScores);
        for (int i = 0; i < n; i++) {
            candidates.push(reserve[i], reserveScores[i]);
        }
        reserveSize = 0;
        return n;
    }

    private void offer(int node, float score, int ef) {
        if (results.size() < ef || score > results.topScore()) {
            candidates.push(node, score);
            results.pushBounded(node, score, ef);
        }
    }

    private int[] neighborBuffer(int degree) {
        if (neighbors.length < degree) {
            neighbors = new int[degree];
        }
        if (bulkScores.length < degree) {
            bulkScores = new float[degree];
        }
        return neighbors;
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
