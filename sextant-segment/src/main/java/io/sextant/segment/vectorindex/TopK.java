package io.sextant.segment.vectorindex;

import java.util.Arrays;

/**
 * The {@code k} entries with the highest keys seen so far: a binary min-heap over parallel arrays
 * of offsets and keys, so collecting candidates allocates nothing per entry.
 *
 * <p>Memory follows the entries held, never {@code k} alone: {@code k} comes from a request's
 * limit (up to {@link Integer#MAX_VALUE}), so the arrays start at {@code min(k, expected)} and
 * double, up to {@code k}, only as entries arrive. A top-k over a segment of n points therefore
 * never holds more than {@code min(k, n)} entries however large the limit. Not thread-safe.
 */
final class TopK {
    /** The first capacity when the caller has no better estimate. */
    static final int DEFAULT_INITIAL = 16;

    private final int k;
    private int[] offsets;
    private float[] keys;
    private int size;

    TopK(int k) {
        this(k, DEFAULT_INITIAL);
    }

    /**
     * @param k entries kept, at least 1 (smaller values are raised to 1)
     * @param expected how many entries will probably be offered (e.g. the live points of the
     *     segment); the arrays start at {@code min(k, expected)} and grow on demand
     */
    TopK(int k, int expected) {
        this.k = Math.max(1, k);
        int initial = Math.min(this.k, Math.max(1, expected));
        this.offsets = new int[initial];
        this.keys = new float[initial];
    }

    /** Entries the arrays can hold before they grow; never more than {@code k}. */
    int capacity() {
        return offsets.length;
    }

    /** Offers an entry; kept when fewer than k are held or its key beats the worst held. */
    void offer(int offset, float key) {
        if (size < k) {
            if (size == offsets.length) {
                int grown = (int) Math.min(k, Math.max(DEFAULT_INITIAL, 2L * size));
                offsets = Arrays.copyOf(offsets, grown);
                keys = Arrays.copyOf(keys, grown);
            }
            int i = size++;
            offsets[i] = offset;
            keys[i] = key;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (keys[parent] <= keys[i]) {
                    break;
                }
                swap(i, parent);
                i = parent;
            }
        } else if (key > keys[0]) {
            offsets[0] = offset;
            keys[0] = key;
            int i = 0;
            while (true) {
                int l = 2 * i + 1;
                if (l >= size) {
                    break;
                }
                int c = l + 1 < size && keys[l + 1] < keys[l] ? l + 1 : l;
                if (keys[i] <= keys[c]) {
                    break;
                }
                swap(i, c);
                i = c;
            }
        }
    }

    private void swap(int a, int b) {
        int o = offsets[a];
        offsets[a] = offsets[b];
        offsets[b] = o;
        float s = keys[a];
        keys[a] = keys[b];
        keys[b] = s;
    }

    int size() {
        return size;
    }

    int offset(int i) {
        return offsets[i];
    }

    float key(int i) {
        return keys[i];
    }
}
