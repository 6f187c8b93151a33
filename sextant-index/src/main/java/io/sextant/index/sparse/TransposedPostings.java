package io.sextant.index.sparse;

import io.sextant.vector.sparse.SparseVector;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * All postings of a set of vectors grouped by dimension id (ascending unsigned), ordinals ascending
 * within each dimension, in two flat arrays: the input of {@link SparseIndexWriter}. Built with a
 * counting pass and a filling pass over the vectors (8 bytes of heap per posting). Not thread-safe;
 * immutable after {@link #of}.
 */
final class TransposedPostings {
    int[] dimIds;
    /** Dimension d's postings are at indexes {@code start[d] .. start[d+1]-1}. */
    int[] start;

    int[] ords;
    float[] weights;

    int count(int d) {
        return start[d + 1] - start[d];
    }

    static TransposedPostings of(int ordinalLimit, IntFunction<SparseVector> vectorAt) {
        DimCounter counter = new DimCounter();
        long total = 0;
        for (int ord = 0; ord < ordinalLimit; ord++) {
            SparseVector v = vectorAt.apply(ord);
            if (v == null) {
                continue;
            }
            for (float w : v.values()) {
                if (!Float.isFinite(w)) {
                    throw new IllegalArgumentException("sparse weight of ordinal " + ord + " must be finite, got " + w);
                }
            }
            for (int id : v.indices()) {
                counter.increment(id);
            }
            total += v.size();
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many postings for one index file: " + total);
        }
        TransposedPostings t = new TransposedPostings();
        t.dimIds = counter.sortedIds();
        t.start = new int[t.dimIds.length + 1];
        for (int d = 0; d < t.dimIds.length; d++) {
            t.start[d + 1] = t.start[d] + counter.count(t.dimIds[d]);
            counter.setSlotValue(t.dimIds[d], t.start[d]); // now the next free position of d
        }
        t.ords = new int[(int) total];
        t.weights = new float[(int) total];
        for (int ord = 0; ord < ordinalLimit; ord++) {
            SparseVector v = vectorAt.apply(ord);
            if (v == null) {
                continue;
            }
            int[] ids = v.indices();
            for (int i = 0; i < ids.length; i++) {
                int pos = counter.getAndIncrement(ids[i]);
                t.ords[pos] = ord;
                t.weights[pos] = v.values()[i];
            }
        }
        return t;
    }

    /** Open-addressing map from dimension id to a counter, for the transposition. */
    private static final class DimCounter {
        private int[] keys = new int[1024];
        private int[] values = new int[1024];
        private boolean[] used = new boolean[1024];
        private int size;

        private int slot(int id) {
            int mask = keys.length - 1;
            int h = id * 0x9E37_79B9;
            int s = (h ^ (h >>> 16)) & mask;
            while (used[s] && keys[s] != id) {
                s = (s + 1) & mask;
            }
            return s;
        }

        void increment(int id) {
            int s = slot(id);
            if (!used[s]) {
                if (2 * (size + 1) > keys.length) {
                    grow();
                    s = slot(id);
                }
                used[s] = true;
                keys[s] = id;
                size++;
            }
            values[s]++;
        }

        int count(int id) {
            return values[slot(id)];
        }

        void setSlotValue(int id, int value) {
            values[slot(id)] = value;
        }

        int getAndIncrement(int id) {
            return values[slot(id)]++;
        }

        int[] sortedIds() {
            int[] ids = new int[size];
            int n = 0;
            for (int i = 0; i < keys.length; i++) {
                if (used[i]) {
                    ids[n++] = keys[i] ^ Integer.MIN_VALUE;
                }
            }
            Arrays.sort(ids); // signed sort of sign-flipped ids = unsigned order
            for (int i = 0; i < n; i++) {
                ids[i] ^= Integer.MIN_VALUE;
            }
            return ids;
        }

        private void grow() {
            int[] oldKeys = keys;
            int[] oldValues = values;
            boolean[] oldUsed = used;
            keys = new int[oldKeys.length * 2];
            values = new int[oldKeys.length * 2];
            used = new boolean[oldKeys.length * 2];
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldUsed[i]) {
                    int s = slot(oldKeys[i]);
                    used[s] = true;
                    keys[s] = oldKeys[i];
                    values[s] = oldValues[i];
                }
            }
        }
    }
}
