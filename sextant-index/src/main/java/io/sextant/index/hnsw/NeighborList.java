package io.sextant.index.hnsw;

import java.util.Arrays;

/**
 * The neighbours of one node on one level while building: node ordinals with their scores to the
 * owner, best first, exactly sized. Immutable: writers publish a new list (copy on write), so
 * readers never lock. {@code diverse} records that every entry passed the diversity heuristic
 * against all better entries, which lets an insertion into a full list check only the pairs that
 * involve the new node.
 */
final class NeighborList {
    static final NeighborList EMPTY = new NeighborList(new int[0], new float[0], true);

    final int[] nodes;
    final float[] scores;
    final boolean diverse;

    NeighborList(int[] nodes, float[] scores, boolean diverse) {
        this.nodes = nodes;
        this.scores = scores;
        this.diverse = diverse;
    }

    int size() {
        return nodes.length;
    }

    boolean contains(int node) {
        for (int n : nodes) {
            if (n == node) {
                return true;
            }
        }
        return false;
    }

    /** The index at which a new entry of {@code score} goes (after entries of equal score). */
    int insertionPoint(float score) {
        int i = 0;
        while (i < scores.length && scores[i] >= score) {
            i++;
        }
        return i;
    }

    /** A copy with (node, score) inserted in score order. */
    NeighborList with(int node, float score, boolean stillDiverse) {
        int pos = insertionPoint(score);
        int n = nodes.length;
        int[] nn = new int[n + 1];
        float[] ns = new float[n + 1];
        System.arraycopy(nodes, 0, nn, 0, pos);
        System.arraycopy(scores, 0, ns, 0, pos);
        nn[pos] = node;
        ns[pos] = score;
        System.arraycopy(nodes, pos, nn, pos + 1, n - pos);
        System.arraycopy(scores, pos, ns, pos + 1, n - pos);
        return new NeighborList(nn, ns, stillDiverse);
    }

    /** A list of the first {@code count} entries of the given arrays (already best first). */
    static NeighborList of(int[] nodes, float[] scores, int count, boolean diverse) {
        return new NeighborList(Arrays.copyOf(nodes, count), Arrays.copyOf(scores, count), diverse);
    }
}
