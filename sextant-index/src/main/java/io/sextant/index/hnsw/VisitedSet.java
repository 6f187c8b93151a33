package io.sextant.index.hnsw;

import java.util.Arrays;

/**
 * A set of visited ordinals cleared in O(1): each slot holds the generation (1 to 255) in which it
 * was last visited, and {@link #clear()} starts a new generation; the array is zeroed once every
 * 255 clears, when the counter wraps. One byte per ordinal rather than an int keeps the marks of a
 * 100,000-node graph in 100 KB, so a search's random probes mostly hit the CPU's L2 cache (an int
 * per ordinal, 400 KB, did not). Meant to be reused across searches by one thread. Not thread-safe.
 */
final class VisitedSet {
    private static final int GENERATIONS = 255;

    private byte[] marks;
    private byte generation = 1;

    VisitedSet(int capacity) {
        marks = new byte[Math.max(1, capacity)];
    }

    /** Makes room for ordinals below {@code capacity}, keeping the current generation's marks. */
    void ensureCapacity(int capacity) {
        if (capacity > marks.length) {
            marks = Arrays.copyOf(marks, Math.max(capacity, marks.length + (marks.length >> 1)));
        }
    }

    /** Marks {@code node}; returns true when it was not yet visited in this generation. */
    boolean visit(int node) {
        byte[] m = marks;
        byte g = generation;
        if (m[node] == g) {
            return false;
        }
        m[node] = g;
        return true;
    }

    boolean isVisited(int node) {
        return marks[node] == generation;
    }

    void clear() {
        int next = (generation & 0xFF) + 1;
        if (next > GENERATIONS) {
            Arrays.fill(marks, (byte) 0);
            next = 1;
        }
        generation = (byte) next;
    }
}
