package io.sextant.index.hnsw;

import java.util.Arrays;

/**
 * A set of visited ordinals cleared in O(1): each slot holds the generation in which it was last
 * visited, and {@link #clear()} starts a new generation (the array is zeroed only when the counter
 * wraps). Meant to be reused across searches by one thread. Not thread-safe.
 */
final class VisitedSet {
    private int[] marks;
    private int generation = 1;

    VisitedSet(int capacity) {
        marks = new int[Math.max(1, capacity)];
    }

    /** Makes room for ordinals below {@code capacity}, keeping the current generation's marks. */
    void ensureCapacity(int capacity) {
        if (capacity > marks.length) {
            marks = Arrays.copyOf(marks, Math.max(capacity, marks.length + (marks.length >> 1)));
        }
    }

    /** Marks {@code node}; returns true when it was not yet visited in this generation. */
    boolean visit(int node) {
        int[] m = marks;
        if (m[node] == generation) {
            return false;
        }
        m[node] = generation;
        return true;
    }

    boolean isVisited(int node) {
        return marks[node] == generation;
    }

    void clear() {
        if (++generation == 0) {
            Arrays.fill(marks, 0);
            generation = 1;
        }
    }
}
