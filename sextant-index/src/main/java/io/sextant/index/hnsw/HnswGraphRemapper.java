package io.sextant.index.hnsw;

import io.sextant.index.ScorerSupplier;
import io.sextant.index.VectorScorer;
import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * Starts an {@link HnswGraphBuilder} from an existing graph seen through an ordinal map, so a merge
 * can reuse the graph of its largest source and insert only the other points (Qdrant's "old
 * index" reuse). The map sends each old ordinal to its new ordinal, or to -1 for a point that is
 * not carried over (deleted in the source, or replaced by a newer version from another source).
 *
 * <p><b>Rule for points not carried over: removed, their in-links repaired.</b> A kept node keeps
 * its old top level. On each level, a node whose list names no removed point keeps that list (scores
 * recomputed from the new vectors, best first, marked not diverse so a later overflow re-selects
 * the whole list). A node whose list names removed points gets a new list: its kept neighbours plus
 * the kept neighbours of each removed one on that level (the links the removed point would have
 * offered as a detour), scored, sorted and cut to {@code m} ({@code 2m} on level 0) with the
 * builder's diversity heuristic. The entry point is the old one when kept, else a kept node of the
 * highest level (the lowest new ordinal among them). Tombstones would keep removed vectors in the
 * merged segment's files and cost a visit on every search; removal keeps the new segment exactly
 * the live points, as a from-scratch build does.
 *
 * <p>Lists of the old graph may hold payload sub-graph links on level 0 (more than {@code 2m}
 * entries); unrepaired lists keep them as ordinary links until an insertion re-selects the list.
 *
 * <p>Thread-safety: {@link #seed} reads {@code existing} from several threads (graphs allow
 * concurrent readers) and returns a builder nobody else holds yet.
 */
public final class HnswGraphRemapper {
    private static final int CHUNK = 256;

    private HnswGraphRemapper() {}

    /**
     * A builder seeded from an old graph, and what seeding did.
     *
     * @param builder holds the kept nodes; {@link HnswGraphBuilder#add} inserts the others
     * @param keptNodes nodes carried over from the old graph
     * @param removedNodes nodes of the old graph that were not carried over
     * @param repairedLists lists (node, level) rebuilt because they named a removed node
     */
    public record Seeded(HnswGraphBuilder builder, int keptNodes, int removedNodes, int repairedLists) {}

    /**
     * Copies {@code existing} into a new builder over {@code vectors}, through {@code oldToNew}.
     *
     * @param existing a complete graph
     * @param oldToNew for each ordinal of {@code existing}, its ordinal in {@code vectors} or -1; no
     *     two old ordinals may map to the same new one
     * @param threads threads repairing lists (at least 1)
     * @throws IllegalArgumentException when the map has the wrong length, or an entry out of range
     *     or repeated
     */
    public static Seeded seed(
            HnswGraph existing,
            int[] oldToNew,
            ScorerSupplier vectors,
            HnswConfig config,
            int threads,
            BooleanSupplier cancelled)
            throws InterruptedException {
        if (oldToNew.length != existing.size()) {
            throw new IllegalArgumentException(
                    "map has " + oldToNew.length + " entries, the graph " + existing.size() + " ordinals");
        }
        int n = vectors.size();
        BitSet taken = new BitSet(n);
        HnswGraphBuilder b = new HnswGraphBuilder(vectors, config).cancelWhen(cancelled);
        OnHeapHnswGraph g = b.graph();
        int best = -1;
        int bestLevel = -1;
        int kept = 0;
        int removed = 0;
        for (int old = 0; old < oldToNew.length; old++) {
            int level = existing.levelOf(old);
            int nw = oldToNew[old];
            if (nw < -1 || nw >= n) {
                throw new IllegalArgumentException(
                        "old ordinal " + old + " maps to " + nw + ", outside [-1, " + n + ")");
            }
            if (level < 0) {
                continue;
            }
            if (nw < 0) {
                removed++;
                continue;
            }
            if (taken.get(nw)) {
                throw new IllegalArgumentException(
                        "new ordinal " + nw + " is mapped to twice (old ordinal " + old + ")");
            }
            taken.set(nw);
            g.addNode(nw, level);
            kept++;
            if (level > bestLevel || (level == bestLevel && nw < best)) {
                best = nw;
                bestLevel = level;
            }
        }
        int oldEntry = existing.entryPoint();
        int entry = oldEntry >= 0 && oldToNew[oldEntry] >= 0 ? oldToNew[oldEntry] : best;
        if (entry >= 0) {
            g.setEntryPoint(entry);
        }
        AtomicInteger repaired = new AtomicInteger();
        int chunks = (oldToNew.length + CHUNK - 1) / CHUNK;
        Runnable work = () -> IntStream.range(0, chunks).parallel().forEach(c -> {
            b.checkCancelled();
            Repair r = new Repair(existing, oldToNew, vectors, config, g);
            int end = Math.min(oldToNew.length, (c + 1) * CHUNK);
            for (int old = c * CHUNK; old < end; old++) {
                if (oldToNew[old] >= 0 && existing.levelOf(old) >= 0) {
                    repaired.addAndGet(r.copyNode(old));
                }
            }
        });
        ParallelWork.run(threads, "HNSW graph remap", work);
        return new Seeded(b, kept, removed, repaired.get());
    }

    /** One worker's buffers for copying nodes. */
    private static final class Repair {
        private final HnswGraph existing;
        private final int[] oldToNew;
        private final HnswConfig config;
        private final OnHeapHnswGraph g;
        private final ScorerSupplier.Retargetable self;
        private final DiverseSelection selection;
        private final int[] buf;
        private final int[] detour;
        private int[] cand = new int[64];
        private float[] scores = new float[64];
        private long[] packed = new long[64];
        private final int[] pick;
        private final float[] pickScores;

        Repair(HnswGraph existing, int[] oldToNew, ScorerSupplier vectors, HnswConfig config, OnHeapHnswGraph g) {
            this.existing = existing;
            this.oldToNew = oldToNew;
            this.config = config;
            this.g = g;
            this.self = vectors.retargetable();
            this.selection = new DiverseSelection(vectors.retargetable());
            int degree = Math.max(existing.maxDegree(0), existing.maxDegree(1));
            this.buf = new int[degree];
            this.detour = new int[degree];
            this.pick = new int[2 * config.m()];
            this.pickScores = new float[2 * config.m()];
        }

        /** Sets every level's list of the node of {@code old}; returns how many lists were repaired. */
        int copyNode(int old) {
            int node = oldToNew[old];
            int level = existing.levelOf(old);
            VectorScorer scorer = self.at(node);
            int repairedLists = 0;
            for (int l = 0; l <= level; l++) {
                int count = existing.neighbors(l, old, buf);
                int size = 0;
                boolean lost = false;
                for (int i = 0; i < count; i++) {
                    int nb = oldToNew[buf[i]];
                    if (nb >= 0) {
                        size = append(size, nb);
                    } else {
                        lost = true;
                    }
                }
                if (lost) { // detour through the removed neighbours' kept neighbours
                    for (int i = 0; i < count; i++) {
                        if (oldToNew[buf[i]] >= 0) {
                            continue;
                        }
                        int c2 = existing.neighbors(l, buf[i], detour);
                        for (int j = 0; j < c2; j++) {
                            int nb = oldToNew[detour[j]];
                            if (nb >= 0 && nb != node) {
                                size = append(size, nb);
                            }
                        }
                    }
                    size = dedupe(size);
                }
                scorer.bulkScore(cand, size, scores);
                for (int i = 0; i < size; i++) {
                    packed[i] = NodeHeap.encode(cand[i], scores[i]);
                }
                Arrays.sort(packed, 0, size);
                for (int i = 0; i < size; i++) {
                    cand[i] = NodeHeap.node(packed[size - 1 - i]);
                    scores[i] = NodeHeap.score(packed[size - 1 - i]);
                }
                NeighborList list;
                if (lost) {
                    int cap = config.maxConnections(l);
                    int picked = selection.select(cand, scores, size, cap, pick, pickScores);
                    list = NeighborList.of(pick, pickScores, picked, true);
                    repairedLists++;
                } else {
                    list = NeighborList.of(cand, scores, size, false);
                }
                synchronized (g.lockFor(node)) {
                    g.setList(node, l, list);
                }
            }
            return repairedLists;
        }

        private int append(int size, int node) {
            if (size == cand.length) {
                cand = Arrays.copyOf(cand, size * 2);
                scores = Arrays.copyOf(scores, size * 2);
                packed = Arrays.copyOf(packed, size * 2);
            }
            cand[size] = node;
            return size + 1;
        }

        private int dedupe(int size) {
            Arrays.sort(cand, 0, size);
            int w = 0;
            for (int i = 0; i < size; i++) {
                if (w == 0 || cand[w - 1] != cand[i]) {
                    cand[w++] = cand[i];
                }
            }
            return w;
        }
    }
}
